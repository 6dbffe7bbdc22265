"""For you: explained recommendations, people with similar taste, and a cold start for newcomers."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.models import ITEM_KINDS
from slice_of_culture.recs import serve
from slice_of_culture.recs.serve import Recommendation, SimilarPerson
from slice_of_culture.services import display, entries, onboarding
from slice_of_culture.services.entries import EntryInput
from slice_of_culture.services.errors import ServiceError
from slice_of_culture.state.base import SessionState

# The page's filter: "" = the kinds the person chose (everything if none), EVERYTHING, or one kind.
EVERYTHING = "all"


class ForYouState(rx.State):
    kind: str = ""
    status: str = ""
    items: list[Recommendation] = []
    people: list[SimilarPerson] = []
    loaded: bool = False
    notice: str = ""
    # The kinds the person chose: what the page shows by default (none chosen: everything).
    preferred_kinds: list[str] = []

    @rx.var
    def preferred_label(self) -> str:
        """ "books and music": the chosen kinds in words, for the note under the filter."""
        return display.kinds_phrase(self.preferred_kinds)

    def _filter(self) -> dict:
        if self.kind == EVERYTHING:
            return {"kinds": list(ITEM_KINDS)}
        return {"kind": self.kind or None}

    async def _refresh(self) -> None:
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            self.preferred_kinds = onboarding.preferred_kinds(user)
            result = serve.for_you_or_popular(session=session, user=user, **self._filter())
        self.status, self.items, self.people, self.loaded = result.status, result.items, result.people, True

    @rx.event
    async def load(self):
        self.notice = ""
        await self._refresh()

    @rx.event
    async def set_kind(self, kind: str):
        self.kind = kind if kind in ITEM_KINDS or kind == EVERYTHING else ""
        await self._refresh()

    @rx.event
    async def quick_log(self, item_id: int, how: str):
        """ "Loved it" (finished, 5 stars) or "Want to" from a recommendation card."""
        session_state = await self.get_state(SessionState)
        data = EntryInput(status="finished", rating=10) if how == "loved" else EntryInput(status="want")
        try:
            with session_scope() as session:
                user = session_state.current_user(session)
                if user is None:
                    return rx.redirect(routes.login_then(routes.FOR_YOU))
                data.visibility = user.default_visibility
                entries.create_entry(session=session, user=user, item_id=item_id, data=data)
        except ServiceError as exc:
            self.notice = exc.message
            return None
        await self._refresh()
        return rx.toast.success("Logged. Your recommendations are updated.")
