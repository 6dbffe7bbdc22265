"""Entries: what a person watched, read or listened to. Others see each one as a postcard."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, text
from sqlmodel import Field, SQLModel

from slice_of_culture.models.common import ENTRY_STATUSES, VISIBILITIES, sql_in, utcnow

# An entry rated this or higher (4 stars of 5) is "loved": a recommendation candidate and the
# "you both loved" evidence. The partial index below is built for exactly this threshold.
LOVED_RATING = 8


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
        # An item's entries (item page, search's popularity tie-break). On PostgreSQL with their
        # visibility, so counting an item's public entries is an index-only scan.
        Index("ix_entry_item_id", "item_id", postgresql_include=["visibility"]),
        # What a set of people loved (For you, step 2): only loved entries, and on PostgreSQL with
        # everything the query reads, so a heavy person's thousands of entries cost an index-only
        # scan of their loves (10k-people benchmark: For you p95 29.9 -> 20.1 ms).
        Index(
            "ix_entry_user_loved",
            "user_id",
            postgresql_include=["item_id", "rating", "visibility"],
            postgresql_where=text(f"rating >= {LOVED_RATING}"),
            sqlite_where=text(f"rating >= {LOVED_RATING}"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    item_id: int = Field(foreign_key="item.id", ondelete="CASCADE")
    status: str = Field(default="finished", max_length=12)
    # Half stars: 1 = ½ star ... 10 = 5 stars.
    rating: int | None = Field(default=None)
    consumed_on: date | None = Field(default=None)
    review: str = Field(default="", max_length=5000)
    visibility: str = Field(default="public", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
