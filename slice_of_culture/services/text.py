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
