"""Import a history from another site, and export yours: a Goodreads library export, a Letterboxd export file
(diary, reviews, ratings, watched or watchlist), or our own CSV
(`kind,title,creator,year,status,rating,date,review`, rating in stars from 0.5 to 5).

Two steps, so a person sees what will happen before anything changes:

1. `read_file(name, data)` recognises the format from the header and turns each line into an
   `ImportRow`, or a problem ("line 7: no title"). Nothing touches the database.
2. `run_import(...)` logs the rows in the caller's one transaction: each is matched to a
   catalog item (`catalog.match_item`) or adds one, and becomes an entry with the rules of
   `entries.create_entry`. A line already logged the same way (same item, status and date) is
   skipped, so importing a file twice changes nothing the second time. The many new postcards
   fold into one in the feed ("@ana logged 120 books").

`export_csv` writes a person's entries in our CSV, which imports back as it was.

The csv module reads the files; every value is still user text and gets the usual checks.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from slice_of_culture.models import ENTRY_STATUSES, ITEM_KINDS, VISIBILITIES, Entry, Item, User
from slice_of_culture.services import catalog, entries
from slice_of_culture.services.errors import ValidationError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# Problems listed at most (the count says how many there were in all).
MAX_PROBLEMS_SHOWN = 50

GOODREADS = "Goodreads library"
LETTERBOXD = "Letterboxd"
OURS = "Slice of Culture CSV"

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


@dataclass
class ImportFile:
    """What a file holds: its format, the rows that can be imported, and the lines that cannot."""

    format: str
    rows: list[ImportRow]
    problems: list[str]
    lines: int

    def summary(self) -> str:
        kinds = {k: sum(r.kind == k for r in self.rows) for k in ITEM_KINDS}
        parts = [f"{n:,} {k}{'' if n == 1 or k == 'music' else 's'}" for k, n in kinds.items() if n]
        return f"{self.format}: {len(self.rows):,} to import ({', '.join(parts) or 'nothing'})"


@dataclass
class ImportResult:
    imported: int = 0
    new_items: int = 0
    already_logged: int = 0
    problems: list[str] = field(default_factory=list)


def _text(value: str | None) -> str:
    return (value or "").strip()


def _year(value: str | None) -> int | None:
    value = _text(value)
    if not value:
        return None
    if value.isdigit() and 1000 <= int(value) <= date.today().year + 1:
        return int(value)
    raise ValueError(f"the year {value!r} is not a year")


def _date(value: str | None) -> date | None:
    value = _text(value)
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"the date {value!r} is not a date like 2024-05-31")


def _stars(value: str | None) -> int | None:
    """Stars (0.5–5, in halves) as half stars; empty or 0 is no rating."""
    value = _text(value).replace(",", ".")
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


def _isbn(value: str | None) -> str:
    # Goodreads writes ISBNs as spreadsheet formulas: ="9780439023481".
    return re.sub(r"[^0-9Xx]", "", _text(value))


def _goodreads(record: dict[str, str], line: int) -> ImportRow:
    shelf = _text(record.get("Exclusive Shelf")).lower()
    if shelf == "to-read":
        status = "want"
    elif shelf == "currently-reading":
        status = "in_progress"
    elif shelf in _DROPPED_SHELVES:
        status = "dropped"
    else:
        status = "finished"
    year = _year(record.get("Original Publication Year")) or _year(record.get("Year Published"))
    isbn = _isbn(record.get("ISBN13")) or _isbn(record.get("ISBN"))
    review = _BR.sub("\n", _text(record.get("My Review")))
    return ImportRow(
        line=line,
        kind="book",
        title=_SERIES.sub("", _text(record.get("Title"))),
        creator=_text(record.get("Author")),
        year=year,
        status=status,
        rating=None if status == "want" else _stars(record.get("My Rating")),
        consumed_on=_date(record.get("Date Read")),
        review=review,
        external_ids={"isbn": isbn} if isbn else {},
    )


def _letterboxd(record: dict[str, str], line: int, *, watchlist: bool) -> ImportRow:
    uri = _text(record.get("Letterboxd URI"))
    status = "want" if watchlist else "finished"
    return ImportRow(
        line=line,
        kind="movie",
        title=_text(record.get("Name")),
        year=_year(record.get("Year")),
        status=status,
        rating=None if watchlist else _stars(record.get("Rating")),
        consumed_on=None if watchlist else _date(record.get("Watched Date") or record.get("Date")),
        review=_text(record.get("Review")),
        external_ids={"letterboxd": uri} if uri.startswith("https://") else {},
    )


def _ours(record: dict[str, str], line: int) -> ImportRow:
    kind = _text(record.get("kind")).lower()
    if kind not in ITEM_KINDS:
        raise ValueError("kind must be movie, book or music")
    visibility = _text(record.get("visibility")).lower() or None
    if visibility is not None and visibility not in VISIBILITIES:
        raise ValueError(f"the visibility {visibility!r} is not public, followers or private")
    raw_status = _text(record.get("status")).lower() or "finished"
    status = _STATUS_WORDS.get(raw_status)
    if status not in ENTRY_STATUSES:
        raise ValueError(f"the status {raw_status!r} is not want, in progress, finished or dropped")
    return ImportRow(
        line=line,
        kind=kind,
        title=_text(record.get("title")),
        creator=_text(record.get("creator")),
        year=_year(record.get("year")),
        status=status,
        rating=_stars(record.get("rating")),
        consumed_on=_date(record.get("date")),
        review=_text(record.get("review")),
        visibility=visibility,
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": "The file is not UTF-8 text. Export it again as CSV (UTF-8)."}) from None


def read_file(name: str, data: bytes) -> ImportFile:
    """Recognise the export and read its rows. Raises ValidationError ("file") when the file as
    a whole cannot be used: too big, not text, not a CSV we know, or nothing in it."""
    if not isinstance(data, bytes | bytearray) or not data.strip():
        raise ValidationError({"file": "The file is empty."})
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."})
    text = _decode(bytes(data))
    if "\x00" in text:
        raise ValidationError({"file": "That is not a CSV file."})
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error:
        raise ValidationError({"file": "That is not a CSV file."}) from None
    reader.fieldnames = header
    lowered = {h.lower() for h in header}
    watchlist = "watchlist" in (name or "").lower()
    if {"Title", "Author", "Exclusive Shelf"} <= set(header):
        fmt, convert = GOODREADS, _goodreads
    elif {"Name", "Year", "Letterboxd URI"} <= set(header):
        fmt, convert = LETTERBOXD, lambda r, n: _letterboxd(r, n, watchlist=watchlist)
    elif {"kind", "title"} <= lowered:
        reader.fieldnames = [h.lower() for h in header]
        fmt, convert = OURS, _ours
    else:
        raise ValidationError(
            {
                "file": "This is not a file we can read: use a Goodreads library export, a Letterboxd "
                "export file (diary, reviews, ratings, watched or watchlist), or a CSV with the "
                "columns kind,title,creator,year,status,rating,date,review."
            }
        )
    rows: list[ImportRow] = []
    problems: list[str] = []
    count = 0
    try:
        for count, record in enumerate(reader, start=1):
            line = count + 1  # the header is line 1
            if count > MAX_ROWS:
                raise ValidationError({"file": f"The file has more than {MAX_ROWS:,} lines; split it."})
            if not any(_text(v) for v in record.values() if isinstance(v, str)):
                continue
            try:
                row = convert(record, line)
            except ValueError as exc:
                problems.append(f"Line {line}: {exc}.")
                continue
            if not row.title:
                problems.append(f"Line {line}: no title.")
                continue
            rows.append(row)
    except csv.Error as exc:
        raise ValidationError({"file": f"The file is not valid CSV near line {count + 1} ({exc})."}) from None
    if not rows and not problems:
        raise ValidationError({"file": "The file has no rows to import."})
    return ImportFile(format=fmt, rows=rows, problems=problems, lines=count)


def run_import(
    *,
    session: Session,
    user: User,
    rows: list[ImportRow],
    visibility: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Log `rows` for `user` with `visibility`, in the caller's transaction (one import, one
    commit). Lines that break a rule (a date in the future, a too-long title, …) are reported
    and skipped; the rest go in. `progress(done, total)` is called as rows are handled."""
    if visibility not in VISIBILITIES:
        raise ValidationError({"visibility": "Choose public, followers or private."})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": f"At most {MAX_ROWS:,} lines at a time."})
    result = ImportResult()
    logged = set(
        session.exec(select(Entry.item_id, Entry.status, Entry.consumed_on).where(Entry.user_id == user.id)).all()
    )
    items: dict[tuple, int] = {}
    for done, row in enumerate(rows, start=1):
        key = (row.kind, catalog.normalize_for_key(row.title), catalog.normalize_for_key(row.creator), row.year)
        try:
            item_id = items.get(key)
            if item_id is None:
                item_id, created = _item_for(session, user, row)
                items[key] = item_id
                result.new_items += created
            if (item_id, row.status, row.consumed_on) in logged:
                result.already_logged += 1
                continue
            review = row.review
            if len(review) > entries.MAX_REVIEW:
                review = review[: entries.MAX_REVIEW - 1] + "…"
                result.problems.append(f"Line {row.line}: the review was cut to {entries.MAX_REVIEW:,} characters.")
            data = entries.EntryInput(
                status=row.status,
                rating=None if row.status == "want" else row.rating,
                consumed_on=row.consumed_on,
                review=review,
                visibility=_stricter(visibility, row.visibility),
            )
            entries.create_entry(session=session, user=user, item_id=item_id, data=data)
            logged.add((item_id, row.status, row.consumed_on))
            result.imported += 1
        except ValidationError as exc:
            result.problems.append(f"Line {row.line}: {' '.join(exc.errors.values())}")
        finally:
            if progress is not None and (done % 25 == 0 or done == len(rows)):
                progress(done, len(rows))
    return result


