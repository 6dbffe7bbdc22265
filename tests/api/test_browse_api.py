"""Reading through the API: catalog and people search, item pages, keyset pages, For you, forums."""

from __future__ import annotations

from datetime import timedelta

from slice_of_culture.db import session_scope
from slice_of_culture.models import User, utcnow
from slice_of_culture.services import forums
from tests.api.conftest import Api


def test_search_items_by_title_and_kind(api: Api) -> None:
    book = api.item("Dune", kind="book", creator="Frank Herbert", year=1965)
    movie = api.item("Dune", kind="movie", creator="Denis Villeneuve", year=2021)
    api.item("Solaris", kind="book", creator="Stanisław Lem")

    found = api.get("/items/search?q=dun")
    assert found.status_code == 200
    assert {hit["item_id"] for hit in found.json()["items"]} == {book, movie}
    assert found.json()["items"][0]["title"] == "Dune"
    movies = api.get("/items/search", params={"q": "dune", "kind": "movie"}).json()["items"]
    assert [hit["item_id"] for hit in movies] == [movie]
    assert api.get("/items/search", params={"q": "lem stanislaw"}).json()["items"][0]["title"] == "Solaris"
    assert api.get("/items/search", params={"q": "dune", "limit": 1}).json()["items"][0]["item_id"] in {book, movie}
    # Anything typed is text, never search syntax; nothing typed finds nothing.
    assert api.get("/items/search", params={"q": '"*) OR NEAR( dune:'}).status_code == 200
    assert api.get("/items/search?q=").json() == {"items": []}

    bad_kind = api.get("/items/search", params={"q": "dune", "kind": "poem"})
    assert bad_kind.status_code == 400 and bad_kind.json()["fields"] == {"kind": "Choose movie, book or music."}
    bad_limit = api.get("/items/search", params={"q": "dune", "limit": "ten"})
    assert bad_limit.status_code == 400 and bad_limit.json()["fields"] == {"limit": "Must be a whole number."}
    assert api.get("/items/search", params={"q": "du\x00ne"}).status_code == 400


def test_item_page_and_unknown_items(api: Api) -> None:
    book = api.item("Dune", creator="Frank Herbert", genres=["science fiction"])
    page = api.get(f"/items/{book}")
    assert page.status_code == 200
    assert (page.json()["title"], page.json()["creator"], page.json()["genres"]) == (
        "Dune",
        "Frank Herbert",
        ["science fiction"],
    )
    for path in (f"/items/{book + 1000}", f"/items/{10**15}"):
        missing = api.get(path)
        assert missing.status_code == 404 and missing.json()["error"] == "That item is not in the catalog."
    assert api.get("/items/dune").status_code == 404


def test_people_search(api: Api) -> None:
    me = api.person("me_reader")
    zoe = api.person("zoe_q", display_name="Zoé Quill")
    api.person("zed", display_name="Zed")
    api.follow(me, zoe)
    found = api.get("/people", me, params={"q": "zoe quill"})
    assert found.status_code == 200
    people = found.json()["people"]
    assert [p["username"] for p in people] == ["zoe_q"]
    assert (people[0]["display_name"], people[0]["you_follow"], people[0]["followers"]) == ("Zoé Quill", True, 1)
    assert api.get("/people", params={"q": "@ZOE"}).json()["people"][0]["you_follow"] is False
    assert api.get("/people?q=").json() == {"people": []}
    assert api.get("/people", params={"q": "100%_"}).json() == {"people": []}


