"""What every reader makes: rows to import (and lists, from a lists export) and the file's
summary, the problem that stops a whole file, and the checks of one cell and one CSV record."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from slice_of_culture.models import ITEM_KINDS
from slice_of_culture.text import from_spreadsheet_safe

# Rows: lines of a CSV, or albums of a listening history (after grouping its plays).
MAX_ROWS = 5000
# Problems listed at most (the count says how many there were in all).
MAX_PROBLEMS_SHOWN = 50

UNKNOWN_FILE = (
    "This is not a file we can read: use a Goodreads library export, a Letterboxd export file "
    "(diary, reviews, ratings, watched, watchlist or one of its lists), a ListenBrainz listens "
    "export, a Spotify extended streaming history file, your lists as Slice of Culture exports "
    "them, or a CSV with the columns kind,title,creator,year,status,rating,date,review."
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
class ListedItem(ImportRow):
    """One item of a list to import: the item as a row names it (kind, title, creator, year,
    external ids; the entry fields go unused), with the list's note on it."""

    note: str = ""
    # Where the file puts it on its list (1 = first); readers order a list's items by it.
    position: int | None = None


@dataclass
class ImportList:
    """One list of a lists export, as a list to be: details and items in order. `visibility` is
    the file's own (ours) or None (Letterboxd's says nothing: the import's choice applies)."""

    line: int
    title: str
    description: str = ""
    visibility: str | None = None
    ranked: bool = False
    items: list[ListedItem] = field(default_factory=list)
    # How problems name the list when a line number alone does not ("lists/favourites.csv").
    label: str = ""

    @property
    def where(self) -> str:
        return self.label or f"Line {self.line}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


@dataclass
class ImportFile:
    """What a file holds: its format, the rows that can be imported, the lists (a lists export,
    a Letterboxd zip), and the lines that cannot."""

    format: str
    rows: list[ImportRow]
    problems: list[str]
    lines: int
    # A sentence on how the rows were made (a listening history: from how many plays, and the rule).
    note: str = ""
    lists: list[ImportList] = field(default_factory=list)

    @property
    def list_items(self) -> int:
        return sum(len(found.items) for found in self.lists)

    def summary(self) -> str:
        lists = f"{_count(len(self.lists), 'list', 'lists')} ({_count(self.list_items, 'item', 'items')})"
        if self.lists and not self.rows:
            return f"{self.format}: {lists} to import"
        kinds = {k: sum(r.kind == k for r in self.rows) for k in ITEM_KINDS}
        nouns = {"movie": "movie", "book": "book", "music": "album"}
        parts = [f"{n:,} {nouns.get(k, k)}{'' if n == 1 else 's'}" for k, n in kinds.items() if n]
        text = f"{self.format}: {len(self.rows):,} to import ({', '.join(parts) or 'nothing'})"
        if self.lists:
            text += f", and {lists}"
        return f"{text}. {self.note}" if self.note else text


def cell(value: str | None) -> str:
    return (value or "").strip()


def short(text: str, length: int = 60) -> str:
    """Text quoted in a message, cut so a huge value never floods the page."""
    return text if len(text) <= length else text[: length - 1] + "…"


def is_blank(record: dict) -> bool:
    """A CSV record with nothing in it (a line of commas, a trailing blank line)."""
    return not any(cell(v) for v in record.values() if isinstance(v, str))


def unguarded(record: dict) -> dict:
    """A record of our own export as written: its exporter guards cells a spreadsheet would run
    with a leading apostrophe (text.spreadsheet_safe), taken off here."""
    return {key: from_spreadsheet_safe(value) if isinstance(value, str) else value for key, value in record.items()}


def csv_records(reader: csv.DictReader, *, limit: int | None = MAX_ROWS) -> Iterator[tuple[int, dict]]:
    """The records after a CSV's header, each with its line number (the header is line 1), blank
    ones too. Raises FormatError past `limit` lines (None: a caller that bounds the size itself),
    or where the CSV is broken."""
    count = 0
    try:
        for count, record in enumerate(reader, start=1):
            if limit is not None and count > limit:
                raise FormatError(f"The file has more than {limit:,} lines; split it.")
            yield count + 1, record
    except csv.Error as exc:
        raise FormatError(f"The file is not valid CSV near line {count + 1} ({exc}).") from None


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
