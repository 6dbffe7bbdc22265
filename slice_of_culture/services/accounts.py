"""Accounts: sign-up with validation, argon2 passwords, server-side sessions, login rate limits,
"forgot your password?" links, the sign-up address confirmed by a signed link, and new emails
confirmed by a link."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from email_validator import EmailNotValidError, validate_email
from passlib.context import CryptContext
from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from slice_of_culture import routes
from slice_of_culture.config import get_settings
from slice_of_culture.mail import Mail
from slice_of_culture.models import (
    VISIBILITIES,
    AuthSession,
    EmailChange,
    LoginFailure,
    PasswordReset,
    User,
    is_row_id,
    utcnow,
)
from slice_of_culture.services import onboarding, time_zones
from slice_of_culture.services.errors import PermissionDenied, RateLimited, ValidationError
from slice_of_culture.text import clean_text

USERNAME_RE = re.compile(r"^[a-z0-9_]{3,30}$")
MIN_PASSWORD = 8
# argon2 cost is bounded by input size; nobody needs a longer passphrase than this.
MAX_PASSWORD = 1024
RESERVED_USERNAMES = frozenset({"admin", "api", "login", "logout", "signup", "settings", "forums", "me"})

# argon2id via argon2-cffi (passlib's bcrypt backend breaks with bcrypt 5, so it is not offered),
# at passlib's defaults, written out: 64 MiB, 3 passes, 4 lanes, about 0.1 s a hash on this machine.
ARGON2_COST = {"memory_cost": 65536, "rounds": 3, "parallelism": 4}


def password_context(cost: dict[str, int]) -> CryptContext:
    """A passlib context hashing with argon2id at `cost` (tests use a cheaper one)."""
    return CryptContext(schemes=["argon2"], deprecated="auto", **{f"argon2__{k}": v for k, v in cost.items()})


_pwd = password_context(ARGON2_COST)
# Verified against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = _pwd.hash("not-a-real-password")

# Don't write last_seen on every request; once a minute is precise enough.
_LAST_SEEN_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class LinkMail(Mail):
    """A mail with a link, whose asking recorded something a limit counts (the link's row, the
    time a link went). The caller sends it after the commit; when the server refuses it, the
    caller runs `not_sent(session)` in a transaction of its own, which takes that back: a link
    that never went out neither works nor uses up the person's allowance."""

    # `undo(session=...)`: one of the `*_not_sent` functions below, with what to take back.
    undo: Callable[..., None] = field(default=lambda session: None, compare=False, repr=False)

    def not_sent(self, session: Session) -> None:
        """Take back what asking for this mail recorded (it was not sent)."""
        self.undo(session=session)


def hash_password(password: str) -> str:
    """An argon2 hash of `password`."""
    return _pwd.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Whether `password` matches `password_hash`."""
    return _pwd.verify(password, password_hash)


def normalize_username(username: str) -> str:
    """Usernames compare case-insensitively: stored and looked up in lower case."""
    return (username or "").strip().lstrip("@").lower()


def keyed_hash(text: str) -> str:
    """HMAC-SHA256 of `text` under the app's secret key, in hex: what we store of a link's or a
    login's random token (a leaked table is useless without the secret, and lookups stay exact),
    and the signature of links that carry their own data (digests' unsubscribe, sign-up's email
    confirmation)."""
    return hmac.new(get_settings().secret_key.encode(), text.encode(), hashlib.sha256).hexdigest()


def _open_link(session: Session, table: type[PasswordReset | EmailChange], token: object):  # noqa: ANN202
    """The unused, unexpired row of `table` (reset links, email changes) this mailed token
    belongs to, with its active account, or None."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    row = session.exec(select(table).where(table.token_hash == keyed_hash(token))).first()
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return (row, user) if user is not None and user.is_active else None


def _validate_username(username: str) -> str | None:
    if not USERNAME_RE.fullmatch(username):
        return "Username must be 3–30 characters: lowercase letters, digits and _."
    if username in RESERVED_USERNAMES:
        return "That username is reserved."
    return None


