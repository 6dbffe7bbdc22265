"""Dismissed items through the API: hide a recommendation, list what you hid (a page at a time,
with the total), bring it back; each person's own, idempotent, a login needed, unknown items a
404 that changes nothing, a bad cursor or limit a 400."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from slice_of_culture.db import session_scope
from slice_of_culture.models import ItemDismissal
from tests.api.conftest import Api, Person


def _hidden(api: Api, who: Person) -> list[int]:
    response = api.get("/me/dismissed-items", who)
    assert response.status_code == 200, response.text
    return [item["item_id"] for item in response.json()["items"]]


def _recommended(api: Api, who: Person) -> list[int]:
    response = api.get("/recommendations?kind=all", who)
    assert response.status_code == 200, response.text
    return [item["item_id"] for item in response.json()["items"]]


def _stored(api: Api) -> int:
    with session_scope(api.engine) as session:
        return session.exec(select(func.count()).select_from(ItemDismissal)).one()


def test_hide_a_recommendation_list_it_and_bring_it_back(api: Api) -> None:
    ana, bob, fan = api.person("ana"), api.person("bob"), api.person("fan")
    dune = api.item("Dune", kind="book", creator="Frank Herbert", year=1965)
    stalker = api.item("Stalker", kind="movie", creator="Andrei Tarkovsky")
    for item_id in (dune, stalker):
        api.entry(fan, item_id, status="finished", rating=10)
    assert _recommended(api, ana) == [dune, stalker]

    for _ in range(2):  # again: no change
        hidden = api.put(f"/me/dismissed-items/{dune}", ana)
        assert hidden.status_code == 204, hidden.text
    assert api.put(f"/me/dismissed-items/{stalker}", ana).status_code == 204
    listed = api.get("/me/dismissed-items", ana).json()["items"]
    assert [(i["item_id"], i["kind"], i["title"], i["creator"], i["year"]) for i in listed] == [
        (stalker, "movie", "Stalker", "Andrei Tarkovsky", None),
        (dune, "book", "Dune", "Frank Herbert", 1965),
    ]
    assert listed[0]["dismissed_at"] >= listed[1]["dismissed_at"]
    assert _recommended(api, ana) == []
    # Bob's recommendations and list are his own.
    assert _recommended(api, bob) == [dune, stalker]
    assert _hidden(api, bob) == []

    for _ in range(2):  # again: no change
        back = api.delete(f"/me/dismissed-items/{dune}", ana)
        assert back.status_code == 204, back.text
    assert _hidden(api, ana) == [stalker]
    assert _recommended(api, ana) == [dune]


def test_dismissed_items_need_a_login(api: Api) -> None:
    dune = api.item("Dune")
    for method in ("GET", "PUT", "DELETE"):
        path = "/me/dismissed-items" + ("" if method == "GET" else f"/{dune}")
        response = api.request(method, path)
        assert response.status_code == 401, (method, response.text)
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert _stored(api) == 0


def test_an_unknown_item_is_a_404_and_changes_nothing(api: Api) -> None:
    ana = api.person("ana")
    dune = api.item("Dune")
    assert api.put(f"/me/dismissed-items/{dune}", ana).status_code == 204
    for missing in (dune + 1000, 0, 10**15):
        for method in ("PUT", "DELETE"):
            response = api.request(method, f"/me/dismissed-items/{missing}", ana)
            assert response.status_code == 404, (method, missing, response.text)
            assert response.json()["error"] == "No such item in the catalog."
    assert api.put("/me/dismissed-items/dune", ana).status_code == 404
    assert _hidden(api, ana) == [dune]
    assert _stored(api) == 1


def test_hidden_items_come_a_page_at_a_time_with_the_total(api: Api) -> None:
    ana = api.person("ana")
    items = [api.item(f"Book {n}") for n in range(5)]
    for item_id in items:
        assert api.put(f"/me/dismissed-items/{item_id}", ana).status_code == 204
    first = api.get("/me/dismissed-items", ana, params={"limit": 2}).json()
    assert first["total"] == 5 and len(first["items"]) == 2 and first["next_cursor"]
    # Bringing back one already listed moves nothing on the next pages.
    assert api.delete(f"/me/dismissed-items/{first['items'][1]['item_id']}", ana).status_code == 204
    listed, cursor = [i["item_id"] for i in first["items"]], first["next_cursor"]
    while cursor:
        page = api.get("/me/dismissed-items", ana, params={"limit": 2, "cursor": cursor}).json()
        assert page["total"] == 4
        listed += [i["item_id"] for i in page["items"]]
        cursor = page["next_cursor"]
    # Newest hidden first, each once.
    assert listed == items[::-1]
    whole = api.get("/me/dismissed-items", ana).json()
    assert whole == {"items": whole["items"], "total": 4, "next_cursor": ""} and len(whole["items"]) == 4
    assert len(api.get("/me/dismissed-items", ana, params={"limit": 1000}).json()["items"]) == 4


def test_a_bad_cursor_or_limit_is_a_400(api: Api) -> None:
    ana = api.person("ana")
    api.put(f"/me/dismissed-items/{api.item('Dune')}", ana)
    for params in ({"cursor": "not-a-cursor"}, {"cursor": "2024-01-01T00:00:00|0"}, {"limit": "ten"}):
        response = api.get("/me/dismissed-items", ana, params=params)
        assert response.status_code == 400, (params, response.text)
        assert list(response.json()["fields"]) == list(params)
