"""Lists, in Chromium: a person makes a list from an item's page ("Add to list"), adds two more
items, reorders them and writes a note on the list's page, numbers it; someone else finds it on
the profile's Lists tab (and on the items' pages) in that order, with the note and without the
owner's controls; once the owner makes it private, it is gone for them."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from slice_of_culture.db import make_engine, session_scope
from tests.browser.test_accounts_browser import _origin, nav, signup
from tests.utils.factories import make_item

pytestmark = pytest.mark.browser


def _plant_items(database_url: str, titles: list[str]) -> list[int]:
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return [make_item(session, title, kind="movie", creator="Hayao Miyazaki").id for title in titles]
    finally:
        engine.dispose()


def _titles(page: Page) -> list[str]:
    return [row.get_by_role("link").first.inner_text() for row in page.get_by_test_id("list-item").all()]


def test_make_reorder_annotate_share_and_hide_a_list(new_page, app) -> None:
    tag = uuid.uuid4().hex[:6]
    titles = [f"Totoro {tag}", f"Mononoke {tag}", f"Spirited Away {tag}"]
    ids = _plant_items(app.database_url, titles)
    list_title = f"Ghibli <b>best</b> {tag}"
    owner_name = f"lister_{tag}"
    owner = new_page("/")
    signup(owner, owner_name)
    expect(nav(owner).get_by_role("button", name="Log out")).to_be_visible()

    owner.goto(f"{_origin(owner)}/item/{ids[0]}")
    owner.get_by_role("button", name="Add to list").click()
    dialog = owner.get_by_role("dialog", name="Add to list")
    dialog.get_by_label("New list title", exact=True).fill("   ")
    dialog.get_by_role("button", name="Create and add").click()
    expect(dialog.get_by_role("alert")).to_have_text("Give the list a title.")
    dialog.get_by_label("New list title", exact=True).fill(list_title)
    dialog.get_by_role("button", name="Create and add").click()
    expect(dialog.get_by_role("checkbox", name=list_title)).to_be_checked()
    dialog.get_by_role("button", name="Done").click()
    for item_id in ids[1:]:
        owner.goto(f"{_origin(owner)}/item/{item_id}")
        owner.get_by_role("button", name="Add to list").click()
        dialog = owner.get_by_role("dialog", name="Add to list")
        box = dialog.get_by_role("checkbox", name=list_title)
        expect(box).not_to_be_checked()
        box.click()
        expect(box).to_be_checked()
        dialog.get_by_role("button", name="Done").click()

    owner.get_by_role("button", name="Add to list").click()
    owner.get_by_role("link", name="See your lists").click()
    card = owner.get_by_test_id("profile-list").filter(has_text=list_title)
    expect(card).to_contain_text("3 items")
    card.click()
    expect(owner.get_by_role("heading", name=list_title, level=1)).to_be_visible()
    expect(owner.get_by_test_id("list-item")).to_have_count(3)
    assert _titles(owner) == titles
    owner.get_by_role("button", name=f"Move {titles[2]} up").click()
    expect(owner.get_by_test_id("list-item").first).to_contain_text(titles[0])
    expect(owner.get_by_test_id("list-item").nth(1)).to_contain_text(titles[2])
    # The row moved with its element: the button pressed keeps the focus (keyboard users go on).
    expect(owner.get_by_role("button", name=f"Move {titles[2]} up")).to_be_focused()
    owner.get_by_role("button", name=f"Move {titles[2]} up").click()
    expect(owner.get_by_test_id("list-item").first).to_contain_text(titles[2])
    assert _titles(owner) == [titles[2], titles[0], titles[1]]
    expect(owner.get_by_role("button", name=f"Move {titles[2]} up")).to_be_disabled()
    note = owner.get_by_label(f"Note on {titles[2]}")
    note.fill("Start here: the bathhouse <i>scene</i> 🛁")
    note.press("Tab")
    owner.get_by_role("button", name="Edit list").click()
    owner.get_by_role("checkbox", name="Numbered (a ranking)").click()
    owner.get_by_role("button", name="Save list").click()
    expect(owner.get_by_test_id("list-item").first).to_contain_text("1.")
    owner.reload()
    expect(owner.get_by_label(f"Note on {titles[2]}")).to_have_value("Start here: the bathhouse <i>scene</i> 🛁")

    reader = new_page(f"/u/{owner_name}?section=lists")
    reader_card = reader.get_by_test_id("profile-list").filter(has_text=list_title)
    expect(reader_card).to_contain_text("3 items")
    reader_card.click()
    expect(reader.get_by_role("heading", name=list_title, level=1)).to_be_visible()
    expect(reader.get_by_test_id("list-item")).to_have_count(3)
    assert _titles(reader) == [titles[2], titles[0], titles[1]]
    expect(reader.get_by_test_id("list-item").first).to_contain_text("Start here: the bathhouse <i>scene</i> 🛁")
    expect(reader.get_by_role("button", name=f"Move {titles[0]} up")).to_have_count(0)
    expect(reader.get_by_role("button", name="Edit list")).to_have_count(0)
    list_url = reader.url
    # The item's page leads to the list too.
    reader.goto(f"{_origin(reader)}/item/{ids[1]}")
    expect(reader.get_by_role("heading", name="On people's lists")).to_be_visible()
    expect(reader.get_by_role("link", name=list_title)).to_have_attribute("href", re.compile(r"/lists/\d+$"))

    owner.get_by_role("button", name="Edit list").click()
    owner.get_by_label("Who can see it").select_option("private")
    owner.get_by_role("button", name="Save list").click()
    expect(owner.get_by_text("Private", exact=True)).to_be_visible()
    reader.goto(list_url)
    expect(reader.get_by_role("heading", name="List not found")).to_be_visible()
    reader.goto(f"{_origin(reader)}/u/{owner_name}?section=lists")
    expect(reader.get_by_text("No lists yet.")).to_be_visible()