def _validate_password(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"Password must be at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"Password must be at most {MAX_PASSWORD} characters."
    return None


def _normalize_email(email: str) -> tuple[str, str | None]:
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        return email.strip(), "Enter a valid email address, like ana@example.com."
    return result.normalized.lower(), None


def get_user_by_username(*, session: Session, username: str) -> User | None:
    """The user with this username (any case), or None."""
    return session.exec(select(User).where(User.username == normalize_username(username))).first()


def create_user(
    *,
    session: Session,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    is_admin: bool = False,
) -> User:
    """Validate and create an account. Raises ValidationError with a message per field."""
    if not all(isinstance(v, str) for v in (username, email, password, display_name)):
        raise ValidationError({"form": "Every field must be text."})
    errors: dict[str, str] = {}
    username = normalize_username(username)
    if message := _validate_username(username):
        errors["username"] = message
    email, email_error = _normalize_email(email)
    if email_error:
        errors["email"] = email_error
    if message := _validate_password(password):
        errors["password"] = message
    display_name = clean_text(display_name, max_length=60)
    if len(display_name) > 60:
        errors["display_name"] = "Display name must be at most 60 characters."
    if "username" not in errors and session.exec(select(User.id).where(User.username == username)).first():
        errors["username"] = "That username is taken."
    if "email" not in errors and session.exec(select(User.id).where(User.email == email)).first():
        errors["email"] = "An account with that email already exists."
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username,
        email=email,
        password_hash=hash_password(password),
        display_name=display_name or username,
        is_admin=is_admin,
    )
    session.add(user)
    session.flush()
    return user


def create_session(*, session: Session, user: User) -> str:
    """Start a login for `user`; returns the token for the browser (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        AuthSession(
            token_hash=keyed_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=get_settings().session_days),
        )
    )
    session.flush()
    return token


@dataclass(frozen=True)
class LoginResult:
    """Either a user with a fresh token, or an error message and why: "missing" (no username or
    password), "wrong" (credentials), "limited" (too many failures lately), "deactivated"."""

    user: User | None = None
    token: str | None = None
    error: str | None = None
    reason: str = ""


def _recent_failures(session: Session, column, value: str) -> int:  # noqa: ANN001
    since = utcnow() - timedelta(minutes=get_settings().login_window_minutes)
    stmt = select(func.count()).select_from(LoginFailure).where(column == value, LoginFailure.created_at >= since)
    return session.exec(stmt).one()


def _find_account(session: Session, who: str) -> User | None:
    """The account a login or a reset names: by username (any case, "@" allowed) or by email."""
    name = normalize_username(who)
    return session.exec(select(User).where((User.username == name) | (User.email == name))).first()


def login(*, session: Session, username: str, password: str, client: str = "unknown") -> LoginResult:
    """Check credentials under the rate limits. Failures are recorded (the caller commits)."""
    settings = get_settings()
    if not isinstance(username, str) or not isinstance(password, str):
        return LoginResult(error="Enter your username and password.", reason="missing")
    name = normalize_username(username)
    client = (client or "unknown")[:100]
    if not name or not password:
        return LoginResult(error="Enter your username and password.", reason="missing")
    minutes = settings.login_window_minutes
    if _recent_failures(session, LoginFailure.username, name[:254]) >= settings.login_max_failures_per_user:
        message = f"Too many failed attempts for this account. Try again in {minutes} minutes."
        return LoginResult(error=message, reason="limited")
    if _recent_failures(session, LoginFailure.client, client) >= settings.login_max_failures_per_client:
        message = f"Too many failed attempts from this device. Try again in {minutes} minutes."
        return LoginResult(error=message, reason="limited")
    # Log in by username or by email.
    user = _find_account(session, name)
    ok = verify_password(password[:MAX_PASSWORD], user.password_hash if user else _DUMMY_HASH)
    if not user or not ok:
        session.add(LoginFailure(username=name[:254], client=client))
        session.flush()
        return LoginResult(error="Wrong username or password.", reason="wrong")
    if not user.is_active:
        return LoginResult(error="This account has been deactivated.", reason="deactivated")
    return LoginResult(user=user, token=create_session(session=session, user=user))


def user_for_token(*, session: Session, token: str | None) -> User | None:
    """The active user this session token belongs to, or None (unknown, expired, logged out)."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    auth = session.exec(select(AuthSession).where(AuthSession.token_hash == keyed_hash(token))).first()
    now = utcnow()
    if auth is None or auth.expires_at <= now:
        return None
    user = session.get(User, auth.user_id)
    if user is None or not user.is_active:
        return None
    if now - auth.last_seen_at > _LAST_SEEN_GRANULARITY:
        auth.last_seen_at = now
        # Sliding expiry: a session in use stays alive.
        auth.expires_at = now + timedelta(days=get_settings().session_days)
        session.add(auth)
    return user


