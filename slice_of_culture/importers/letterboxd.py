"""A Letterboxd export zip's history: its diary, reviews, watched, ratings and watchlist files
merged into one set of rows, the whole of what a member logged and nothing twice.

- Every diary line is a viewing (a rewatch another), dated, with its rating, as the diary alone
  gives it; its review comes from reviews.csv (the diary has none), matched by the URI both give
  the viewing, else by title, year and watched date. A review that no diary line has is a row of
  its own: dated when it has a watched date, otherwise undated.
- A film in watched.csv with no diary line (many members mark films watched and never keep a
  diary) is one finished row without a date, with the film's rating from ratings.csv.
- A film in ratings.csv and neither of those is that too: rated means watched. A rated film
  whose diary lines have no rating gets it on its latest one.
- A film on watchlist.csv that was not watched is a "want" row.

Films are matched across the files by their Letterboxd URI where both lines carry the film's,
otherwise by normalised title and year. The diary's and reviews' URIs name the viewing, not the
film, so those lines match films by title and year (and then take the film's URI from watched or
ratings). What was deleted on Letterboxd (deleted/…) and likes (likes/…) are not read.

The rows come in that order, diary first; past MAX_ROWS in all, the rest is left out with a
problem that says so. Re-importing the same zip changes nothing (`services.imports` skips a line
logged already with the same item, status and date, undated ones too); a later export whose diary
has a film imported before as watched without a date logs that viewing, dated, beside the
undated entry (an import adds entries, it never changes or removes one).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from slice_of_culture.importers.rows import MAX_ROWS, FormatError, ImportRow, short
from slice_of_culture.importers.shelves import LETTERBOXD_COLUMNS, letterboxd_row, read_rows
from slice_of_culture.text import normalize_for_key

# The files of the export read, by name, and how their lines are made into rows.
MEMBERS: dict[str, Callable[[dict[str, str], int], ImportRow]] = {
    "diary.csv": letterboxd_row,
    # A review without a watched date is not a diary entry: undated (not the day it was written).
    "reviews.csv": partial(letterboxd_row, dates=("Watched Date",)),
    # When a film was marked watched or rated, not when it was seen: undated.
    "watched.csv": partial(letterboxd_row, dates=()),
    "ratings.csv": partial(letterboxd_row, dates=()),
    "watchlist.csv": partial(letterboxd_row, watchlist=True),
}


@dataclass
class _Film:
    """One film as the files so far give it: its URI (when a line named the film) and the rows
    that are to be its entries."""

    uri: str | None
    rows: list[ImportRow] = field(default_factory=list)


class _Films:
    """The films met so far, found by URI or by normalised title and year."""

    def __init__(self) -> None:
        self.by_uri: dict[str, _Film] = {}
        self.by_key: dict[tuple, list[_Film]] = {}

    def find(self, row: ImportRow, uri: str | None) -> _Film | None:
        if uri and uri in self.by_uri:
            return self.by_uri[uri]
        # Two lines with the film's URI each, and different ones, are two films of one title and year.
        return next((film for film in self.by_key.get(_key(row), []) if not (uri and film.uri)), None)

    def add(self, row: ImportRow, uri: str | None, *, kept: bool = True) -> _Film:
        """The film of `row` (met before, or new), with `row` among its rows when `kept`."""
        film = self.find(row, uri)
        if film is None:
            film = _Film(uri=None)
            self.by_key.setdefault(_key(row), []).append(film)
        if uri and film.uri is None:
            film.uri = uri
            self.by_uri[uri] = film
        if kept:
            film.rows.append(row)
        return film


def _key(row: ImportRow) -> tuple:
    return normalize_for_key(row.title), row.year


def _uri(row: ImportRow) -> str | None:
    return row.external_ids.get("letterboxd")


def read_member(name: str, text: str) -> tuple[list[ImportRow], list[str], int]:
    """One file of the export (`name` one of MEMBERS): (rows, problems, lines), problems and rows
    named by the file and line ("watched.csv, line 7: no title."). No line limit: the zip reader
    bounds each file's size, and `merge` the rows in all. Raises FormatError when it is not such a
    file, or not CSV."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        reader.fieldnames = [column.strip() for column in (reader.fieldnames or [])]
    except csv.Error:
        raise FormatError(f"{name} is not a CSV file.") from None
    if reader.fieldnames and not LETTERBOXD_COLUMNS <= set(reader.fieldnames):
        raise FormatError(f"{name} is not a Letterboxd export file: it has no Name, Year and Letterboxd URI columns.")
    try:
        return read_rows(reader, MEMBERS[name], name=name, limit=None)
    except FormatError as exc:
        raise FormatError(f"{name}: {exc}") from None


