"""Not interested, in the browser: a recommendation hidden from For you goes at once, can be
undone there, stays hidden after a reload, is listed in Settings, and comes back from there."""

from __future__ import annotations

import uuid
from unittest import mock

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from slice_of_culture.db import make_engine
from slice_of_culture.models import Item
from tests.browser.test_accounts_browser import _origin, signup
from tests.utils.factories import make_entry, make_item, make_user

pytestmark = pytest.mark.browser

# More fans than the planted clusters give an item, fewer than the welcome test's: among the
# popular items a newcomer's For you shows, whatever other browser tests planted.
FANS = 6


def _popular(database_url: str, prefix: str) -> list[Item]:
    """Two movies many people loved lately: For you's cold start for a newcomer."""
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            # argon2 costs ~0.1 s per user and says nothing about recommendations.
            with mock.patch("slice_of_culture.services.accounts.hash_password", lambda password: "x" + password):
                fans = [make_user(session, f"{prefix}_fan{n}") for n in range(FANS)]
            items = [make_item(session, f"{prefix} {title}", kind="movie") for title in ("Unwanted", "Wanted")]
            for fan in fans:
                for item in items:
                    make_entry(session, fan, item, status="finished", rating=10)
            session.commit()
            return items
    finally:
        engine.dispose()


def _card(page: Page, title: str):  # noqa: ANN202
    return page.locator(".recommendation").filter(has=page.get_by_role("heading", name=title, exact=True))


def test_not_interested_hides_a_recommendation_until_it_is_shown_again(new_page, app) -> None:
    prefix = "d" + uuid.uuid4().hex[:5]
    unwanted, wanted = (item.title for item in _popular(app.database_url, prefix))
    page = new_page("/")
    signup(page, f"{prefix}_me")
    page.goto(_origin(page) + "/for-you")
    expect(_card(page, unwanted)).to_be_visible()

    # Gone at once, and undone from the note.
    page.get_by_role("button", name=f"Not interested: {unwanted}").click()
    expect(_card(page, unwanted)).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text=f"Hidden {unwanted}.")).to_be_visible()
    page.get_by_role("button", name=f"Show again: {unwanted}").click()
    expect(_card(page, unwanted)).to_be_visible()

    # Hidden again, it stays hidden on a new load of the page.
    page.get_by_role("button", name=f"Not interested: {unwanted}").click()
    expect(_card(page, unwanted)).to_have_count(0)
    page.reload()
    expect(_card(page, wanted)).to_be_visible()
    expect(_card(page, unwanted)).to_have_count(0)

    # Settings lists it; "Show again" there brings it back to For you.
    page.goto(_origin(page) + "/settings")
    hidden = page.get_by_role("region", name="Hidden from For you")
    expect(hidden.get_by_role("link", name=unwanted)).to_be_visible()
    hidden.get_by_role("button", name=f"Show again: {unwanted}").click()
    expect(hidden).to_contain_text("Nothing. Press “Not interested”")
    page.goto(_origin(page) + "/for-you")
    expect(_card(page, unwanted)).to_be_visible()
    # The card's other buttons still log, as before.
    page.get_by_role("button", name=f"Loved it: {wanted}").click()
    expect(page.get_by_text("Logged. Your recommendations are updated.")).to_be_visible()
    expect(_card(page, wanted)).to_have_count(0)