def logout(*, session: Session, token: str | None) -> None:
    """End the login this token belongs to (no-op for unknown tokens)."""
    if not token or not isinstance(token, str):
        return
    auth = session.exec(select(AuthSession).where(AuthSession.token_hash == keyed_hash(token))).first()
    if auth is not None:
        session.delete(auth)


def change_password(*, session: Session, user: User, current: str, new: str, keep_token: str | None) -> int:
    """Set a new password after checking the current one; every other login of the user ends
    (the one holding `keep_token` stays), and so does a pending email change's link. Returns how
    many other logins ended.

    A wrong current password counts as a failed login for the user's rate limit, so a browser
    left logged in cannot be used to guess it. Raises ValidationError with a message per field
    ("current_password", "new_password") and changes nothing then.
    """
    if not isinstance(new, str):
        raise ValidationError({"form": "Every field must be text."})
    _check_current_password(session, user, current, "current_password")
    problem = _validate_password(new)
    if problem is None and new == current:
        problem = "The new password is the same as the current one."
    if problem:
        raise ValidationError({"new_password": problem})
    user.password_hash = hash_password(new)
    session.add(user)
    keep = keyed_hash(keep_token) if isinstance(keep_token, str) and keep_token else None
    ended = 0
    for auth in session.exec(select(AuthSession).where(AuthSession.user_id == user.id)):
        if auth.token_hash != keep:
            session.delete(auth)
            ended += 1
    # Whoever knew the old password may have asked to move the email to theirs: that link dies.
    _spend_email_links(session, user.id, utcnow())
    session.flush()
    return ended


# A link to confirm a new email works once, for this long; an account asks for at most
# EMAIL_CHANGES_PER_HOUR of them (each mails a stranger's address, so it is limited).
EMAIL_CHANGE_TTL = timedelta(days=1)
EMAIL_CHANGES_PER_HOUR = 5
EMAIL_LINK_GONE = "This link has expired or was already used. Change your email again in Settings."


@dataclass(frozen=True)
class PendingEmail:
    """A new email waiting for its link to be opened."""

    email: str
    expires_at: datetime


