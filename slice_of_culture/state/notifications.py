"""Notifications: likes, comments and new followers; opening the page marks them read."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.db import session_scope
from slice_of_culture.services import social
from slice_of_culture.services.social import NotificationView
from slice_of_culture.state.base import SessionState


class NotificationsState(rx.State):
    notifications: list[NotificationView] = []

    @rx.event
    async def load(self):
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                return
            # Shown as unread this once, then marked read.
            self.notifications = social.notifications(session=session, user=user)
            social.mark_all_read(session=session, user=user)
        session_state.unread = 0
