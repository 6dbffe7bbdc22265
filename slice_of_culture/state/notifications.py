"""Notifications: likes, comments, new followers, mentions and the moderators' notices, alike
ones grouped; opening the page marks them all read, and "Show older" still shows those it
marked as new."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from slice_of_culture.db import session_scope
from slice_of_culture.services import social
from slice_of_culture.services.social import NotificationView
from slice_of_culture.state.base import SessionState


class NotificationsState(rx.State):
    notifications: list[NotificationView] = []
    # Where "Show older" continues ("" = nothing older).
    next_cursor: str = ""
    # When opening the page marked everything read (ISO): older pages still show those as new.
    _read_at: str = ""

    @rx.event
    async def load(self):
        self.notifications, self.next_cursor = [], ""
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                return
            # Shown as unread this once, then marked read (what arrives meanwhile stays new).
            opened = social.open_notifications(session=session, user=user)
        self.notifications, self.next_cursor = opened.page.notifications, opened.page.next_cursor
        self._read_at = opened.opened_at.isoformat()
        session_state.unread = opened.unread

    @rx.event
    async def show_older(self):
        if not self.next_cursor:
            return
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                return
            read_since = datetime.fromisoformat(self._read_at) if self._read_at else None
            page = social.notification_page(session=session, user=user, cursor=self.next_cursor, read_since=read_since)
        self.notifications = self.notifications + page.notifications
        self.next_cursor = page.next_cursor
