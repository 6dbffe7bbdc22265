"""The welcome step in the browser: a newcomer signs up, chooses books, loves two, and lands on For you."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from slice_of_culture.db import make_engine
from slice_of_culture.models import Entry, Item, User
from tests.browser.test_accounts_browser import _origin, login, nav, signup
from tests.utils.factories import make_entry, make_item, make_user

pytestmark = pytest.mark.browser

# More fans than anything other browser tests plant, so these lead the popular list.
FANS = 9


def _popular_catalog(database_url: str, prefix: str) -> dict[str, Item]:
    """Two books and a movie that many people loved lately, and a book a few fewer loved."""
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            fans = [make_user(session, f"{prefix}_fan{n}") for n in range(FANS)]
            items = {
                "first": make_item(session, f"{prefix} First Book", kind="book"),
                "second": make_item(session, f"{prefix} Second Book", kind="book"),
                "movie": make_item(session, f"{prefix} Big Movie", kind="movie"),
            }
            for fan in fans:
                for item in items.values():
                    make_entry(session, fan, item, status="finished", rating=10)
            # Loved by all fans but one: the third of the books to pick from, above the books other
            # browser tests loved (one or two lovers each; the welcome page shows the 12 most loved,
            # and once a dozen of theirs were loved, a book loved by nobody was not among them).
            items["quiet"] = make_item(session, f"{prefix} Quiet Book", kind="book")
            for fan in fans[1:]:
                make_entry(session, fan, items["quiet"], status="finished", rating=10)
            session.commit()
            return items
    finally:
        engine.dispose()


def test_a_newcomer_chooses_books_loves_two_and_lands_on_for_you(new_page, app) -> None:
    prefix = "w" + uuid.uuid4().hex[:5]
    items = _popular_catalog(app.database_url, prefix)
    first, second, movie = items["first"].title, items["second"].title, items["movie"].title

    page = new_page("/")
    name = f"{prefix}_new"
    signup(page, name)
    expect(page).to_have_url(re.compile(r"/welcome/?$"))
    expect(page.get_by_role("heading", name="What do you like?", level=1)).to_be_visible()
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    # Nothing chosen yet: popular things of every kind.
    expect(page.get_by_role("heading", name=movie)).to_be_visible()

    books = page.get_by_label("Books", exact=True)
    expect(books).not_to_be_checked()
    # A controlled checkbox: it shows ticked once the server has the choice.
    books.click()
    expect(books).to_be_checked()
    expect(page.get_by_role("heading", name=movie)).to_have_count(0)
    expect(page.get_by_role("heading", name=first)).to_be_visible()

    for title in (first, second):
        button = page.get_by_role("button", name=f"Loved it: {title}")
        expect(button).to_have_attribute("aria-pressed", "false")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    # A third, pressed again, is not a pick any more.
    quiet = page.get_by_role("button", name=f"Loved it: {items['quiet'].title}")
    quiet.click()
    expect(quiet).to_have_attribute("aria-pressed", "true")
    quiet.click()
    expect(quiet).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("status")).to_have_text("2 favourites picked.")

    page.get_by_role("button", name="Save and see my recommendations").click()
    expect(page).to_have_url(re.compile(r"/for-you/?$"))
    expect(page.get_by_role("heading", name="For you", level=1)).to_be_visible()
    # For you keeps to the chosen kinds until the person asks for everything.
    show = page.get_by_label("Show")
    expect(show).to_have_value("")
    expect(show.locator("option:checked")).to_have_text("Your kinds")
    expect(page.get_by_text("Showing books, the kinds you chose")).to_be_visible()
    expect(page.get_by_role("heading", name=movie)).to_have_count(0)
    show.select_option("all")
    expect(page.get_by_role("heading", name=movie)).to_be_visible()
    expect(page.get_by_text("Showing books, the kinds you chose")).to_have_count(0)

    engine = make_engine(app.database_url)
    try:
        with Session(engine) as session:
            user = session.exec(select(User).where(User.username == name)).one()
            logged = session.exec(
                select(Item.title, Entry.status, Entry.rating, Entry.visibility)
                .join(Item, Item.id == Entry.item_id)
                .where(Entry.user_id == user.id)
            ).all()
            assert user.preferred_kinds == "book"
    finally:
        engine.dispose()
    assert sorted(logged) == sorted([(first, "finished", 10, "public"), (second, "finished", 10, "public")])

    # They are on the profile, as any entry is.
    page.goto(_origin(page) + f"/u/{name}")
    expect(page.locator(".postcard").filter(has_text=first).first).to_be_visible()
    expect(page.locator(".postcard").filter(has_text=second).first).to_be_visible()
    # Settings show the kinds chosen at sign-up.
    page.goto(_origin(page) + "/settings")
    expect(page.get_by_label("Books", exact=True)).to_be_checked()
    expect(page.get_by_label("Movies", exact=True)).not_to_be_checked()


def test_welcome_needs_a_login_and_skip_goes_to_for_you(new_page) -> None:
    page = new_page("/")
    name = f"w{uuid.uuid4().hex[:6]}_skip"
    signup(page, name)
    expect(page).to_have_url(re.compile(r"/welcome/?$"))
    page.get_by_role("button", name="Log out").click()
    expect(nav(page).get_by_role("link", name="Log in", exact=True)).to_be_visible()

    page.goto(_origin(page) + "/welcome")
    expect(page).to_have_url(re.compile(r"/login/?\?next=/welcome"))
    login(page, name)
    expect(page).to_have_url(re.compile(r"/welcome/?$"))
    page.get_by_role("link", name="Skip for now").click()
    expect(page).to_have_url(re.compile(r"/for-you/?$"))
    expect(page.get_by_role("heading", name="For you", level=1)).to_be_visible()
