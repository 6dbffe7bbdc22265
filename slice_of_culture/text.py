"""Text rules shared by every layer: cleaning what people type, and the folded forms that search
and duplicate detection compare. No imports from the app, so models, services, recs and importers
can all use it."""

from __future__ import annotations

import re
import unicodedata

_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+")


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


def normalize_for_key(text: str) -> str:
    """Case-, accent-, punctuation- and article-insensitive form used to catch duplicates."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return _LEADING_ARTICLE.sub("", text)


# A spreadsheet takes a cell that starts with one of these for a formula ("=HYPERLINK(…)"): CSV
# injection. Our exports hold text other people wrote (catalog titles and creators), so such a
# cell is written with a leading apostrophe, which spreadsheets show as text and hide.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """`value` as a CSV cell a spreadsheet will not run: text that would start a formula gets a
    leading "'" (`from_spreadsheet_safe` takes it off again); anything else as it is."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def from_spreadsheet_safe(text: str) -> str:
    """The text `spreadsheet_safe` guarded, as it was (other text unchanged)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text
