"""one-letter prefix index for catalog search on SQLite

Search-as-you-type sends one letter first ("d" for Dune). FTS5 answers a prefix query from a
prefix index when it has one of that length; the catalog-search migration built 2- and 3-letter
indexes only, so a one-letter query merged the doclists of every term starting with that letter.
At 100k items one-letter searches took p50 6.5 / p95 12.4 ms, and 3.8 / 5.6 ms with this index
(bench/RESULTS.md, "Catalog search (SQLite, FTS5)"); the database grows by 2.7 MB (29.4 to
32.1 MB).

FTS5 options cannot be altered, so the table is rebuilt from `item` with `prefix='1 2 3'` (and
back to '2 3' on downgrade). Its triggers on `item` name the table, not its definition, and
keep working. PostgreSQL has nothing to change: its tsquery prefix matching needs no option.

Revision ID: d3ba8fd3aba2
Revises: f8450bf6279f
Create Date: 2026-11-22 00:42:55.067311
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d3ba8fd3aba2"
down_revision: str | None = "f8450bf6279f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rebuild_sqlite_index(prefix: str) -> None:
    # The vocabulary table reads the FTS table, so it goes first and comes back last.
    op.execute("DROP TABLE IF EXISTS item_search_vocab")
    op.execute("DROP TABLE IF EXISTS item_search")
    op.execute(
        f"""
        CREATE VIRTUAL TABLE item_search USING fts5(
            title, creator, genres,
            content='item', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2',
            prefix='{prefix}'
        )
        """
    )
    op.execute("CREATE VIRTUAL TABLE item_search_vocab USING fts5vocab(item_search, row)")
    op.execute("INSERT INTO item_search (item_search) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite_index("1 2 3")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite_index("2 3")
