"""Like and comment counts from their indexes alone

A postcard's like and comment counts leave out closed accounts and people blocked either way.
Checking each like's or comment's author cost a table read per row (thousands on a much-liked
postcard: the following feed's first page missed its 15 ms goal, p95 25 ms). Now the people
left out are read once per statement (closed accounts from a partial index) and the rows are
counted from (entry_id, user_id) indexes. The comment index keeps created_at second, for the
comment lists' order.

Revision ID: 0c7fd953c48e
Revises: 3f8d2a6c5b14
Create Date: 2026-11-22 10:29:25.650706
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0c7fd953c48e'
down_revision: str | None = '3f8d2a6c5b14'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_entry_created_user', ['entry_id', 'created_at', 'user_id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_comment_entry_created'))

    with op.batch_alter_table('like', schema=None) as batch_op:
        batch_op.create_index('ix_like_entry_user', ['entry_id', 'user_id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_like_entry_id'))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index('ix_user_closed', ['id'], unique=False, postgresql_where=sa.text('NOT is_active'), sqlite_where=sa.text('NOT is_active'))



def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index('ix_user_closed', postgresql_where=sa.text('NOT is_active'), sqlite_where=sa.text('NOT is_active'))

    with op.batch_alter_table('like', schema=None) as batch_op:
        batch_op.drop_index('ix_like_entry_user')
        batch_op.create_index(batch_op.f('ix_like_entry_id'), ['entry_id'], unique=False)

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_entry_created_user')
        batch_op.create_index(batch_op.f('ix_comment_entry_created'), ['entry_id', 'created_at'], unique=False)

