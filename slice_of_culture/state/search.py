"""The search page: people by name and the catalog by title or creator, as you type."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.models import ITEM_KINDS
from slice_of_culture.services import people, search, social
from slice_of_culture.services.people import FoundPerson
from slice_of_culture.services.search import ItemHit
from slice_of_culture.state.base import SessionState, act_as_viewer

# "" is everything; "people" only people; a kind only that kind of title.
SHOW = ("", "people", *ITEM_KINDS)
# People shown above the titles when showing everything, and when showing people only.
PEOPLE_WITH_TITLES = 5
PEOPLE_ONLY = 30
TITLES = 20


class SearchState(rx.State):
    query: str = ""
    show: str = ""
    people: list[FoundPerson] = []
    titles: list[ItemHit] = []
    # The query the results are for ("" before any search).
    searched: str = ""
    notice: str = ""

    @rx.event
    async def load(self):
        """Open with `?q=` (and `?show=`) from the address, e.g. a shared link."""
        params = self.router.url.query_parameters
        self.query = str(params.get("q", ""))[: search.MAX_QUERY]
        show = params.get("show", "")
        self.show = show if show in SHOW else ""
        await self._run()

    @rx.event
    async def set_query(self, value: str):
        self.query = str(value)[: search.MAX_QUERY]
        await self._run()

    @rx.event
    async def set_show(self, value: str):
        self.show = value if value in SHOW else ""
        await self._run()

    @rx.event
    async def toggle_follow(self, user_id: int):
        """Follow (or unfollow) someone in the results; the follower is the session's user."""
        shown = next((p for p in self.people if p.user_id == user_id), None)
        if shown is None:
            return None  # only people this page shows
        self.notice = ""
        done = await act_as_viewer(
            self,
            lambda session, viewer: social.set_following(
                session=session, follower=viewer, followee_id=user_id, following=not shown.you_follow
            ),
            back_to=routes.SEARCH + "?" + urlencode({"q": self.query, "show": self.show}),
        )
        if done is not True:
            return done or None
        await self._run()  # their follower count and your "Following" as the database has them
        return None

    async def _run(self) -> None:
        if not self.query.strip():
            self.people, self.titles, self.searched = [], [], ""
            return
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            viewer = session_state.current_user(session)
            self.people = (
                people.find_people(
                    session=session,
                    query=self.query,
                    viewer_id=viewer.id if viewer else None,
                    limit=PEOPLE_ONLY if self.show == "people" else PEOPLE_WITH_TITLES,
                )
                if self.show in ("", "people")
                else []
            )
            self.titles = (
                search.search_items(session=session, query=self.query, kind=self.show or None, limit=TITLES)
                if self.show != "people"
                else []
            )
        self.searched = self.query

    @rx.var
    def nothing_found(self) -> bool:
        return self.searched != "" and not self.people and not self.titles