def request_email_change(*, session: Session, user: User, password: object, email: object) -> LinkMail:
    """Ask to change the account's email, after checking its password (guesses count against the
    login limit, as for the password). Nothing changes yet: the returned mail, which the caller
    sends after the commit, carries a link to the *new* address, and opening it makes the change
    (`confirm_email_change`), so a typo cannot send later reset links nowhere. Only the newest
    request's link works (`email_change_not_sent` when the mail does not go). Raises
    ValidationError at "email_password" or "email"; changes nothing then (but a wrong password's
    failed-login record, which the caller commits).
    """
    if not isinstance(email, str):
        raise ValidationError({"form": "Every field must be text."})
    _check_current_password(session, user, password, "email_password")
    new, problem = _normalize_email(email[:300])
    if problem is None and new == user.email:
        problem = "That is already your email."
    if problem is None and session.exec(select(User.id).where(User.email == new, User.id != user.id)).first():
        problem = "An account with that email already exists."
    now = utcnow()
    asked = select(func.count()).select_from(EmailChange).where(EmailChange.user_id == user.id)
    if problem is None and session.exec(asked.where(EmailChange.created_at >= now - timedelta(hours=1))).one() >= (
        EMAIL_CHANGES_PER_HOUR
    ):
        problem = "You asked for several changes within the hour. Try again later."
    if problem:
        raise ValidationError({"email": problem})
    _spend_email_links(session, user.id, now)
    token = secrets.token_urlsafe(32)
    change = EmailChange(
        token_hash=keyed_hash(token), user_id=user.id, new_email=new, created_at=now, expires_at=now + EMAIL_CHANGE_TTL
    )
    session.add(change)
    session.flush()
    link = f"{get_settings().site_url}{routes.confirm_email(token)}"
    body = (
        f"Hi {user.display_name or user.username},\n\n"
        f"To make this address the email of @{user.username} on Slice of Culture, open this link\n"
        f"within a day:\n\n{link}\n\n"
        "Until then your email stays as it was. If you did not ask for this, ignore this mail.\n"
    )
    return LinkMail(
        to=new,
        subject="Confirm your new Slice of Culture email",
        body=body,
        undo=partial(email_change_not_sent, change_id=change.id, spent_at=now),
    )


def email_change_not_sent(*, session: Session, change_id: int, spent_at: datetime) -> None:
    """Take back an email change whose link the mail server refused: the change is forgotten
    (no link of it works, and it does not count against EMAIL_CHANGES_PER_HOUR), and the change
    it replaced, whose link did go out, waits again, as if nothing had been asked."""
    change = session.get(EmailChange, change_id)
    if change is None:
        return
    session.delete(change)
    # `_spend_email_links` stamped what this request replaced with its own time.
    session.exec(
        update(EmailChange)
        .where(EmailChange.user_id == change.user_id, EmailChange.used_at == spent_at)
        .values(used_at=None)
    )
    session.flush()


def _spend_email_links(session: Session, user_id: int, now: datetime) -> None:
    session.exec(
        update(EmailChange).where(EmailChange.user_id == user_id, EmailChange.used_at.is_(None)).values(used_at=now)
    )


def pending_email(*, session: Session, user: User) -> PendingEmail | None:
    """The new email the account is waiting to confirm, if any."""
    change = session.exec(
        select(EmailChange)
        .where(EmailChange.user_id == user.id, EmailChange.used_at.is_(None), EmailChange.expires_at > utcnow())
        .order_by(EmailChange.created_at.desc())
    ).first()
    return PendingEmail(change.new_email, change.expires_at) if change else None


def email_change_for_link(*, session: Session, token: object) -> tuple[str, str] | None:
    """(username, new email) of the change this link would confirm, or None for a link that is
    gone: the confirmation page shows whose email becomes what before anyone confirms."""
    found = _open_link(session, EmailChange, token)
    return (found[1].username, found[0].new_email) if found else None


def cancel_email_change(*, session: Session, user: User) -> bool:
    """Forget the account's pending email change (its link stops working); False if there was none."""
    had = pending_email(session=session, user=user) is not None
    _spend_email_links(session, user.id, utcnow())
    session.flush()
    return had


def confirm_email_change(*, session: Session, token: object) -> tuple[User, Mail]:
    """Make the pending email the account's, through the link mailed to it (no login needed:
    the link proves the address, which counts as confirmed; the password was checked when the
    change was asked for). Returns the account and the notice for the *old* address, which the
    caller sends after the commit: if someone else made the change, the owner hears of it where
    they still can. Raises ValidationError at "token" for a link that is gone, or for an address
    another account took in the meantime; changes nothing then.
    """
    found = _open_link(session, EmailChange, token)
    if found is None:
        raise ValidationError({"token": EMAIL_LINK_GONE})
    change, user = found
    if session.exec(select(User.id).where(User.email == change.new_email, User.id != user.id)).first():
        raise ValidationError({"token": "Another account uses that email now. Choose another in Settings."})
    now = utcnow()
    old, user.email = user.email, change.new_email
    # The link proved the new address.
    user.email_confirmed_at = now
    session.add(user)
    _spend_email_links(session, user.id, now)
    session.flush()
    body = (
        f"Hi {user.display_name or user.username},\n\n"
        f"The email of @{user.username} on Slice of Culture was changed from this address to {user.email}.\n\n"
        "If you did this, there is nothing more to do. If not, someone else knows your password: log in\n"
        f"at {get_settings().site_url}{routes.SETTINGS} and change it, and your email back, right away.\n"
    )
    return user, Mail(to=old, subject="Your Slice of Culture email was changed", body=body)


