"""The postcards feed on the home page."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.db import session_scope
from slice_of_culture.services import postcards
from slice_of_culture.services.postcards import Postcard
from slice_of_culture.state.base import SessionState


class HomeState(rx.State):
    cards: list[Postcard] = []
    next_cursor: str = ""
    loaded: bool = False

    async def _fetch(self, cursor: str) -> None:
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            viewer = session_state.current_user(session)
            page = postcards.everyone_feed(session=session, viewer_id=viewer.id if viewer else None, cursor=cursor)
        self.cards = (self.cards if cursor else []) + page.postcards
        self.next_cursor = page.next_cursor
        self.loaded = True

    @rx.event
    async def load(self):
        await self._fetch("")

    @rx.event
    async def load_more(self):
        if self.next_cursor:
            await self._fetch(self.next_cursor)