def test_profile_entries_page_with_a_keyset_cursor(api: Api) -> None:
    ana = api.person("ana")
    book = api.item("Dune")
    now = utcnow()
    # Days apart, so the feed does not fold them into one postcard either.
    ids = [api.entry(ana, book, rating=k + 1, created_at=now - timedelta(days=k)) for k in range(5)]

    for path in ("/users/ana/entries", "/feed?tab=everyone"):
        seen: list[int] = []
        cursor = ""
        for _ in range(5):
            sep = "&" if "?" in path else "?"
            page = api.get(f"{path}{sep}limit=2", params={"cursor": cursor} if cursor else None).json()
            seen += [card["entry_id"] for card in page["postcards"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert seen == ids, path  # newest first, each once, then no cursor
    # A cursor from a page continues after it.
    first = api.get("/users/ana/entries?limit=3").json()
    rest = api.get("/users/ana/entries", params={"cursor": first["next_cursor"]}).json()
    assert [c["entry_id"] for c in rest["postcards"]] == ids[3:] and rest["next_cursor"] == ""
    # Anything else is refused rather than silently starting again from the top.
    for bad in ("x|1", "|", "2024-01-01T00:00:00|99999999999999999999", first["next_cursor"] + "0" * 20):
        for path in ("/users/ana/entries", "/feed?tab=everyone", "/feed?tab=following"):
            response = api.get(path, ana, params={"cursor": bad})
            assert response.status_code == 400, (path, bad)
            assert list(response.json()["fields"]) == ["cursor"]


def test_profile_entries_by_shelf(api: Api) -> None:
    ana = api.person("ana")
    now = utcnow()
    want = api.entry(ana, api.item("Middlemarch"), status="want", created_at=now - timedelta(days=1))
    api.entry(ana, api.item("Dune"), status="finished", created_at=now - timedelta(days=2))
    api.entry(ana, api.item("Solaris", kind="movie"), status="want", created_at=now - timedelta(days=3))
    shelf = api.get("/users/ana/entries", params={"kind": "book", "status": "want"}).json()
    assert [card["entry_id"] for card in shelf["postcards"]] == [want]
    refused = api.get("/users/ana/entries", params={"status": "read"})
    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["status"]


def test_bursts_fold_into_one_postcard_in_the_feed(api: Api) -> None:
    ana = api.person("ana")
    now = utcnow()
    for k in range(4):
        api.entry(ana, api.item(f"Book {k}"), created_at=now - timedelta(minutes=k))
    cards = api.get("/feed?tab=everyone").json()["postcards"]
    assert len(cards) == 1 and cards[0]["group_count"] == 4 and cards[0]["group_text"] == "logged 4 books"


def test_recommendations_as_the_for_you_page_gets_them(api: Api) -> None:
    ana, bob, carol = api.person("ana"), api.person("bob"), api.person("carol")
    loved_book = api.item("Loved Book")
    loved_movie = api.item("Loved Movie", kind="movie")
    hidden = api.item("Hidden Love")
    api.entry(bob, loved_book, rating=10)
    api.entry(carol, loved_movie, rating=9)
    api.entry(carol, hidden, rating=10, visibility="private")

    for who in (ana, None):
        response = api.get("/recommendations", who)
        assert response.status_code == 200, response.text
        body = response.json()
        # No model trained in a fresh database: popular items, explained.
        assert body["status"] == "popular"
        titles = {item["title"]: item["reason"] for item in body["items"]}
        assert titles == {"Loved Book": "Loved by 1 person lately.", "Loved Movie": "Loved by 1 person lately."}
    assert [i["title"] for i in api.get("/recommendations?kind=movie", ana).json()["items"]] == ["Loved Movie"]
    assert len(api.get("/recommendations?kind=all", ana).json()["items"]) == 2
    # What you logged is never recommended back.
    assert [i["title"] for i in api.get("/recommendations", bob).json()["items"]] == ["Loved Movie"]
    bad = api.get("/recommendations?kind=poem", ana)
    assert bad.status_code == 400 and bad.json()["fields"] == {"kind": "Choose movie, book, music or all."}


def test_forums_list(api: Api) -> None:
    admin = api.person("boss", is_admin=True)
    with session_scope(api.engine) as session:
        forums.create_forum(
            session=session, admin=session.get(User, admin.id), slug="film-noir", name="Film <noir>", description="☂"
        )
    rooms = {r["slug"]: r for r in api.get("/forums").json()["forums"]}
    assert (rooms["film-noir"]["name"], rooms["film-noir"]["description"]) == ("Film <noir>", "☂")
    assert rooms["film-noir"]["unread"] == 0 and rooms["film-noir"]["last_preview"] == ""
    assert api.get("/forums", admin).status_code == 200
