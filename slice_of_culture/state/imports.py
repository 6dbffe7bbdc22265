"""Import page: check an export file, show what it holds, then log it with a progress bar.

The rules are in services/imports.py. The import itself runs in a thread (one transaction), so
the worker keeps serving everyone else; a background event reports its progress twice a second.
"""

from __future__ import annotations

import asyncio
import logging
import time

import reflex as rx

from slice_of_culture.db import session_scope
from slice_of_culture.importers import MAX_BYTES, MAX_HISTORY_BYTES, ImportRow
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
    problems: list[str] = []
    problem_count: int = 0
    visibility: str = "public"
    importing: bool = False
    progress: int = 0
    done: str = ""
    done_problems: list[str] = []
    done_problem_count: int = 0
    # The rows of the checked file, kept on the server until "Import" is pressed.
    _rows: list[ImportRow] = []
    _started_at: float = 0.0

    def _clear(self) -> None:
        self.file_name, self.file_error, self.summary, self.ready = "", "", "", 0
        self.problems, self.problem_count, self._rows = [], 0, []
        self.done, self.done_problems, self.done_problem_count, self.progress = "", [], 0, 0

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
        self._rows = checked.rows
        self.summary, self.ready = checked.summary(), len(checked.rows)
        self.problems, self.problem_count = checked.problems[:PROBLEMS_SHOWN], len(checked.problems)

    @rx.event(background=True)
    async def start(self):
        """Log the checked rows for the signed-in person, reporting progress as it goes."""
        async with self:
            if self.importing or not self._rows:
                return
            token = (await self.get_state(SessionState)).auth_token
            rows, visibility = list(self._rows), self.visibility
            self.importing, self.progress, self.done = True, 0, ""
            self._started_at = time.time()
        state = {"done": 0}

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
                    progress=lambda done, _total: state.update(done=done),
                )

        task = asyncio.create_task(asyncio.to_thread(work))
        while not task.done():
            await asyncio.wait([task], timeout=0.5)
            async with self:
                self.progress = int(100 * state["done"] / max(len(rows), 1))
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
            self.progress = 100
            self.done = _done_text(result)
            self.done_problems = result.problems[:PROBLEMS_SHOWN]
            self.done_problem_count = len(result.problems)


def _done_text(result: ImportResult) -> str:
    text = f"Imported {count_of(result.imported, 'entry', 'entries')}"
    if result.new_items:
        text += f" ({count_of(result.new_items, 'new catalog item', 'new catalog items')})"
    text += "."
    if result.already_logged:
        # "lines" of a CSV, albums of a listening history: no noun fits both.
        text += f" Skipped {result.already_logged:,} you had already logged."
    return text
