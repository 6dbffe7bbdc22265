"""Small presentation helpers shared by services (initials for avatars, star text)."""

from __future__ import annotations


def count_of(count: int, one: str, many: str) -> str:
    """ "1 rating", "2 ratings", "1,204 entries"."""
    return f"{count:,} {one if count == 1 else many}"


def initials(name: str) -> str:
    """Up to two initials for a locally drawn avatar."""
    parts = [p for p in name.replace("_", " ").split() if p]
    letters = "".join(p[0] for p in parts[:2]) or "?"
    return letters.upper()


def stars_text(rating: int | None) -> str:
    """Half-star rating (1–10) as text, e.g. 9 -> '★★★★½'."""
    if not rating:
        return ""
    return "★" * (rating // 2) + ("½" if rating % 2 else "")


def stars_number(rating: int) -> str:
    """Half-star rating as a short number for chart axes, e.g. 9 -> '4½', 1 -> '½'."""
    whole, half = divmod(rating, 2)
    return (str(whole) if whole else "") + ("½" if half else "")


def stars_label(rating: int | None) -> str:
    """Half-star rating as words for screen readers, e.g. 9 -> '4.5 stars'."""
    if not rating:
        return "not rated"
    value = rating / 2
    return f"{value:g} star" + ("" if value == 1 else "s")


KIND_PLURALS = {"movie": "Movies", "book": "Books", "music": "Music"}


def kinds_phrase(kinds: list[str]) -> str:
    """ "books and music": kinds in words, in the catalogue's order."""
    names = [KIND_PLURALS[k].lower() for k in KIND_PLURALS if k in kinds]
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]
