"""Search vocabulary on PostgreSQL, and exact titles in id order from their index

Catalog search's typo fallback on PostgreSQL matched titles and creators by trigram word
similarity: bitmap scans of ~11k rows at 200k items, 20-120 ms a query. SQLite instead corrects
each word against FTS5's vocabulary (`item_search_vocab`) and searches the corrections. This
gives PostgreSQL the same: `search_word` holds every word of every item's search document
(folded title, creator and genres, as the tsvector index sees them), kept by a trigger on
`item`; `search.py` reads the words of about the same length that start like the typed word and
keeps those within one or two edits.

The trigger only adds words (`ON CONFLICT DO NOTHING`, which takes no lock on a word already
there): a word whose last item was renamed or deleted stays, and a correction to it finds
nothing. Counting items per word would make every new item update the rows of common words
("the"), so a long import would hold those rows and block everyone else adding an item.

`ix_item_title_key` becomes (search_title_key(title), id): the exact-title probe asks for the
first ids of one key, which the old index could only give by fetching every equal title
(1,300 "Alley"s took 55 ms; the planner walked the primary key instead).

Managed by hand beside the models (slice_of_culture/search_schema.py: VOCABULARY_TABLE,
TITLE_KEY_INDEX).

Revision ID: b7d41c9e2f08
Revises: a41c7d2e9b53
Create Date: 2026-11-22 06:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b7d41c9e2f08"
down_revision: str | None = "a41c7d2e9b53"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words of an item's search document: the lexemes of the tsvector that ix_item_search_document
# indexes (item.search_document since c2e8a5f31d47), weights aside.
WORDS = (
    "tsvector_to_array(to_tsvector('simple', search_fold({row}title)) "
    "|| to_tsvector('simple', search_fold({row}creator)) "
    "|| to_tsvector('simple', search_fold({row}genres::text)))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # COLLATE "C": byte order, which is code point order in UTF-8, so a range of first letters
    # is the same range as in Python.
    op.execute('CREATE TABLE search_word (word text COLLATE "C" PRIMARY KEY)')
    op.execute(
        f"""
        CREATE FUNCTION search_word_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO search_word (word)
            SELECT word FROM unnest({WORDS.format(row="NEW.")}) AS word ORDER BY word
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER item_search_word AFTER INSERT OR UPDATE OF title, creator, genres ON item "
        "FOR EACH ROW EXECUTE FUNCTION search_word_add()"
    )
    op.execute(f"INSERT INTO search_word (word) SELECT DISTINCT word FROM item, unnest({WORDS.format(row='')}) AS word")
    op.execute("DROP INDEX ix_item_title_key")
    op.execute("CREATE INDEX ix_item_title_key ON item (search_title_key(title), id)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_item_title_key")
    op.execute("CREATE INDEX ix_item_title_key ON item (search_title_key(title))")
    op.execute("DROP TRIGGER item_search_word ON item")
    op.execute("DROP FUNCTION search_word_add()")
    op.execute("DROP TABLE search_word")
