"""The REST API in the real server: /api/v1 is mounted in front of Reflex's backend (api_transformer)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlmodel import Session

from slice_of_culture.db import make_engine
from tests.utils.factories import PASSWORD, make_item, make_user

pytestmark = pytest.mark.browser


def _plant(database_url: str, prefix: str) -> int:
    """A person with a real password and a book; returns the book's id."""
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            make_user(session, f"{prefix}_api")
            book = make_item(session, f"Lantern{prefix} Atlas", kind="book", creator="Ola Writer")
            session.commit()
            return book.id
    finally:
        engine.dispose()


def test_api_search_and_login_in_the_running_app(app) -> None:
    prefix = "a" + uuid.uuid4().hex[:6]
    book_id = _plant(app.database_url, prefix)
    with httpx.Client(base_url=app.url + "/api/v1", timeout=30) as client:
        found = client.get("/items/search", params={"q": f"lantern{prefix}"})
        assert found.status_code == 200
        assert found.headers["content-type"].startswith("application/json")
        assert [hit["item_id"] for hit in found.json()["items"]] == [book_id]

        refused = client.post("/tokens", json={"username": f"{prefix}_api", "password": "wrong-password"})
        assert refused.status_code == 401 and refused.json()["error"] == "Wrong username or password."
        login = client.post("/tokens", json={"username": f"{prefix}_api", "password": PASSWORD})
        assert login.status_code == 201, login.text
        me = client.get("/me", headers={"Authorization": f"Bearer {login.json()['token']}"})
        assert me.status_code == 200 and me.json()["username"] == f"{prefix}_api"

        missing = client.get("/no-such-endpoint")
        assert missing.status_code == 404 and missing.json()["error"]
    # The rest of the backend is untouched.
    assert httpx.get(app.url + "/ping", timeout=30).status_code == 200
