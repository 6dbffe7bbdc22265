"""Shared column helpers and the product's fixed vocabularies."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import SQLModel

# Named constraints, so migrations can drop and alter them on SQLite and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Fixed vocabularies, stored as short strings and guarded by CHECK constraints.
ITEM_KINDS = ("movie", "book", "music")
ENTRY_STATUSES = ("want", "in_progress", "finished", "dropped")
VISIBILITIES = ("public", "followers", "private")
NOTIFICATION_KINDS = ("like", "comment", "follow", "mention", "removed", "kept", "taken_down")
# Notices from the moderators after a report (services/reports.py): to a reporter, the thing was
# removed or kept; to its owner, it was taken down. Their actor is the admin who decided.
MODERATION_KINDS = ("removed", "kept", "taken_down")
# What services/rates.py counts in the action table (a kind per limit that counts actions).
ACTION_KINDS = ("edit", "follow", "like", "item", "entry", "import")
# What a reported thing was ("the postcard about Dune by @ana"), as a moderation notice and a
# decided report keep it, in at most this many characters.
MAX_NOTE = 300
# An item's title and creator (director, author, artist), at most this many characters.
MAX_TITLE = 300
MAX_CREATOR = 200


# Primary keys are 32-bit integers on PostgreSQL: a larger id is not a row, and would make the
# database raise instead of finding nothing.
MAX_ROW_ID = 2**31 - 1


def is_row_id(value: object) -> bool:
    """True for an int (not a bool) that can be a primary key: 1 to MAX_ROW_ID. Services check
    ids from outside (URLs, events, the API) with it before looking them up."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID


def utcnow() -> datetime:
    """Aware UTC now. SQLModel's UTCDateTime stores it in UTC on both SQLite and PostgreSQL."""
    return datetime.now(UTC)


def sql_in(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint body limiting `column` to `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