def merge(read: Mapping[str, list[ImportRow]]) -> tuple[list[ImportRow], list[str], str]:
    """The rows of each file (by name, as `read_member` gives them) merged as the module says:
    (rows, problems, a note on where the rows came from, "" for a diary alone)."""
    films = _Films()
    viewings = list(read.get("diary.csv", []))
    # Diary lines name their viewing: films by title and year; reviews find theirs by URI or day.
    by_entry = {uri: row for row in viewings if (uri := _uri(row))}
    by_day = {(_key(row), row.consumed_on): row for row in viewings}
    for row in viewings:
        films.add(row, None)
    undated: list[ImportRow] = []
    for review in read.get("reviews.csv", []):
        viewing = by_entry.get(_uri(review) or "") or (
            by_day.get((_key(review), review.consumed_on)) if review.consumed_on else None
        )
        if viewing is not None:
            viewing.review = viewing.review or review.review
            viewing.rating = viewing.rating if viewing.rating is not None else review.rating
            continue
        (viewings if review.consumed_on else undated).append(review)
        films.add(review, None)
    for row in read.get("watched.csv", []):
        film = films.find(row, _uri(row))
        if film is None:
            undated.append(row)
        films.add(row, _uri(row), kept=film is None)
    for rated in read.get("ratings.csv", []):
        film = films.find(rated, _uri(rated))
        if film is None:
            undated.append(rated)
        elif rated.rating is not None and all(row.rating is None for row in film.rows):
            _rated_row(film).rating = rated.rating
        films.add(rated, _uri(rated), kept=film is None)
    # The film's URI (where watched or ratings gave one) for diary lines, whose own names the viewing.
    for film in films.by_uri.values():
        for row in film.rows:
            row.external_ids = {"letterboxd": film.uri}
    wanted: list[ImportRow] = []
    on_watchlist = _Films()
    for row in read.get("watchlist.csv", []):
        if films.find(row, _uri(row)) is None and on_watchlist.find(row, _uri(row)) is None:
            on_watchlist.add(row, _uri(row))
            wanted.append(row)
    rows = viewings + undated + wanted
    # What the note counts is what is kept: the diary first, then the undated films, then the watchlist.
    room = MAX_ROWS
    counts = []
    for part in (viewings, undated, wanted):
        counts.append(min(len(part), room))
        room -= counts[-1]
    return rows[:MAX_ROWS], _left_out(rows, wanted), _note(*counts)


def _rated_row(film: _Film) -> ImportRow:
    """The row of a watched film that takes its rating: its undated one, else its latest viewing."""
    undated = [row for row in film.rows if row.consumed_on is None]
    return undated[0] if undated else max(film.rows, key=lambda row: row.consumed_on)


def _left_out(rows: list[ImportRow], wanted: list[ImportRow]) -> list[str]:
    over = len(rows) - MAX_ROWS
    if over <= 0:
        return []
    said = (
        f"{over:,} {'film was' if over == 1 else 'films were'} left out: one import takes at most "
        f"{MAX_ROWS:,} lines, the diary first, then the films watched without a diary entry, then the watchlist."
    )
    if over <= len(wanted):
        return [f"{said} Choose watchlist.csv from the zip on its own to import the rest of your watchlist."]
    return [f"{said} The first left out: “{short(rows[MAX_ROWS].title)}” ({rows[MAX_ROWS].where})."]


def _note(viewings: int, undated: int, wanted: int) -> str:
    """Where the rows came from, when not the diary alone: "3 from the diary, 2 watched without a
    diary entry, 1 on the watchlist." """
    if not undated and not wanted:
        return ""
    parts = (
        (viewings, "from the diary"),
        (undated, "watched without a diary entry"),
        (wanted, "on the watchlist"),
    )
    return ", ".join(f"{n:,} {said}" for n, said in parts if n) + "."
