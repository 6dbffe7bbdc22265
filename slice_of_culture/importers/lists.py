"""Lists exported as CSV, read as lists to import: ours (Settings' "Download your lists",
`services.lists.export_lists_csv`) and Letterboxd's (its export zip holds one file a list,
`lists/<name>.csv`; one such file can also be chosen on its own).

Ours has a line per item, the list's title, description, visibility and "numbered" repeated on
each, a list's lines one after another (a list with no items is one line with the item columns
empty); a new title starts the next list. Letterboxd's ("Letterboxd list export v7") starts with
a Date,Name,Tags,URL,Description header and its one line of values, then, after a blank line, a
Position,Name,Year,URL,Description table, the Description being the note on that film. It says
nothing of who sees the list or whether it is numbered: such a list gets the visibility chosen
for the import and is not numbered.

Items keep the order of their positions. Readers only read: the rules of lists (title,
description and note lengths, items a list, lists a person) belong to `services.lists` and apply
when the lists are imported (`services.imports.run_import`), which reports what they leave out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from slice_of_culture.importers.rows import (
    MAX_ROWS,
    FormatError,
    ImportFile,
    ImportList,
    ListedItem,
    cell,
    csv_records,
    is_blank,
    parse_year,
    short,
    unguarded,
)
from slice_of_culture.models import ITEM_KINDS, VISIBILITIES

OUR_LISTS = "Slice of Culture lists"
LETTERBOXD_LIST = "Letterboxd list"
# The header columns that tell our lists export from our entries CSV (which has kind and title too).
OUR_COLUMNS = frozenset({"list", "position", "kind", "title"})
# Filled on a line that carries an item (a list's only line may leave them all empty).
_ITEM_COLUMNS = ("position", "kind", "title", "creator", "year", "note")
_NUMBERED = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}
_LETTERBOXD_START = re.compile(r"\s*Letterboxd list export\b")


def _position(value: str | None) -> int | None:
    value = cell(value)
    if not value:
        return None
    if value.isdigit() and int(value) >= 1:
        return int(value)
    raise ValueError(f"the position {short(value)!r} is not a whole number from 1")


def _in_order(items: list[ListedItem]) -> list[ListedItem]:
    """Items by their position, those without one after, each group in the file's order."""
    return sorted(items, key=lambda item: (item.position is None, item.position or 0))


def _our_list(record: dict, line: int, title: str) -> ImportList:
    visibility = cell(record.get("visibility")).lower() or None
    if visibility is not None and visibility not in VISIBILITIES:
        raise ValueError(f"the visibility {short(visibility)!r} is not public, followers or private")
    numbered = cell(record.get("numbered")).lower()
    if numbered and numbered not in _NUMBERED:
        raise ValueError(f"numbered {short(numbered)!r} is not yes or no")
    return ImportList(
        line=line,
        title=title,
        description=cell(record.get("description")),
        visibility=visibility,
        ranked=_NUMBERED.get(numbered, False),
    )


def _our_item(record: dict, line: int) -> ListedItem:
    kind = cell(record.get("kind")).lower()
    if kind not in ITEM_KINDS:
        raise ValueError("kind must be movie, book or music")
    title = cell(record.get("title"))
    if not title:
        raise ValueError("no title")
    return ListedItem(
        line=line,
        kind=kind,
        title=title,
        creator=cell(record.get("creator")),
        year=parse_year(record.get("year")),
        position=_position(record.get("position")),
        note=cell(record.get("note")),
    )


def read_our_lists(reader: csv.DictReader) -> ImportFile:
    """Our lists export (its header already read, lower case): a list per run of lines with the
    same "list" title. A line naming no list, or an item that cannot be read, is a problem; a
    list whose first line has a bad visibility or "numbered" is left out whole (a problem says
    so). Cells our exporter guarded for spreadsheets read as written."""
    found: list[ImportList] = []
    problems: list[str] = []
    current: ImportList | None = None
    title_now: str | None = None
    line = 1
    for line, record in csv_records(reader):
        if is_blank(record):
            continue
        record = unguarded(record)
        title = cell(record.get("list"))
        if not title:
            problems.append(f"Line {line}: no list title.")
            continue
        if title != title_now:
            title_now = title
            try:
                current = _our_list(record, line, title)
            except ValueError as exc:
                current = None
                problems.append(f"Line {line}: {exc}; the list “{short(title)}” was left out.")
                continue
            found.append(current)
        if current is None or not any(cell(record.get(column)) for column in _ITEM_COLUMNS):
            continue
        try:
            current.items.append(_our_item(record, line))
        except ValueError as exc:
            problems.append(f"Line {line}: {exc}.")
    if not found and not problems:
        raise FormatError("The file has no lists to import.")
    for each in found:
        each.items = _in_order(each.items)
    return ImportFile(format=OUR_LISTS, rows=[], problems=problems, lines=line - 1, lists=found)


