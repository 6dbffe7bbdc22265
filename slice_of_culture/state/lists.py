"""Lists: the list page (/lists/<id>, the owner edits it in place) and the item page's "Add to
list" dialog. Every change resolves the person from the session token (`act_as_viewer`); the
services decide what they may do."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.models import User
from slice_of_culture.services import lists
from slice_of_culture.services.errors import NotFound, ServiceError, ValidationError
from slice_of_culture.services.lists import ListItemView, ListPage, ListSummary
from slice_of_culture.state.base import SessionState, act_as_viewer


class ListState(rx.State):
    page: ListPage | None = None
    # The page's items, apart (a dataclass field called `items` reads as dict.items on the page).
    rows: list[ListItemView] = []
    # When it last changed, as the page says it ("7 Dec 2026").
    changed: str = ""
    not_found: bool = False
    # A refusal of the last change, shown at the top of the list.
    notice: str = ""
    # The details form (owner only): open or not, and its messages per field.
    editing: bool = False
    errors: dict[str, str] = {}
    # Bumped after each change so the details form's uncontrolled fields show the new values.
    form_key: int = 0

    def _list_id(self) -> int:
        raw = routes.route_arg(self.router.url.path)
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else 0

    async def _reload(self, session: Session) -> None:
        viewer = (await self.get_state(SessionState)).current_user(session)
        self.page = lists.list_page(session=session, list_id=self._list_id(), viewer_id=viewer.id if viewer else None)
        self.rows = self.page.items
        self.changed = f"{self.page.updated_at.day} {self.page.updated_at:%b %Y}"
        self.form_key += 1

    @rx.event
    async def load(self):
        self.page, self.rows, self.not_found, self.notice, self.editing, self.errors = None, [], False, "", False, {}
        with session_scope() as session:
            try:
                await self._reload(session)
            except NotFound:
                self.not_found = True

    async def _change(self, act) -> bool:  # noqa: ANN001
        """Run `act(session, viewer)` as the signed-in owner, then show the list as it now is."""
        self.notice = ""
        done = await act_as_viewer(self, act, back_to=self.router.url.path)
        if done is not True:
            return done or None
        with session_scope() as session:
            try:
                await self._reload(session)
            except NotFound:
                self.not_found, self.page, self.rows = True, None, []
        return None

    @rx.event
    async def move(self, item_id: int, position: int):
        return await self._change(
            lambda s, u: lists.move_item(session=s, user=u, list_id=self._list_id(), item_id=item_id, position=position)
        )

    @rx.event
    async def remove(self, item_id: int):
        return await self._change(
            lambda s, u: lists.remove_item(session=s, user=u, list_id=self._list_id(), item_id=item_id)
        )

    @rx.event
    async def save_note(self, item_id: int, note: str):
        return await self._change(
            lambda s, u: lists.set_note(session=s, user=u, list_id=self._list_id(), item_id=item_id, note=note)
        )

    @rx.event
    def set_editing(self, value: bool):
        self.editing, self.errors = bool(value), {}

    @rx.event
    async def save_details(self, form_data: dict):
        def act(session: Session, user: User) -> None:
            lists.update_list(
                session=session,
                user=user,
                list_id=self._list_id(),
                title=form_data.get("title", ""),
                description=form_data.get("description", ""),
                visibility=form_data.get("visibility", ""),
                ranked=form_data.get("ranked") == "on",
            )

        session_state = await self.get_state(SessionState)
        try:
            with session_scope() as session:
                user = session_state.current_user(session)
                if user is None:
                    return rx.redirect(routes.login_then(self.router.url.path))
                act(session, user)
        except ValidationError as exc:
            self.errors = exc.errors
            return None
        except ServiceError as exc:
            self.notice = exc.message
            return None
        self.editing, self.errors = False, {}
        with session_scope() as session:
            await self._reload(session)
        return None

    @rx.event
    async def delete(self):
        owner = self.page.owner_username if self.page else ""
        list_id = self._list_id()
        done = await act_as_viewer(
            self, lambda s, u: lists.delete_list(session=s, user=u, list_id=list_id), back_to=self.router.url.path
        )
        if done is not True:
            return done or None
        return rx.redirect(routes.profile_section(owner, "lists"))


class AddToListState(rx.State):
    """The item page's "Add to list" dialog: the person's lists, ticked where the item is on one."""

    open: bool = False
    lists: list[ListSummary] = []
    notice: str = ""
    title_error: str = ""
    form_key: int = 0
    # The person's profile, opened at its Lists tab.
    lists_href: str = ""
    _item_id: int = 0

    async def _refresh(self) -> bool:
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                return False
            self.lists = lists.my_lists_for_item(session=session, user=user, item_id=self._item_id)
            self.lists_href = routes.profile_section(user.username, "lists")
        return True

    @rx.event
    async def open_for(self):
        """Open the dialog for the item of the page it is on (its address, never an argument the
        browser sends: one rendered before the page loaded would be the item seen before)."""
        raw = routes.route_arg(self.router.url.path)
        self._item_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0
        self.notice, self.title_error = "", ""
        if not await self._refresh():
            return rx.redirect(routes.login_then(self.router.url.path))
        self.open = True
        return None

    @rx.event
    def set_open(self, value: bool):
        self.open = bool(value)

    @rx.event
    async def toggle(self, list_id: int, checked: bool):
        item_id = self._item_id

        def act(session: Session, user: User) -> None:
            if checked:
                lists.add_item(session=session, user=user, list_id=list_id, item_id=item_id)
            else:
                lists.remove_item(session=session, user=user, list_id=list_id, item_id=item_id)

        self.notice = ""
        done = await act_as_viewer(self, act, back_to=self.router.url.path)
        if done is not True and done is not False:
            return done
        await self._refresh()
        return None

    @rx.event
    async def create(self, form_data: dict):
        """A new list holding this item (both or neither)."""
        self.notice = ""
        made, self.title_error, redirect = await create_from_form(self, form_data, item_id=self._item_id)
        if made:
            self.form_key += 1
            await self._refresh()
        return redirect


async def create_from_form(
    state: rx.State, form_data: dict, item_id: int | None = None
) -> tuple[int | None, str, EventSpec | None]:
    """A new list of the signed-in person's from `new_list_form`'s fields, holding `item_id` if
    given (both or neither): (its id, "", None), or (None, why not, None), or, with nobody
    signed in, (None, "", the redirect to log in)."""
    session_state = await state.get_state(SessionState)
    try:
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                return None, "", rx.redirect(routes.login_then(state.router.url.path))
            made = lists.create_list(
                session=session,
                user=user,
                title=form_data.get("list_title", ""),
                visibility=form_data.get("list_visibility", "public"),
            )
            if item_id is not None:
                lists.add_item(session=session, user=user, list_id=made.id, item_id=item_id)
    except ServiceError as exc:
        return None, exc.errors.get("title", exc.message) if isinstance(exc, ValidationError) else exc.message, None
    return made.id, "", None
