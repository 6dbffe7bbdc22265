"""Stored search document on PostgreSQL

Catalog search indexed an expression (the weighted tsvector of folded title, creator and
genres) and PostgreSQL recomputed it for every row it looked at: a prefix tsquery makes the GIN
index ask for a recheck of each matching row, and ts_rank ranks the same expression again. At
200k items that was half of a search (a common word: 10.8 ms, 3.6 ms with the document stored).
`item.search_document` is now a stored generated column, computed once per insert or update,
and ix_item_search_document indexes the column.

The column is PostgreSQL's alone (SQLite searches its FTS5 table) and not in the model: the
generated value is never written by the app. Managed by hand beside the models
(slice_of_culture/search_schema.py: DOCUMENT_COLUMN).

Revision ID: c2e8a5f31d47
Revises: b7d41c9e2f08
Create Date: 2026-11-22 06:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c2e8a5f31d47"
down_revision: str | None = "b7d41c9e2f08"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same document the catalog-search migration (f1a436dc036b) indexed as an expression.
DOCUMENT = (
    "setweight(to_tsvector('simple', search_fold(title)), 'A') || "
    "setweight(to_tsvector('simple', search_fold(creator)), 'B') || "
    "setweight(to_tsvector('simple', search_fold(genres::text)), 'C')"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_item_search_document")
    op.execute(f"ALTER TABLE item ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED")
    op.execute("CREATE INDEX ix_item_search_document ON item USING gin (search_document)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE item DROP COLUMN search_document")  # drops its index too
    op.execute(f"CREATE INDEX ix_item_search_document ON item USING gin (({DOCUMENT}))")
