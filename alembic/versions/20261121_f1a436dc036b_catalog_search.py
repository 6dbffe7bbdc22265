"""catalog search

Full-text search over the catalog (title, creator, genres), used by
slice_of_culture/services/search.py. Nothing here is a model: the names are listed in
slice_of_culture/search_schema.py so that autogenerate leaves them alone.

SQLite: an FTS5 external-content table `item_search` over item (title, creator, genres as its
JSON text), accent-insensitive (`remove_diacritics 2`), with 2- and 3-character prefix indexes
for search-as-you-type; triggers keep it in sync with item; `item_search_vocab` lists its terms
for spelling correction.

PostgreSQL: `search_fold(text)` = lower(unaccent(text)) declared IMMUTABLE (unaccent itself is
only STABLE because its dictionary could change; we pin the dictionary) so it can be indexed;
a GIN index on a weighted tsvector ('simple' config, title A, creator B, genres C) of folded
text; GIN trigram indexes on the folded title and creator for typo tolerance.

Revision ID: f1a436dc036b
Revises: 4bea0098bfca
Create Date: 2026-11-21 15:05:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = 'f1a436dc036b'
down_revision: str | None = '4bea0098bfca'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --- SQLite --------------------------------------------------------------------------------
# A batch migration that rebuilds `item` drops these triggers: it must create them again.
SQLITE_UPGRADE = [
    """
    CREATE VIRTUAL TABLE item_search USING fts5(
        title, creator, genres,
        content='item', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3'
    )
    """,
    "CREATE VIRTUAL TABLE item_search_vocab USING fts5vocab(item_search, row)",
    """
    CREATE TRIGGER item_search_ai AFTER INSERT ON item BEGIN
        INSERT INTO item_search (rowid, title, creator, genres)
        VALUES (new.id, new.title, new.creator, new.genres);
    END
    """,
    """
    CREATE TRIGGER item_search_ad AFTER DELETE ON item BEGIN
        INSERT INTO item_search (item_search, rowid, title, creator, genres)
        VALUES ('delete', old.id, old.title, old.creator, old.genres);
    END
    """,
    """
    CREATE TRIGGER item_search_au AFTER UPDATE OF title, creator, genres ON item BEGIN
        INSERT INTO item_search (item_search, rowid, title, creator, genres)
        VALUES ('delete', old.id, old.title, old.creator, old.genres);
        INSERT INTO item_search (rowid, title, creator, genres)
        VALUES (new.id, new.title, new.creator, new.genres);
    END
    """,
    # Index the items that already exist.
    "INSERT INTO item_search (item_search) VALUES ('rebuild')",
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS item_search_au",
    "DROP TRIGGER IF EXISTS item_search_ad",
    "DROP TRIGGER IF EXISTS item_search_ai",
    "DROP TABLE IF EXISTS item_search_vocab",
    "DROP TABLE IF EXISTS item_search",
]

# --- PostgreSQL ----------------------------------------------------------------------------
# Must match slice_of_culture/services/search.py character for character, or the planner
# cannot use the index.
PG_DOCUMENT = (
    "setweight(to_tsvector('simple', search_fold(title)), 'A') || "
    "setweight(to_tsvector('simple', search_fold(creator)), 'B') || "
    "setweight(to_tsvector('simple', search_fold(genres::text)), 'C')"
)

PG_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_item_creator_trgm",
    "DROP INDEX IF EXISTS ix_item_title_trgm",
    "DROP INDEX IF EXISTS ix_item_search_document",
    "DROP FUNCTION IF EXISTS search_fold(text)",
    # Fails loudly, rather than cascading, if something else has come to depend on them.
    "DROP EXTENSION IF EXISTS pg_trgm",
    "DROP EXTENSION IF EXISTS unaccent",
]


def _pg_upgrade() -> None:
    bind = op.get_bind()
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # Qualify unaccent and its dictionary by the schema it was installed in, so the function
    # does not depend on search_path (required for an immutable function used by an index).
    schema = bind.exec_driver_sql("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'")
    schema = schema.scalar_one()
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION search_fold(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT lower({schema}.unaccent('{schema}.unaccent'::regdictionary, value)) $$
        """
    )
    op.execute(f"CREATE INDEX ix_item_search_document ON item USING gin (({PG_DOCUMENT}))")
    op.execute("CREATE INDEX ix_item_title_trgm ON item USING gin (search_fold(title) gin_trgm_ops)")
    op.execute("CREATE INDEX ix_item_creator_trgm ON item USING gin (search_fold(creator) gin_trgm_ops)")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
    elif dialect == "postgresql":
        _pg_upgrade()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in PG_DOWNGRADE:
            op.execute(statement)
