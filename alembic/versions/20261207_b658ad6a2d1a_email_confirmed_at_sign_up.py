"""Email confirmed at sign-up

When an account proved its email address is its own (the link mailed at sign-up, an email
change's link, a password reset), and when the sign-up link was last mailed. Digests go only to
confirmed addresses. Accounts whose current address came through a confirmed email change count
as confirmed since then; every other existing account starts unconfirmed.

Revision ID: b658ad6a2d1a
Revises: b782b21f0091
Create Date: 2026-12-07 17:29:04.573089
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "b658ad6a2d1a"
down_revision: str | None = "b782b21f0091"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A used change to the address the account has now is the link that confirmed it (a change is
# refused while the address is already the account's, so the newest such row is that link).
CONFIRMED_BY_EMAIL_CHANGE = """
UPDATE "user" SET email_confirmed_at = (
    SELECT max(c.used_at) FROM email_change c
    WHERE c.user_id = "user".id AND c.new_email = "user".email AND c.used_at IS NOT NULL
)
WHERE EXISTS (
    SELECT 1 FROM email_change c
    WHERE c.user_id = "user".id AND c.new_email = "user".email AND c.used_at IS NOT NULL
)
"""


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("confirmation_sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.execute(sa.text(CONFIRMED_BY_EMAIL_CHANGE))


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("confirmation_sent_at")
        batch_op.drop_column("email_confirmed_at")
