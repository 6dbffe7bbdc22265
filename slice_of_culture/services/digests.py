"""The notification digest: a mail, at most once a day, telling a person what happened that they
have not seen ("Ana, Bo and 3 others liked your postcard about Dune"), so that people who are
not on the site every day hear of replies, mentions and new followers.

Who gets one: active accounts with the digest on (Settings; on by default) and a confirmed email
(the link mailed at sign-up: nobody gets daily mail for an account a stranger opened with their
address) that have unread notifications created after the last time they were here (their
newest login's last use), after their last digest and within the last week. Nothing new, no
mail. A run sends each due person one mail and then records when (`User.digest_sent_at`); a mail
the server refuses is not recorded, so the next run tries again; someone who got one within
DIGEST_GAP gets none. An account from before sign-ups were confirmed (never sent a link; or
whose sign-up link the server refused, `accounts.confirmation_not_sent`), when a digest would be
due, gets the confirmation link instead, once (`accounts.confirmation_reminder`, recorded as
`User.confirmation_sent_at` once it went, like a digest).

When: in the person's morning. The job runs every hour (DIGEST_CRON); a person is due from
DIGEST_HOUR (08:00) of their own time zone (`User.time_zone`, Settings) on a day of theirs that
had no digest yet, so a run missed for hours still sends later that day, a DST day moves it by
nothing but the clock, and someone who changes zone right after a digest waits out DIGEST_GAP.

Every digest carries a link that turns it off without logging in (`/unsubscribe?token=…`, and
the List-Unsubscribe header for mail programs' one-click button): the token is a keyed hash of
the account id, so it needs no table and cannot be guessed for someone else.

`send_digests` is the scheduled job (DIGEST_CRON, in the app like the recommender refresh, or
`python -m slice_of_culture.manage send-digests`); one run at a time across processes
(`locks.job_lock`).
"""

from __future__ import annotations

import hmac
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Row, exists, func, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from slice_of_culture import mail, routes
from slice_of_culture.config import get_settings
from slice_of_culture.db import get_engine, session_scope
from slice_of_culture.locks import job_lock
from slice_of_culture.mail import Mail
from slice_of_culture.models import AuthSession, Notification, User, utcnow
from slice_of_culture.services import accounts, social, time_zones
from slice_of_culture.services.errors import ValidationError

log = logging.getLogger(__name__)

# Lines a digest lists; the rest are "and N more".
DIGEST_ROWS = 10
# Nothing older than this is told (someone back after months gets no mail about then).
LOOKBACK = timedelta(days=7)
# At most one digest per person within this long, however often the job runs.
DIGEST_GAP = timedelta(hours=20)
# "<account id>.<signature>"
_UNSUBSCRIBE_TOKEN = re.compile(r"([0-9]{1,18})\.([0-9a-f]{32})")
UNSUBSCRIBE_LINK_BAD = "This link is not one we sent. Turn the digest off in Settings instead."


def _signature(user_id: int) -> str:
    return accounts.keyed_hash(f"digest-unsubscribe:{user_id}")[:32]


def unsubscribe_token(user_id: int) -> str:
    """The token of the account's "stop these mails" link (the same in every digest)."""
    return f"{user_id}.{_signature(user_id)}"


def _account_for(session: Session, token: object) -> User | None:
    # ASCII only: str.isdigit() takes digits int() refuses ("²"), compare_digest refuses non-ASCII.
    found = _UNSUBSCRIBE_TOKEN.fullmatch(token) if isinstance(token, str) and len(token) <= 100 else None
    if found is None or not hmac.compare_digest(found[2], _signature(int(found[1]))):
        return None
    user = session.get(User, int(found[1]))
    return user if user is not None and user.is_active else None


def unsubscribe_account(*, session: Session, token: object) -> str | None:
    """The username whose digest this link turns off (shown before the button), or None."""
    user = _account_for(session, token)
    return user.username if user else None


def unsubscribe(*, session: Session, token: object) -> User:
    """Turn the account's digest off through its link (no login). Raises ValidationError at
    "token" for a link we did not send; doing it twice is fine."""
    user = _account_for(session, token)
    if user is None:
        raise ValidationError({"token": UNSUBSCRIBE_LINK_BAD})
    user.email_digest = False
    session.add(user)
    session.flush()
    return user


def _their_morning(time_zone: str, sent_at: datetime | None, now: datetime) -> bool:
    """Whether `now` is DIGEST_HOUR or later in the person's zone, on a day of theirs (in the
    zone they have now) that has had no digest."""
    zone = time_zones.zone(time_zone)
    local = now.astimezone(zone)
    if local.hour < get_settings().digest_hour:
        return False
    return sent_at is None or sent_at.astimezone(zone).date() < local.date()


def arrival(time_zone: str) -> str:
    """When a person's digest comes, as Settings says it ("…08:00, Tokyo time.")."""
    return f"Your digest comes around {get_settings().digest_hour:02d}:00, {time_zones.place(time_zone)} time."


def _last_here(session: Session, user: User) -> datetime | None:
    return session.exec(select(func.max(AuthSession.last_seen_at)).where(AuthSession.user_id == user.id)).one()


