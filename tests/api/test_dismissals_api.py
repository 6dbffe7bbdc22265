"""Dismissed items through the API: hide a recommendation, list what you hid, bring it back;
each person's own, idempotent, a login needed, unknown items a 404 that changes nothing."""

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
