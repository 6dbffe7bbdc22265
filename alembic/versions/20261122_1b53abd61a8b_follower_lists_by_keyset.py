"""Followers and following lists by keyset, and their counts from the indexes

The profile's lists page by (followed at, the other person's id), newest first, and count only
open accounts without a block with the viewer: both read (followee, created_at, follower) and
(follower, created_at, followee). The first replaces ix_follow_followee.

Revision ID: 1b53abd61a8b
Revises: e9432896648b
Create Date: 2026-11-22 12:20:41.819444
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '1b53abd61a8b'
down_revision: str | None = 'e9432896648b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.create_index('ix_follow_followee_created', ['followee_id', 'created_at', 'follower_id'], unique=False)
        batch_op.create_index('ix_follow_follower_created', ['follower_id', 'created_at', 'followee_id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_follow_followee'))



def downgrade() -> None:
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_followee'), ['followee_id'], unique=False)
        batch_op.drop_index('ix_follow_follower_created')
        batch_op.drop_index('ix_follow_followee_created')

