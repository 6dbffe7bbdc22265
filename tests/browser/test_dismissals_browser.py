"""Not interested, in the browser: a recommendation hidden from For you goes at once, can be
undone there, stays hidden after a reload, is listed in Settings (a page at a time), and comes
back from there."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from slice_of_culture.db import make_engine
from slice_of_culture.models import Item, User
from slice_of_culture.services import dismissals
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


def _hide(database_url: str, username: str, prefix: str, count: int) -> list[str]:
    """`count` new items hidden by `username`, oldest first: their titles."""
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            user = session.exec(select(User).where(User.username == username)).one()
            titles = [f"{prefix} hidden {n:02d}" for n in range(count)]
            for title in titles:
                dismissals.dismiss(session=session, user=user, item_id=make_item(session, title).id)
            session.commit()
            return titles
    finally:
        engine.dispose()


def test_settings_lists_hidden_items_a_page_at_a_time(new_page, app) -> None:
    prefix = "p" + uuid.uuid4().hex[:5]
    page = new_page("/")
    signup(page, f"{prefix}_me")
    titles = _hide(app.database_url, f"{prefix}_me", prefix, dismissals.HIDDEN_PAGE + 3)
    page.goto(_origin(page) + "/settings")
    hidden = page.get_by_role("region", name="Hidden from For you")
    expect(hidden).to_contain_text(f"{len(titles)} hidden")
    rows = hidden.get_by_test_id("hidden-item")
    # The newest hidden first, a page of them; "Show more" brings the rest.
    expect(rows).to_have_count(dismissals.HIDDEN_PAGE)
    expect(rows.first).to_contain_text(titles[-1])
    hidden.get_by_role("button", name="Show more hidden items").click()
    expect(rows).to_have_count(len(titles))
    expect(rows.last).to_contain_text(titles[0])
    expect(hidden.get_by_role("button", name="Show more hidden items")).to_have_count(0)
    # Shown again from the second page: it leaves the list and the count.
    hidden.get_by_role("button", name=f"Show again: {titles[1]}").click()
    expect(rows).to_have_count(len(titles) - 1)
    expect(hidden).to_contain_text(f"{len(titles) - 1} hidden")
