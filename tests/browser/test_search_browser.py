"""The search page in the browser: find a person by name without accents and a title, open them."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from slice_of_culture.db import make_engine
from tests.browser.test_accounts_browser import nav, signup
from tests.utils.factories import make_item, make_user

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


def _plant(database_url: str, prefix: str) -> int:
    """A person with an accented display name, and a book; returns the book's id."""
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            make_user(session, f"{prefix}_zoe", display_name=f"Zoé Quill{prefix}")
            book = make_item(session, f"Lantern{prefix} Tales", kind="book", creator="Ola Writer")
            session.commit()
            return book.id
    finally:
        engine.dispose()


def test_find_a_person_and_a_title_and_open_them(new_page, app) -> None:
    prefix = "s" + uuid.uuid4().hex[:6]
    book_id = _plant(app.database_url, prefix)
    dialogs: list[str] = []

    page = new_page("/")
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    signup(page, f"{prefix}_me")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    nav(page).get_by_role("link", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/?$"))
    expect(page.get_by_role("heading", name="Find people and titles")).to_be_visible()

    box = page.get_by_label("Search people and titles")
    box.fill(f"zoe quill{prefix}")  # no accent, other case
    person = page.get_by_test_id("found-person")
    expect(person).to_have_count(1)
    expect(person).to_contain_text(f"Zoé Quill{prefix}")
    expect(person).to_contain_text(f"@{prefix}_zoe · 0 followers")
    # Follow right from the results; the count and the button follow.
    person.get_by_role("button", name="Follow").click()
    expect(person.get_by_role("button", name="Following")).to_have_attribute("aria-pressed", "true")
    expect(person).to_contain_text(f"@{prefix}_zoe · 1 follower")
    person.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/u/{prefix}_zoe/?$"))
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Zoé Quill{prefix}")).to_be_visible()

    # A link with the query opens the page with it, and the kind narrows the titles.
    page.goto(app.url + f"/search?q=lantern{prefix}&show=book")
    expect(page.get_by_label("Search people and titles")).to_have_value(f"lantern{prefix}")
    expect(page.get_by_label("Show")).to_have_value("book")
    title = page.get_by_test_id("found-title")
    expect(title).to_have_count(1)
    expect(title).to_contain_text(f"Lantern{prefix} Tales")
    expect(title).to_contain_text("Ola Writer")
    expect(page.get_by_test_id("found-person")).to_have_count(0)
    page.get_by_label("Show").select_option("movie")
    expect(page.get_by_role("status")).to_have_text(f"Nobody and nothing matches “lantern{prefix}”.")
    page.get_by_label("Show").select_option("book")
    title.click()
    expect(page).to_have_url(re.compile(rf"/item/{book_id}/?$"))
    expect(page.get_by_role("heading", name=f"Lantern{prefix} Tales")).to_be_visible()

    # A reload starts empty, and what is typed is what is searched. The box takes keys only once
    # the page holds this tab's state: before, typing into a fresh load raced the tab's earlier
    # query and the two ran together. Hold the page's websocket back to see the box wait.
    held = []
    page.route_web_socket(re.compile(r"/_event"), lambda ws: held.append(ws))
    page.goto(app.url + "/search")
    box = page.get_by_label("Search people and titles")
    expect(box).not_to_be_editable()
    for _ in range(100):  # the handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page opened no websocket"
    page.wait_for_timeout(300)
    expect(box).not_to_be_editable()
    held[0].connect_to_server()
    # Markup is text: shown as typed, never run.
    box.fill(XSS + prefix)
    expect(page.get_by_role("status")).to_have_text(f"Nobody and nothing matches “{XSS}{prefix}”.")
    expect(box).to_have_value(XSS + prefix)
    assert dialogs == []
