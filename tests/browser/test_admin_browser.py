"""The recommender's admin page: administrators only (checked on the server), versions listed."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from slice_of_culture.db import make_engine, session_scope
from slice_of_culture.services import accounts
from tests.browser.test_accounts_browser import nav

pytestmark = pytest.mark.browser


def _person_page(browser, app, *, admin: bool):  # noqa: ANN001
    """A browser context logged in as a new person (session made in the database)."""
    name = f"{'boss' if admin else 'member'}_{uuid.uuid4().hex[:6]}"
    engine = make_engine(app.database_url)
    try:
        with session_scope(engine) as session:
            user = accounts.create_user(
                session=session, username=name, email=f"{name}@example.com", password="a-long-enough-password"
            )
            user.is_admin = admin
            token = accounts.create_session(session=session, user=user)
    finally:
        engine.dispose()
    context = browser.new_context()
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "soc_session", "value": token, "url": app.url}])
    return context, context.new_page()


def test_only_administrators_reach_the_recommender_page(browser, app) -> None:
    context, page = _person_page(browser, app, admin=False)
    try:
        for path in ("/admin/recs", "/admin/reports"):
            page.goto(app.url + path)
            expect(page).to_have_url(re.compile(r"localhost:\d+/?$"))
        expect(nav(page).get_by_role("link", name="Admin")).to_have_count(0)
    finally:
        context.close()

    context, page = _person_page(browser, app, admin=True)
    try:
        page.goto(app.url + "/")
        nav(page).get_by_role("link", name="Admin").click()
        expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
        page.get_by_role("navigation", name="Admin pages").get_by_role("link", name="Recommender").click()
        expect(page.get_by_role("heading", name="Recommender")).to_be_visible()
        rows = page.get_by_role("row")
        before = rows.count()
        page.get_by_role("button", name="Retrain now").click()
        expect(page.get_by_role("status")).to_contain_text("Training started")
        # The run (a child process of the app) ends as a new version row: ready, or failed with
        # its reason when this database has nothing to learn from yet. Wait for it, so no later
        # test finds the refresh lock taken.
        for _ in range(90):
            page.get_by_role("button", name="Refresh").click()
            page.wait_for_timeout(1000)
            if rows.count() > max(before, 1) and "training" not in page.get_by_role("table").inner_text():
                break
        assert rows.count() > max(before, 1), "no model version appeared after Retrain now"
        expect(page.get_by_role("table")).to_contain_text(re.compile(r"ready|failed"))
    finally:
        context.close()