def _stricter(chosen: str, own: str | None) -> str:
    """The less public of the visibility chosen for the import and the line's own."""
    if own is None:
        return chosen
    return max(chosen, own, key=VISIBILITIES.index)


def _item_for(session: Session, user: User, row: ImportRow) -> tuple[int, bool]:
    """The catalog item for a row, added when there is none: (item id, whether it is new)."""
    found = catalog.match_item(session=session, kind=row.kind, title=row.title, creator=row.creator, year=row.year)
    if found is not None:
        return found.id, False
    try:
        with session.begin_nested():
            item = catalog.create_item(
                session=session,
                kind=row.kind,
                title=row.title,
                creator=row.creator,
                year=row.year,
                external_ids=row.external_ids,
                created_by_id=user.id,
            )
    except catalog.DuplicateItem as exc:
        return exc.existing.id, False
    return item.id, True


EXPORT_COLUMNS = ("kind", "title", "creator", "year", "status", "rating", "date", "review", "visibility")


def export_csv(*, session: Session, user: User) -> str:
    """Every entry of `user`, oldest first, as our CSV: the columns `read_file` takes (plus the
    visibility), so an export imports back as it was. Ratings in stars ("4.5")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    rows = session.exec(
        select(Entry, Item)
        .join(Item, Item.id == Entry.item_id)
        .where(Entry.user_id == user.id)
        .order_by(Entry.created_at, Entry.id)
    ).all()
    for entry, item in rows:
        stars = "" if entry.rating is None else f"{entry.rating / 2:g}"
        writer.writerow(
            (
                item.kind,
                item.title,
                item.creator,
                item.year or "",
                entry.status,
                stars,
                entry.consumed_on.isoformat() if entry.consumed_on else "",
                entry.review,
                entry.visibility,
            )
        )
    return out.getvalue()