# The link mailed at sign-up proves the address is the account's. It needs no table: it carries
# the account id and its expiry, signed (keyed_hash) together with the address it went to, so
# nobody can make one for another account or a later day, and it dies when the email changes.
EMAIL_CONFIRMATION_TTL = timedelta(days=7)
# "Send the link again" at most this often (each mails an address that may be a stranger's).
CONFIRMATION_RESEND_GAP = timedelta(minutes=2)
CONFIRMATION_LINK_BAD = (
    "This link is not valid: it is not one we sent, or the account's email has changed since."
    " Log in and send a new one from Settings."
)
CONFIRMATION_LINK_EXPIRED = (
    f"This link has expired (links work for {EMAIL_CONFIRMATION_TTL.days} days)."
    " Log in and send a new one from Settings."
)
# "<account id>.<expiry, Unix seconds>.<signature>", ASCII digits and hex only.
_CONFIRMATION_TOKEN = re.compile(r"([0-9]{1,18})\.([0-9]{1,12})\.([0-9a-f]{32})")


def _confirmation_signature(user_id: int, email: str, expires: int) -> str:
    return keyed_hash(f"email-confirmation:{user_id}:{expires}:{email}")[:32]


def _confirmation_link(user: User, now: datetime) -> str:
    expires = int((now + EMAIL_CONFIRMATION_TTL).timestamp())
    token = f"{user.id}.{expires}.{_confirmation_signature(user.id, user.email, expires)}"
    return f"{get_settings().site_url}{routes.verify_email(token)}"


def email_confirmation_mail(*, session: Session, user: User, now: datetime | None = None) -> LinkMail:
    """The mail with the link that confirms the account's email (sent at sign-up, and by
    `resend_confirmation`); records when, for the resend limit. The caller sends it after the
    commit (`confirmation_not_sent` when it does not go)."""
    now = now or utcnow()
    previous, user.confirmation_sent_at = user.confirmation_sent_at, now
    session.add(user)
    session.flush()
    body = (
        f"Hi {user.display_name or user.username},\n\n"
        f"Welcome to Slice of Culture! To confirm that this address is the email of @{user.username},\n"
        f"open this link within {EMAIL_CONFIRMATION_TTL.days} days:\n\n{_confirmation_link(user, now)}\n\n"
        "Until then it gets no digest of what happens on the site.\n"
        "If you did not sign up, ignore this mail: nothing more will come.\n"
    )
    return LinkMail(
        to=user.email,
        subject="Confirm your Slice of Culture email",
        body=body,
        undo=partial(confirmation_not_sent, user_id=user.id, sent_at=now, previous=previous),
    )


def confirmation_not_sent(*, session: Session, user_id: int, sent_at: datetime, previous: datetime | None) -> None:
    """Take back a confirmation link the mail server refused: `confirmation_sent_at` goes back to
    `previous`, so "Send the link again" works at once, and an account never sent a link stays
    one (a digest due sends it the link then). Unless a later link was recorded meanwhile."""
    session.exec(
        update(User)
        .where(User.id == user_id, User.confirmation_sent_at == sent_at)
        .values(confirmation_sent_at=previous)
    )
    session.flush()


