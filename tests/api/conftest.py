"""The REST API through Starlette's TestClient, on a fresh migrated SQLite and PostgreSQL database.

The app under test is `backend_app(engine)`: the same mount as in the real server, with every
request's `session_scope()` on the test's engine. Test data is planted through the services'
factories in transactions of its own, so each request sees it as a client would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from slice_of_culture.api import API_PREFIX, backend_app
from slice_of_culture.db import session_scope
from slice_of_culture.models import Entry, Follow, Item, User
from slice_of_culture.services import accounts
from tests.utils.factories import make_entry, make_item, make_user


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Api:
    """A client of the API and a planter of test data, on one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.client = TestClient(backend_app(engine))

    # Requests: `as_` sends that person's token.

    def request(self, method: str, path: str, as_: Person | None = None, **kwargs: Any) -> httpx.Response:
        headers = {**(as_.headers if as_ else {}), **kwargs.pop("headers", {})}
        return self.client.request(method, API_PREFIX + path, headers=headers, **kwargs)

    def get(self, path: str, as_: Person | None = None, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, as_, **kwargs)

    def post(self, path: str, as_: Person | None = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, as_, **kwargs)

    def put(self, path: str, as_: Person | None = None, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, as_, **kwargs)

    def patch(self, path: str, as_: Person | None = None, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, as_, **kwargs)

    def delete(self, path: str, as_: Person | None = None, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, as_, **kwargs)

    # Data, each in its own committed transaction.

    def person(self, username: str, **kwargs: Any) -> Person:
        """A person (password tests.utils.factories.PASSWORD) with a token."""
        with session_scope(self.engine) as session:
            user = make_user(session, username, **kwargs)
            token = accounts.create_session(session=session, user=user)
            return Person(id=user.id, username=user.username, token=token)

    def item(self, title: str, kind: str = "book", **kwargs: Any) -> int:
        with session_scope(self.engine) as session:
            return make_item(session, title, kind=kind, **kwargs).id

    def entry(self, person: Person, item_id: int, **kwargs: Any) -> int:
        with session_scope(self.engine) as session:
            user, item = session.get(User, person.id), session.get(Item, item_id)
            return make_entry(session, user, item, **kwargs).id

    def follow(self, follower: Person, followee: Person) -> None:
        with session_scope(self.engine) as session:
            session.add(Follow(follower_id=follower.id, followee_id=followee.id))

    def stored_entry(self, entry_id: int) -> Entry | None:
        with session_scope(self.engine) as session:
            return session.get(Entry, entry_id)

    def count_entries(self) -> int:
        with session_scope(self.engine) as session:
            return session.exec(select(func.count()).select_from(Entry)).one()


@pytest.fixture
def api(engine: Engine) -> Api:
    return Api(engine)
