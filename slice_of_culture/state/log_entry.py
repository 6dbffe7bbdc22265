"""The "Log something" dialog: find (or add) an item, then say what you thought of it."""

from __future__ import annotations

from datetime import date

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.models import ITEM_KINDS, Item
from slice_of_culture.services import catalog, entries, search
from slice_of_culture.services.catalog import DuplicateItem
from slice_of_culture.services.display import stars_label
from slice_of_culture.services.entries import EntryInput
from slice_of_culture.services.errors import NotFound, ServiceError, ValidationError
from slice_of_culture.services.search import ItemHit
from slice_of_culture.state.base import SessionState

# Element ids of the buttons that open the dialog (the navbar's; the item page's "Log this").
LOG_SOMETHING_ID = "log-something"
LOG_THIS_ID = "log-this"


class LogState(rx.State):
    open: bool = False
    # "search" -> "add" (new catalog item) -> "entry" (the entry form)
    step: str = "search"
    query: str = ""
    kind: str = ""
    results: list[ItemHit] = []
    searched: bool = False
    item_id: int = 0
    item_title: str = ""
    item_creator: str = ""
    item_kind: str = ""
    duplicate_id: int = 0
    add_errors: dict[str, str] = {}
    # Entry form
    editing_entry_id: int = 0
    status: str = "finished"
    rating: int = 0
    consumed_on: str = ""
    review: str = ""
    visibility: str = "public"
    errors: dict[str, str] = {}
    # The button that opened the dialog (its element id), for focus to go back to when the dialog
    # is closed without logging; "" when it was opened otherwise or a log took the page elsewhere.
    _opener: str = ""

    @rx.var
    def rating_text(self) -> str:
        return stars_label(self.rating)

    @rx.var
    def today(self) -> str:
        return date.today().isoformat()

    def _reset_form(self, default_visibility: str) -> None:
        self.step, self.query, self.kind, self.results, self.searched = "search", "", "", [], False
        self.item_id, self.item_title, self.item_creator, self.item_kind = 0, "", "", ""
        self.duplicate_id, self.add_errors, self.errors, self.editing_entry_id = 0, {}, {}, 0
        self.status, self.rating, self.review = "finished", 0, ""
        self.consumed_on = date.today().isoformat()
        self.visibility = default_visibility

    @rx.event
    async def start(self):
        """Open the dialog (logged-in people only; others go to the login page first)."""
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                return rx.redirect(routes.login_then(self.router.url.path or routes.HOME))
            self._reset_form(user.default_visibility)
        self.open, self._opener = True, LOG_SOMETHING_ID
        return None

    @rx.event
    async def start_with(self, item_id: int):
        """Open the dialog at the entry form for one item (the item page's "Log this")."""
        redirect = await self.start()
        if redirect is not None:
            return redirect
        self.choose(item_id)
        self._opener = LOG_THIS_ID
        return None

    @rx.event
    def return_focus(self):
        """The dialog has closed: focus goes back to the button that opened it (Radix does so
        only for its own trigger, and these buttons are outside the dialog), so a keyboard is not
        left at the top of the page. The navbar's button is one of two (wide, phone); focusing
        the hidden one does nothing."""
        opener, self._opener = self._opener, ""
        if opener == LOG_SOMETHING_ID:
            return [rx.set_focus(LOG_SOMETHING_ID), rx.set_focus(LOG_SOMETHING_ID + "-phone")]
        return rx.set_focus(opener) if opener else None

    @rx.event
    def set_open(self, value: bool):
        self.open = bool(value)

    @rx.event
    def set_query(self, value: str):
        self.query = str(value)[: search.MAX_QUERY]
        return LogState.run_search

    @rx.event
    def set_kind(self, value: str):
        self.kind = value if value in ITEM_KINDS else ""
        return LogState.run_search

    @rx.event
    def run_search(self):
        if not self.query.strip():
            self.results, self.searched = [], False
            return
        with session_scope() as session:
            self.results = search.search_items(session=session, query=self.query, kind=self.kind or None, limit=12)
        self.searched = True

    def _select(self, item: Item) -> None:
        self.item_id, self.item_title, self.item_creator, self.item_kind = item.id, item.title, item.creator, item.kind
        self.step = "entry"

    @rx.event
    def choose(self, item_id: int):
        with session_scope() as session:
            item = session.get(Item, item_id) if isinstance(item_id, int) else None
            if item is None:
                self.errors = {"form": "That item is no longer in the catalog."}
                return
            self._select(item)

    @rx.event
    def show_add(self):
        self.step, self.add_errors, self.duplicate_id = "add", {}, 0

    @rx.event
    def back_to_search(self):
        self.step = "search"

    @rx.event
    async def add_item(self, form_data: dict):
        """Add a missing item to the catalog; a duplicate offers the existing one instead."""
        session_state = await self.get_state(SessionState)
        try:
            with session_scope() as session:
                user = session_state.current_user(session)
                if user is None:
                    self.add_errors = {"form": "Your session has ended. Log in again."}
                    return
                item = catalog.add_item(
                    session=session,
                    user=user,
                    kind=form_data.get("kind", ""),
                    title=form_data.get("title", ""),
                    creator=form_data.get("creator", ""),
                    year=form_data.get("year", ""),
                    genres=form_data.get("genres", ""),
                )
                self._select(item)
        except DuplicateItem as exc:
            self.add_errors, self.duplicate_id = exc.errors, exc.existing.id
            return
        except ValidationError as exc:
            self.add_errors = exc.errors
            return
        self.add_errors = {}

    @rx.event
    def use_duplicate(self):
        return LogState.choose(self.duplicate_id)

    # Rating: ten native radio buttons drawn as half stars.

    @rx.event
    def set_rating(self, value: str):
        try:
            rating = int(value)
        except (TypeError, ValueError):
            return
        if 1 <= rating <= 10:
            self.rating = rating
            self.errors = {k: v for k, v in self.errors.items() if k != "rating"}

    @rx.event
    def clear_rating(self):
        self.rating = 0

    @rx.event
    def set_status(self, value: str):
        self.status = value
        if value == "want":
            self.rating = 0

    @rx.event
    def set_visibility(self, value: str):
        self.visibility = value

    @rx.event
    async def edit(self, entry_id: int):
        """Open the dialog on one of your own entries."""
        session_state = await self.get_state(SessionState)
        try:
            with session_scope() as session:
                user = session_state.current_user(session)
                if user is None:
                    return rx.redirect(routes.login_then(self.router.url.path))
                entry = entries.get_own_entry(session=session, user=user, entry_id=entry_id)
                self._reset_form(entry.visibility)
                self._select(session.get(Item, entry.item_id))
                self.editing_entry_id = entry.id
                self.status, self.rating, self.review = entry.status, entry.rating or 0, entry.review
                self.consumed_on = entry.consumed_on.isoformat() if entry.consumed_on else ""
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self.open, self._opener = True, ""
        return None

    @rx.event
    async def save(self, form_data: dict):
        session_state = await self.get_state(SessionState)
        data = EntryInput(
            status=self.status,
            rating=self.rating or None,
            consumed_on=form_data.get("consumed_on", ""),
            review=form_data.get("review", ""),
            visibility=self.visibility,
        )
        try:
            with session_scope() as session:
                user = session_state.current_user(session)
                if user is None:
                    self.errors = {"form": "Your session has ended. Log in again."}
                    return None
                if self.editing_entry_id:
                    entry = entries.update_entry(session=session, user=user, entry_id=self.editing_entry_id, data=data)
                else:
                    entry = entries.log_entry(session=session, user=user, item_id=self.item_id, data=data)
                username = user.username
        except ValidationError as exc:
            self.errors = exc.errors
            self.review = str(form_data.get("review", ""))[: entries.MAX_REVIEW + 100]
            return None
        except NotFound as exc:
            self.errors = {"form": exc.message}
            return None
        # The page changes to the profile: focus starts there, not at the opener.
        self.open, self.errors, self._opener = False, {}, ""
        return [
            rx.toast.success("Saved." if self.editing_entry_id else f"Logged {self.item_title}."),
            rx.redirect(f"/u/{username}?entry={entry.id}"),
        ]
