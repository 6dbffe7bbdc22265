"""Text rules shared by every field people type into."""

from __future__ import annotations

import unicodedata


def clean_text(value: object, *, max_length: int) -> str:
    """Normalize user text: NFC, no control characters except newlines and tabs, trimmed.

    Length is checked by the caller against `max_length`; HTML is kept as typed and shown as
    text by the UI (React escapes it), never stripped or interpreted.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError("text fields take strings")
    text = unicodedata.normalize("NFC", value)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text.strip()


def too_long(text: str, max_length: int) -> bool:
    return len(text) > max_length


def fold(value: str) -> str:
    """Lower case without accents ("Amélie" → "amelie"), as search compares text.

    PostgreSQL's `search_fold` (unaccent + lower) does the same in the database; on SQLite this
    function is registered under that name (db.make_engine), so one query serves both.
    """
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
