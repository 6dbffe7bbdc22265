"""The postcards feed on the home page: Following (you and who you follow) and Everyone."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.recs import serve
from slice_of_culture.services import postcards, social
from slice_of_culture.services.postcards import PostcardPage
from slice_of_culture.services.social import SuggestedPerson
from slice_of_culture.state.base import SessionState, act_as_viewer
from slice_of_culture.state.postcards import PostcardListMixin


class HomeState(PostcardListMixin, rx.State):
    tab: str = "following"
    # Set once the person picks a tab; until then a logged-in person starts on "Following".
    _tab_chosen: bool = False
    # People to follow, shown above the Following feed while you follow fewer than FEW_FOLLOWS.
    suggestions: list[SuggestedPerson] = []
    # Which of them you followed from here (their buttons then say "Following").
    followed_here: list[int] = []

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
        self.suggestions, self.followed_here = [], []
        await self._fetch("")
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            viewer = session_state.current_user(session)
            if viewer is not None and social.follows_count(session=session, user_id=viewer.id) < social.FEW_FOLLOWS:
                self.suggestions = serve.people_to_follow(session=session, user=viewer)

    @rx.event
    async def toggle_follow(self, user_id: int):
        """Follow (or unfollow again) someone suggested; the follower is the session's user."""
        if not any(p.user_id == user_id for p in self.suggestions):
            return None  # only people this page suggested
        done = await act_as_viewer(
            self,
            lambda session, viewer: social.set_following(
                session=session, follower=viewer, followee_id=user_id, following=user_id not in self.followed_here
            ),
            back_to=routes.HOME,
        )
        if done is not True:
            return done or None
        if user_id in self.followed_here:
            self.followed_here = [i for i in self.followed_here if i != user_id]
        else:
            self.followed_here = [*self.followed_here, user_id]
        if self.tab == "following":
            await self._fetch("")  # their postcards join your feed at once
        return None

    @rx.event
    async def set_tab(self, tab: str):
        self.tab = tab if tab in ("following", "everyone") else "everyone"
        self._tab_chosen = True
        self.cards, self.loaded = [], False
        await self._fetch("")
