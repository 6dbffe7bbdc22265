"""Importing a history from Goodreads, Letterboxd or our own CSV, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from slice_of_culture.models import Entry, Item
from slice_of_culture.services import catalog, imports
from slice_of_culture.services.errors import ValidationError
from tests.utils.factories import make_item, make_user

XSS = "<img src=x onerror=alert(1)>"

GOODREADS = (
    "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,"
    "Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,"
    "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies\n"
    '1,"The Hunger Games (The Hunger Games, #1)",Suzanne Collins,"Collins, Suzanne",,"=""0439023483""",'
    '"=""9780439023481""",5,4.33,Scholastic,Hardcover,374,2008,2008,2024/03/14,2024/01/02,,,read,'
    f'"Gripping.<br/>Read it in a day. {XSS}",,,1,0\n'
    '2,Dune,Frank Herbert,"Herbert, Frank",,,,0,4.25,Ace,Paperback,604,2005,1965,,2024/02/01,to-read,'
    "to-read (#1),to-read,,,,0,0\n"
    '3,Piranesi,Susanna Clarke,"Clarke, Susanna",,,,0,4.2,Bloomsbury,Hardcover,272,2020,2020,,2024/05/01,,,'
    "currently-reading,,,,0,0\n"
    '4,Bad Year,Someone,"One, Some",,,,3,3.0,X,Paperback,10,,twenty,,2024/05/01,,,read,,,,1,0\n'
)

LETTERBOXD_DIARY = (
    "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
    "2024-04-02,Dune,2021,https://boxd.it/abc1,4.5,,,2024-04-01\n"
    "2024-04-09,Stalker,1979,https://boxd.it/abc2,5,Yes,,2024-04-08\n"
    "2024-04-10,Some Film,1999,https://boxd.it/abc3,7,,,2024-04-10\n"
)

LETTERBOXD_WATCHLIST = "Date,Name,Year,Letterboxd URI\n2024-01-01,Solaris,1972,https://boxd.it/xyz\n"

OURS = (
    "kind,title,creator,year,status,rating,date,review\n"
    "music,Kind of Blue,Miles Davis,1959,finished,4.5,2024-02-03,Timeless\n"
    "book,ספר 📚,Autor e\u0301,,in progress,,,\n"
    "film,Nope,Jordan Peele,2022,finished,4,,\n"
    ",,,,,,,\n"
)


def test_a_goodreads_export_is_read_line_by_line() -> None:
    file = imports.read_file("goodreads_library_export.csv", GOODREADS.encode())
    assert file.format == imports.GOODREADS and file.lines == 4
    hunger, dune, piranesi = file.rows
    assert (hunger.title, hunger.creator, hunger.year) == ("The Hunger Games", "Suzanne Collins", 2008)
    assert (hunger.status, hunger.rating, hunger.consumed_on) == ("finished", 10, date(2024, 3, 14))
    assert hunger.review == f"Gripping.\nRead it in a day. {XSS}"
    assert hunger.external_ids == {"isbn": "9780439023481"}
    assert (dune.status, dune.rating, dune.year) == ("want", None, 1965)
    assert piranesi.status == "in_progress"
    assert file.problems == ["Line 5: the year 'twenty' is not a year."]
    assert file.summary() == "Goodreads library: 3 to import (3 books)"


