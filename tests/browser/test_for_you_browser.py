"""For you in the browser: a newcomer logs a few things and at once sees explained recommendations.

The app's database gets a small community with planted taste clusters, and the recommender is
trained on it (tiny, seconds) into the app's own data folder, as the scheduled job would.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from slice_of_culture.db import make_engine
from slice_of_culture.recs import jobs
from slice_of_culture.recs.store import VectorStore
from tests.browser.test_accounts_browser import _origin, nav, signup
from tests.recs.app_data import make_planted_app

pytestmark = pytest.mark.browser

TINY = {"epochs": 40, "dim": 16, "batch_size": 64, "learning_rate": 0.02}


def log_existing(page: Page, title: str, stars: str) -> None:
    nav(page).get_by_role("button", name="Log something").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Search").fill(title)
    dialog.get_by_role("button", name=re.compile(f"^Choose {re.escape(title)} ")).click()
    radio = dialog.get_by_role("radio", name=stars, exact=True)
    radio.click()
    expect(radio).to_be_checked()
    dialog.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_a_newcomer_logs_a_few_items_and_gets_explained_recommendations(new_page, app) -> None:
    prefix = "r" + uuid.uuid4().hex[:4]
    engine = make_engine(app.database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            planted = make_planted_app(session, prefix=prefix)
        row = jobs.refresh(
            engine=engine,
            store=VectorStore.embedded(app.data_dir / "chroma"),
            data_dir=app.data_dir,
            config_overrides=TINY,
            progress=False,
        )
    finally:
        engine.dispose()
    assert row is not None and row.status == "ready", row and row.error

    page = new_page("/")
    signup(page, f"{prefix}_new")
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    cluster_one = [it for it in planted.items if planted.item_cluster[it.id] == 1]
    for item in cluster_one[:3]:
        log_existing(page, item.title, "5 stars")

    page.goto(_origin(page) + "/for-you")
    cards = page.locator(".recommendation")
    expect(cards.first).to_be_visible()
    first = cards.first
    recommended = first.get_by_role("heading").inner_text()
    assert recommended in {it.title for it in cluster_one[3:]}, recommended
    expect(first.locator(".reason")).to_contain_text(
        re.compile(rf"You and @{prefix}1_\d both loved .+; @{prefix}1_\d also loved")
    )
    expect(page.get_by_role("heading", name="People with similar taste")).to_be_visible()
