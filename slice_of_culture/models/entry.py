"""Entries: what a person watched, read or listened to. Others see each one as a postcard."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from slice_of_culture.models.common import ENTRY_STATUSES, VISIBILITIES, sql_in, utcnow


class Entry(SQLModel, table=True):
    """One logging of an item by a user; re-reads and re-watches are separate entries."""

    __tablename__ = "entry"
    __table_args__ = (
        CheckConstraint(sql_in("status", ENTRY_STATUSES), name="status"),
        CheckConstraint(sql_in("visibility", VISIBILITIES), name="visibility"),
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 10)", name="rating"),
        # A profile's entries and the following feed (per followee, newest first). On PostgreSQL the
        # index also carries visibility, so the per-followee scan is index-only and stops early.
        Index("ix_entry_user_created", "user_id", "created_at", "id", postgresql_include=["visibility"]),
        # The "Everyone" feed: latest public entries.
        Index("ix_entry_visibility_created", "visibility", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    item_id: int = Field(foreign_key="item.id", index=True, ondelete="CASCADE")
    status: str = Field(default="finished", max_length=12)
    # Half stars: 1 = ½ star ... 10 = 5 stars.
    rating: int | None = Field(default=None)
    consumed_on: date | None = Field(default=None)
    review: str = Field(default="", max_length=5000)
    visibility: str = Field(default="public", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
