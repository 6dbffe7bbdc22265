"""Lists through the API: only the owner changes one, positions stay 0..n-1 in the owner's
order, visibility hides a list as it hides entries, bad input is a 400 at the field and changes
nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select

from slice_of_culture.db import session_scope
from slice_of_culture.models import ItemListEntry
from slice_of_culture.services.lists import LIST_GONE
from tests.api.conftest import Api, Person


def _create(api: Api, who: Person, **body: Any) -> int:
    created = api.post("/lists", who, json=body)
    assert created.status_code == 201, created.text
    return created.json()["list_id"]


def _items(api: Api, list_id: int, who: Person | None = None) -> list[tuple[int, int, str]]:
    """(item_id, position, note) of each item, in the order the list is shown."""
    page = api.get(f"/lists/{list_id}", who)
    assert page.status_code == 200, page.text
    return [(i["item_id"], i["position"], i["note"]) for i in page.json()["items"]]


def _list_ids(api: Api, username: str, who: Person | None = None) -> list[int]:
    response = api.get(f"/users/{username}/lists", who)
    assert response.status_code == 200, response.text
    return [summary["list_id"] for summary in response.json()["lists"]]


def _stored_list_entries(api: Api) -> int:
    with session_scope(api.engine) as session:
        return session.exec(select(func.count()).select_from(ItemListEntry)).one()


def test_build_a_list_reorder_it_annotate_it_and_take_items_off(api: Api) -> None:
    ana, bob = api.person("ana"), api.person("bob")
    dune, emma, ulysses = api.item("Dune"), api.item("Emma"), api.item("Ulysses")

    created = api.post("/lists", ana, json={"title": "  Best of 1965  ", "ranked": True})
    assert created.status_code == 201, created.text
    page = created.json()
    assert (page["title"], page["description"], page["visibility"], page["ranked"]) == (
        "Best of 1965", "", "public", True
    )  # fmt: skip
    assert (page["owner_username"], page["is_owner"], page["items"]) == ("ana", True, [])
    list_id = page["list_id"]

    # Added at the end, in the order they come; a note only where one is sent.
    added = api.put(f"/lists/{list_id}/items/{dune}", ana, json={"note": "Spice."})
    assert added.status_code == 200, added.text
    assert [(i["item_id"], i["title"], i["note"]) for i in added.json()["items"]] == [(dune, "Dune", "Spice.")]
    for item_id in (emma, ulysses):
        assert api.put(f"/lists/{list_id}/items/{item_id}", ana, json={}).status_code == 200
    assert _items(api, list_id) == [(dune, 0, "Spice."), (emma, 1, ""), (ulysses, 2, "")]

    # Putting an item that is there already adds nothing and keeps its note and place.
    again = api.put(f"/lists/{list_id}/items/{dune}", ana, json={})
    assert again.status_code == 200, again.text
    assert _items(api, list_id) == [(dune, 0, "Spice."), (emma, 1, ""), (ulysses, 2, "")]

    # The last to the front: the others move down one, as everyone sees it.
    moved = api.put(f"/lists/{list_id}/items/{ulysses}", ana, json={"position": 0})
    assert [i["item_id"] for i in moved.json()["items"]] == [ulysses, dune, emma]
    assert _items(api, list_id, bob) == [(ulysses, 0, ""), (dune, 1, "Spice."), (emma, 2, "")]
    assert api.get(f"/lists/{list_id}", bob).json()["is_owner"] is False
    # Past the end means last.
    api.put(f"/lists/{list_id}/items/{ulysses}", ana, json={"position": 99})
    assert _items(api, list_id) == [(dune, 0, "Spice."), (emma, 1, ""), (ulysses, 2, "")]

    # A note set, changed, and set together with a move; an item added with a note and a place.
    api.put(f"/lists/{list_id}/items/{emma}", ana, json={"note": "Austen at her <i>sharpest</i>"})
    api.put(f"/lists/{list_id}/items/{emma}", ana, json={"note": "Changed my mind.", "position": 0})
    assert _items(api, list_id) == [(emma, 0, "Changed my mind."), (dune, 1, "Spice."), (ulysses, 2, "")]
    api.put(f"/lists/{list_id}/items/{dune}", ana, json={"note": ""})
    middlemarch = api.item("Middlemarch")
    api.put(f"/lists/{list_id}/items/{middlemarch}", ana, json={"note": "New.", "position": 1})
    assert _items(api, list_id) == [
        (emma, 0, "Changed my mind."),
        (middlemarch, 1, "New."),
        (dune, 2, ""),
        (ulysses, 3, ""),
    ]

    # Taking one off closes the gap.
    assert api.delete(f"/lists/{list_id}/items/{middlemarch}", ana).status_code == 204
    assert _items(api, list_id) == [(emma, 0, "Changed my mind."), (dune, 1, ""), (ulysses, 2, "")]
    assert api.delete(f"/lists/{list_id}/items/{emma}", ana).status_code == 204
    assert _items(api, list_id) == [(dune, 0, ""), (ulysses, 1, "")]
    gone = api.delete(f"/lists/{list_id}/items/{emma}", ana)
    assert (gone.status_code, gone.json()["error"]) == (404, "That item is not on this list.")
    # Added back: at the end, without its old note.
    api.put(f"/lists/{list_id}/items/{emma}", ana, json={})
    assert _items(api, list_id) == [(dune, 0, ""), (ulysses, 1, ""), (emma, 2, "")]

    summary = api.get("/users/ana/lists").json()["lists"]
    assert [(s["list_id"], s["title"], s["item_count"]) for s in summary] == [(list_id, "Best of 1965", 3)]
    assert set(summary[0]) == {"list_id", "title", "visibility", "item_count"}


def test_a_profiles_lists_come_most_recently_changed_first(api: Api) -> None:
    ana = api.person("ana")
    older = _create(api, ana, title="Older")
    newer = _create(api, ana, title="Newer")
    assert _list_ids(api, "ana") == [newer, older]
    assert api.put(f"/lists/{older}/items/{api.item('Dune')}", ana, json={}).status_code == 200
    assert _list_ids(api, "Ana") == [older, newer]
    assert api.get("/users/nobody_here/lists").status_code == 404


def test_patch_changes_only_the_fields_sent_and_delete_takes_the_items_too(api: Api) -> None:
    ana = api.person("ana")
    list_id = _create(api, ana, title="Ghibli", description="Films.", visibility="followers", ranked=True)

    def details() -> tuple:
        page = api.get(f"/lists/{list_id}", ana).json()
        return page["title"], page["description"], page["visibility"], page["ranked"]

    renamed = api.patch(f"/lists/{list_id}", ana, json={"title": "Best of Ghibli"})
    assert renamed.status_code == 200, renamed.text
    assert details() == ("Best of Ghibli", "Films.", "followers", True)
    assert api.patch(f"/lists/{list_id}", ana, json={"visibility": "public", "ranked": False}).status_code == 200
    assert details() == ("Best of Ghibli", "Films.", "public", False)
    assert api.patch(f"/lists/{list_id}", ana, json={"description": ""}).json()["description"] == ""
    assert details() == ("Best of Ghibli", "", "public", False)
    # An empty change changes nothing.
    assert api.patch(f"/lists/{list_id}", ana, json={}).status_code == 200
    assert details() == ("Best of Ghibli", "", "public", False)

    for title in ("Totoro", "Spirited Away"):
        assert api.put(f"/lists/{list_id}/items/{api.item(title, kind='movie')}", ana, json={}).status_code == 200
    assert _stored_list_entries(api) == 2
    assert api.delete(f"/lists/{list_id}", ana).status_code == 204
    assert api.get(f"/lists/{list_id}", ana).status_code == 404
    assert _list_ids(api, "ana", ana) == []
    assert _stored_list_entries(api) == 0
    for response in (
        api.delete(f"/lists/{list_id}", ana),
        api.patch(f"/lists/{list_id}", ana, json={"title": "Back"}),
        api.put(f"/lists/{list_id}/items/{api.item('Mononoke')}", ana, json={}),
    ):
        assert (response.status_code, response.json()["error"]) == (404, LIST_GONE)


def test_private_and_followers_lists_stay_hidden_from_who_may_not_see_them(api: Api) -> None:
    ana, friend, stranger, rude = api.person("ana"), api.person("friend"), api.person("stranger"), api.person("rude")
    api.follow(friend, ana)
    api.follow(stranger, friend)  # follows someone, not ana
    public = _create(api, ana, title="Open")
    followers = _create(api, ana, title="Friends", visibility="followers")
    private = _create(api, ana, title="Secret", visibility="private")
    api.put(f"/lists/{private}/items/{api.item('Diary')}", ana, json={"note": "hush"})

    for who, expected in [(None, {public}), (stranger, {public}), (friend, {public, followers})]:
        assert set(_list_ids(api, "ana", who)) == expected, who
        for list_id in (public, followers, private):
            response = api.get(f"/lists/{list_id}", who)
            if list_id in expected:
                assert response.status_code == 200, (who, list_id)
            else:
                # As unknown as a list that never was.
                assert (response.status_code, response.json()["error"]) == (404, LIST_GONE), (who, list_id)
                assert "hush" not in response.text and "Secret" not in response.text
    assert set(_list_ids(api, "ana", ana)) == {public, followers, private}
    assert _items(api, private, ana)[0][2] == "hush"
    # Making a list private hides it at once; public again shows it.
    api.patch(f"/lists/{public}", ana, json={"visibility": "private"})
    assert api.get(f"/lists/{public}").status_code == 404 and _list_ids(api, "ana") == []
    api.patch(f"/lists/{public}", ana, json={"visibility": "public"})
    assert api.get(f"/lists/{public}").status_code == 200

    # Blocking hides even a public list, both ways.
    assert api.put("/users/rude/block", ana).status_code == 200
    assert api.get(f"/lists/{public}", rude).status_code == 404
    assert _list_ids(api, "ana", rude) == []
    rudes = _create(api, rude, title="Mine")
    assert api.get(f"/lists/{rudes}", ana).status_code == 404


def test_someone_elses_list_cannot_be_changed(api: Api) -> None:
    ana, bob = api.person("ana"), api.person("bob")
    dune, emma, other = api.item("Dune"), api.item("Emma"), api.item("Other")
    list_id = _create(api, ana, title="Ana's", visibility="public")
    for item_id in (dune, emma):
        api.put(f"/lists/{list_id}/items/{item_id}", ana, json={"note": f"note {item_id}"})
    hidden = _create(api, ana, title="Ana's secret", visibility="private")
    before = api.get(f"/lists/{list_id}", ana).json()

    for label, response in [
        ("patch", api.patch(f"/lists/{list_id}", bob, json={"title": "Bob's now"})),
        ("empty patch", api.patch(f"/lists/{list_id}", bob, json={})),
        ("delete", api.delete(f"/lists/{list_id}", bob)),
        ("add", api.put(f"/lists/{list_id}/items/{other}", bob, json={})),
        ("put again", api.put(f"/lists/{list_id}/items/{dune}", bob, json={})),
        ("note", api.put(f"/lists/{list_id}/items/{dune}", bob, json={"note": "Hacked."})),
        ("move", api.put(f"/lists/{list_id}/items/{emma}", bob, json={"position": 0})),
        ("remove", api.delete(f"/lists/{list_id}/items/{dune}", bob)),
        ("private", api.patch(f"/lists/{hidden}", bob, json={"title": "Found it"})),
        ("private delete", api.delete(f"/lists/{hidden}", bob)),
    ]:
        assert (response.status_code, response.json()["error"]) == (404, LIST_GONE), label
    assert api.get(f"/lists/{list_id}", ana).json() == before
    assert set(_list_ids(api, "ana", ana)) == {list_id, hidden}


def _bad_requests(list_id: int, on_list: int, off_list: int) -> list[tuple[str, str, str, Any, int, str | None]]:
    """(label, method, path, JSON body, status, the field the error is at)."""
    at_list, at_on, at_off = (
        f"/lists/{list_id}",
        f"/lists/{list_id}/items/{on_list}",
        f"/lists/{list_id}/items/{off_list}",
    )
    return [
        ("empty title", "POST", "/lists", {"title": ""}, 400, "title"),
        ("blank title", "POST", "/lists", {"title": " \n\t "}, 400, "title"),
        ("long title", "POST", "/lists", {"title": "x" * 101}, 400, "title"),
        ("bad visibility", "POST", "/lists", {"title": "Ok", "visibility": "friends"}, 400, "visibility"),
        ("long description", "POST", "/lists", {"title": "Ok", "description": "x" * 2001}, 400, "description"),
        ("no title", "POST", "/lists", {"visibility": "public"}, 400, "title"),
        ("title not text", "POST", "/lists", {"title": 5}, 400, "title"),
        ("title null", "POST", "/lists", {"title": None}, 400, "title"),
        ("ranked not bool", "POST", "/lists", {"title": "Ok", "ranked": "yes"}, 400, "ranked"),
        ("unknown field", "POST", "/lists", {"title": "Ok", "user_id": 1}, 400, "user_id"),
        ("patch empty title", "PATCH", at_list, {"title": ""}, 400, "title"),
        ("patch blank title", "PATCH", at_list, {"title": "   "}, 400, "title"),
        ("patch long title", "PATCH", at_list, {"title": "y" * 101}, 400, "title"),
        ("patch visibility", "PATCH", at_list, {"title": "Changed", "visibility": "everyone"}, 400, "visibility"),
        ("patch ranked", "PATCH", at_list, {"ranked": 1}, 400, "ranked"),
        ("patch description type", "PATCH", at_list, {"description": ["a"]}, 400, "description"),
        ("long note on add", "PUT", at_off, {"note": "n" * 501}, 400, "note"),
        ("long note on change", "PUT", at_on, {"note": "n" * 501}, 400, "note"),
        ("note a number", "PUT", at_on, {"note": 42}, 400, "note"),
        ("note null", "PUT", at_off, {"note": None}, 400, "note"),
        ("note a list", "PUT", at_off, {"note": ["a"]}, 400, "note"),
        ("position text", "PUT", at_on, {"position": "0"}, 400, "position"),
        ("position fraction", "PUT", at_on, {"position": 0.5}, 400, "position"),
        ("position bool", "PUT", at_on, {"position": False}, 400, "position"),
        ("unknown item field", "PUT", at_off, {"item_id": off_list}, 400, "item_id"),
        ("body not an object", "PUT", at_off, ["note"], 400, None),
        ("unknown item", "PUT", f"/lists/{list_id}/items/{10**6}", {}, 404, None),
        ("impossible item id", "PUT", f"/lists/{list_id}/items/{10**15}", {}, 404, None),
        ("remove what is not on it", "DELETE", at_off, None, 404, None),
        ("unknown list", "PUT", f"/lists/{10**6}/items/{off_list}", {}, 404, None),
    ]


def test_bad_input_is_refused_at_the_field_and_changes_nothing(api: Api, subtests) -> None:
    ana = api.person("ana")
    on_list, off_list = api.item("On the list"), api.item("Not on it")
    list_id = _create(api, ana, title="Kept", description="As it was.")
    api.put(f"/lists/{list_id}/items/{on_list}", ana, json={"note": "Original."})
    before = api.get(f"/lists/{list_id}", ana).json()
    summaries = api.get("/users/ana/lists", ana).json()

    for label, method, path, body, status, field in _bad_requests(list_id, on_list, off_list):
        with subtests.test(label):
            response = api.request(method, path, ana, **({} if body is None else {"json": body}))
            assert response.status_code == status, response.text
            assert response.json()["error"]
            if field is not None:
                assert field in response.json()["fields"], response.text
            assert api.get(f"/lists/{list_id}", ana).json() == before
            assert api.get("/users/ana/lists", ana).json() == summaries
    assert _stored_list_entries(api) == 1

    # An empty body is not a JSON object: a client sends {} when it has no fields.
    empty = api.put(f"/lists/{list_id}/items/{off_list}", ana, content=b"")
    assert empty.status_code == 400 and empty.json()["error"] == "The body must be a JSON object (UTF-8)."
    assert api.get(f"/lists/{list_id}", ana).json() == before

    # The limits themselves are allowed.
    assert api.patch(f"/lists/{list_id}", ana, json={"title": "t" * 100}).json()["title"] == "t" * 100
    noted = api.put(f"/lists/{list_id}/items/{off_list}", ana, json={"note": "n" * 500})
    assert noted.status_code == 200 and noted.json()["items"][1]["note"] == "n" * 500


def test_html_in_a_list_comes_back_as_text(api: Api) -> None:
    ana = api.person("ana")
    title = "<img src=x onerror=alert(1)>"
    description = '<script>alert("x")</script> Amélie, 東京 & "quotes"\nsecond line'
    list_id = _create(api, ana, title=title, description=description)
    api.put(f"/lists/{list_id}/items/{api.item('<b>Bold</b> book')}", ana, json={"note": "<a href=javascript:x>hi</a>"})
    page = api.get(f"/lists/{list_id}")
    assert page.headers["content-type"] == "application/json"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert (page.json()["title"], page.json()["description"]) == (title, description)
    (item,) = page.json()["items"]
    assert (item["title"], item["note"]) == ("<b>Bold</b> book", "<a href=javascript:x>hi</a>")
    assert "Amélie, 東京" in page.text
    assert [s["title"] for s in api.get("/users/ana/lists").json()["lists"]] == [title]


def test_writing_needs_a_valid_token(api: Api) -> None:
    ana = api.person("ana")
    dune = api.item("Dune")
    list_id = _create(api, ana, title="Mine")
    api.put(f"/lists/{list_id}/items/{dune}", ana, json={"note": "Kept."})
    before = api.get(f"/lists/{list_id}").json()
    bad_token = {"Authorization": "Bearer not-a-token"}
    for headers in ({}, bad_token):
        for method, path, body in [
            ("POST", "/lists", {"title": "Anon"}),
            ("PATCH", f"/lists/{list_id}", {"title": "Anon"}),
            ("DELETE", f"/lists/{list_id}", None),
            ("PUT", f"/lists/{list_id}/items/{dune}", {"note": "Anon"}),
            ("PUT", f"/lists/{list_id}/items/{api.item('Other')}", {}),
            ("DELETE", f"/lists/{list_id}/items/{dune}", None),
        ]:
            response = api.request(method, path, headers=headers, **({} if body is None else {"json": body}))
            assert response.status_code == 401, (method, path, headers)
            assert response.headers["www-authenticate"].startswith("Bearer")
    assert api.get(f"/lists/{list_id}").json() == before
    assert _list_ids(api, "ana") == [list_id]
