"""For you: explained recommendations, people with similar taste, and a cold start for newcomers."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.models import ITEM_KINDS
from slice_of_culture.recs import serve
from slice_of_culture.recs.serve import Recommendation, SimilarPerson
from slice_of_culture.services import entries, onboarding
from slice_of_culture.services.entries import EntryInput
from slice_of_culture.services.errors import ServiceError
from slice_of_culture.state.base import SessionState


class ForYouState(rx.State):
    kind: str = ""
    status: str = ""
    items: list[Recommendation] = []
    people: list[SimilarPerson] = []
    loaded: bool = False
    notice: str = ""
    # The kinds the person chose (shown with the cold start, which is limited to them).
    preferred_kinds: list[str] = []

    async def _refresh(self) -> None:
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            self.preferred_kinds = onboarding.preferred_kinds(user)
            if user is None:
                result = serve.ForYou(
                    status="popular", items=serve.popular_items(session=session, user=None, kind=self.kind or None)
                )
            else:
                try:
                    result = serve.for_you(session=session, user=user, kind=self.kind or None)
                except Exception:  # noqa: BLE001 - a broken vector store must not break the page
                    serve.log.exception("recommendations failed; showing popular items")
                    result = serve.ForYou(
                        status="popular", items=serve.popular_items(session=session, user=user, kind=self.kind or None)
                    )
        self.status, self.items, self.people, self.loaded = result.status, result.items, result.people, True

    @rx.event
    async def load(self):
        self.notice = ""
        await self._refresh()

    @rx.event
    async def set_kind(self, kind: str):
        self.kind = kind if kind in ITEM_KINDS else ""
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
