"""The social graph around entries: likes, comments, follows, blocks and notifications, and the
actions flood control counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from slice_of_culture.models.common import ACTION_KINDS, MAX_NOTE, NOTIFICATION_KINDS, sql_in, utcnow


class Like(SQLModel, table=True):
    """A user likes an entry (at most once)."""

    __tablename__ = "like"
    __table_args__ = (
        UniqueConstraint("user_id", "entry_id", name="uq_like_user_entry"),
        # A postcard's like count, leaving out blocked and closed accounts, from the index alone.
        Index("ix_like_entry_user", "entry_id", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    entry_id: int = Field(foreign_key="entry.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)


class Comment(SQLModel, table=True):
    """A comment on an entry."""

    __tablename__ = "comment"
    # A postcard's comments in order, and its comment count (which checks each author), from the
    # index alone.
    __table_args__ = (Index("ix_comment_entry_created_user", "entry_id", "created_at", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    entry_id: int = Field(foreign_key="entry.id", ondelete="CASCADE")
    text: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Action(SQLModel, table=True):
    """One write flood control counts by the person who did it rather than by the rows it made
    (`services/rates.note`), kept while its limit's window counts it: an edit of a forum message
    or comment (it reaches every open room like a new message does), a follow or a like (unfollow
    and unlike delete theirs, so a loop would never add up), a catalog item or an entry added by
    hand (an import adds hundreds of rows that must not count against the next one)."""

    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint(sql_in("kind", ACTION_KINDS), name="kind"),
        Index("ix_action_user_kind_created", "user_id", "kind", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    kind: str = Field(max_length=10)
    created_at: datetime = Field(default_factory=utcnow)


class Follow(SQLModel, table=True):
    """`follower` sees `followee`'s postcards in their Following feed. Never yourself."""

    __tablename__ = "follow"
    __table_args__ = (
        UniqueConstraint("follower_id", "followee_id", name="uq_follow_pair"),
        CheckConstraint("follower_id <> followee_id", name="not_self"),
        # Followers and following lists, newest follow first by keyset, and their counts, which
        # read the other person's id from the index alone (uq_follow_pair serves the feed).
        Index("ix_follow_followee_created", "followee_id", "created_at", "follower_id"),
        Index("ix_follow_follower_created", "follower_id", "created_at", "followee_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    follower_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    followee_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)


class Block(SQLModel, table=True):
    """`blocker` blocked `blocked`: neither sees the other's postcards, comments or forum
    messages, nor follows, likes, comments on or mentions the other (services/blocks.py)."""

    __tablename__ = "block"
    __table_args__ = (
        UniqueConstraint("blocker_id", "blocked_id", name="uq_block_pair"),
        CheckConstraint("blocker_id <> blocked_id", name="not_self"),
        Index("ix_block_blocked", "blocked_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    blocker_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    blocked_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)


class Notification(SQLModel, table=True):
    """Something happened that `recipient` should know about (a like, comment, follow, mention,
    or what the moderators did about a report)."""

    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint(sql_in("kind", NOTIFICATION_KINDS), name="kind"),
        Index("ix_notification_recipient_created", "recipient_id", "created_at"),
        # A like or follow repeated within a day notifies once (services/social.py looks for the
        # earlier one); deleting an account deletes the notifications it caused.
        Index("ix_notification_actor_recipient_created", "actor_id", "recipient_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    actor_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    kind: str = Field(max_length=10)
    # What it is about: "entry:<id>", "comment:<id>", "user:<id>", "message:<id>".
    target: str = Field(default="", max_length=40)
    # For moderation notices, what the thing was ("the postcard about Dune by @noah_f"): it may
    # be gone by the time the notice is read.
    note: str = Field(default="", max_length=MAX_NOTE)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = Field(default=None)
