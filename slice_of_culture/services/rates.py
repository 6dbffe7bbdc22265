"""How fast one person may write: the one place flood control lives.

A limit is "at most `max_count` rows of a kind by one person within `window`", counted in the
database, so every worker sees the same count. Forum messages (5 in 5 seconds), comments (5 in
30 seconds: each one notifies the postcard's owner) and edits of either (EDIT_RATE: an edit
reaches every open room as a message does) use it; the UI shows the message next to the field,
the API answers 429 with Retry-After.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, delete, select

from slice_of_culture.models import Edit, User
from slice_of_culture.services.errors import RateLimited


@dataclass(frozen=True)
class Rate:
    """At most `max_count` rows of `model` by one person within `window`."""

    model: type
    max_count: int
    window: timedelta
    # The form field the refusal is shown at, and what the person is doing ("sending messages").
    field: str
    doing: str


def check_rate(session: Session, user: User, rate: Rate, now: datetime) -> None:
    """Raise RateLimited when `user` already wrote `rate.max_count` rows within `rate.window`."""
    # Serialize one person's writes on PostgreSQL (two workers, one person, same instant); SQLite
    # serializes writers already.
    session.exec(select(User.id).where(User.id == user.id).with_for_update())
    created_at = rate.model.created_at
    recent = session.exec(
        select(created_at)
        .where(rate.model.user_id == user.id, created_at > now - rate.window)
        .order_by(created_at.desc())
        .limit(rate.max_count)
    ).all()
    if len(recent) >= rate.max_count:
        wait = (min(recent) + rate.window - now).total_seconds()
        raise RateLimited(field=rate.field, doing=rate.doing, retry_after=max(1, int(wait + 0.999)))


# Edits of forum messages and comments together: plenty for fixing typos, not for a script.
EDIT_RATE = Rate(model=Edit, max_count=10, window=timedelta(minutes=1), field="text", doing="editing")


def note_edit(session: Session, user: User, now: datetime) -> None:
    """Count one edit by `user` against EDIT_RATE (RateLimited, and nothing written, when over
    it); the person's edits the window no longer counts are forgotten."""
    check_rate(session, user, EDIT_RATE, now)
    session.exec(delete(Edit).where(Edit.user_id == user.id, Edit.created_at <= now - EDIT_RATE.window))
    session.add(Edit(user_id=user.id, created_at=now))
