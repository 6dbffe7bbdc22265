"""What every reader makes: rows to import and the file's summary, the problem that stops a
whole file, and the checks of one cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from slice_of_culture.models import ITEM_KINDS

# Rows: lines of a CSV, or albums of a listening history (after grouping its plays).
MAX_ROWS = 5000
# Problems listed at most (the count says how many there were in all).
MAX_PROBLEMS_SHOWN = 50

UNKNOWN_FILE = (
    "This is not a file we can read: use a Goodreads library export, a Letterboxd export file "
    "(diary, reviews, ratings, watched or watchlist), a ListenBrainz listens export, a Spotify "
    "extended streaming history file, or a CSV with the columns kind,title,creator,year,status,"
    "rating,date,review."
)


class FormatError(Exception):
    """The file as a whole cannot be used (too big, not text, not an export we know, nothing in
    it); the message says why, to the person who chose it. A bad line is a problem instead."""


@dataclass
class ImportRow:
    """One line of the file, as an entry to be: rating in half stars (1–10) or None."""

    line: int
    kind: str
    title: str
    creator: str = ""
    year: int | None = None
    status: str = "finished"
    rating: int | None = None
    consumed_on: date | None = None
    review: str = ""
    external_ids: dict[str, str] = field(default_factory=dict)
    # Our own export carries each entry's visibility; the import never makes it more public.
    visibility: str | None = None
    # How problems name the row when it is not one line of the file (an album grouped from plays).
    label: str = ""

    @property
    def where(self) -> str:
        return self.label or f"Line {self.line}"


@dataclass
class ImportFile:
    """What a file holds: its format, the rows that can be imported, and the lines that cannot."""

    format: str
    rows: list[ImportRow]
    problems: list[str]
    lines: int
    # A sentence on how the rows were made (a listening history: from how many plays, and the rule).
    note: str = ""

    def summary(self) -> str:
        kinds = {k: sum(r.kind == k for r in self.rows) for k in ITEM_KINDS}
        nouns = {"movie": "movie", "book": "book", "music": "album"}
        parts = [f"{n:,} {nouns.get(k, k)}{'' if n == 1 else 's'}" for k, n in kinds.items() if n]
        text = f"{self.format}: {len(self.rows):,} to import ({', '.join(parts) or 'nothing'})"
        return f"{text}. {self.note}" if self.note else text


def cell(value: str | None) -> str:
    return (value or "").strip()


def parse_year(value: str | None) -> int | None:
    value = cell(value)
    if not value:
        return None
    if value.isdigit() and 1000 <= int(value) <= date.today().year + 1:
        return int(value)
    raise ValueError(f"the year {value!r} is not a year")


def parse_date(value: str | None) -> date | None:
    value = cell(value)
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"the date {value!r} is not a date like 2024-05-31")


def parse_stars(value: str | None) -> int | None:
    """Stars (0.5–5, in halves) as half stars; empty or 0 is no rating."""
    value = cell(value).replace(",", ".")
    if not value:
        return None
    try:
        stars = float(value)
    except ValueError:
        raise ValueError(f"the rating {value!r} is not a number of stars") from None
    if stars == 0:
        return None
    if not 0.5 <= stars <= 5 or (stars * 2) % 1:
        raise ValueError(f"the rating {value!r} is not between 0.5 and 5 stars in halves")
    return int(stars * 2)
