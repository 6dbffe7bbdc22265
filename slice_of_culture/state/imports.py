"""Import page: check an export file, show what it holds (entries, and lists when it has some),
then log it with a progress bar.

The rules are in services/imports.py. The import itself runs in a thread (one transaction), so
the worker keeps serving everyone else; a background event reports its progress twice a second.
"""

from __future__ import annotations

import asyncio
import logging
import time

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.importers import MAX_BYTES, MAX_HISTORY_BYTES, ImportList, ImportRow
from slice_of_culture.models import VISIBILITIES
from slice_of_culture.services import accounts, imports
from slice_of_culture.services.display import count_of
from slice_of_culture.services.errors import ServiceError, ValidationError
from slice_of_culture.services.imports import ImportResult
from slice_of_culture.state.base import SessionState

log = logging.getLogger(__name__)

UPLOAD_ID = "import-file"
# Problems listed on the page (the count says how many there are in all).
PROBLEMS_SHOWN = 10
# An import still "running" after this many seconds died with its worker (5,000 lines take
# ~15 s, bench/RESULTS.md): the page lets the person start again. Nothing of it was saved.
STALE_AFTER = 600


class ImportState(rx.State):
    file_name: str = ""
    file_error: str = ""
    summary: str = ""
    ready: int = 0
    # The import button's words ("Import 3 entries and 2 lists"; the summary counts the lists' items).
    import_label: str = ""
    problems: list[str] = []
    problem_count: int = 0
    visibility: str = "public"
    importing: bool = False
    progress: int = 0
    done: str = ""
    done_problems: list[str] = []
    done_problem_count: int = 0
    # Where "See your lists" leads after an import that brought lists ("" when it brought none).
    done_lists_url: str = ""
    # Whether it logged entries from the file's rows (a lists export has none).
    done_entries: bool = False
    # The rows and lists of the checked file, kept on the server until "Import" is pressed.
    _rows: list[ImportRow] = []
    _lists: list[ImportList] = []
    _started_at: float = 0.0

    def _clear(self) -> None:
        self.file_name, self.file_error, self.summary, self.ready = "", "", "", 0
        self.problems, self.problem_count, self._rows = [], 0, []
        self.import_label, self._lists = "", []
        self.done, self.done_problems, self.done_problem_count, self.progress = "", [], 0, 0
        self.done_lists_url, self.done_entries = "", False

    @rx.event
    async def load(self):
        if self.importing and time.time() - self._started_at < STALE_AFTER:
            return
        self.importing = False
        self._clear()
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is not None:
                self.visibility = user.default_visibility

    @rx.event
    def set_visibility(self, value: str):
        if value in VISIBILITIES:
            self.visibility = value

    @rx.event
    async def check_file(self, files: list[rx.UploadFile]):
        """Read the chosen file and show what an import would do; nothing is saved yet."""
        if self.importing:
            return
        self._clear()
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            if session_state.current_user(session) is None:
                self.file_error = "Your session has ended. Log in again."
                return
        if not files:
            self.file_error = "Choose a file."
            return
        upload = files[0]
        self.file_name = (upload.name or "file.csv")[:200]
        data = await upload.read(max(MAX_BYTES, MAX_HISTORY_BYTES) + 1)
        try:
            # A 50 MB listening history takes about half a second to read: off the event loop, so
            # the worker keeps serving everyone else meanwhile.
            checked = await asyncio.to_thread(imports.read_file, self.file_name, data)
        except ValidationError as exc:
            self.file_error = exc.errors.get("file", exc.message)
            return
        self._rows, self._lists = checked.rows, checked.lists
        self.summary, self.ready = checked.summary(), len(checked.rows)
        self.import_label = _import_label(self.ready, len(checked.lists))
        self.problems, self.problem_count = checked.problems[:PROBLEMS_SHOWN], len(checked.problems)

    @rx.event(background=True)
    async def start(self):
        """Log the checked rows for the signed-in person, reporting progress as it goes."""
        async with self:
            if self.importing or not (self._rows or self._lists):
                return
            session_state = await self.get_state(SessionState)
            token, username = session_state.auth_token, session_state.username
            rows, item_lists, visibility = list(self._rows), list(self._lists), self.visibility
            self.importing, self.progress, self.done = True, 0, ""
            self._started_at = time.time()
        state = {"done": 0, "total": 1}

        def work() -> ImportResult:
            with session_scope() as session:
                user = accounts.user_for_token(session=session, token=token)
                if user is None:
                    raise ServiceError("Your session has ended. Log in again.")
                return imports.run_import(
                    session=session,
                    user=user,
                    rows=rows,
                    visibility=visibility,
                    progress=lambda done, total: state.update(done=done, total=total),
                    lists=item_lists,
                )

        task = asyncio.create_task(asyncio.to_thread(work))
        while not task.done():
            await asyncio.wait([task], timeout=0.5)
            async with self:
                self.progress = int(100 * state["done"] / max(state["total"], 1))
        async with self:
            self.importing = False
            try:
                result = task.result()
            except ServiceError as exc:
                self.file_error = exc.message
                return
            except Exception:  # noqa: BLE001 - nothing was saved (one transaction); say so
                log.exception("import failed")
                self.file_error = "The import failed and nothing was saved. Try again."
                return
            self._rows, self.ready, self.summary, self.problems, self.problem_count = [], 0, "", [], 0
            self._lists, self.import_label = [], ""
            self.progress = 100
            self.done = _done_text(result, entries=bool(rows), lists=bool(item_lists))
            touched = result.lists_imported + result.lists_added_to + result.lists_unchanged
            self.done_lists_url = routes.profile_section(username, "lists") if touched else ""
            self.done_entries = bool(rows)
            self.done_problems = result.problems[:PROBLEMS_SHOWN]
            self.done_problem_count = len(result.problems)


def _import_label(entries: int, lists: int) -> str:
    """ "Import 3 entries", "Import 2 lists", "Import 3 entries and 1 list"."""
    parts = [count_of(entries, "entry", "entries")] if entries else []
    if lists:
        parts.append(count_of(lists, "list", "lists"))
    return "Import " + " and ".join(parts) if parts else ""


def _done_text(result: ImportResult, *, entries: bool = True, lists: bool = False) -> str:
    text = ""
    if entries or not lists:
        text = f"Imported {count_of(result.imported, 'entry', 'entries')}"
        if result.new_items:
            text += f" ({count_of(result.new_items, 'new catalog item', 'new catalog items')})"
        text += "."
        if result.already_logged:
            # "lines" of a CSV, albums of a listening history: no noun fits both.
            text += f" Skipped {result.already_logged:,} you had already logged."
    if lists:
        listed = f"Imported {count_of(result.lists_imported, 'list', 'lists')}"
        if result.lists_imported:
            listed += f" ({count_of(result.list_items, 'item', 'items')})"
        if not entries and result.new_items:
            listed += f", with {count_of(result.new_items, 'new catalog item', 'new catalog items')}"
        text += (" " if text else "") + listed + "."
        if result.lists_added_to:
            added = count_of(result.items_added_to_lists, "item", "items")
            had = count_of(result.lists_added_to, "list", "lists")
            text += f" Added {added} to {had} you already had."
        if result.lists_unchanged:
            unchanged = count_of(result.lists_unchanged, "list", "lists")
            them = "it" if result.lists_unchanged == 1 else "them"
            text += f" Skipped {unchanged} you already had: nothing was missing from {them}."
    return text
