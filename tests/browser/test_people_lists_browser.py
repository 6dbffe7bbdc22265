"""A profile's followers in Chromium: the count is what the list holds (closed accounts left
out), and a long list shows 50 people at a time with "Show more"."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from slice_of_culture.db import make_engine, session_scope
from slice_of_culture.models import Follow, User
from slice_of_culture.services import social
from tests.browser.test_accounts_browser import nav, signup

pytestmark = pytest.mark.browser


def _star_with_fans(database_url: str, fans: int) -> str:
    """A person followed by `fans` people (made in the database: hashing 50 passwords through
    sign-up would take most of the test), one of whose accounts is closed."""
    tag = uuid.uuid4().hex[:6]
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            star = User(username=f"star_{tag}", email=f"star_{tag}@example.com", password_hash="!", display_name="Star")
            people = [
                User(username=f"fan{i}_{tag}", email=f"fan{i}_{tag}@example.com", password_hash="!")
                for i in range(fans)
            ]
            session.add_all([star, *people])
            session.flush()
            for person in people:
                social.follow(session=session, follower=person, followee_id=star.id)
            people[0].is_active = False
            session.add(people[0])
            assert len(session.exec(select(Follow).where(Follow.followee_id == star.id)).all()) == fans
    finally:
        engine.dispose()
    return star.username


def test_followers_count_what_they_list_and_show_more(new_page, app) -> None:
    star = _star_with_fans(app.database_url, 53)
    page = new_page(f"/u/{star}")
    followers = page.get_by_role("button", name="52 followers")
    expect(followers).to_be_visible()
    expect(page.get_by_role("button", name="0 following")).to_be_visible()
    followers.click()
    panel = page.get_by_role("tabpanel", name="Followers")
    people = panel.get_by_role("link", name="@fan")
    expect(people).to_have_count(50)
    # Newest follow first: the last fan to follow leads.
    expect(people.first).to_contain_text(f"@fan52_{star.split('_')[1]}")
    panel.get_by_role("button", name="Show more").click()
    expect(people).to_have_count(52)
    expect(panel.get_by_role("button", name="Show more")).to_have_count(0)
    expect(panel.get_by_text(f"@fan0_{star.split('_')[1]}")).to_have_count(0)

    # Someone signed in follows a fan right from the list; their own row has no button.
    viewer = new_page("/")
    viewer_name = f"viewer_{star.split('_')[1]}"
    signup(viewer, viewer_name)
    expect(nav(viewer).get_by_role("button", name="Log out")).to_be_visible()
    viewer.goto(app.url + f"/u/{star}")
    viewer.get_by_role("button", name="52 followers").click()
    row = viewer.get_by_test_id("listed-person").filter(has_text=f"@fan52_{star.split('_')[1]}")
    follow = row.get_by_role("button", name="Follow")
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    expect(row.get_by_role("button", name="Following")).to_have_attribute("aria-pressed", "true")
    viewer.reload()
    viewer.get_by_role("button", name="52 followers").click()
    expect(row.get_by_role("button", name="Following")).to_be_visible()
