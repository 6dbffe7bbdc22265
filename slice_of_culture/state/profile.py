"""A profile page: header and the owner's postcards the viewer may see."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.db import session_scope
from slice_of_culture.services import postcards, profiles
from slice_of_culture.services.errors import NotFound
from slice_of_culture.services.postcards import Postcard
from slice_of_culture.services.profiles import ProfileHeader
from slice_of_culture.state.base import SessionState


class ProfileState(rx.State):
    header: ProfileHeader | None = None
    not_found: bool = False
    cards: list[Postcard] = []
    next_cursor: str = ""
    _owner_id: int = 0

    async def _fetch(self, cursor: str) -> None:
        session_state = await self.get_state(SessionState)
        name = self.router.page.params.get("profile_name", "")
        with session_scope() as session:
            viewer = session_state.current_user(session)
            viewer_id = viewer.id if viewer else None
            try:
                header = profiles.profile_header(session=session, username=str(name), viewer_id=viewer_id)
            except NotFound:
                self.header, self.not_found, self.cards, self.next_cursor = None, True, [], ""
                return
            page = postcards.profile_postcards(
                session=session, viewer_id=viewer_id, owner_id=header.user_id, cursor=cursor
            )
        self.header, self.not_found, self._owner_id = header, False, header.user_id
        self.cards = (self.cards if cursor else []) + page.postcards
        self.next_cursor = page.next_cursor

    @rx.event
    async def load(self):
        self.header, self.cards = None, []
        await self._fetch("")

    @rx.event
    async def load_more(self):
        if self.next_cursor:
            await self._fetch(self.next_cursor)
