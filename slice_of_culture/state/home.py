"""The postcards feed on the home page: Following (you and who you follow) and Everyone."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.db import session_scope
from slice_of_culture.services import postcards
from slice_of_culture.services.postcards import PostcardPage
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.postcards import PostcardListMixin


class HomeState(PostcardListMixin, rx.State):
    tab: str = "following"
    # Set once the person picks a tab; until then a logged-in person starts on "Following".
    _tab_chosen: bool = False

    async def _page(self, cursor: str) -> PostcardPage:
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            viewer = session_state.current_user(session)
            if viewer is None:
                self.tab = "everyone"
                return postcards.everyone_feed(session=session, viewer_id=None, cursor=cursor)
            if not self._tab_chosen:
                self.tab = "following"
            if self.tab == "following":
                return postcards.following_feed(session=session, viewer_id=viewer.id, cursor=cursor)
            return postcards.everyone_feed(session=session, viewer_id=viewer.id, cursor=cursor)

    @rx.event
    async def load(self):
        self.notice = ""
        await self._fetch("")

    @rx.event
    async def set_tab(self, tab: str):
        self.tab = tab if tab in ("following", "everyone") else "everyone"
        self._tab_chosen = True
        self.cards, self.loaded = [], False
        await self._fetch("")
