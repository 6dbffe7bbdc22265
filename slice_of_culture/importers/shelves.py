"""Shelves exported as CSV: a Goodreads library export, a Letterboxd export file (diary,
reviews, ratings, watched or watchlist, each on its own; its zip merges them in
`importers.letterboxd`) and our own CSV (`kind,title,creator,year,status,rating,date,review
[,visibility]`, rating in stars from 0.5 to 5), told apart by their header. Lists (ours, a
Letterboxd list) are recognised here too and read by `importers.lists`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from slice_of_culture.importers import lists
from slice_of_culture.importers.rows import (
    MAX_ROWS,
    UNKNOWN_FILE,
    FormatError,
    ImportFile,
    ImportRow,
    cell,
    csv_records,
    is_blank,
    parse_date,
    parse_stars,
    parse_year,
    unguarded,
)
from slice_of_culture.models import ENTRY_STATUSES, ITEM_KINDS, VISIBILITIES

GOODREADS = "Goodreads library"
LETTERBOXD = "Letterboxd"
OURS = "Slice of Culture CSV"
# The columns every file of a Letterboxd export has (diary, reviews, ratings, watched, watchlist).
LETTERBOXD_COLUMNS = frozenset({"Name", "Year", "Letterboxd URI"})

# Goodreads appends the series to a title: "The Hunger Games (The Hunger Games, #1)".
_SERIES = re.compile(r"\s*\([^()]*#\s*\d+(?:\.\d+)?\)\s*$")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_DROPPED_SHELVES = {"dnf", "did-not-finish", "did-not-finish-", "abandoned", "dropped", "gave-up"}
_STATUS_WORDS = {
    "want": "want",
    "to-read": "want",
    "watchlist": "want",
    "in_progress": "in_progress",
    "in progress": "in_progress",
    "in-progress": "in_progress",
    "reading": "in_progress",
    "currently-reading": "in_progress",
    "finished": "finished",
    "read": "finished",
    "watched": "finished",
    "listened": "finished",
    "dropped": "dropped",
}


def _isbn(value: str | None) -> str:
    # Goodreads writes ISBNs as spreadsheet formulas: ="9780439023481".
    return re.sub(r"[^0-9Xx]", "", cell(value))


def _goodreads(record: dict[str, str], line: int) -> ImportRow:
    shelf = cell(record.get("Exclusive Shelf")).lower()
    if shelf == "to-read":
        status = "want"
    elif shelf == "currently-reading":
        status = "in_progress"
    elif shelf in _DROPPED_SHELVES:
        status = "dropped"
    else:
        status = "finished"
    year = parse_year(record.get("Original Publication Year")) or parse_year(record.get("Year Published"))
    isbn = _isbn(record.get("ISBN13")) or _isbn(record.get("ISBN"))
    review = _BR.sub("\n", cell(record.get("My Review")))
    return ImportRow(
        line=line,
        kind="book",
        title=_SERIES.sub("", cell(record.get("Title"))),
        creator=cell(record.get("Author")),
        year=year,
        status=status,
        rating=None if status == "want" else parse_stars(record.get("My Rating")),
        consumed_on=parse_date(record.get("Date Read")),
        review=review,
        external_ids={"isbn": isbn} if isbn else {},
    )


def letterboxd_row(
    record: dict[str, str], line: int, *, watchlist: bool = False, dates: tuple[str, ...] = ("Watched Date", "Date")
) -> ImportRow:
    """One line of a Letterboxd export file: a film watched (a "want" on the watchlist), dated
    by the first of the `dates` columns that is filled (none: undated)."""
    uri = cell(record.get("Letterboxd URI"))
    on = next((value for value in (cell(record.get(column)) for column in dates) if value), "")
    return ImportRow(
        line=line,
        kind="movie",
        title=cell(record.get("Name")),
        year=parse_year(record.get("Year")),
        status="want" if watchlist else "finished",
        rating=None if watchlist else parse_stars(record.get("Rating")),
        consumed_on=None if watchlist else parse_date(on),
        review=cell(record.get("Review")),
        external_ids={"letterboxd": uri} if uri.startswith("https://") else {},
    )


def _ours(record: dict[str, str], line: int) -> ImportRow:
    record = unguarded(record)
    kind = cell(record.get("kind")).lower()
    if kind not in ITEM_KINDS:
        raise ValueError("kind must be movie, book or music")
    visibility = cell(record.get("visibility")).lower() or None
    if visibility is not None and visibility not in VISIBILITIES:
        raise ValueError(f"the visibility {visibility!r} is not public, followers or private")
    raw_status = cell(record.get("status")).lower() or "finished"
    status = _STATUS_WORDS.get(raw_status)
    if status not in ENTRY_STATUSES:
        raise ValueError(f"the status {raw_status!r} is not want, in progress, finished or dropped")
    return ImportRow(
        line=line,
        kind=kind,
        title=cell(record.get("title")),
        creator=cell(record.get("creator")),
        year=parse_year(record.get("year")),
        status=status,
        rating=parse_stars(record.get("rating")),
        consumed_on=parse_date(record.get("date")),
        review=cell(record.get("review")),
        visibility=visibility,
    )


def read_csv(name: str, text: str) -> ImportFile:
    if "\x00" in text:
        raise FormatError("That is not a CSV file.")
    if lists.is_letterboxd_list(text):
        return lists.read_letterboxd_list(text)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error:
        raise FormatError("That is not a CSV file.") from None
    reader.fieldnames = header
    lowered = {h.lower() for h in header}
    base = (name or "").lower().rsplit("/", 1)[-1]
    watchlist = "watchlist" in base
    # watched.csv and ratings.csv date when a film was marked, not when it was seen: undated, as
    # the zip takes them (importers.letterboxd), so one chosen after the zip adds nothing twice.
    dates = () if base.startswith(("watched", "ratings")) else ("Watched Date", "Date")
    if lists.OUR_COLUMNS <= lowered:
        reader.fieldnames = [h.lower() for h in header]
        return lists.read_our_lists(reader)
    if {"Title", "Author", "Exclusive Shelf"} <= set(header):
        fmt, convert = GOODREADS, _goodreads
    elif LETTERBOXD_COLUMNS <= set(header):
        fmt, convert = LETTERBOXD, lambda r, n: letterboxd_row(r, n, watchlist=watchlist, dates=dates)
    elif {"kind", "title"} <= lowered:
        reader.fieldnames = [h.lower() for h in header]
        fmt, convert = OURS, _ours
    else:
        raise FormatError(UNKNOWN_FILE)
    rows, problems, lines = read_rows(reader, convert)
    if not rows and not problems:
        raise FormatError("The file has no rows to import.")
    return ImportFile(format=fmt, rows=rows, problems=problems, lines=lines)


def read_rows(
    reader: csv.DictReader,
    convert: Callable[[dict[str, str], int], ImportRow],
    *,
    name: str = "",
    limit: int | None = MAX_ROWS,
) -> tuple[list[ImportRow], list[str], int]:
    """The rows of a CSV (its header read) as `convert` makes them: (rows, problems, lines). A
    line that cannot be read, or names no title, is a problem: "Line 7: no title.", or with the
    `name` of a file in a zip "watched.csv, line 7: no title." (which then also labels the row).
    Raises FormatError past `limit` lines, or where the CSV is broken."""
    rows: list[ImportRow] = []
    problems: list[str] = []
    line = 1
    for line, record in csv_records(reader, limit=limit):
        if is_blank(record):
            continue
        where = f"{name}, line {line}" if name else f"Line {line}"
        try:
            row = convert(record, line)
        except ValueError as exc:
            problems.append(f"{where}: {exc}.")
            continue
        if not row.title:
            problems.append(f"{where}: no title.")
            continue
        row.label = where if name else ""
        rows.append(row)
    return rows, problems, line - 1
