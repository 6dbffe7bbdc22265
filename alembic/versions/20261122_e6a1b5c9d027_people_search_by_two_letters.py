"""People search by two letters on PostgreSQL

Trigrams need three letters: a pair found in few names ("qz") scanned the whole user table (100k
people, random pairs: p50 75 ms, p95 80 ms; now 1.3 / 4.3 ms). On PostgreSQL such a query matches usernames starting with it (a text_pattern_ops
b-tree) and display names with a word starting with it (GIN over a 'simple' tsvector of the
folded name, which serves prefix queries). One letter keeps the scan, which stops early (every
letter is in thousands of names). SQLite scans, as for any people search.

Managed by hand beside the models (slice_of_culture/search_schema.py).

Revision ID: e6a1b5c9d027
Revises: 5ea36332230c
Create Date: 2026-11-22 08:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "e6a1b5c9d027"
down_revision: str | None = "5ea36332230c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('CREATE INDEX ix_user_username_prefix ON "user" (username text_pattern_ops)')
        op.execute(
            "CREATE INDEX ix_user_name_words ON \"user\" USING gin (to_tsvector('simple', search_fold(display_name)))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_user_name_words")
        op.execute("DROP INDEX ix_user_username_prefix")
