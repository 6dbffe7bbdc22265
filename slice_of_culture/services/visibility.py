"""Who may see which entry: the one place this rule lives.

Private entries are seen by their owner only; followers-only entries by the owner and
their followers; public entries by everyone, logged in or not. Every query that returns
entries, counts or stats applies `entry_visible_to`.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from slice_of_culture.models import Entry, Follow


def entry_visible_to(viewer_id: int | None) -> ColumnElement[bool]:
    """A WHERE clause: entries the viewer (None = logged out) may see."""
    if viewer_id is None:
        return Entry.visibility == "public"
    follows_owner = exists(
        select(Follow.id).where(Follow.follower_id == viewer_id, Follow.followee_id == Entry.user_id)
    )
    return or_(
        Entry.visibility == "public",
        Entry.user_id == viewer_id,
        and_(Entry.visibility == "followers", follows_owner),
    )
