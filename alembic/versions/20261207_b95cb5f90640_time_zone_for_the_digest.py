"""Time zone for the digest

Each person's IANA time zone ("Europe/Lisbon"), so that their daily digest comes in their
morning. Everyone existing starts in UTC, where the digest went before.

Revision ID: b95cb5f90640
Revises: b658ad6a2d1a
Create Date: 2026-12-07 18:00:33.197515
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "b95cb5f90640"
down_revision: str | None = "b658ad6a2d1a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_zone", sqlmodel.sql.sqltypes.AutoString(length=64), server_default="UTC", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
