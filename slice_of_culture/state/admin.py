"""Admin: recommender model versions, their quality over time, and retraining on demand."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.models import RecsModelVersion, User
from slice_of_culture.services import accounts
from slice_of_culture.services.errors import PermissionDenied
from slice_of_culture.state.base import SessionState


@dataclass
class VersionRow:
    version: int
    status: str
    current: bool
    trigger: str
    started: str
    seconds: str
    n_users: int
    n_items: int
    n_rows: int
    recall20: float
    ndcg20: float
    error: str


def _row(v: RecsModelVersion) -> VersionRow:
    m = v.metrics or {}
    return VersionRow(
        version=v.version,
        status=v.status,
        current=v.is_current,
        trigger=v.trigger,
        started=v.started_at.strftime("%Y-%m-%d %H:%M"),
        seconds=f"{v.train_seconds:.1f}",
        n_users=v.num_users,
        n_items=v.num_items,
        n_rows=v.num_interactions,
        recall20=round(float(m.get("recall@20", 0.0)), 4),
        ndcg20=round(float(m.get("ndcg@20", 0.0)), 4),
        error=v.error,
    )


class AdminState(rx.State):
    versions: list[VersionRow] = []
    notice: str = ""

    def _admin(self, session, session_state: SessionState) -> User | None:  # noqa: ANN001
        try:
            return accounts.require_admin(session_state.current_user(session))
        except PermissionDenied:
            return None

    @rx.event
    async def load(self):
        session_state = await self.get_state(SessionState)
        from slice_of_culture.recs.jobs import list_versions

        with session_scope() as session:
            if self._admin(session, session_state) is None:
                return rx.redirect(routes.HOME, replace=True)
            self.versions = [_row(v) for v in list_versions(session)]
        return None

    @rx.event
    async def retrain(self):
        """Start a training run in its own process; the page shows it as it goes."""
        session_state = await self.get_state(SessionState)
        from slice_of_culture.recs.jobs import trigger_refresh_now

        with session_scope() as session:
            if self._admin(session, session_state) is None:
                self.notice = "Only administrators can retrain the recommender."
                return
        trigger_refresh_now()
        self.notice = "Training started. It runs in the background; reload this page to see it."
