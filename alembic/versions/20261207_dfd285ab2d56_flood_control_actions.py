"""Flood control counts follows, likes, items and entries as actions

The `edit` table (one row per edit of a forum message or comment, kept while flood control's
window counts it) becomes `action`, with a kind: edits, follows, likes, and catalog items and
entries added by hand, and imports, are counted there (services/rates.py). Its rows live a minute to a day;
those in `edit` at the upgrade are dropped (at worst someone may edit a few more times within
that minute), and the downgrade likewise starts an empty `edit`.

Revision ID: dfd285ab2d56
Revises: 2b8a2d207491
Create Date: 2026-12-07 23:27:42.687619
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "dfd285ab2d56"
down_revision: str | None = "2b8a2d207491"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('edit', 'follow', 'like', 'item', 'entry', 'import')", name=op.f("ck_action_kind")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_action_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
    )
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.create_index("ix_action_user_kind_created", ["user_id", "kind", "created_at"], unique=False)

    with op.batch_alter_table("edit", schema=None) as batch_op:
        batch_op.drop_index("ix_edit_user_created")

    op.drop_table("edit")


def downgrade() -> None:
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

    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_user_kind_created")

    op.drop_table("action")
