"""Lists: a person's own selection of items ("Best of Ghibli", "Books that made me cry"), in an
order they choose, each with an optional note. Seen by whom the list's visibility allows, as
entries are (services/visibility.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from slice_of_culture.models.common import VISIBILITIES, sql_in, utcnow


class ItemList(SQLModel, table=True):
    __tablename__ = "item_list"
    __table_args__ = (
        CheckConstraint(sql_in("visibility", VISIBILITIES), name="visibility"),
        # A profile's lists, most recently changed first.
        Index("ix_item_list_user_updated", "user_id", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    title: str = Field(max_length=100)
    description: str = Field(default="", max_length=2000)
    visibility: str = Field(default="public", max_length=10)
    # Numbered (a ranking) or not (a collection); the order is the owner's either way.
    ranked: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ItemListEntry(SQLModel, table=True):
    """One item on a list, at `position` (0 = first), with the owner's note."""

    __tablename__ = "item_list_entry"
    __table_args__ = (
        # An item is on a list once.
        UniqueConstraint("list_id", "item_id"),
        # A list's items in order.
        Index("ix_item_list_entry_list_position", "list_id", "position"),
        # The lists an item is on (the item page).
        Index("ix_item_list_entry_item", "item_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="item_list.id", ondelete="CASCADE")
    item_id: int = Field(foreign_key="item.id", ondelete="CASCADE")
    position: int = Field(default=0)
    note: str = Field(default="", max_length=500)
    added_at: datetime = Field(default_factory=utcnow)