def is_letterboxd_list(text: str) -> bool:
    """Whether `text` is one list of a Letterboxd export (its first line says so)."""
    return _LETTERBOXD_START.match(text) is not None


def _letterboxd_list(text: str, name: str = "") -> tuple[ImportList | None, list[str], int]:
    """One Letterboxd list file: (the list, or None when it names none; problems; its lines).
    `name`, the file's place in the export zip, leads every problem ("lists/best.csv, line 7: no
    title."); "" for a file chosen on its own ("Line 7: no title."). Raises FormatError when the
    file is not such a list, or is not CSV."""
    the_file = name or "The file"

    def at(line: int) -> str:
        return f"{name}, line {line}" if name else f"Line {line}"

    reader = csv.reader(io.StringIO(text, newline=""))
    items: list[ListedItem] = []
    problems: list[str] = []
    try:
        next(reader, None)  # "Letterboxd list export v7"
        header = [column.strip() for column in next(reader, [])]
        values = next(reader, [])
        details_line = reader.line_num
        columns = [column.strip() for column in next((r for r in reader if any(c.strip() for c in r)), [])]
        if "Name" not in header or not {"Position", "Name"} <= set(columns):
            raise FormatError(f"{the_file} is not a Letterboxd list: no Name line, or no Position,Name table.")
        count = 0
        for values_of_film in reader:
            line = reader.line_num
            if not any(value.strip() for value in values_of_film):
                continue
            count += 1
            if count > MAX_ROWS:
                raise FormatError(f"{the_file} has more than {MAX_ROWS:,} films; a list holds far fewer.")
            film = dict(zip(columns, values_of_film, strict=False))
            title = cell(film.get("Name"))
            try:
                if not title:
                    raise ValueError("no title")
                year, position = parse_year(film.get("Year")), _position(film.get("Position"))
            except ValueError as exc:
                problems.append(f"{at(line)}: {exc}.")
                continue
            url = cell(film.get("URL"))
            items.append(
                ListedItem(
                    line=line,
                    kind="movie",
                    title=title,
                    year=year,
                    external_ids={"letterboxd": url} if url.startswith("https://") else {},
                    position=position,
                    note=cell(film.get("Description")),
                    label=at(line) if name else "",
                )
            )
    except csv.Error as exc:
        raise FormatError(f"{the_file} is not valid CSV near line {reader.line_num} ({exc}).") from None
    details = dict(zip(header, values, strict=False))
    title = cell(details.get("Name"))
    if not title:
        return None, [f"{at(details_line)}: the list has no name; it was left out."], reader.line_num
    found = ImportList(
        line=details_line,
        title=title,
        description=cell(details.get("Description")),
        items=_in_order(items),
        label=name,
    )
    return found, problems, reader.line_num


def read_letterboxd_list(text: str) -> ImportFile:
    """One list of a Letterboxd export, chosen on its own."""
    found, problems, lines = _letterboxd_list(text)
    return ImportFile(format=LETTERBOXD_LIST, rows=[], problems=problems, lines=lines, lists=[found] if found else [])


def read_letterboxd_lists(
    texts: Sequence[tuple[str, str]], *, left_out: int = 0
) -> tuple[list[ImportList], list[str], int]:
    """The lists of a Letterboxd export zip, as (name in the zip, text): (lists, problems, lines).
    A file that is not a list is a problem, not the end of the zip. One import takes at most
    MAX_ROWS lists and items in all: the lists past that are left out, with `left_out` more the
    zip reader did not unpack, and a problem says how to import them."""
    found: list[ImportList] = []
    problems: list[str] = []
    lines = 0
    room = MAX_ROWS
    for name, text in texts:
        try:
            one, its_problems, its_lines = _letterboxd_list(text, name)
        except FormatError as exc:
            problems.append(str(exc))
            continue
        size = 1 + len(one.items) if one else 0
        if size > room:
            room, left_out = 0, left_out + 1
            continue
        room -= size
        lines += its_lines
        problems += its_problems
        if one is not None:
            found.append(one)
    if left_out:
        problems.append(
            f"{left_out:,} {'list was' if left_out == 1 else 'lists were'} left out: one import takes at most "
            f"{MAX_ROWS:,} list items. Choose their files, in the zip's lists folder, one at a time."
        )
    return found, problems, lines