def confirmation_reminder(*, user: User, now: datetime) -> Mail:
    """The one mail an account from before sign-ups were confirmed (no link ever sent) gets when
    a digest would have been due: the link, and why it needs one now. Changes nothing: the caller
    records `confirmation_sent_at` once it went, so it is sent once (services/digests.py)."""
    body = (
        f"Hi {user.display_name or user.username},\n\n"
        "You have notifications on Slice of Culture you have not seen. We now send the daily digest\n"
        "of them only to addresses their owner confirmed. To confirm that this is the email of\n"
        f"@{user.username}, open this link within {EMAIL_CONFIRMATION_TTL.days} days:\n\n"
        f"{_confirmation_link(user, now)}\n\n"
        "If you would rather not get the digest, ignore this mail: we will not ask again.\n"
    )
    return Mail(to=user.email, subject="Confirm your email to get your Slice of Culture digest", body=body)


def resend_confirmation(*, session: Session, user: User) -> LinkMail:
    """A new confirmation link for the account's email ("Send the link again" in Settings), at
    most one per CONFIRMATION_RESEND_GAP. Raises ValidationError at "email" when the address is
    already confirmed, RateLimited when a link went out too recently; changes nothing then."""
    if user.email_confirmed_at is not None:
        raise ValidationError({"email": "Your email is already confirmed."})
    now = utcnow()
    if user.confirmation_sent_at is not None:
        wait = (user.confirmation_sent_at + CONFIRMATION_RESEND_GAP - now).total_seconds()
        if wait > 0:
            raise RateLimited(field="email", doing="asking for links", retry_after=math.ceil(wait))
    return email_confirmation_mail(session=session, user=user, now=now)


def _confirmation_account(session: Session, token: object) -> User:
    """The active account whose current email this sign-up link confirms; ValidationError at
    "token" otherwise."""
    found = _CONFIRMATION_TOKEN.fullmatch(token) if isinstance(token, str) and len(token) <= 100 else None
    user = session.get(User, int(found[1])) if found and is_row_id(int(found[1])) else None
    if found is None or user is None or not user.is_active:
        raise ValidationError({"token": CONFIRMATION_LINK_BAD})
    user_id, expires, signature = int(found[1]), int(found[2]), found[3]
    if not hmac.compare_digest(signature, _confirmation_signature(user_id, user.email, expires)):
        raise ValidationError({"token": CONFIRMATION_LINK_BAD})
    if expires <= utcnow().timestamp():
        raise ValidationError({"token": CONFIRMATION_LINK_EXPIRED})
    return user


def account_for_confirmation(*, session: Session, token: object) -> tuple[str, str]:
    """(username, email) this sign-up link confirms: the page shows whose address before anyone
    presses the button (a mail scanner opening the link confirms nothing). Raises
    ValidationError at "token", as `confirm_email` does, for a link that does not work."""
    user = _confirmation_account(session, token)
    return user.username, user.email


def confirm_email(*, session: Session, token: object) -> User:
    """Mark the account's email confirmed through the link mailed to it (no login needed: the
    link proves the address). Doing it twice is harmless. Raises ValidationError at "token" for a
    link that is malformed, forged, another account's, for an address the account no longer has
    (CONFIRMATION_LINK_BAD) or expired (CONFIRMATION_LINK_EXPIRED); changes nothing then."""
    user = _confirmation_account(session, token)
    _mark_confirmed(user, utcnow())
    session.add(user)
    session.flush()
    return user


def _mark_confirmed(user: User, now: datetime) -> None:
    """The account's current address is proven (kept from the first proof)."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now


def _check_current_password(session: Session, user: User, password: object, field: str) -> None:
    """Raise ValidationError at `field` unless `password` is the user's; a wrong one counts as a
    failed login for the user's rate limit (the caller commits that record, nothing else)."""
    if not isinstance(password, str):
        raise ValidationError({"form": "Every field must be text."})
    settings = get_settings()
    if _recent_failures(session, LoginFailure.username, user.username) >= settings.login_max_failures_per_user:
        minutes = settings.login_window_minutes
        raise ValidationError({field: f"Too many failed attempts. Try again in {minutes} minutes."})
    if not password:
        raise ValidationError({field: "Enter your current password."})
    if not verify_password(password[:MAX_PASSWORD], user.password_hash):
        session.add(LoginFailure(username=user.username, client="password-check"))
        session.flush()
        raise ValidationError({field: "That is not your current password."})


