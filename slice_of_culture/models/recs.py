"""The recommender's tables: model versions (what was trained, how well it scored, and which one
serves) and the items people asked never to be recommended again.

Exactly one version has `is_current` set; switching versions is one UPDATE, so readers see either
the old version or the new one, never a mix.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from slice_of_culture.models.common import sql_in, utcnow

MODEL_STATUSES = ("training", "ready", "failed", "retired")


class RecsModelVersion(SQLModel, table=True):
    """One training run of the two-tower model and the vectors it wrote to Chroma."""

    __tablename__ = "recs_model_version"
    __table_args__ = (CheckConstraint(sql_in("status", MODEL_STATUSES), name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    # Names the Chroma collections (users_v<version>, items_v<version>) and the model folder.
    version: int = Field(unique=True)
    status: str = Field(default="training", max_length=10)
    is_current: bool = Field(default=False, index=True)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = Field(default=None)
    trigger: str = Field(default="manual", max_length=20)
    num_users: int = Field(default=0)
    num_items: int = Field(default=0)
    num_interactions: int = Field(default=0)
    train_seconds: float = Field(default=0.0)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    metrics: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str = Field(default="", max_length=2000)


class ItemDismissal(SQLModel, table=True):
    """`user` pressed "Not interested" on a recommendation of `item`: it is not recommended to
    them again until they bring it back (services/dismissals.py; serving counts it as met)."""

    __tablename__ = "item_dismissal"
    # Deleting an item finds its dismissals by an index (the primary key leads with the person).
    __table_args__ = (Index("ix_item_dismissal_item", "item_id"),)

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    item_id: int = Field(foreign_key="item.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
