"""Notifications in Chromium: alike ones come as one row ("fan3, fan2 and 1 other started
following you"), a long list shows 30 rows at a time with "Show older", and the grouped
follow row opens the profile's Followers tab."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from slice_of_culture.db import make_engine, session_scope
from slice_of_culture.models import User
from slice_of_culture.services import social
from tests.browser.test_forums_browser import person
from tests.utils.factories import make_entry, make_item

pytestmark = pytest.mark.browser


def _fans_for(database_url: str, username: str, postcards: int) -> list[str]:
    """Three people who follow `username`; the first liked each of their `postcards` postcards
    before that (made in the database: through the UI it would take most of the test)."""
    tag = uuid.uuid4().hex[:6]
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            star = session.exec(select(User).where(User.username == username)).one()
            fans = [
                User(username=f"fan{i}_{tag}", email=f"fan{i}_{tag}@example.com", password_hash="!") for i in (1, 2, 3)
            ]
            session.add_all(fans)
            session.flush()
            for i in range(postcards):
                entry = make_entry(session, star, make_item(session, f"Book {i} {tag}"))
                social.like(session=session, user=fans[0], entry_id=entry.id)
            for fan in fans:
                social.follow(session=session, follower=fan, followee_id=star.id)
            return [fan.username for fan in fans]
    finally:
        engine.dispose()


def test_grouped_rows_show_older_and_open_the_followers_tab(new_page, app) -> None:
    page, ana = person(new_page, "ana")
    fan1, fan2, fan3 = _fans_for(app.database_url, ana, 31)
    # The badge counts rows as the page will show them: 31 postcards liked, one row of follows.
    page.goto(app.url + "/")
    expect(page.get_by_role("link", name="Notifications (32 unread)")).to_be_visible()
    page.goto(app.url + "/notifications")
    rows = page.get_by_test_id("notification")
    expect(rows).to_have_count(30)
    expect(rows.first).to_have_text(re.compile(rf"^\w+ ?{fan3}, {fan2} and 1 other started following you"))
    expect(rows.first).to_contain_text("new")
    page.get_by_role("button", name="Show older").click()
    expect(rows).to_have_count(32)
    expect(rows.last).to_contain_text(f"{fan1} liked your postcard about Book 0")
    # Opening the page marked those read too, but this is the first time they are shown.
    expect(rows.last).to_contain_text("new")
    expect(page.get_by_role("button", name="Show older")).to_have_count(0)
    # Opening the page read them all: the navbar badge is gone.
    expect(page.get_by_role("link", name=re.compile(r"Notifications \(\d+ unread\)"))).to_have_count(0)

    rows.first.click()
    expect(page).to_have_url(re.compile(rf"/u/{ana}\?section=followers$"))
    panel = page.get_by_role("tabpanel", name="Followers")
    expect(panel.get_by_role("link", name="@fan")).to_have_count(3)
    expect(panel.get_by_role("link", name="@fan").first).to_contain_text(f"@{fan3}")
