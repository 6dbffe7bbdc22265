"""Accounts: users, their server-side login sessions, and failed-login records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, text
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel

from slice_of_culture.models.common import VISIBILITIES, sql_in, utcnow


class User(SQLModel, table=True):
    """A person with an account. `username` is stored lower-case, so uniqueness is case-insensitive."""

    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint(sql_in("default_visibility", VISIBILITIES), name="default_visibility"),
        # The few closed accounts, read once per statement by like and comment counts
        # (services/visibility.py, `closed_accounts`).
        Index("ix_user_closed", "id", postgresql_where=text("NOT is_active"), sqlite_where=text("NOT is_active")),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=30, unique=True, index=True)
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    display_name: str = Field(default="", max_length=60)
    bio: str = Field(default="", max_length=500)
    avatar_url: str = Field(default="", max_length=500)
    default_visibility: str = Field(default="public", max_length=10)
    # Opt-out of being shown to others as "people with similar taste".
    discoverable: bool = Field(default=True)
    # The kinds chosen at sign-up or in settings, e.g. "book,music" ("" = everything); a cold
    # start shows what is popular in these (services/onboarding.py reads and writes it).
    preferred_kinds: str = Field(default="", max_length=30, sa_column_kwargs={"server_default": ""})
    # A mail, at most once a day, of notifications the person has not seen (services/digests.py);
    # `digest_sent_at`: when the last one went, so the next tells only what came after it.
    email_digest: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})
    digest_sent_at: datetime | None = None
    # The person's IANA time zone ("Europe/Lisbon"): their digest comes in their morning
    # (services/digests.py; services/accounts.py checks the name).
    time_zone: str = Field(default="UTC", max_length=64, sa_column_kwargs={"server_default": "UTC"})
    # When the person proved the address is theirs (the link mailed at sign-up, an email change's
    # link, a password reset): digests go only to confirmed addresses (services/accounts.py).
    # `confirmation_sent_at`: when the last sign-up link went, so it is not resent too often.
    email_confirmed_at: datetime | None = None
    confirmation_sent_at: datetime | None = None
    is_admin: bool = Field(default=False)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class AuthSession(SQLModel, table=True):
    """A login. The browser holds the random token; we keep only its keyed hash."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    last_seen_at: datetime = Field(default_factory=utcnow)


class LoginFailure(SQLModel, table=True):
    """One failed login attempt, kept for the rate limit's sliding window."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_username_at", "username", "created_at"),
        Index("ix_login_failure_client_at", "client", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=254)
    client: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class PasswordReset(SQLModel, table=True):
    """A "forgot my password" link sent by email. The link carries a random token; we keep only
    its keyed hash, when it expires and when it was used (each link works once)."""

    __tablename__ = "password_reset"
    __table_args__ = (
        # Requests per account and per client over the last hour (services/accounts.py limits both).
        Index("ix_password_reset_user_at", "user_id", "created_at"),
        Index("ix_password_reset_client_at", "client", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    client: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class EmailChange(SQLModel, table=True):
    """A new email waiting to be confirmed: the account's email changes only when the link
    mailed to the new address is opened (so a typo cannot send later reset links nowhere). As
    for resets, we keep the link token's keyed hash only; each link works once."""

    __tablename__ = "email_change"
    __table_args__ = (
        # The account's pending change and its requests over the last hour (services/accounts.py).
        Index("ix_email_change_user_at", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    new_email: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
