"""The catalog: movies, books and music that people log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Column
from sqlmodel import Field, SQLModel

from slice_of_culture.models.common import ITEM_KINDS, MAX_CREATOR, MAX_TITLE, sql_in, utcnow


class Item(SQLModel, table=True):
    """A movie, book or album. `dedup_key` (kind + normalized title + creator + year) is unique."""

    __tablename__ = "item"
    __table_args__ = (CheckConstraint(sql_in("kind", ITEM_KINDS), name="kind"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10, index=True)
    title: str = Field(max_length=MAX_TITLE)
    # Director, author or artist.
    creator: str = Field(default="", max_length=MAX_CREATOR)
    year: int | None = Field(default=None)
    genres: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    description: str = Field(default="", max_length=5000)
    image_url: str = Field(default="", max_length=500)
    # e.g. {"imdb": "tt0087182", "isbn": "...", "musicbrainz": "..."}
    external_ids: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    dedup_key: str = Field(max_length=600, unique=True)
    # Indexed: deleting an account sets it to NULL on the items that person added.
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL", index=True)
    created_at: datetime = Field(default_factory=utcnow)
