"""How fast one person may write: the one place flood control lives.

A limit is "at most `max_count` rows of a kind by one person within `window`", counted in the
database, so every worker sees the same count; the UI shows the refusal where the person acted,
the API answers 429 with Retry-After. Each limit is far above what a person does by hand and far
below what a script does in a loop.

Some writes are counted by the rows they leave (a comment, a forum message, a report). Others
are counted as actions (`note`, one `action` row each, kept while the window counts it): an edit
changes no row count; unfollow and unlike delete the row that follow and like made, so counting
follow or like rows would let a follow / unfollow loop run forever (the notifications do not help
either: a like or follow repeated within a day notifies once, so the loop leaves no new
notification); and an import adds hundreds of items and entries in one transaction, which must
not count against the person's next item or entry added by hand. One table with a kind, rather
than a table per action, since they are all the same short-lived tally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, delete, select

from slice_of_culture.models import Action, Comment, Message, Report, User
from slice_of_culture.services.errors import RateLimited


@dataclass(frozen=True)
class Rate:
    """At most `max_count` rows of `model` by one person within `window`; for `model=Action`,
    the rows of `kind` that `note` writes."""

    model: type
    max_count: int
    window: timedelta
    # The form field the refusal is shown at, and what the person is doing ("sending messages").
    field: str
    doing: str
    kind: str = ""


def _recent(session: Session, user: User, rate: Rate, now: datetime) -> list[datetime]:
    created_at = rate.model.created_at
    stmt = select(created_at).where(rate.model.user_id == user.id, created_at > now - rate.window)
    if rate.kind:
        stmt = stmt.where(rate.model.kind == rate.kind)
    return list(session.exec(stmt.order_by(created_at.desc()).limit(rate.max_count)).all())


def check_rate(session: Session, user: User, rate: Rate, now: datetime) -> None:
    """Raise RateLimited when `user` already wrote `rate.max_count` rows within `rate.window`."""
    # Serialize one person's writes on PostgreSQL (two workers, one person, same instant); SQLite
    # serializes writers already.
    session.exec(select(User.id).where(User.id == user.id).with_for_update())
    recent = _recent(session, user, rate, now)
    if len(recent) >= rate.max_count:
        wait = (min(recent) + rate.window - now).total_seconds()
        raise RateLimited(field=rate.field, doing=rate.doing, retry_after=max(1, int(wait + 0.999)))


def note(session: Session, user: User, rate: Rate, now: datetime) -> None:
    """Count one action of `rate.kind` by `user` (RateLimited, and nothing written, when over
    `rate`); the person's actions of that kind the window no longer counts are forgotten. Call it
    before writing anything else, in the action's transaction."""
    check_rate(session, user, rate, now)
    session.exec(
        delete(Action).where(
            Action.user_id == user.id, Action.kind == rate.kind, Action.created_at <= now - rate.window
        )
    )
    session.add(Action(user_id=user.id, kind=rate.kind, created_at=now))


def _action(kind: str, max_count: int, window: timedelta, *, field: str, doing: str) -> Rate:
    return Rate(model=Action, max_count=max_count, window=window, field=field, doing=doing, kind=kind)


# Counted by their rows.

# Forum messages, across all rooms: a conversation at typing speed, not a script's.
MESSAGE_RATE = Rate(model=Message, max_count=5, window=timedelta(seconds=5), field="text", doing="sending messages")
# Comments, on any postcards: each one notifies the postcard's owner.
COMMENT_RATE = Rate(model=Comment, max_count=5, window=timedelta(seconds=30), field="text", doing="commenting")
# Reports are read by people: ten an hour is plenty for anyone acting in good faith.
REPORT_RATE = Rate(model=Report, max_count=10, window=timedelta(hours=1), field="reason", doing="reporting")

# Counted as actions (`note`).

# Edits of forum messages and comments together: plenty for fixing typos, not for a script (an
# edit reaches every open room as a message does).
EDIT_RATE = _action("edit", 10, timedelta(minutes=1), field="text", doing="editing")
# Follows: a newcomer following everyone suggested and a search's worth of people stays well
# under 60 in an hour; each follow notifies someone and changes their counts and feeds, and a
# script looping follow / unfollow meets it within a minute.
FOLLOW_RATE = _action("follow", 60, timedelta(hours=1), field="follow", doing="following people")
# Likes: every postcard of ten feed pages liked within an hour is 200; each like may notify the
# postcard's owner (once a day per postcard), and a like / unlike loop meets it at once.
LIKE_RATE = _action("like", 200, timedelta(hours=1), field="like", doing="liking")
# Catalog items added by hand (each shows in everyone's search): 60 an hour is
# one a minute, more than a busy evening of obscure finds; an import brings many at once.
ITEM_RATE = _action("item", 60, timedelta(hours=1), field="form", doing="adding to the catalog")
# Entries logged by hand or through the API (the log form, For you's "Loved it" / "Want to"):
# 300 in an hour is one every 12 seconds for an hour, room for a person clicking through For you
# or a small script of their own syncing through the API; a history comes in by import, which is
# not counted. This guards the database and the profile; the feed already folds a run of one
# person's postcards into one card.
ENTRY_RATE = _action("entry", 300, timedelta(hours=1), field="form", doing="logging")
# Imports (a file of up to 5,000 lines each, which may add as many catalog items): a Goodreads
# library, a Letterboxd zip, a listening history and a few retries after fixing a file fit in
# 10 a day; a script feeding generated files to fill the catalog does not.
IMPORT_RATE = _action("import", 10, timedelta(days=1), field="file", doing="importing")
