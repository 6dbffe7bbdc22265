"""The API's own edges: unknown routes, methods, bodies, server errors, and the mount in front of Reflex."""

from __future__ import annotations

from unittest import mock

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from slice_of_culture.api import backend_app
from slice_of_culture.api.base import MAX_BODY
from tests.api.conftest import Api


def test_unknown_routes_and_methods_answer_json(api: Api) -> None:
    missing = api.get("/nothing/here")
    assert missing.status_code == 404
    assert missing.json()["error"].startswith("There is no GET /api/v1/nothing/here in this API")
    wrong = api.delete("/feed")
    assert wrong.status_code == 405
    assert wrong.json() == {"error": "DELETE is not allowed on /api/v1/feed.", "fields": {}}
    assert "GET" in wrong.headers["allow"]
    assert api.get("/entries/abc/like").status_code == 404


def test_bodies_must_be_small_json_objects(api: Api) -> None:
    ana = api.person("ana")
    book = api.item("Dune")
    huge = api.post("/entries", ana, json={"item_id": book, "review": "x" * (MAX_BODY + 1)})
    assert huge.status_code == 413 and "too large" in huge.json()["error"]
    # A body without a declared length is cut off at the cap too.
    streamed = api.post("/entries", ana, content=iter([b'{"review": "', b"x" * MAX_BODY, b'"}']))
    assert streamed.status_code == 413
    for content in (b"", b"{", b"\xff\xfe", b"[" * 60_000, b"null", b'"text"', b"12"):
        response = api.post("/entries", ana, content=content)
        assert response.status_code == 400, content[:10]
        assert response.json()["error"].startswith("The body must be a JSON object")
    nul = api.post("/entries", ana, json={"item_id": book, "review": "a\x00b"})
    assert nul.status_code == 400 and nul.json()["fields"] == {"review": "Invalid text."}
    surrogate = api.post("/entries", ana, content=b'{"item_id": 1, "review": "\\ud800"}')
    assert surrogate.status_code == 400 and surrogate.json()["fields"] == {"review": "Invalid text."}
    assert api.get("/users/a%00b").status_code == 400
    assert api.count_entries() == 0


def test_a_server_error_leaks_nothing_and_changes_nothing(api: Api) -> None:
    ana = api.person("ana")
    book = api.item("Dune")
    client = TestClient(backend_app(api.engine), raise_server_exceptions=False)
    # The entry is written, then answering fails: the whole request is rolled back.
    with mock.patch("slice_of_culture.api.entries.entry_view", side_effect=RuntimeError("secret detail")):
        response = client.post("/api/v1/entries", headers=ana.headers, json={"item_id": book})
    assert response.status_code == 500
    assert response.json() == {
        "error": "Something went wrong on our side; nothing was changed. Try again later.",
        "fields": {},
    }
    assert "secret" not in response.text and "Traceback" not in response.text
    assert api.count_entries() == 0


def test_the_mount_leaves_the_rest_of_the_backend_alone(api: Api) -> None:
    """What Reflex does with api_transformer: mount its own backend at "" behind ours."""
    outer = backend_app(api.engine)
    reflex_backend = Starlette(routes=[Route("/ping", lambda request: PlainTextResponse("pong"))])
    outer.mount("", reflex_backend)
    client = TestClient(outer)
    assert client.get("/ping").text == "pong"
    assert client.get("/api/v1/items/search?q=dune").json() == {"items": []}
    assert client.get("/api/v1/nope").status_code == 404
    assert client.get("/api/v1/nope").json()["error"]
