"""Welcome (right after sign-up): choose the kinds you like and press "Loved it" on a few things."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.models import ITEM_KINDS
from slice_of_culture.recs import serve
from slice_of_culture.recs.serve import Recommendation
from slice_of_culture.services import onboarding
from slice_of_culture.services.errors import ServiceError
from slice_of_culture.state.base import SessionState

# Cards to pick from; enough to find a few you know, few enough to read.
STARTERS = 12


class WelcomeState(rx.State):
    kinds: list[str] = []
    items: list[Recommendation] = []
    picked: list[int] = []
    error: str = ""
    loaded: bool = False
    # The kind of each pick, so unticking a kind drops its picks (never sent to the browser).
    _pick_kinds: dict[int, str] = {}

    async def _refresh(self) -> None:
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                self.items = []
                return
            # No kind ticked means every kind.
            kinds = self.kinds or list(ITEM_KINDS)
            self.items = serve.starter_items(session=session, user=user, kinds=kinds, n=STARTERS)
        self.loaded = True

    @rx.event
    async def load(self):
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            self.kinds = onboarding.preferred_kinds(session_state.current_user(session))
        self.picked, self._pick_kinds, self.error, self.loaded = [], {}, "", False
        await self._refresh()

    @rx.event
    async def choose_kind(self, kind: str, checked: bool):
        self.kinds = onboarding.toggle_kind(self.kinds, kind, bool(checked))
        if self.kinds:
            self.picked = [i for i in self.picked if self._pick_kinds.get(i) in self.kinds]
        self.error = ""
        await self._refresh()

    @rx.event
    def toggle_pick(self, item_id: int):
        if item_id in self.picked:
            self.picked = [i for i in self.picked if i != item_id]
            return
        if len(self.picked) >= onboarding.MAX_PICKS:
            self.error = f"That is {onboarding.MAX_PICKS} already: save these, and log more later."
            return
        kind = next((rec.kind for rec in self.items if rec.item_id == item_id), None)
        if kind is None:
            return
        self._pick_kinds[item_id] = kind
        self.picked = [*self.picked, item_id]
        self.error = ""

    @rx.event
    async def save(self):
        session_state = await self.get_state(SessionState)
        try:
            with session_scope() as session:
                user = session_state.current_user(session)
                if user is None:
                    return rx.redirect(routes.login_then(routes.WELCOME))
                created = onboarding.save_onboarding(session=session, user=user, kinds=self.kinds, item_ids=self.picked)
        except ServiceError as exc:
            self.error = exc.message
            return None
        self.picked, self._pick_kinds, self.error = [], {}, ""
        saved = f"Saved {len(created)} favourite{'' if len(created) == 1 else 's'}." if created else "Saved."
        return [rx.redirect(routes.FOR_YOU), rx.toast.success(saved)]
