"""Exact-title index on PostgreSQL, so a title equal to the query is always found

Catalog search on PostgreSQL ranks at most CANDIDATE_CAP tsvector matches of the query, and which
ones is up to the index scan: with many titles holding a common word ("Night Night 3", …) the
item titled exactly "Night" could be left out, though it belongs first. `search_title_key(title)`
is the title's words, accent-folded and lower case, joined by single spaces ("Amélie: l'été!" →
"amelie l ete"); search looks the query's own key up in this b-tree index, one probe.

The key is computed by the same function for titles and queries, so both split words alike.
Managed by hand beside the models (slice_of_culture/search_schema.py, TITLE_KEY_INDEX), like the
other catalog-search indexes. SQLite needs nothing: FTS5 finds exact titles (search.py).

Revision ID: 7e2b9c4d1a60
Revises: 5c1f0e9a7b21
Create Date: 2026-11-22 03:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7e2b9c4d1a60"
down_revision: str | None = "5c1f0e9a7b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Runs of letters and digits ([:alnum:] follows the database's ctype, for titles and
        # queries alike), separated by one space.
        op.execute(
            r"""
            CREATE FUNCTION search_title_key(value text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            AS $$ SELECT btrim(regexp_replace(search_fold(value), '[^[:alnum:]]+', ' ', 'g')) $$
            """
        )
        op.execute("CREATE INDEX ix_item_title_key ON item (search_title_key(title))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_item_title_key")
        op.execute("DROP FUNCTION search_title_key(text)")
