"""The admins' log of decisions on reports

A resolved report keeps what the thing was when an admin decided ("the postcard about Dune by
@ana"): the /admin/reports page lists the latest decisions, and the thing may be gone.

Revision ID: e9432896648b
Revises: 0c7fd953c48e
Create Date: 2026-11-22 11:07:25.404572
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'e9432896648b'
down_revision: str | None = '0c7fd953c48e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('note')

