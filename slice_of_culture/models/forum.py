"""Forums: topic group chats, their messages, and who has read how far."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from slice_of_culture.models.common import utcnow


class Forum(SQLModel, table=True):
    """A topic room, e.g. /forums/books."""

    __tablename__ = "forum"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=80)
    description: str = Field(default="", max_length=500)
    archived_at: datetime | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)


class Message(SQLModel, table=True):
    """A chat message; deleting keeps the row and sets `deleted_at` ("message deleted")."""

    __tablename__ = "message"
    __table_args__ = (
        Index("ix_message_forum_created", "forum_id", "created_at", "id"),
        # Flood control counts one person's messages of the last seconds; also serves user_id lookups.
        Index("ix_message_user_created", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    forum_id: int = Field(foreign_key="forum.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    text: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    edited_at: datetime | None = Field(default=None)
    deleted_at: datetime | None = Field(default=None)


class ForumMembership(SQLModel, table=True):
    """A user's place in a forum: the last message they read, for unread counts."""

    __tablename__ = "forum_membership"
    __table_args__ = (UniqueConstraint("user_id", "forum_id", name="uq_forum_membership"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    forum_id: int = Field(foreign_key="forum.id", index=True, ondelete="CASCADE")
    last_read_message_id: int | None = Field(default=None)
    joined_at: datetime = Field(default_factory=utcnow)
