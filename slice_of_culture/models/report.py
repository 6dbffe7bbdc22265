"""Reports: someone asks the admins to look at a postcard, comment, forum message or person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from slice_of_culture.models.common import MAX_NOTE, sql_in, utcnow

REPORT_RESOLUTIONS = ("removed", "dismissed")


class Report(SQLModel, table=True):
    """`user` reported `target` ("entry:<id>", "comment:<id>", "message:<id>", "list:<id>", "user:<id>"),
    at most once each; an admin resolves it by removing the thing or dismissing the report."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("user_id", "target", name="uq_report_user_target"),
        CheckConstraint(f"resolution IS NULL OR {sql_in('resolution', REPORT_RESOLUTIONS)}", name="resolution"),
        # The admins' queue: open reports, oldest first.
        Index("ix_report_open", "resolved_at", "created_at"),
        Index("ix_report_target", "target"),
        Index("ix_report_resolved_by", "resolved_by_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    target: str = Field(max_length=40)
    reason: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = Field(default=None)
    resolved_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    resolution: str | None = Field(default=None, max_length=10)
    # What the thing was when an admin decided ("the postcard about Dune by @ana"), for the log
    # of decisions: the thing itself may be gone.
    note: str = Field(default="", max_length=MAX_NOTE)
