"""Catalog search on SQLite (FTS5) and PostgreSQL (tsvector + trigram indexes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import insert, text
from sqlmodel import Session

from slice_of_culture.db import make_engine
from slice_of_culture.models import Item
from slice_of_culture.models.common import utcnow
from slice_of_culture.search_schema import (
    CREATOR_TRIGRAM_INDEX,
    DOCUMENT_INDEX,
    FTS_DOCSIZE_TABLE,
    FTS_TABLE,
    TITLE_KEY_INDEX,
    TITLE_TRIGRAM_INDEX,
)
from slice_of_culture.services import search
from slice_of_culture.services.errors import ValidationError
from slice_of_culture.services.search import ItemHit, search_items
from tests.conftest import IN_CI
from tests.utils.db import create_pg_database, drop_pg_database, migrate, pg_available, pg_url, sqlite_url
from tests.utils.factories import make_entry, make_item, make_user

FTS_INJECTIONS = [
    '"',
    '"unbalanced',
    "*",
    "dune*",
    "AND",
    "dune OR",
    "NOT dune",
    "dune AND NOT herbert",
    "NEAR(dune herbert, 2)",
    "(dune",
    "dune)",
    "title:dune",
    "{title creator}: dune",
    "^dune",
    "-dune",
    "+dune",
    "dune:*",
    "dune & | ! <->",
    "'; DROP TABLE item; --",
    "\\",
    "%_",
    "<img src=x onerror=alert(1)>",
    "🎬🍿",
    "dune 🏜️",
    "שלום עולם",
    "مرحبا بالعالم",
    "\u202edune\u202c",
    "e\u0301\u0301\u0301",
    "\u0301",
    "a\x00b",
    "\ud800",
    "ǅ ß ŉ ﬁ",
    "dune " * 60,
]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _titles(hits: list[ItemHit]) -> list[str]:
    return [hit.title for hit in hits]


@pytest.fixture
def dune(session: Session) -> Item:
    item = make_item(
        session, "Dune", kind="book", creator="Frank Herbert", year=1965, genres=["science fiction", "space opera"]
    )
    session.commit()
    return item


def test_hit_carries_what_the_picker_shows(session: Session, dune: Item) -> None:
    [hit] = search_items(session=session, query="Dune")
    assert hit == ItemHit(
        item_id=dune.id,
        kind="book",
        title="Dune",
        creator="Frank Herbert",
        year="1965",
        genres=["science fiction", "space opera"],
        image_url="",
    )


def test_prefix_finds_item_while_typing(session: Session, dune: Item) -> None:
    for query in ["d", "du", "dun", "DUN", "  dune  ", "fra her", "herb"]:
        assert dune.id in [hit.item_id for hit in search_items(session=session, query=query)], query


def test_title_matches_rank_above_creator_only_matches(session: Session) -> None:
    make_item(session, "The Book of Herbs", creator="Dune Kitchen Collective")
    make_item(session, "Children of Dune", creator="Frank Herbert")
    make_item(session, "Dune Messiah", creator="Frank Herbert")
    make_item(session, "Dune", creator="Frank Herbert")
    session.commit()
    assert _titles(search_items(session=session, query="dune")) == [
        "Dune",
        "Dune Messiah",
        "Children of Dune",
        "The Book of Herbs",
    ]


def test_more_title_weight_than_genre(session: Session) -> None:
    make_item(session, "A Quiet Place", creator="John Krasinski", genres=["horror"])
    make_item(session, "Horror Stories", creator="Various")
    session.commit()
    assert _titles(search_items(session=session, query="horror")) == ["Horror Stories", "A Quiet Place"]


def test_genres_are_searchable(session: Session, dune: Item) -> None:
    assert _titles(search_items(session=session, query="space opera")) == ["Dune"]


def test_kind_filter(session: Session, dune: Item) -> None:
    make_item(session, "Dune", kind="movie", creator="Denis Villeneuve", year=2021)
    make_item(session, "Dune", kind="music", creator="Toto", year=1984)
    session.commit()
    assert [hit.kind for hit in search_items(session=session, query="dune", kind="movie")] == ["movie"]
    assert [hit.creator for hit in search_items(session=session, query="dune", kind="music")] == ["Toto"]
    assert len(search_items(session=session, query="dune")) == 3
    assert len(search_items(session=session, query="dune", kind="")) == 3


def test_unknown_kind_is_a_validation_error(session: Session) -> None:
    for kind in ["movies", "podcast", "MOVIE", "' OR 1=1 --"]:
        with pytest.raises(ValidationError) as error:
            search_items(session=session, query="dune", kind=kind)
        assert "kind" in error.value.errors


def test_empty_query_finds_nothing(session: Session, dune: Item) -> None:
    for query in ["", " ", "\t\n  ", "!!!", "🎬"]:
        assert search_items(session=session, query=query) == [], query


def test_long_query_is_cut_to_200_characters(session: Session, dune: Item) -> None:
    # The word past the cut would match nothing; it is dropped with the rest.
    assert _titles(search_items(session=session, query="dune" + " " * 250 + "zzzzzz")) == ["Dune"]


def test_accents_do_not_matter(session: Session) -> None:
    amelie = make_item(session, "Amélie", kind="movie", creator="Jean-Pierre Jeunet")
    miserables = make_item(session, "Les Misérables", kind="book", creator="Victor Hugo")
    ca = make_item(session, "Ça", kind="book", creator="Stephen King")
    session.commit()
    for query, item in [
        ("Amelie", amelie),
        ("amélie", amelie),
        ("AMÉLIE", amelie),
        ("miserab", miserables),
        ("ca", ca),
    ]:
        assert [hit.item_id for hit in search_items(session=session, query=query)] == [item.id], query


def test_accented_query_finds_unaccented_title(session: Session) -> None:
    item = make_item(session, "Amelie", kind="movie")
    session.commit()
    assert [hit.item_id for hit in search_items(session=session, query="Amélie")] == [item.id]


def test_creator_accents_do_not_matter(session: Session) -> None:
    item = make_item(session, "Gymnopédies", kind="music", creator="Érik Satie")
    session.commit()
    assert [hit.item_id for hit in search_items(session=session, query="erik satie")] == [item.id]


def test_typos_still_find_the_item(session: Session, dune: Item) -> None:
    make_item(session, "Kind of Blue", kind="music", creator="Miles Davis")
    session.commit()
    for query in ["dnue", "Herbret", "frank herbret", "Duen", "Dume"]:
        hits = search_items(session=session, query=query)
        assert hits and hits[0].item_id == dune.id, query


def test_trigram_typo_tolerance_on_postgresql(session: Session, dune: Item) -> None:
    # A wrong first letter: trigrams still see "erbert"; the SQLite fallback corrects only
    # words that keep their first or second letter, so there it may find nothing.
    hits = search_items(session=session, query="Jerbert")
    if _dialect(session) == "postgresql":
        assert hits[0].item_id == dune.id
    else:
        assert isinstance(hits, list)


def test_typos_are_corrected_against_the_words_of_the_catalog(session: Session, dune: Item) -> None:
    blue = make_item(session, "Kind of Blue", kind="music", creator="Miles Davis", genres=["Jazz"])
    session.commit()
    # One edit for a word of 3-5 letters, two from 6; a swap of neighbours is one edit.
    assert search._corrections(session=session, word="Herbret") == ["herbert"]
    assert search._corrections(session=session, word="jazs") == ["jazz"]
    assert search._corrections(session=session, word="mlies") == ["miles"]
    assert search._corrections(session=session, word="dn") == []
    # Words of an item added or renamed later are there at once.
    blue.title = "Sketches of Spain"
    session.add(blue)
    session.commit()
    assert search._corrections(session=session, word="sketchse") == ["sketches"]
    assert _titles(search_items(session=session, query="sketchse of spian")) == ["Sketches of Spain"]


def test_search_leaves_the_transactions_settings_as_it_found_them(session: Session, dune: Item) -> None:
    # PostgreSQL searches with sequential scans off (SET LOCAL) and puts the setting back, so
    # the rest of the transaction is planned as usual.
    for query in ("dune", "dnue", "zzzzqqq"):
        search_items(session=session, query=query)
        if _dialect(session) == "postgresql":
            assert session.execute(text("SELECT current_setting('enable_seqscan')")).scalar_one() == "on"


def test_typo_fallback_only_when_nothing_matches(session: Session, dune: Item) -> None:
    dunes = make_item(session, "Dunes", creator="Someone Else")
    session.commit()
    # "dune" matches both as typed; no correction drags in anything else.
    assert {hit.item_id for hit in search_items(session=session, query="dune")} == {dune.id, dunes.id}


def test_search_syntax_and_odd_text_never_raise(session: Session, dune: Item) -> None:
    for query in FTS_INJECTIONS:
        hits = search_items(session=session, query=query)
        assert isinstance(hits, list), query
        if query.strip().lower().startswith(("dune", "(dune", "^dune", "-dune", "+dune", "not dune")):
            assert dune.id in [hit.item_id for hit in hits], query


def test_markup_and_unicode_titles_are_found_as_text(session: Session) -> None:
    html = make_item(session, "<img src=x onerror=alert(1)>", kind="movie")
    hebrew = make_item(session, "שלום עולם", kind="music")
    emoji = make_item(session, "🍿 Popcorn Nights", kind="movie")
    session.commit()
    assert [h.item_id for h in search_items(session=session, query="<img src=x onerror=alert(1)>")] == [html.id]
    assert [h.item_id for h in search_items(session=session, query="שלום")] == [hebrew.id]
    assert [h.item_id for h in search_items(session=session, query="🍿 popcorn")] == [emoji.id]


def test_updated_items_are_found_by_their_new_title(session: Session, dune: Item) -> None:
    dune.title = "Arrakis"
    dune.creator = "F. Herbert"
    session.add(dune)
    session.commit()
    assert search_items(session=session, query="dune") == []
    assert search_items(session=session, query="frank") == []
    assert _titles(search_items(session=session, query="arrakis")) == ["Arrakis"]


def test_deleted_items_are_not_found(session: Session, dune: Item) -> None:
    session.delete(dune)
    session.commit()
    assert search_items(session=session, query="dune") == []
    assert search_items(session=session, query="herbert") == []


def test_limit_is_honoured(session: Session) -> None:
    for n in range(30):
        make_item(session, f"Star Story {n}", kind="movie")
    session.commit()
    assert len(search_items(session=session, query="star")) == 20
    assert len(search_items(session=session, query="star", limit=5)) == 5
    assert len(search_items(session=session, query="star", limit=1000)) == 30
    assert search_items(session=session, query="star", limit=0) == []


@pytest.fixture(params=["sqlite", "postgresql"])
def db_before_search(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty database migrated to the revision before catalog search."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "before.db")
        migrate(url, "4bea0098bfca")
        yield url
        return
    if not pg_available():
        if IN_CI:
            pytest.fail("PostgreSQL is not reachable and CI=true forbids skipping")
        pytest.skip("PostgreSQL not reachable")
    name = create_pg_database()
    migrate(pg_url(name), "4bea0098bfca")
    yield pg_url(name)
    drop_pg_database(name)


def test_items_from_before_the_migration_are_indexed(db_before_search: str) -> None:
    engine = make_engine(db_before_search)
    try:
        with Session(engine) as session:
            make_item(session, "Kind of Blue", kind="music", creator="Miles Davis")
            session.commit()
        migrate(db_before_search)
        with Session(engine) as session:
            assert _titles(search_items(session=session, query="miles")) == ["Kind of Blue"]
            # The vocabulary the typo fallback corrects against holds their words too.
            assert _titles(search_items(session=session, query="mlies davsi")) == ["Kind of Blue"]
    finally:
        engine.dispose()


def _fill(session: Session, count: int) -> None:
    words = ["river", "night", "garden", "empire", "silent", "golden", "winter", "machine", "ocean", "shadow"]
    now = utcnow()
    rows = []
    for n in range(count):
        title = f"{words[n % 10].title()} {words[(n // 10) % 10]} {n}"
        rows.append(
            {
                "kind": ("movie", "book", "music")[n % 3],
                "title": title,
                "creator": f"Author {n}",
                "genres": [],
                "description": "",
                "image_url": "",
                "external_ids": {},
                "dedup_key": f"bench|{n}",
                "created_at": now,
            }
        )
    session.execute(insert(Item.__table__), rows)
    session.commit()


def test_search_query_uses_the_search_indexes(session: Session) -> None:
    _fill(session, 3000)
    dialect = _dialect(session)
    if dialect == "postgresql":
        session.execute(text("ANALYZE item"))
        # Proves the indexes are usable; on a table this small the planner might prefer a scan.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        # With trigrams: the statement of the typo fallback, which uses all three indexes.
        statement = search.postgres_search_statement(kind=None, window=60, trigrams=True)
        params = {"tsquery": "'rive':* & 'gard':*", "text": "rive gard"}
        plan = "\n".join(session.execute(text(f"EXPLAIN {statement.text}"), params).scalars())
        for index in (DOCUMENT_INDEX, TITLE_TRIGRAM_INDEX, CREATOR_TRIGRAM_INDEX):
            assert index in plan, plan
        assert "Seq Scan" not in plan, plan
        exact = search.postgres_exact_title_statement(kind="book", window=60)
        plan = "\n".join(session.execute(text(f"EXPLAIN {exact.text}"), {"phrase": "river", "kind": "book"}).scalars())
        assert TITLE_KEY_INDEX in plan, plan
    else:
        statement = search.sqlite_search_statement(kind="book", window=60)
        plan = " ".join(
            str(row[-1])
            for row in session.execute(text(f"EXPLAIN QUERY PLAN {statement.text}"), {"match": '"rive"*', "kind": "x"})
        )
        assert f"SCAN {FTS_TABLE} VIRTUAL TABLE" in plan, plan
    hits = search_items(session=session, query="river gard", kind="book")
    assert hits[0].title.startswith("River garden ")
    assert all({"river", "garden"} <= set(hit.title.lower().split()) and hit.kind == "book" for hit in hits)


def _add_items(session: Session, items: list[tuple[str, str, str, list[str]]]) -> None:
    """Insert (kind, title, creator, genres) rows in one statement, oldest first."""
    now = utcnow()
    rows = [
        {
            "kind": kind,
            "title": title,
            "creator": creator,
            "genres": genres,
            "description": "",
            "image_url": "",
            "external_ids": {},
            "dedup_key": f"many|{n}",
            "created_at": now,
        }
        for n, (kind, title, creator, genres) in enumerate(items)
    ]
    session.execute(insert(Item.__table__), rows)
    session.commit()


@pytest.fixture
def few_ranked(monkeypatch: pytest.MonkeyPatch) -> int:
    """SQLite ranks only the newest matches of a common word: 20, or the window (60 for 20
    results) when larger. This makes a word common with a few rows."""
    monkeypatch.setattr(search, "MAX_RANKED", 20)
    return 20


def test_exact_title_first_among_many_matches_of_a_common_word(session: Session, few_ranked: int) -> None:
    # The exact title is the oldest match; the titles repeating the word outrank it by bm25 and
    # ts_rank, and the newest matches have it only in the creator.
    _add_items(
        session,
        [("book", "Night", "Ann Lee", ["drama"])]
        + [("book", f"Night Night {n}", f"Writer {n}", ["drama"]) for n in range(80)]
        + [("music", f"Album {n}", "Night Owl", ["jazz"]) for n in range(80)],
    )
    hits = search_items(session=session, query="night")
    assert hits[0].title == "Night"
    assert all(hit.title.startswith("Night Night ") for hit in hits[1:]), _titles(hits)
    assert len(hits) == 20


def test_exact_title_is_found_however_many_titles_share_its_words(session: Session) -> None:
    # More matches than either engine ranks (PostgreSQL: CANDIDATE_CAP of each way of matching):
    # "Stone" itself, a few accent, case and punctuation variants, and an other kind.
    _add_items(
        session,
        [("book", "Stone", "First Author", []), ("music", "STONE!", "A Band", []), ("movie", "Stóne", "Director", [])]
        + [("book", f"Stone Stone {n}", f"Mason {n}", ["stone"]) for n in range(search.CANDIDATE_CAP + 50)]
        + [("book", "Stone", "Second Author", [])],
    )
    hits = search_items(session=session, query="stone")
    # Equal titles among themselves (none logged): the engine's order.
    assert {(hit.title, hit.creator) for hit in hits[:4]} == {
        ("Stone", "First Author"),
        ("STONE!", "A Band"),
        ("Stóne", "Director"),
        ("Stone", "Second Author"),
    }
    assert {hit.title for hit in hits[4:]} <= {f"Stone Stone {n}" for n in range(search.CANDIDATE_CAP + 50)}
    books = search_items(session=session, query="  Stone. ", kind="book")
    assert {(hit.title, hit.creator) for hit in books[:2]} == {("Stone", "First Author"), ("Stone", "Second Author")}
    # A repeated word is part of the title asked for.
    assert search_items(session=session, query="stone stone")[0].title.startswith("Stone Stone ")


def test_equal_titles_come_most_logged_first(session: Session) -> None:
    namesake = make_item(session, "Dune", kind="movie", creator="Nobody In Particular")
    herbert = make_item(session, "Dune", kind="book", creator="Frank Herbert")
    lynch = make_item(session, "Dune", kind="movie", creator="David Lynch")
    sequel = make_item(session, "Dune Messiah", kind="book", creator="Frank Herbert")
    readers = [make_user(session, f"reader{n}") for n in range(4)]
    for reader in readers:
        make_entry(session, reader, herbert)
    for reader in readers[:2]:
        make_entry(session, reader, lynch)
        make_entry(session, reader, sequel)
    # Private entries are nobody's business: they do not make an item come first.
    for reader in readers:
        make_entry(session, reader, namesake, visibility="private")
    session.commit()
    hits = search_items(session=session, query="dune")
    assert [hit.item_id for hit in hits] == [herbert.id, lynch.id, namesake.id, sequel.id]
    # Within a kind, and for titles starting with the query, the same.
    assert [hit.item_id for hit in search_items(session=session, query="dune", kind="movie")] == [lynch.id, namesake.id]
    make_entry(session, readers[0], make_item(session, "Dune Road", kind="music", creator="Someone"))
    session.commit()
    starting = [hit.title for hit in search_items(session=session, query="dune")][3:]
    assert starting == ["Dune Messiah", "Dune Road"]


def test_the_fallback_leaves_out_words_that_match_everything(session: Session, few_ranked: int) -> None:
    # Nothing holds every word of "Klara and the Sin" (a typo): the fallback looks for "klara" or
    # "sin" and their corrections, not for "the" (in every newer title) or "and" (→ "Ana").
    _add_items(
        session,
        [("book", "Klara and the Sun", "Kazuo Ishiguro", ["novel"]), ("book", "Secret Diary", "Ana", [])]
        + [("book", f"The Thing {n}", f"And Co {n}", []) for n in range(80)],
    )
    hits = search_items(session=session, query="Klara and the Sin")
    assert _titles(hits) == ["Klara and the Sun"]
    # Words like these still find titles holding all of them.
    assert _titles(search_items(session=session, query="the thing 7"))[0] == "The Thing 7"
    assert search.fallback_words(["the", "and"]) == ["the", "and"]
    assert search.fallback_words(["a", "klara", "y", "der"]) == ["klara"]


def test_title_matches_rank_above_a_word_common_in_genres(session: Session, few_ranked: int) -> None:
    # "fiction" is in the genres of every newer book: the older titles holding it still lead.
    _add_items(
        session,
        [("movie", "Pulp Fiction", "Quentin Tarantino", ["crime"]), ("book", "Fiction and Truth", "A. Writer", [])]
        + [("book", f"Novel {n}", f"Author {n}", ["science fiction"]) for n in range(100)],
    )
    hits = search_items(session=session, query="fiction")
    assert _titles(hits[:2]) == ["Fiction and Truth", "Pulp Fiction"]
    assert len(hits) == 20


def test_kind_filter_finds_the_rare_kind_of_a_common_word(session: Session, few_ranked: int) -> None:
    _add_items(
        session,
        [("music", "Night Songs", "The Band", ["folk"]), ("music", "Songs", "Night Shift", ["folk"])]
        + [("book", f"Night {n}", f"Author {n}", ["drama"]) for n in range(60)],
    )
    assert _titles(search_items(session=session, query="night", kind="music")) == ["Night Songs", "Songs"]
    # "Songs" has both words too, one in its creator (Night Shift).
    assert _titles(search_items(session=session, query="night songs", kind="music")) == ["Night Songs", "Songs"]
    assert len(search_items(session=session, query="night", kind="book", limit=100)) == 60


def test_a_common_query_still_gives_matches_in_tier_order(session: Session, few_ranked: int) -> None:
    catalog = [
        ("book", title, creator, genres)
        for n in range(50)
        for title, creator, genres in [
            (f"River {n}", f"Night Writer {n}", ["drama"]),
            (f"Night River {n}", f"Someone {n}", ["night music"]),
            (f"The Night {n}", f"Other {n}", ["river"]),
        ]
    ]
    _add_items(session, catalog)
    for query in ["night", "river", "night river", "riv nig", "writer", "the", "r", "drama"]:
        words = search.query_words(query)
        matching = [
            title
            for _, title, creator, genres in catalog
            if all(any(w.startswith(q) for w in search.words_of(f"{title} {creator} {genres}")) for q in words)
        ]
        hits = _titles(search_items(session=session, query=query))
        assert len(hits) == min(20, len(matching)), query
        assert set(hits) <= set(matching), query
        tiers = [search._title_tier(title, words) for title in hits]
        assert tiers == sorted(tiers), query


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # FTS5 is SQLite's
def test_fts_docsize_holds_the_title_word_count_first(session: Session) -> None:
    # The exact-title query reads FTS5's per-column token counts (sqlite_exact_title_statement).
    titles = ["Dune", "Kind of Blue", "Les Misérables", "A B C D E F G H", "Amélie: l'été, 2001!"]
    items = [make_item(session, title) for title in titles]
    session.commit()
    for item in items:
        size = session.execute(text(f"SELECT sz FROM {FTS_DOCSIZE_TABLE} WHERE id = :id"), {"id": item.id}).scalar_one()
        assert size[0] == len(search.words_of(item.title)), item.title


def test_bag_distance_never_exceeds_edit_distance() -> None:
    words = ["dune", "dnue", "herbert", "herbret", "ab", "ba", "abc", "", "aab", "abb", "mississippi", "misisipi"]
    words += ["emoer", "ember", "resurn", "return", "stoires", "stories", "kitten", "sitting"]
    for a in words:
        for b in words:
            assert search.bag_distance(a, b) <= search.edit_distance(a, b, limit=20), (a, b)
