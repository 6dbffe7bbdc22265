"""Moderation notices

A reporter hears whether the thing they reported was removed or kept; its owner hears that it
was taken down. Three notification kinds, and a note saying what the thing was (it may be gone).

Revision ID: 3f8d2a6c5b14
Revises: 96246c67089c
Create Date: 2026-11-22 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "3f8d2a6c5b14"
down_revision: str | None = "96246c67089c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "kind IN ('like', 'comment', 'follow', 'mention')"
NEW_KINDS = "kind IN ('like', 'comment', 'follow', 'mention', 'removed', 'kept', 'taken_down')"


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=300), server_default="", nullable=False)
        )
        batch_op.drop_constraint(op.f("ck_notification_kind"), type_="check")
        batch_op.create_check_constraint("kind", NEW_KINDS)


def downgrade() -> None:
    # The moderation notices cannot be kept under the old constraint.
    op.execute("DELETE FROM notification WHERE kind IN ('removed', 'kept', 'taken_down')")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notification_kind"), type_="check")
        batch_op.create_check_constraint("kind", OLD_KINDS)
        batch_op.drop_column("note")
