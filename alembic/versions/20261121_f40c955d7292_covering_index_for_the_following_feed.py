"""covering index for the following feed

Revision ID: f40c955d7292
Revises: 8f52196dbc68
Create Date: 2026-11-21 15:53:06.972467
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "f40c955d7292"
down_revision: str | None = "8f52196dbc68"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The following feed reads each followee's newest entries; on PostgreSQL carrying visibility in
# the index makes that an index-only scan that stops after a page (bench/RESULTS.md).


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_entry_user_created", table_name="entry")
    op.create_index(
        "ix_entry_user_created", "entry", ["user_id", "created_at", "id"], postgresql_include=["visibility"]
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_entry_user_created", table_name="entry")
    op.create_index("ix_entry_user_created", "entry", ["user_id", "created_at", "id"])
