"""The forums list."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.db import session_scope
from slice_of_culture.services import forums
from slice_of_culture.services.forums import ForumSummary


class ForumsState(rx.State):
    forums: list[ForumSummary] = []

    @rx.event
    def load(self):
        with session_scope() as session:
            self.forums = forums.list_forums(session=session)
