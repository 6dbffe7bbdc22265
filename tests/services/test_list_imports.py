"""Lists come along on import: our lists CSV (Settings' download) and the lists of a Letterboxd
export (its zip, beside the diary, or one list file) are read, then made for the importing person
(on SQLite and PostgreSQL) in order with their notes; a second import adds no second list."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from slice_of_culture import importers
from slice_of_culture.importers import lists as list_reader
from slice_of_culture.models import Entry, Item, ItemList
from slice_of_culture.services import imports, lists
from slice_of_culture.services.errors import ValidationError
from tests.services.test_imports import LETTERBOXD_DIARY, _zip
from tests.utils.factories import make_item, make_user

XSS = "<script>alert('x')</script>"
HEADER = "list,description,visibility,numbered,position,kind,title,creator,year,note,added\n"

LETTERBOXD_LIST = (
    "Letterboxd list export v7\n"
    "Date,Name,Tags,URL,Description\n"
    '2021-11-06,Slow cinema <i>forever</i>,"slow, long",https://boxd.it/list1,"Films that take\n'
    'their time."\n'
    "\n"
    "Position,Name,Year,URL,Description\n"
    "2,Stalker,1979,https://boxd.it/abc2,The zone 🌾\n"
    "1,Dune,2021,https://boxd.it/abc1,\n"
    ",,,,\n"
    "3,,1999,https://boxd.it/x,\n"
    "4,Jeanne Dielman,nineteen,https://boxd.it/y,\n"
)


def _import(session, user, name: str, data: bytes, visibility: str = "public") -> imports.ImportResult:  # noqa: ANN001
    file = imports.read_file(name, data)
    return imports.run_import(session=session, user=user, rows=file.rows, lists=file.lists, visibility=visibility)


def _lists_of(session, user) -> list[tuple]:  # noqa: ANN001
    """Each list of `user` as their profile orders them: details, then items in order with notes."""
    shown = []
    for summary in lists.lists_of(session=session, username=user.username, viewer_id=user.id):
        page = lists.list_page(session=session, list_id=summary.list_id, viewer_id=user.id)
        items = [(i.kind, i.title, i.creator, i.year, i.note) for i in page.items]
        shown.append((page.title, page.description, page.visibility, page.ranked, items))
    return shown


# Reading


def test_our_lists_csv_is_read_as_lists_in_order() -> None:
    text = (
        HEADER
        + 'Best of <b>Ghibli</b> 🐉,"For rainy days,\nand tea",followers,yes,2,movie,Spirited Away,Hayao Miyazaki,'
        '2001,"\'=SUM(A1)",2024-05-01\n'
        'Best of <b>Ghibli</b> 🐉,"For rainy days,\nand tea",followers,yes,1,movie,Totoro,Hayao Miyazaki,1988,'
        f"{XSS},2024-05-01\n"
        "Empty one,,private,no,,,,,,,\n"
        ",,,,,,,,,,\n"
        "Books,,public,no,1,book,ספר,Autor e\u0301,,,2024-01-02\n"
    )
    file = imports.read_file("slice-of-culture-lists-ana.csv", text.encode())
    assert (file.format, file.rows, file.problems) == (importers.OUR_LISTS, [], [])
    assert file.summary() == "Slice of Culture lists: 3 lists (3 items) to import"
    ghibli, empty, books = file.lists
    assert (ghibli.title, ghibli.description, ghibli.visibility, ghibli.ranked) == (
        "Best of <b>Ghibli</b> 🐉",
        "For rainy days,\nand tea",
        "followers",
        True,
    )
    # In the order of their positions, notes as written (the spreadsheet guard taken off).
    assert [(i.title, i.year, i.note) for i in ghibli.items] == [
        ("Totoro", 1988, XSS),
        ("Spirited Away", 2001, "=SUM(A1)"),
    ]
    assert (empty.title, empty.visibility, empty.ranked, empty.items) == ("Empty one", "private", False, [])
    assert [(i.kind, i.title, i.creator) for i in books.items] == [("book", "ספר", "Autor e\u0301")]


def test_bad_lines_of_our_lists_csv_are_problems_and_the_rest_is_read() -> None:
    text = (
        HEADER + ",,public,no,1,movie,Orphan,,,,\n"  # line 2
        "Mine,,public,no,1,movie,Fine,,,,\n"
        "Mine,,public,no,2,film,Bad kind,,,,\n"
        "Mine,,public,no,3,movie,,,,,\n"
        "Mine,,public,no,4,movie,Bad year,,twenty,,\n"
        "Mine,,public,no,last,movie,Bad position,,,,\n"
        "Everyone's,,everyone,no,1,movie,Hidden,,,,\n"  # line 8
        "Everyone's,,everyone,no,2,movie,Hidden too,,,,\n"
        "Counted,,public,maybe,1,movie,X,,,,\n"
    )
    file = imports.read_file("lists.csv", text.encode())
    assert [(found.title, [i.title for i in found.items]) for found in file.lists] == [("Mine", ["Fine"])]
    assert file.problems == [
        "Line 2: no list title.",
        "Line 4: kind must be movie, book or music.",
        "Line 5: no title.",
        "Line 6: the year 'twenty' is not a year.",
        "Line 7: the position 'last' is not a whole number from 1.",
        "Line 8: the visibility 'everyone' is not public, followers or private; the list “Everyone's” was left out.",
        "Line 10: numbered 'maybe' is not yes or no; the list “Counted” was left out.",
    ]


def test_a_letterboxd_list_file_is_read_with_its_notes() -> None:
    file = imports.read_file("slow-cinema.csv", LETTERBOXD_LIST.encode())
    assert file.format == importers.LETTERBOXD_LIST and file.rows == []
    (found,) = file.lists
    assert (found.title, found.description, found.visibility, found.ranked) == (
        "Slow cinema <i>forever</i>",
        "Films that take\ntheir time.",
        None,
        False,
    )
    assert [(i.kind, i.title, i.year, i.note, i.external_ids) for i in found.items] == [
        ("movie", "Dune", 2021, "", {"letterboxd": "https://boxd.it/abc1"}),
        ("movie", "Stalker", 1979, "The zone 🌾", {"letterboxd": "https://boxd.it/abc2"}),
    ]
    assert file.problems == ["Line 10: no title.", "Line 11: the year 'nineteen' is not a year."]
    assert file.summary() == "Letterboxd list: 1 list (2 items) to import"


def test_a_letterboxd_zip_brings_its_diary_and_its_lists() -> None:
    nameless = LETTERBOXD_LIST.replace("Slow cinema <i>forever</i>", "")
    export = _zip(
        {
            "profile.csv": "Username\nana\n",
            "diary.csv": LETTERBOXD_DIARY,
            "lists/slow-cinema.csv": LETTERBOXD_LIST,
            "lists/nameless.csv": nameless,
            "lists/broken.csv": "Letterboxd list export v7\nDate,Name\n2024-01-01,Broken\n\nNo,Table\n",
            "deleted/lists/gone.csv": LETTERBOXD_LIST.replace("Slow cinema", "Deleted"),
            "deleted/diary.csv": LETTERBOXD_DIARY,
        }
    )
    file = imports.read_file("letterboxd-ana-2024.zip", export)
    assert file.format == importers.LETTERBOXD
    diary = imports.read_file("diary.csv", LETTERBOXD_DIARY.encode())
    assert [(r.title, r.consumed_on) for r in file.rows] == [(r.title, r.consumed_on) for r in diary.rows]
    assert [(found.title, found.where, len(found.items)) for found in file.lists] == [
        ("Slow cinema <i>forever</i>", "lists/slow-cinema.csv", 2)
    ]
    assert file.problems == [
        "diary.csv, line 4: the rating '7' is not between 0.5 and 5 stars in halves.",
        "lists/broken.csv is not a Letterboxd list: no Name line, or no Position,Name table.",
        "lists/nameless.csv, line 4: the list has no name; it was left out.",
        "lists/slow-cinema.csv, line 10: no title.",
        "lists/slow-cinema.csv, line 11: the year 'nineteen' is not a year.",
    ]
    assert file.summary() == "Letterboxd: 2 to import (2 movies), and 1 list (2 items)"

    # Lists alone, or beside an empty diary, still come.
    only = imports.read_file("export.zip", _zip({"lists/slow-cinema.csv": LETTERBOXD_LIST}))
    assert (only.rows, len(only.lists)) == ([], 1)
    empty_diary = _zip({"diary.csv": "Date,Name,Year,Letterboxd URI\n", "lists/slow-cinema.csv": LETTERBOXD_LIST})
    beside = imports.read_file("export.zip", empty_diary)
    assert len(beside.lists) == 1 and beside.problems == only.problems  # an empty diary is no problem


def test_lists_past_what_one_import_takes_are_left_out_with_a_word(monkeypatch) -> None:
    monkeypatch.setattr(list_reader, "MAX_ROWS", 7)  # each list counts 1 + its 2 films
    export = _zip({f"lists/{n}.csv": LETTERBOXD_LIST.replace("Slow cinema", f"List {n}") for n in range(4)})
    file = imports.read_file("export.zip", export)
    assert [found.title for found in file.lists] == ["List 0 <i>forever</i>", "List 1 <i>forever</i>"]
    assert file.problems[-1] == (
        "2 lists were left out: one import takes at most 7 list items. "
        "Choose their files, in the zip's lists folder, one at a time."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"list,title\nMine,Dune\n", "not a file we can read"),  # neither our lists nor our entries
        (HEADER.encode(), "no lists to import"),
        (b"Letterboxd list export v7\nDate,Name\n2024-01-01,X\n", "not a Letterboxd list"),
        (b"Letterboxd list export v7\nDate,Name\n2024-01-01," + b"x" * 200_000 + b"\n", "not valid CSV near line 3"),
        ((HEADER + "L,,public,no,1,book,X,,,,\n" * (importers.MAX_ROWS + 1)).encode(), "more than 5,000 lines"),
    ],
)
def test_list_files_we_cannot_use_get_one_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        imports.read_file("lists.csv", data)
    assert set(caught.value.errors) == {"file"}


# Importing


def test_exported_lists_import_into_another_account_as_they_were(session) -> None:
    ana, bea = make_user(session, "lister"), make_user(session, "relister")
    totoro = make_item(session, "Totoro", kind="movie", creator="Hayao Miyazaki", year=1988)
    spirited = make_item(session, "Spirited Away", kind="movie", creator="Hayao Miyazaki", year=2001)
    trap = make_item(session, '=HYPERLINK("https://evil.example","x")', kind="book", creator="@someone")
    ghibli = lists.create_list(
        session=session, user=ana, title=f"Ghibli {XSS}", description="Rainy days 🌧", ranked=True
    )
    for item, note in ((spirited, f"Best {XSS}"), (totoro, "- cosy"), (trap, "")):
        lists.add_item(session=session, user=ana, list_id=ghibli.id, item_id=item.id, note=note)
    later = lists.create_list(session=session, user=ana, title="Later", visibility="followers")
    lists.add_item(session=session, user=ana, list_id=later.id, item_id=totoro.id, note="again")
    lists.create_list(session=session, user=ana, title="Secret, empty", visibility="private")
    exported = lists.export_lists_csv(session=session, user=ana)
    items_before = len(session.exec(select(Item.id)).all())
    seen: list[tuple[int, int]] = []

    file = imports.read_file("slice-of-culture-lists-lister.csv", exported.encode())
    assert file.problems == []
    result = imports.run_import(
        session=session,
        user=bea,
        rows=file.rows,
        lists=file.lists,
        visibility="public",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert (result.lists_imported, result.list_items, result.new_items, result.problems) == (3, 4, 0, [])
    assert seen[-1] == (4, 4)
    assert len(session.exec(select(Item.id)).all()) == items_before  # every item matched
    assert _lists_of(session, bea) == _lists_of(session, ana)
    assert [(title, visibility) for title, _, visibility, _, _ in _lists_of(session, bea)] == [
        ("Secret, empty", "private"),
        ("Later", "followers"),
        (f"Ghibli {XSS}", "public"),
    ]
    assert _lists_of(session, bea)[2][4][0] == ("movie", "Spirited Away", "Hayao Miyazaki", 2001, f"Best {XSS}")
    assert session.exec(select(Entry.id).where(Entry.user_id == bea.id)).all() == []  # lists only

    # Never more public than chosen for the import.
    cara = make_user(session, "carefullister")
    _import(session, cara, "lists.csv", exported.encode(), visibility="followers")
    assert {visibility for _, _, visibility, _, _ in _lists_of(session, cara)} == {"followers", "private"}


def test_importing_lists_twice_makes_no_second_list_and_adds_what_is_new(session) -> None:
    ana = make_user(session, "twicelister")
    text = HEADER + "Mine,About,public,yes,1,movie,Solaris,Andrei Tarkovsky,1972,first,\n"
    first = _import(session, ana, "lists.csv", text.encode())
    assert (first.lists_imported, first.list_items, first.new_items) == (1, 1, 1)
    (mine,) = session.exec(select(ItemList).where(ItemList.user_id == ana.id)).all()
    # The person's own changes stay: details, notes.
    lists.update_list(
        session=session, user=ana, list_id=mine.id, title="Mine", description="Mine now", visibility="private", ranked=0
    )

    again = _import(session, ana, "lists.csv", text.encode())
    assert (again.lists_imported, again.lists_added_to, again.lists_unchanged, again.problems) == (0, 0, 1, [])
    more = text + "Mine,About,public,yes,2,movie,Stalker,Andrei Tarkovsky,1979,second,\n"
    third = _import(session, ana, "lists.csv", more.encode())
    assert (third.lists_imported, third.lists_added_to, third.items_added_to_lists) == (0, 1, 1)
    assert _lists_of(session, ana) == [
        (
            "Mine",
            "Mine now",
            "private",
            False,
            [
                ("movie", "Solaris", "Andrei Tarkovsky", 1972, "first"),
                ("movie", "Stalker", "Andrei Tarkovsky", 1979, "second"),
            ],
        )
    ]


def test_a_letterboxd_zip_logs_the_diary_and_makes_its_lists(session) -> None:
    ana = make_user(session, "boxdlister")
    export = _zip({"diary.csv": LETTERBOXD_DIARY, "lists/slow-cinema.csv": LETTERBOXD_LIST})
    result = _import(session, ana, "letterboxd.zip", export, visibility="followers")
    assert (result.imported, result.lists_imported, result.list_items, result.new_items) == (2, 1, 2, 2)
    assert _lists_of(session, ana) == [
        (
            "Slow cinema <i>forever</i>",
            "Films that take\ntheir time.",
            "followers",
            False,
            [("movie", "Dune", "", 2021, ""), ("movie", "Stalker", "", 1979, "The zone 🌾")],
        )
    ]
    # The diary's films and the list's are the same catalog items.
    logged = set(session.exec(select(Entry.item_id).where(Entry.user_id == ana.id)).all())
    (listed,) = lists.lists_of(session=session, username=ana.username, viewer_id=ana.id)
    page = lists.list_page(session=session, list_id=listed.list_id, viewer_id=ana.id)
    assert {item.item_id for item in page.items} == logged
    again = _import(session, ana, "letterboxd.zip", export)
    assert (again.imported, again.already_logged, again.lists_imported, again.lists_unchanged) == (0, 2, 0, 1)


def test_what_a_list_cannot_take_is_cut_or_left_out_and_reported(session, monkeypatch) -> None:
    ana = make_user(session, "limitlister")
    monkeypatch.setattr(lists, "MAX_ITEMS", 3)
    films = "".join(f"Full,,public,no,{n},movie,Film {n},Someone,2000,,\n" for n in range(1, 6))
    long_title = "T" * (lists.MAX_TITLE + 20)
    text = (
        HEADER
        + films
        + f"{long_title},{'d' * 2100},public,no,1,book,{'B' * 400},,,,\n"
        + f"{long_title},{'d' * 2100},public,no,2,book,Fine,,,{'n' * 600},\n"
    )
    result = _import(session, ana, "lists.csv", text.encode())
    assert (result.lists_imported, result.list_items) == (2, 4)
    assert result.problems == [
        "Line 7: the list's title was cut to 100 characters.",
        "Line 7: the list's description was cut to 2,000 characters.",
        "Line 7: Title must be at most 300 characters.",
        "Line 8: the note was cut to 500 characters.",
        "Line 2: 2 items were left out of the list “Full”: a list holds at most 3 items.",
    ]
    shown = {title: items for title, _, _, _, items in _lists_of(session, ana)}
    assert [i[1] for i in shown["Full"]] == ["Film 1", "Film 2", "Film 3"]
    assert [(i[1], len(i[4])) for i in shown["T" * 99 + "…"]] == [("Fine", 500)]
    # A full list takes nothing: no catalog item is added for what it cannot hold.
    assert session.exec(select(Item.id).where(Item.title == "Film 5")).first() is None

    monkeypatch.setattr(lists, "MAX_LISTS", 3)
    three = "".join(f"New {n},,public,no,,,,,,,\n" for n in range(3))
    more = _import(session, ana, "lists.csv", (HEADER + three).encode())
    assert (more.lists_imported, more.problems) == (
        1,
        # Lists are made from the file's last to its first: the first ones found no room.
        ["Line 2: You have 3 lists, the most one person can have. Delete one first. (2 lists left out.)"],
    )


def test_an_import_is_one_transaction_of_the_callers(session) -> None:
    ana = make_user(session, "rollbacklister")
    session.commit()
    _import(session, ana, "lists.csv", (HEADER + "Mine,,public,no,1,movie,Brand New Film,,,,\n").encode())
    session.rollback()
    assert session.exec(select(ItemList).where(ItemList.user_id == ana.id)).all() == []
    assert session.exec(select(Item).where(Item.title == "Brand New Film")).first() is None
    with pytest.raises(ValidationError):
        imports.run_import(session=session, user=ana, rows=[], lists=[], visibility="everyone")


def test_csv_cells_a_spreadsheet_would_run_import_back_as_written(session) -> None:
    ana, bea = make_user(session, "sheetlister"), make_user(session, "sheetrelister")
    trap = make_item(session, "+44 Film", kind="movie", creator="@maker")
    mine = lists.create_list(session=session, user=ana, title="=cmd|' /C calc'!A0", description="-minus")
    lists.add_item(session=session, user=ana, list_id=mine.id, item_id=trap.id, note="@note")
    exported = lists.export_lists_csv(session=session, user=ana)
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    _import(session, bea, "lists.csv", exported.encode())
    assert _lists_of(session, bea) == _lists_of(session, ana)
