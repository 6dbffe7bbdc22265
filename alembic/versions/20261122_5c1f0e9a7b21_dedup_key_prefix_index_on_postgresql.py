"""dedup_key prefix index on PostgreSQL, for matching imported lines to the catalog

`catalog.match_item` looks items up by a prefix of `dedup_key` (kind|title|creator|): on
PostgreSQL, `LIKE 'prefix%'`, which a b-tree serves only when it compares bytewise (the "C"
collation, or text_pattern_ops). The unique index on dedup_key uses the database's collation, so
every imported line read the whole item table: 38.6 ms a line at 100k items (bench/RESULTS.md,
"History import"). This index serves the prefix under any collation. SQLite needs nothing: its
unique index compares bytewise and match_item adds a range.

Managed by hand beside the models (slice_of_culture/search_schema.py, DEDUP_PREFIX_INDEX), like
the catalog-search indexes: SQLModel cannot say "PostgreSQL only, text_pattern_ops".

Revision ID: 5c1f0e9a7b21
Revises: d3ba8fd3aba2
Create Date: 2026-11-22 01:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5c1f0e9a7b21"
down_revision: str | None = "d3ba8fd3aba2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_item_dedup_key_prefix ON item (dedup_key text_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_item_dedup_key_prefix")
