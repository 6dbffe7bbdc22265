"""Import a history from another site, and export yours.

Two steps, so a person sees what will happen before anything changes:

1. `read_file(name, data)` recognises the export (a Goodreads library, a Letterboxd file or zip,
   a ListenBrainz or Spotify listening history, or our own CSV; the readers are in
   `slice_of_culture.importers`) and turns each line into an `ImportRow`, or a problem ("line 7:
   no title"). Nothing touches the database.
2. `run_import(...)` logs the rows in the caller's one transaction: each is matched to a
   catalog item (`catalog.match_item`) or adds one, and becomes an entry with the rules of
   `entries.create_entry`. A line already logged the same way (same item, status and date) is
   skipped, so importing a file twice changes nothing the second time. The many new postcards
   fold into one in the feed ("@ana logged 120 books").

`export_csv` writes a person's entries in our CSV, which imports back as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session, select

from slice_of_culture import importers
from slice_of_culture.importers import MAX_ROWS, ImportFile, ImportRow
from slice_of_culture.models import VISIBILITIES, Entry, Item, User
from slice_of_culture.services import catalog, entries
from slice_of_culture.services.csv_export import write_csv
from slice_of_culture.services.errors import ValidationError
from slice_of_culture.text import normalize_for_key


@dataclass
class ImportResult:
    imported: int = 0
    new_items: int = 0
    already_logged: int = 0
    problems: list[str] = field(default_factory=list)


def read_file(name: str, data: bytes) -> ImportFile:
    """Recognise the export and read its rows (`importers.read_file`). Raises ValidationError
    ("file") when the file as a whole cannot be used: too big, not text, not an export we know,
    or nothing in it."""
    try:
        return importers.read_file(name, data)
    except importers.FormatError as exc:
        raise ValidationError({"file": str(exc)}) from None


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
        key = (row.kind, normalize_for_key(row.title), normalize_for_key(row.creator), row.year)
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
                result.problems.append(f"{row.where}: the review was cut to {entries.MAX_REVIEW:,} characters.")
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
            result.problems.append(f"{row.where}: {' '.join(exc.errors.values())}")
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
    rows = session.exec(
        select(Entry, Item)
        .join(Item, Item.id == Entry.item_id)
        .where(Entry.user_id == user.id)
        .order_by(Entry.created_at, Entry.id)
    ).all()
    return write_csv(
        EXPORT_COLUMNS,
        (
            (
                item.kind,
                item.title,
                item.creator,
                item.year or "",
                entry.status,
                "" if entry.rating is None else f"{entry.rating / 2:g}",
                entry.consumed_on.isoformat() if entry.consumed_on else "",
                entry.review,
                entry.visibility,
            )
            for entry, item in rows
        ),
    )
