"""Edits counted for flood control

Editing a forum message or a comment is flood-controlled like writing one (an edit reaches every
open room): one row per edit, kept while the window counts it.

Revision ID: a8996df012a2
Revises: 1b53abd61a8b
Create Date: 2026-11-23 01:32:33.812324
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "a8996df012a2"
down_revision: str | None = "1b53abd61a8b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "edit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_edit_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edit")),
    )
    with op.batch_alter_table("edit", schema=None) as batch_op:
        batch_op.create_index("ix_edit_user_created", ["user_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("edit", schema=None) as batch_op:
        batch_op.drop_index("ix_edit_user_created")

    op.drop_table("edit")