def delete_account(*, session: Session, user: User, password: str) -> None:
    """Delete the account for good, after checking the password: the user row goes, and with it
    (foreign keys, ON DELETE CASCADE) their entries, likes, comments, follows both ways,
    notifications, forum messages and memberships, and every login. Items they added to the
    catalog stay (shared by others), without their name on them. The recommender's stored vector
    is ignored from now on (serving re-checks people in the database) and gone at the next
    refresh. Raises ValidationError ("password") and changes nothing on a wrong password."""
    _check_current_password(session, user, password, "password")
    session.delete(user)
    session.flush()


def require_admin(user: User | None) -> User:
    """The user, if they are an active administrator; PermissionDenied otherwise."""
    if user is None or not user.is_active or not user.is_admin:
        raise PermissionDenied("Only administrators can do that.")
    return user


def deactivate_user(*, session: Session, user_id: int) -> None:
    """Deactivate an account and end all its sessions."""
    user = session.get(User, user_id)
    if user is None:
        return
    user.is_active = False
    session.add(user)
    for auth in session.exec(select(AuthSession).where(AuthSession.user_id == user_id)):
        session.delete(auth)


def update_profile(
    *,
    session: Session,
    user: User,
    display_name: str,
    bio: str,
    avatar_url: str,
    default_visibility: str,
    discoverable: bool,
    preferred_kinds: list[str] | None = None,
    email_digest: bool | None = None,
    time_zone: str | None = None,
) -> User:
    """Change the editable profile fields (`preferred_kinds`, `email_digest`, `time_zone` None:
    unchanged). Raises ValidationError with a message per field."""
    errors: dict[str, str] = {}
    try:
        display_name = clean_text(display_name, max_length=60)
        bio = clean_text(bio, max_length=500)
        avatar_url = clean_text(avatar_url, max_length=500)
    except TypeError:
        raise ValidationError({"form": "Every field must be text."}) from None
    if not display_name:
        errors["display_name"] = "Display name cannot be empty."
    elif len(display_name) > 60:
        errors["display_name"] = "Display name must be at most 60 characters."
    if len(bio) > 500:
        errors["bio"] = "Bio must be at most 500 characters."
    if avatar_url and (len(avatar_url) > 500 or not re.match(r"^(https://|/)[^\s\"'<>]+$", avatar_url)):
        errors["avatar_url"] = "Avatar must be an https:// address or a path on this site."
    if default_visibility not in VISIBILITIES:
        errors["default_visibility"] = "Choose public, followers or private."
    kinds = user.preferred_kinds
    if preferred_kinds is not None:
        try:
            kinds = ",".join(onboarding.clean_kinds(preferred_kinds))
        except ValidationError as exc:
            errors.update(exc.errors)
    zone_name = user.time_zone
    if time_zone is not None:
        try:
            zone_name = time_zones.clean_time_zone(time_zone)
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    user.display_name = display_name
    user.bio = bio
    user.avatar_url = avatar_url
    user.default_visibility = default_visibility
    user.discoverable = bool(discoverable)
    user.preferred_kinds = kinds
    user.time_zone = zone_name
    if email_digest is not None:
        user.email_digest = bool(email_digest)
    session.add(user)
    session.flush()
    return user


# A reset link works once, for this long.
RESET_LINK_TTL = timedelta(hours=1)
# Links asked for per account and per client within RESET_WINDOW. Past the account's limit no
# more mail goes out, silently (saying so would tell that the account exists).
RESET_WINDOW = timedelta(hours=1)
RESETS_PER_ACCOUNT = 3
RESETS_PER_CLIENT = 10
RESET_LINK_GONE = "This link has expired or was already used. Ask for a new one below."
# What asking is answered with, whether or not an account matched.
RESET_SENT = "If an account matches, we have sent a link to its email address. It works once, within the hour."