def test_letterboxd_files_and_our_own_csv_are_read() -> None:
    diary = imports.read_file("diary.csv", LETTERBOXD_DIARY.encode())
    assert diary.format == imports.LETTERBOXD
    assert [(r.title, r.year, r.rating, r.consumed_on, r.creator) for r in diary.rows] == [
        ("Dune", 2021, 9, date(2024, 4, 1), ""),
        ("Stalker", 1979, 10, date(2024, 4, 8), ""),
    ]
    assert diary.problems == ["Line 4: the rating '7' is not between 0.5 and 5 stars in halves."]
    watchlist = imports.read_file("watchlist.csv", LETTERBOXD_WATCHLIST.encode())
    assert [(r.title, r.status, r.consumed_on) for r in watchlist.rows] == [("Solaris", "want", None)]

    ours = imports.read_file("mine.csv", ("\ufeff" + OURS).encode())  # a byte-order mark is fine
    assert ours.format == imports.OURS
    assert [(r.kind, r.title, r.status, r.rating) for r in ours.rows] == [
        ("music", "Kind of Blue", "finished", 9),
        ("book", "ספר 📚", "in_progress", None),
    ]
    assert ours.problems == ["Line 4: kind must be movie, book or music."]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"   \n", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
        (b"title,year\nDune,1965\n", "not a file we can read"),
        (b"kind,title\n", "no rows to import"),
        ("Título,Año\n".encode("latin-1"), "not UTF-8"),
        (b"kind,title\n" + b"book,x\n" * (imports.MAX_ROWS + 1), "more than 5,000 lines"),
        (b"kind,title\n" + b"x" * imports.MAX_BYTES, "larger than 5 MB"),
    ],
)
def test_files_we_cannot_use_get_one_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        imports.read_file("file.csv", data)
    assert set(caught.value.errors) == {"file"}


def test_match_item_needs_the_same_title_and_creator_and_prefers_the_same_year(session) -> None:
    lynch = make_item(session, "Dune", kind="movie", creator="David Lynch", year=1984)
    villeneuve = make_item(session, "Dune", kind="movie", creator="Denis Villeneuve", year=2021)
    book = make_item(session, "The Left Hand of Darkness", kind="book", creator="Ursula K. Le Guin", year=1969)

    def match(kind: str, title: str, creator: str = "", year: int | None = None) -> Item | None:
        return catalog.match_item(session=session, kind=kind, title=title, creator=creator, year=year)

    assert match("movie", "dune", year=2021) == villeneuve
    assert match("movie", "DUNE", "david lynch") == lynch
    assert match("movie", "Dune") is None  # two films, nothing to tell them apart
    assert match("movie", "Dune", year=2000) is None
    assert match("book", "Dune", year=2021) is None
    assert match("book", "Left Hand of Darkness", "Ursula K. Le Guin", 1970) == book  # a year off, same author
    assert match("book", "The Left Hand of Darkness", "Someone Else", 1969) is None
    assert match("book", "The Left Hand", "Ursula K. Le Guin") is None
    assert match("book", "%", "_") is None


def test_an_import_matches_the_catalog_adds_what_is_missing_and_is_idempotent(session) -> None:
    ana = make_user(session, "importer")
    stalker = make_item(session, "Stalker", kind="movie", creator="Andrei Tarkovsky", year=1979)
    hunger = make_item(session, "The Hunger Games", kind="book", creator="Suzanne Collins", year=2008)
    items_before = len(session.exec(select(Item.id)).all())
    seen: list[tuple[int, int]] = []

    rows = imports.read_file("diary.csv", LETTERBOXD_DIARY.encode()).rows
    rows += imports.read_file("goodreads.csv", GOODREADS.encode()).rows
    result = imports.run_import(
        session=session, user=ana, rows=rows, visibility="followers", progress=lambda d, t: seen.append((d, t))
    )
    assert (result.imported, result.new_items, result.already_logged, result.problems) == (5, 3, 0, [])
    assert seen[-1] == (5, 5)
    logged = session.exec(select(Entry).where(Entry.user_id == ana.id)).all()
    assert {e.visibility for e in logged} == {"followers"}
    by_item = {e.item_id: e for e in logged}
    assert by_item[stalker.id].rating == 10 and by_item[hunger.id].rating == 10
    assert by_item[hunger.id].review.endswith(XSS)  # kept as text
    dune = session.exec(select(Item).where(Item.kind == "movie", Item.title == "Dune")).one()
    assert (dune.year, dune.creator, dune.external_ids, dune.created_by_id) == (
        2021,
        "",
        {"letterboxd": "https://boxd.it/abc1"},
        ana.id,
    )
    assert len(session.exec(select(Item.id)).all()) == items_before + 3

    again = imports.run_import(session=session, user=ana, rows=rows, visibility="public")
    assert (again.imported, again.new_items, again.already_logged) == (0, 0, 5)


