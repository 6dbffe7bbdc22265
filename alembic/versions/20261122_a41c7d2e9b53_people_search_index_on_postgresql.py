"""People search index on PostgreSQL: trigrams of the folded username and display name

`people.find_people` matches `search_fold(username || ' ' || display_name) LIKE '%query%'`; a
GIN trigram index serves that for queries of three letters and more. SQLite scans the user
table (search_fold is registered there by db.make_engine), fine at the sizes it is meant for
(bench/RESULTS.md, "People search").

Managed by hand beside the models (slice_of_culture/search_schema.py, PEOPLE_TRIGRAM_INDEX).

Revision ID: a41c7d2e9b53
Revises: 7e2b9c4d1a60
Create Date: 2026-11-22 03:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a41c7d2e9b53"
down_revision: str | None = "7e2b9c4d1a60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_user_name_trgm ON \"user\" "
            "USING gin (search_fold(username || ' ' || display_name) gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_user_name_trgm")