def request_password_reset(*, session: Session, who: str, client: str = "unknown") -> LinkMail | None:
    """ "Forgot your password?": the mail with a one-time link for the active account `who` names
    (username or email), or None when there is none to send. The page says the same either way,
    so nobody learns from it whether an account exists. The caller commits, then sends the mail
    (`reset_not_sent` when it does not go).

    Raises ValidationError at "who" for empty or non-text input, and RateLimited when this
    client asked for RESETS_PER_CLIENT links within the hour.
    """
    if not isinstance(who, str) or not normalize_username(who):
        raise ValidationError({"who": "Enter your username or email."})
    if len(who) > 300:
        raise ValidationError({"who": "That is longer than any username or email."})
    client = (client or "unknown")[:100]
    since = utcnow() - RESET_WINDOW
    asked = select(func.count()).select_from(PasswordReset).where(PasswordReset.created_at >= since)
    if session.exec(asked.where(PasswordReset.client == client)).one() >= RESETS_PER_CLIENT:
        raise ValidationError({"who": "Too many reset links asked for from this device. Try again in an hour."})
    user = _find_account(session, who)
    if user is None or not user.is_active:
        return None
    if session.exec(asked.where(PasswordReset.user_id == user.id)).one() >= RESETS_PER_ACCOUNT:
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires = now + RESET_LINK_TTL
    reset = PasswordReset(
        token_hash=keyed_hash(token), user_id=user.id, client=client, created_at=now, expires_at=expires
    )
    session.add(reset)
    session.flush()
    link = f"{get_settings().site_url}{routes.reset_password(token)}"
    body = (
        f"Hi {user.display_name or user.username},\n\n"
        f"Someone, hopefully you, asked to reset the password of @{user.username} on Slice of Culture.\n"
        f"Open this link within the hour to choose a new one:\n\n{link}\n\n"
        "It works once. If you did not ask, ignore this mail: your password stays as it is.\n"
    )
    return LinkMail(
        to=user.email,
        subject="Reset your Slice of Culture password",
        body=body,
        undo=partial(reset_not_sent, reset_id=reset.id),
    )


def reset_not_sent(*, session: Session, reset_id: int) -> None:
    """Take back a reset link the mail server refused: it reached nobody, so it neither works nor
    counts against the account's or the client's limit (RESETS_PER_ACCOUNT, RESETS_PER_CLIENT)."""
    session.exec(delete(PasswordReset).where(PasswordReset.id == reset_id))
    session.flush()


def reset_link_works(*, session: Session, token: object) -> bool:
    """Whether this reset link can still set a password (shown before the form is filled in)."""
    return _open_link(session, PasswordReset, token) is not None


def reset_password(*, session: Session, token: object, password: object) -> User:
    """Set a new password through a reset link, which also proves the account's email. The link
    is then used up (with every other link of the account, and a pending email change's), every
    login of the account ends, and its failed logins are forgotten, so a person locked out by
    guessing can log in at once. Raises
    ValidationError at "token" for a link that is gone and at "password" for a password the
    rules refuse; changes nothing then.
    """
    found = _open_link(session, PasswordReset, token)
    if found is None:
        raise ValidationError({"token": RESET_LINK_GONE})
    if not isinstance(password, str):
        raise ValidationError({"password": "Enter a new password."})
    if problem := _validate_password(password):
        raise ValidationError({"password": problem})
    reset, user = found
    now = utcnow()
    user.password_hash = hash_password(password)
    # The link came to the account's address: that proves it too.
    _mark_confirmed(user, now)
    session.add(user)
    session.exec(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    session.exec(delete(AuthSession).where(AuthSession.user_id == user.id))
    _spend_email_links(session, user.id, now)
    # Failures are kept by the name typed: the username, or the email for logins by email.
    session.exec(delete(LoginFailure).where(LoginFailure.username.in_([user.username, user.email])))
    session.flush()
    return user
