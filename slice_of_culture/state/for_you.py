"""For you: explained recommendations, people with similar taste, and a cold start for newcomers."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.models import ITEM_KINDS, User
from slice_of_culture.recs import serve
from slice_of_culture.recs.serve import Recommendation, SimilarPerson
from slice_of_culture.services import dismissals, display, entries, onboarding
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
    # The item just hidden with "Not interested" (0: none), for the note that offers to undo it.
    hidden_id: int = 0
    hidden_title: str = ""
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
        self.notice, self.hidden_id, self.hidden_title = "", 0, ""
        await self._refresh()

    @rx.event
    async def set_kind(self, kind: str):
        self.kind = kind if kind in ITEM_KINDS or kind == EVERYTHING else ""
        await self._refresh()

    async def _as_user(self, act: Callable[[Session, User], object]) -> EventSpec | None:
        """`act(session, user)` for the signed-in person, in one transaction. Returns a redirect to
        log in when the session has ended; a refusal's message goes to `notice`."""
        session_state = await self.get_state(SessionState)
        self.notice = ""
        try:
            with session_scope() as session:
                user = session_state.current_user(session)
                if user is None:
                    return rx.redirect(routes.login_then(routes.FOR_YOU))
                act(session, user)
        except ServiceError as exc:
            self.notice = exc.message
        return None

    @rx.event
    async def quick_log(self, item_id: int, how: str):
        """ "Loved it" (finished, 5 stars) or "Want to" from a recommendation card."""
        data = EntryInput(status="finished", rating=10) if how == "loved" else EntryInput(status="want")

        def log(session: Session, user: User) -> None:
            data.visibility = user.default_visibility
            entries.log_entry(session=session, user=user, item_id=item_id, data=data)

        if (redirect := await self._as_user(log)) or self.notice:
            return redirect
        await self._refresh()
        return rx.toast.success("Logged. Your recommendations are updated.")

    @rx.event
    async def not_interested(self, item_id: int):
        """ "Not interested" on a card: the item is never recommended to this person again (until
        they show it again). The card goes at once; then the list fills up again."""
        title = next((r.title for r in self.items if r.item_id == item_id), "")
        redirect = await self._as_user(
            lambda session, user: dismissals.dismiss(session=session, user=user, item_id=item_id)
        )
        if redirect or self.notice:
            yield redirect
            return
        self.items = [r for r in self.items if r.item_id != item_id]
        self.hidden_id, self.hidden_title = item_id, title
        yield
        await self._refresh()

    @rx.event
    async def show_hidden_again(self):
        """Undo the last "Not interested": the item may be recommended again."""
        item_id = self.hidden_id
        if not item_id:
            return None
        redirect = await self._as_user(
            lambda session, user: dismissals.bring_back(session=session, user=user, item_id=item_id)
        )
        if redirect or self.notice:
            return redirect
        self.hidden_id, self.hidden_title = 0, ""
        await self._refresh()
        return None
