"""Imports and exports over the API, on SQLite and PostgreSQL: a dry run changes nothing, an import
logs the file once (a second adds nothing), refusals change nothing, and our exports import back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from slice_of_culture.db import session_scope
from slice_of_culture.models import Entry, Item, ItemList, User, utcnow
from slice_of_culture.services import rates
from tests.api.conftest import Api
from tests.services.test_imports import GOODREADS, XSS

LISTS_CSV = (
    "list,description,visibility,numbered,position,kind,title,creator,year,note,added\n"
    "Desert books,Sand everywhere,public,yes,1,book,Dune,Frank Herbert,1965,The first,2024-01-02\n"
    "Desert books,Sand everywhere,public,yes,2,book,The English Patient,Michael Ondaatje,1992,,2024-01-03\n"
)


def _entries(api: Api, user_id: int) -> list[Entry]:
    with session_scope(api.engine) as session:
        return list(session.exec(select(Entry).where(Entry.user_id == user_id).order_by(Entry.id)).all())


def _count(api: Api, model: type) -> int:
    with session_scope(api.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_a_dry_run_says_what_the_file_holds_and_changes_nothing(api: Api) -> None:
    ana = api.person("ana")
    items = _count(api, Item)
    r = api.post(
        "/imports", as_=ana, params={"file_name": "goodreads_library_export.csv", "dry_run": "true"}, content=GOODREADS
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["dry_run"] is True
    assert body["format"] == "Goodreads library"
    assert body["entries"] == 3 and body["lists"] == 0
    assert body["summary"].startswith("Goodreads library: 3 to import (3 books)")
    assert body["problem_count"] == 1 and body["problems"] == ["Line 5: the year 'twenty' is not a year."]
    assert _entries(api, ana.id) == [] and _count(api, Item) == items


def test_an_import_logs_the_file_once_with_the_visibility_asked(api: Api) -> None:
    ana = api.person("ana")
    params = {"file_name": "goodreads_library_export.csv", "visibility": "followers"}
    r = api.post("/imports", as_=ana, params=params, content=GOODREADS)
    assert r.status_code == 201, r.text
    done = r.json()
    assert (done["imported"], done["already_logged"], done["new_items"]) == (3, 0, 3)
    assert done["problem_count"] == 1
    logged = _entries(api, ana.id)
    assert len(logged) == 3 and {e.visibility for e in logged} == {"followers"}
    # The review came in as text, tags and all.
    assert any(XSS in e.review for e in logged)
    # The same file again: nothing new.
    again = api.post("/imports", as_=ana, params=params, content=GOODREADS).json()
    assert (again["imported"], again["already_logged"], again["new_items"]) == (0, 3, 0)
    assert len(_entries(api, ana.id)) == 3


def test_the_default_visibility_is_the_persons_own(api: Api) -> None:
    ana = api.person("ana")
    with session_scope(api.engine) as session:
        session.get(User, ana.id).default_visibility = "private"
    r = api.post("/imports", as_=ana, params={"file_name": "goodreads_library_export.csv"}, content=GOODREADS)
    assert r.status_code == 201, r.text
    assert {e.visibility for e in _entries(api, ana.id)} == {"private"}


@pytest.mark.parametrize(
    ("params", "content", "field"),
    [
        ({"file_name": "goodreads_library_export.csv", "visibility": "everyone"}, GOODREADS, "visibility"),
        (
            {"file_name": "goodreads_library_export.csv", "visibility": "everyone", "dry_run": "1"},
            GOODREADS,
            "visibility",
        ),
        ({"file_name": "goodreads_library_export.csv", "dry_run": "maybe"}, GOODREADS, "dry_run"),
        ({}, GOODREADS, "file_name"),
        ({"file_name": "   "}, GOODREADS, "file_name"),
        ({"file_name": "export.csv"}, "", "file"),
        ({"file_name": "export.csv"}, "just,some\nwords,here\n", "file"),
        ({"file_name": "photo.png"}, b"\x89PNG\r\n\x1a\n" + bytes(200), "file"),
    ],
)
def test_bad_requests_get_a_message_at_the_field_and_change_nothing(api: Api, params, content, field) -> None:  # noqa: ANN001
    ana = api.person("ana")
    items = _count(api, Item)
    r = api.post("/imports", as_=ana, params=params, content=content)
    assert r.status_code == 400, r.text
    assert field in r.json()["fields"], r.json()
    assert _entries(api, ana.id) == [] and _count(api, Item) == items


def test_logged_out_callers_cannot_import_or_export(api: Api) -> None:
    r = api.post("/imports", params={"file_name": "goodreads_library_export.csv"}, content=GOODREADS)
    assert r.status_code == 401
    assert api.get("/me/export/entries.csv").status_code == 401
    assert api.get("/me/export/lists.csv").status_code == 401
    assert _count(api, Entry) == 0


def test_a_file_over_50_mb_is_refused_unread(api: Api) -> None:
    ana = api.person("ana")
    r = api.post("/imports", as_=ana, params={"file_name": "history.json"}, content=b"[" + b" " * (50 * 2**20) + b"]")
    assert r.status_code == 413
    assert _entries(api, ana.id) == []


def test_the_eleventh_import_of_a_day_is_429_and_changes_nothing(api: Api) -> None:
    ana = api.person("ana")
    with session_scope(api.engine) as session:
        user = session.get(User, ana.id)
        for minutes in range(rates.IMPORT_RATE.max_count):
            rates.note(session, user, rates.IMPORT_RATE, utcnow() - timedelta(minutes=minutes + 1))
    r = api.post("/imports", as_=ana, params={"file_name": "goodreads_library_export.csv"}, content=GOODREADS)
    assert r.status_code == 429, r.text
    assert "Retry-After" in r.headers
    assert _entries(api, ana.id) == []
    # A dry run is no import: it still answers.
    dry = api.post(
        "/imports", as_=ana, params={"file_name": "goodreads_library_export.csv", "dry_run": "yes"}, content=GOODREADS
    )
    assert dry.status_code == 200


def test_exports_are_csv_that_import_back_for_someone_else(api: Api) -> None:
    ana = api.person("ana")
    api.post("/imports", as_=ana, params={"file_name": "goodreads_library_export.csv"}, content=GOODREADS)
    api.post("/imports", as_=ana, params={"file_name": "lists.csv", "visibility": "private"}, content=LISTS_CSV)
    entries_csv = api.get("/me/export/entries.csv", as_=ana)
    assert entries_csv.status_code == 200
    assert entries_csv.headers["content-type"].startswith("text/csv")
    assert 'filename="slice-of-culture-ana.csv"' in entries_csv.headers["content-disposition"]
    assert "The Hunger Games" in entries_csv.text
    lists_csv = api.get("/me/export/lists.csv", as_=ana)
    assert lists_csv.status_code == 200 and "Desert books" in lists_csv.text

    bo = api.person("bob")
    back = api.post("/imports", as_=bo, params={"file_name": "export.csv"}, content=entries_csv.text).json()
    assert back["imported"] == 3 and back["new_items"] == 0
    assert sorted((e.item_id, e.status, e.rating) for e in _entries(api, bo.id)) == sorted(
        (e.item_id, e.status, e.rating) for e in _entries(api, ana.id)
    )
    listed = api.post("/imports", as_=bo, params={"file_name": "lists.csv"}, content=lists_csv.text).json()
    assert (listed["lists_imported"], listed["list_items_imported"]) == (1, 2)
    with session_scope(api.engine) as session:
        titles = session.exec(select(ItemList.title, ItemList.visibility).where(ItemList.user_id == bo.id)).all()
    # Ana's private list comes in private for Bo too (never more public than it was).
    assert titles == [("Desert books", "private")]
