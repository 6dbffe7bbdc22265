"""Import a history from another site, and export yours.

Two steps, so a person sees what will happen before anything changes:

1. `read_file(name, data)` recognises the export (a Goodreads library, a Letterboxd file or zip,
   a ListenBrainz or Spotify listening history, our own CSV, or our lists CSV; the readers are
   in `slice_of_culture.importers`) and turns each line into an `ImportRow`, or a problem ("line
   7: no title"); a lists export (ours, or the lists a Letterboxd zip carries) gives `ImportList`s.
   Nothing touches the database.
2. `run_import(...)` logs the rows and makes the lists in the caller's one transaction: each row
   and each listed item is matched to a catalog item (`catalog.match_item`) or adds one. A row
   becomes an entry with the rules of `entries.create_entry`; a line already logged the same way
   (same item, status and date, or no date: a film a Letterboxd zip gives as watched without a
   diary entry) is skipped, so importing a file twice changes nothing the second time. The many
   new postcards fold into one in the feed ("@ana logged 120 books"). A list goes where
   `lists.list_for_import` says: when the person has a list of that title already, that list
   keeps its details and gets only the items it lacks, at its end (a list imported twice is
   one list, unchanged the second time); otherwise a new list with the file's title, description,
   visibility (never more public than chosen for the import) and numbering. Items go on in the
   file's order with their notes (`lists.add_item`); lists are made from the file's last to its
   first, so a profile, which shows the most recently changed first, shows them in the file's order.

`export_csv` writes a person's entries in our CSV, which imports back as it was; so does
`lists.export_lists_csv` for their lists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from slice_of_culture import importers
from slice_of_culture.importers import MAX_ROWS, ImportFile, ImportList, ImportRow, short
from slice_of_culture.models import VISIBILITIES, Entry, Item, User, utcnow
from slice_of_culture.services import catalog, entries, rates
from slice_of_culture.services import lists as list_service
from slice_of_culture.services.csv_export import write_csv
from slice_of_culture.services.errors import ValidationError
from slice_of_culture.text import normalize_for_key


@dataclass
class ImportResult:
    imported: int = 0
    new_items: int = 0
    already_logged: int = 0
    problems: list[str] = field(default_factory=list)
    # New lists, and the items put on them.
    lists_imported: int = 0
    list_items: int = 0
    # Lists the person had by that title, which got the items they lacked (and how many).
    lists_added_to: int = 0
    items_added_to_lists: int = 0
    # Lists the person had by that title with every item already on them.
    lists_unchanged: int = 0


def read_file(name: str, data: bytes) -> ImportFile:
    """Recognise the export and read its rows (`importers.read_file`). Raises ValidationError
    ("file") when the file as a whole cannot be used: too big, not text, not an export we know,
    or nothing in it."""
    try:
        return importers.read_file(name, data)
    except importers.FormatError as exc:
        raise ValidationError({"file": str(exc)}) from None


def check_visibility(visibility: str) -> None:
    """An import's visibility is one of the entries' (ValidationError at "visibility")."""
    if visibility not in VISIBILITIES:
        raise ValidationError({"visibility": "Choose public, followers or private."})


def run_import(
    *,
    session: Session,
    user: User,
    rows: list[ImportRow],
    visibility: str,
    progress: Callable[[int, int], None] | None = None,
    lists: Sequence[ImportList] = (),
    now: datetime | None = None,
) -> ImportResult:
    """Log `rows` for `user` with `visibility` and bring in `lists`, in the caller's transaction
    (one import, one commit). Lines that break a rule (a date in the future, a too-long title, …)
    are reported and skipped; the rest go in. A list's title, description or notes longer than a
    list takes are cut and reported; a list past the lists a person may have, or items past what
    a list holds, are left out and reported. `progress(done, total)` is called as rows and listed
    items are handled. At most IMPORT_RATE imports a day (RateLimited at "file"); the items and
    entries an import adds do not count against those added by hand."""
    check_visibility(visibility)
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": f"At most {MAX_ROWS:,} lines at a time."})
    if sum(len(found.items) for found in lists) > MAX_ROWS:
        raise ValidationError({"file": f"At most {MAX_ROWS:,} list items at a time."})
    # Counted as one action, whatever its size (RateLimited at "file" past IMPORT_RATE).
    rates.note(session, user, rates.IMPORT_RATE, now or utcnow())
    result = ImportResult()
    total = len(rows) + sum(len(found.items) for found in lists)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % 25 == 0 or done == total):
            progress(done, total)

    logged = set(
        session.exec(select(Entry.item_id, Entry.status, Entry.consumed_on).where(Entry.user_id == user.id)).all()
    )
    items: dict[tuple, int] = {}
    for row in rows:
        try:
            item_id = _cached_item(session, user, row, items, result)
            if (item_id, row.status, row.consumed_on) in logged:
                result.already_logged += 1
                continue
            data = entries.EntryInput(
                status=row.status,
                rating=None if row.status == "want" else row.rating,
                consumed_on=row.consumed_on,
                review=_cut(row.review, entries.MAX_REVIEW, "the review", row.where, result.problems),
                visibility=_stricter(visibility, row.visibility),
            )
            entries.create_entry(session=session, user=user, item_id=item_id, data=data)
            logged.add((item_id, row.status, row.consumed_on))
            result.imported += 1
        except ValidationError as exc:
            result.problems.append(f"{row.where}: {' '.join(exc.errors.values())}")
        finally:
            step()
    full: list[str] = []
    for found in reversed(lists):
        try:
            target = list_service.list_for_import(
                session=session,
                user=user,
                title=_cut(found.title, list_service.MAX_TITLE, "the list's title", found.where, result.problems),
                description=_cut(
                    found.description,
                    list_service.MAX_DESCRIPTION,
                    "the list's description",
                    found.where,
                    result.problems,
                ),
                visibility=_stricter(visibility, found.visibility),
                ranked=found.ranked,
            )
        except ValidationError as exc:
            # Past the lists a person may have, every later new list fails alike: said once, below.
            said = full if isinstance(exc, list_service.TooManyLists) else result.problems
            said.append(f"{found.where}: {' '.join(exc.errors.values())}")
            for _ in found.items:
                step()
            continue
        added = _fill_list(session, user, found, target, items, result, step)
        if target.created:
            result.lists_imported += 1
            result.list_items += added
        elif added:
            result.lists_added_to += 1
            result.items_added_to_lists += added
        else:
            result.lists_unchanged += 1
    if full:
        more = f" ({len(full):,} lists left out.)" if len(full) > 1 else ""
        result.problems.append(full[-1] + more)  # the file's first list that did not fit
    return result


def _fill_list(
    session: Session,
    user: User,
    found: ImportList,
    target: list_service.ImportTarget,
    items: dict[tuple, int],
    result: ImportResult,
    step: Callable[[], None],
) -> int:
    """Put the items of `found` on the list `target` in order, with their notes, but for those on
    it already; the items past what it holds are left out with one problem. How many went on."""
    added = left_out = 0
    for row in found.items:
        try:
            # A full list takes nothing more: no catalog item is added for it.
            item_id = _cached_item(session, user, row, items, result, add=target.room > 0)
            if item_id in target.item_ids:
                continue
            if target.room == 0:
                left_out += 1
                continue
            note = _cut(row.note, list_service.MAX_NOTE, "the note", row.where, result.problems)
            list_service.add_item(session=session, user=user, list_id=target.item_list.id, item_id=item_id, note=note)
            target.item_ids.add(item_id)
            added += 1
        except ValidationError as exc:
            result.problems.append(f"{row.where}: {' '.join(exc.errors.values())}")
        finally:
            step()
    if left_out:
        result.problems.append(
            f"{found.where}: {left_out:,} {'item was' if left_out == 1 else 'items were'} left out of the list "
            f"“{short(target.item_list.title)}”: a list holds at most {list_service.MAX_ITEMS:,} items."
        )
    return added


def _cached_item(
    session: Session, user: User, row: ImportRow, items: dict[tuple, int], result: ImportResult, *, add: bool = True
) -> int | None:
    """The catalog item for a row (`_item_for`), found once per import for rows naming the same
    item; with `add` False, None when the catalog has none (nothing is added)."""
    key = (row.kind, normalize_for_key(row.title), normalize_for_key(row.creator), row.year)
    item_id = items.get(key)
    if item_id is None:
        if not add:
            found = catalog.match_item(
                session=session, kind=row.kind, title=row.title, creator=row.creator, year=row.year
            )
            return None if found is None else found.id
        item_id, created = _item_for(session, user, row)
        items[key] = item_id
        result.new_items += created
    return item_id


def _cut(text: str, limit: int, what: str, where: str, problems: list[str]) -> str:
    """`text` within `limit` characters: cut, with a problem saying so, when it is longer."""
    if len(text) <= limit:
        return text
    problems.append(f"{where}: {what} was cut to {limit:,} characters.")
    return text[: limit - 1] + "…"


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
