"""Entry item index carries visibility on PostgreSQL

Catalog search puts the most logged of the titles equal to the query first, counting each one's
public entries (up to 50): with visibility in ix_entry_item_id that count is an index-only scan
instead of a heap read per entry. SQLite keeps the plain index (no INCLUDE there).

Revision ID: 9c4e1f7a2b83
Revises: 88d875e7b294
Create Date: 2026-11-22 08:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9c4e1f7a2b83"
down_revision: str | None = "88d875e7b294"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_entry_item_id", table_name="entry")
        op.create_index("ix_entry_item_id", "entry", ["item_id"], postgresql_include=["visibility"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_entry_item_id", table_name="entry")
        op.create_index("ix_entry_item_id", "entry", ["item_id"])