def test_lines_that_break_a_rule_are_reported_and_the_rest_go_in(session) -> None:
    ana = make_user(session, "importer2")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    csv = (
        "kind,title,creator,year,status,rating,date,review\n"
        f"book,Tomorrow's Book,A,2020,finished,4,{tomorrow},\n"
        f"book,{'T' * 400},A,2020,finished,4,,\n"
        f"book,Long Review,A,2020,finished,4,,{'r' * 6000}\n"
        "movie,Fine,B,2020,want,,,\n"
    )
    rows = imports.read_file("mine.csv", csv.encode()).rows
    result = imports.run_import(session=session, user=ana, rows=rows, visibility="private")
    assert result.imported == 2
    assert result.problems == [
        "Line 2: That date is in the future.",
        "Line 3: Title must be at most 300 characters.",
        "Line 4: the review was cut to 5,000 characters.",
    ]
    reviews = [e.review for e in session.exec(select(Entry).where(Entry.user_id == ana.id)).all()]
    assert sorted(len(r) for r in reviews) == [0, 5000]
    with pytest.raises(ValidationError):
        imports.run_import(session=session, user=ana, rows=rows, visibility="everyone")


def test_an_export_imports_back_as_it_was_and_never_more_public(session) -> None:
    ana, bea = make_user(session, "exporter"), make_user(session, "reimporter")
    rows = imports.read_file("mine.csv", OURS.encode()).rows
    rows[1].visibility = "private"
    imports.run_import(session=session, user=ana, rows=rows, visibility="followers")
    exported = imports.export_csv(session=session, user=ana)
    assert exported.splitlines()[0] == "kind,title,creator,year,status,rating,date,review,visibility"
    assert "music,Kind of Blue,Miles Davis,1959,finished,4.5,2024-02-03,Timeless,followers" in exported
    back = imports.read_file("slice-of-culture.csv", exported.encode())
    assert back.problems == [] and len(back.rows) == 2
    result = imports.run_import(session=session, user=bea, rows=back.rows, visibility="public")
    assert (result.imported, result.new_items) == (2, 0)

    def entries_of(user) -> list[tuple]:  # noqa: ANN001
        stmt = select(Entry).where(Entry.user_id == user.id).order_by(Entry.id)
        return [(e.item_id, e.status, e.rating, e.consumed_on, e.review, e.visibility) for e in session.exec(stmt)]

    assert entries_of(bea) == entries_of(ana)
    assert [e[-1] for e in entries_of(bea)] == ["followers", "private"]
    bad = imports.read_file("x.csv", b"kind,title,visibility\nbook,X,everyone\n")
    assert bad.problems == ["Line 2: the visibility 'everyone' is not public, followers or private."]


def test_match_item_is_an_index_lookup_on_both_databases(session) -> None:
    from sqlalchemy import event

    make_item(session, "Dune", kind="book", creator="Frank Herbert", year=1965)
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if "dedup_key" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", capture)
    try:
        assert catalog.match_item(session=session, kind="book", title="Dune", creator="Frank Herbert") is not None
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    statement, parameters = seen[-1]
    raw = connection.connection.dbapi_connection.cursor()
    if connection.dialect.name == "postgresql":
        raw.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask whether an index can serve it
        raw.execute("EXPLAIN " + statement, parameters)
        assert "ix_item_dedup_key_prefix" in "\n".join(r[0] for r in raw.fetchall())
    else:
        raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        plan = "\n".join(str(r[-1]) for r in raw.fetchall())
        assert "USING INDEX" in plan and "dedup_key>? AND dedup_key<?" in plan, plan


def test_match_item_finds_the_right_year_among_many_films_of_one_title(session) -> None:
    for n in range(catalog.MATCH_CANDIDATES + 10):
        make_item(session, "Hamlet", kind="movie", creator=f"Director {n}", year=1900 + n)
    latest = catalog.match_item(session=session, kind="movie", title="Hamlet", year=1900 + catalog.MATCH_CANDIDATES + 5)
    assert latest is not None and latest.creator == f"Director {catalog.MATCH_CANDIDATES + 5}"
