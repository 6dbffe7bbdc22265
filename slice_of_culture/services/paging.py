"""Keyset cursors: a page continues after the (created_at, id) of the last row it showed.

Feeds page postcards by (created_at, entry id), follower lists by (followed at, person id). The
cursor is text a browser or an API client hands back; a bad one reads as "the first page"."""

from __future__ import annotations

from datetime import datetime

from slice_of_culture.models import is_row_id


def encode_cursor(created_at: datetime, row_id: int) -> str:
    return f"{created_at.isoformat()}|{row_id}"


def decode_cursor(cursor: object) -> tuple[datetime, int] | None:
    """The (created_at, id) a page continues after, or None for the first page / a bad cursor."""
    if not cursor or not isinstance(cursor, str):
        return None
    try:
        stamp, raw_id = cursor.rsplit("|", 1)
        after = datetime.fromisoformat(stamp), int(raw_id)
    except ValueError:
        return None
    # An id no row can have is not a place in a list (and PostgreSQL refuses to compare it).
    return after if is_row_id(after[1]) else None