def digest_for(*, session: Session, user: User, now: datetime | None = None) -> Mail | None:
    """The digest `user` is due now, or None (digest off, account closed, email not confirmed,
    not yet DIGEST_HOUR in their zone, one sent today there or within DIGEST_GAP, or nothing new
    since they were last here or last told)."""
    now = now or utcnow()
    # An unconfirmed address may be a stranger's, typed by someone else at sign-up.
    if not user.is_active or not user.email_digest or user.email_confirmed_at is None:
        return None
    if user.digest_sent_at is not None and user.digest_sent_at > now - DIGEST_GAP:
        return None
    if not _their_morning(user.time_zone, user.digest_sent_at, now):
        return None
    since = max(t for t in (user.digest_sent_at, _last_here(session, user), now - LOOKBACK) if t is not None)
    lines, total = social.unread_since(session=session, user=user, since=since, rows=DIGEST_ROWS)
    if not lines:
        return None
    site = get_settings().site_url
    token = unsubscribe_token(user.id)
    more = f"\n…and {total - len(lines)} more.\n" if total > len(lines) else ""
    listed = "\n".join(f"- {line}" for line in lines)
    body = (
        f"Hi {user.display_name or user.username},\n\n"
        "Since you were last on Slice of Culture:\n\n"
        f"{listed}\n{more}\n"
        f"See them all: {site}{routes.NOTIFICATIONS}\n\n"
        "--\n"
        "You get this mail at most once a day, and only when something new happened.\n"
        f"Stop these mails: {site}{routes.unsubscribe(token)}\n"
    )
    count = f"{total} new notification{'' if total == 1 else 's'}"
    return Mail(
        to=user.email,
        subject=f"{count} on Slice of Culture",
        body=body,
        headers=(
            ("List-Unsubscribe", f"<{site}{routes.API_UNSUBSCRIBE}?token={token}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ),
    )


def _waiting(session: Session, now: datetime) -> list[Row]:
    """Accounts with news for a digest in their morning (a cheap first pass): digest on, active,
    none sent within DIGEST_GAP, an unread notification newer than the last one (in SQL), and
    their morning (in Python: zoneinfo knows every zone's rules, SQLite none, and they are few);
    confirmed, or never sent a confirmation link (accounts from before sign-ups were confirmed)."""
    fresh = exists().where(
        Notification.recipient_id == User.id,
        Notification.read_at.is_(None),
        Notification.created_at > now - LOOKBACK,
        or_(User.digest_sent_at.is_(None), Notification.created_at > User.digest_sent_at),
    )
    rows = session.exec(
        select(User.id, User.time_zone, User.digest_sent_at, User.email_confirmed_at)
        .where(
            User.is_active,
            User.email_digest,
            or_(User.email_confirmed_at.is_not(None), User.confirmation_sent_at.is_(None)),
            or_(User.digest_sent_at.is_(None), User.digest_sent_at <= now - DIGEST_GAP),
            fresh,
        )
        .order_by(User.id)
    ).all()
    return [row for row in rows if _their_morning(row.time_zone, row.digest_sent_at, now)]


def due_user_ids(*, session: Session, now: datetime | None = None) -> list[int]:
    """Accounts that may be due a digest (`digest_for` decides): `_waiting`, email confirmed.
    The others `_waiting` finds were never sent a link: each gets `accounts.confirmation_reminder`."""
    return [row.id for row in _waiting(session, now or utcnow()) if row.email_confirmed_at is not None]


@dataclass
class DigestRun:
    """What one run did: whether it ran at all (False: another process held the lock), how
    many digests went out and how many the mail server refused (tried again next run)."""

    ran: bool
    sent: int = 0
    failed: int = 0
    # Accounts from before sign-ups were confirmed, sent the link instead of a digest (once).
    reminded: int = 0


def _reminder(user: User, now: datetime) -> Mail | None:
    """The confirmation reminder, if the account still needs one (it may have changed since the
    first pass)."""
    if not user.is_active or user.email_confirmed_at is not None or user.confirmation_sent_at is not None:
        return None
    return accounts.confirmation_reminder(user=user, now=now)


def _send_one(engine: Engine, user_id: int, build, record: dict[str, datetime]) -> bool | None:  # noqa: ANN001
    """Build one person's mail (`build(session, user)`) in a transaction, send it, then write
    `record` on their row in another: True when it went, False when the server refused it
    (nothing recorded: the next run tries again), None when there was none to send."""
    with session_scope(engine) as session:
        user = session.get(User, user_id)
        message = build(session, user) if user else None
    if message is None:
        return None
    try:
        mail.send(message)
    except mail.MailNotSent:
        log.exception("digests: the mail to account %s (%s) was not sent", user_id, ", ".join(record))
        return False
    with session_scope(engine) as session:
        session.exec(update(User).where(User.id == user_id).values(**record))
    return True


def send_digests(
    *, engine: Engine | None = None, data_dir: Path | None = None, now: datetime | None = None
) -> DigestRun:
    """One run of the digest job: each due person's digest, one transaction per person; and to
    accounts from before sign-ups were confirmed that would be due one, the link instead, once."""
    engine = engine or get_engine()
    now = now or utcnow()
    with job_lock(engine, data_dir or get_settings().data_dir, "digests") as held:
        if not held:
            log.info("digests: another run holds the lock; nothing done")
            return DigestRun(ran=False)
        run = DigestRun(ran=True)
        with session_scope(engine) as session:
            waiting = _waiting(session, now)
        due = [row.id for row in waiting if row.email_confirmed_at is not None]
        unconfirmed = [row.id for row in waiting if row.email_confirmed_at is None]
        for user_id in due:
            outcome = _send_one(
                engine, user_id, lambda s, user: digest_for(session=s, user=user, now=now), {"digest_sent_at": now}
            )
            run.sent += outcome is True
            run.failed += outcome is False
        for user_id in unconfirmed:
            outcome = _send_one(engine, user_id, lambda _, user: _reminder(user, now), {"confirmation_sent_at": now})
            run.reminded += outcome is True
            run.failed += outcome is False
        log.info("digests: %s sent, %s confirmation reminders, %s not sent", run.sent, run.reminded, run.failed)
        return run
