"""The catalog-search objects that live beside the models, not in them.

The catalog-search migration creates, on SQLite, the FTS5 table `item_search` (its shadow tables
`item_search_*` and the vocabulary table `item_search_vocab`) with triggers on `item`; on
PostgreSQL, indexes on `item` and the `search_fold` function (later migrations add
`search_title_key` and its index, the vocabulary table `search_word` with its trigger, and the
stored column `item.search_document` that the tsvector index covers).
SQLModel cannot describe them, so alembic's autogenerate comparison must skip them, or every
`alembic revision --autogenerate` would propose dropping them. `alembic/env.py` and
`tests/test_migrations.py` both pass these filters.

A batch migration that rebuilds `item` on SQLite (move and copy) drops its triggers: such a
migration must recreate the `item_search_*` triggers from the catalog-search migration.
Migration d3ba8fd3aba2 rebuilt `item_search` with one-letter prefix indexes (`prefix='1 2 3'`);
a later rebuild must keep them. Search also reads FTS5's own shadow table `item_search_docsize`
(token counts per row and column) to find titles that are exactly the query.
"""

from __future__ import annotations

# SQLite: the FTS5 table; its shadow tables and vocabulary table share the prefix.
FTS_TABLE = "item_search"
FTS_VOCAB_TABLE = "item_search_vocab"
# FTS5's shadow table of token counts per row and column (search reads the title's count).
FTS_DOCSIZE_TABLE = "item_search_docsize"
# PostgreSQL: every word of the items' search documents, kept by a trigger on `item`, for the
# typo fallback's corrections (migration b7d41c9e2f08).
VOCABULARY_TABLE = "search_word"
# PostgreSQL: `item.search_document`, the weighted tsvector of folded title, creator and genres,
# a stored generated column (migration c2e8a5f31d47); not in the model, the app never writes it.
DOCUMENT_COLUMN = "search_document"
# PostgreSQL: the weighted tsvector index and the two trigram indexes on `item`.
DOCUMENT_INDEX = "ix_item_search_document"
TITLE_TRIGRAM_INDEX = "ix_item_title_trgm"
CREATOR_TRIGRAM_INDEX = "ix_item_creator_trgm"
# PostgreSQL: `dedup_key` with text_pattern_ops, for catalog.match_item's LIKE 'prefix%' under
# any collation (migration 5c1f0e9a7b21; SQLite's bytewise unique index serves a range instead).
DEDUP_PREFIX_INDEX = "ix_item_dedup_key_prefix"
# PostgreSQL: (`search_title_key(title)`, id), the title's folded words, so search finds titles
# equal to the query however many others share its words (migrations 7e2b9c4d1a60, b7d41c9e2f08).
TITLE_KEY_INDEX = "ix_item_title_key"
# PostgreSQL: trigrams of the folded "username display name", for people search (migration
# a41c7d2e9b53).
PEOPLE_TRIGRAM_INDEX = "ix_user_name_trgm"
# PostgreSQL: for people search by two letters, which trigrams cannot serve: usernames by
# prefix (text_pattern_ops) and the words of folded display names (GIN over a 'simple' tsvector,
# which matches word prefixes) (migration e6a1b5c9d027).
PEOPLE_USERNAME_PREFIX_INDEX = "ix_user_username_prefix"
PEOPLE_NAME_WORDS_INDEX = "ix_user_name_words"
SEARCH_INDEXES = frozenset(
    {
        DOCUMENT_INDEX,
        TITLE_TRIGRAM_INDEX,
        CREATOR_TRIGRAM_INDEX,
        DEDUP_PREFIX_INDEX,
        TITLE_KEY_INDEX,
        PEOPLE_TRIGRAM_INDEX,
        PEOPLE_USERNAME_PREFIX_INDEX,
        PEOPLE_NAME_WORDS_INDEX,
    }
)


def is_search_object(name: str | None, type_: str) -> bool:
    """True for a table, index or column that the catalog-search migrations manage by hand."""
    if not name:
        return False
    if type_ == "table":
        return name in (FTS_TABLE, VOCABULARY_TABLE) or name.startswith(FTS_TABLE + "_")
    if type_ == "index":
        return name in SEARCH_INDEXES
    if type_ == "column":
        return name == DOCUMENT_COLUMN
    return False


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:  # noqa: ARG001
    """Alembic `include_name` hook: skip search tables before they are reflected."""
    return not is_search_object(name, type_)


def include_object(object_: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:  # noqa: ARG001
    """Alembic `include_object` hook: leave the search tables and indexes out of comparisons."""
    return not is_search_object(name, type_)
