"""Blocking in Chromium: Ana blocks Bob from his profile; his postcards leave her feeds, his forum
messages fold away, he can no longer follow her; she lifts the block from Settings."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.test_accounts_browser import _origin, nav, signup
from tests.browser.test_forums_browser import conversation, open_room, send
from tests.browser.test_postcards_browser import log_new_book

pytestmark = pytest.mark.browser


def test_block_hides_postcards_and_messages_and_unblock_from_settings(new_page) -> None:
    suffix = uuid.uuid4().hex[:6]
    ana_name, bob_name = f"ana_{suffix}", f"bob_{suffix}"
    title = f"Blockable {suffix}"
    bob = new_page("/")
    signup(bob, bob_name)
    expect(nav(bob).get_by_role("button", name="Log out")).to_be_visible()
    log_new_book(bob, title, "Bob Writer", stars="3 stars", review="Mine.")
    said = f"Anyone up for a double feature? {suffix}"
    open_room(bob, "movies")
    send(bob, said)
    expect(conversation(bob).get_by_text(said)).to_be_visible()

    ana = new_page("/")
    signup(ana, ana_name)
    expect(nav(ana).get_by_role("button", name="Log out")).to_be_visible()
    nav(ana).get_by_role("link", name="Postcards").click()
    ana.get_by_role("tab", name="Everyone").click()
    expect(ana.locator(".postcard").filter(has_text=title)).to_be_visible()
    ana.goto(_origin(ana) + f"/u/{bob_name}")
    expect(ana.locator(".postcard").filter(has_text=title)).to_be_visible()
    ana.get_by_role("button", name="Follow", exact=True).click()
    expect(ana.get_by_role("button", name="Unfollow")).to_be_visible()
    # Blocking asks first; Cancel changes nothing.
    ana.get_by_role("button", name="Block", exact=True).click()
    ana.get_by_role("alertdialog").get_by_role("button", name="Cancel").click()
    expect(ana.get_by_role("alertdialog")).to_have_count(0)
    expect(ana.get_by_role("button", name="Unfollow")).to_be_visible()
    ana.get_by_role("button", name="Block", exact=True).click()
    confirm = ana.get_by_role("alertdialog")
    expect(confirm).to_contain_text(f"Block @{bob_name}?")
    confirm.get_by_role("button", name="Block").click()
    expect(ana.get_by_role("status").filter(has_text=f"You blocked @{bob_name}")).to_be_visible()
    expect(ana.get_by_text("Unblock them to see their postcards.")).to_be_visible()
    expect(ana.locator(".postcard").filter(has_text=title)).to_have_count(0)
    expect(ana.get_by_role("button", name="Unblock")).to_be_visible()
    expect(ana.get_by_role("button", name=re.compile("^(Follow|Unfollow)$"))).to_have_count(0)

    nav(ana).get_by_role("link", name="Postcards").click()
    ana.get_by_role("tab", name="Everyone").click()
    # Loaded (other people's postcards, or none at all), and Bob's is not among them.
    expect(ana.locator(".postcard").or_(ana.get_by_text("No postcards yet")).first).to_be_visible()
    expect(ana.get_by_text(title)).to_have_count(0)
    # In the forum, Bob's message keeps its place, folded, without his words.
    open_room(ana, "movies")
    expect(conversation(ana).get_by_test_id("message-folded").first).to_be_visible()
    expect(conversation(ana).get_by_text(said)).to_have_count(0)

    # Bob: no way to follow Ana, nothing of hers to see.
    bob.goto(_origin(bob) + f"/u/{ana_name}")
    expect(bob.get_by_role("heading", name=ana_name)).to_be_visible()
    expect(bob.get_by_role("button", name=re.compile("^(Follow|Unfollow)$"))).to_have_count(0)

    # Ana lifts the block in Settings; Bob's postcard is back (the follow is not).
    ana.goto(_origin(ana) + "/settings")
    blocked = ana.get_by_test_id("blocked-person").filter(has_text=bob_name)
    expect(blocked).to_be_visible()
    ana.get_by_role("button", name=f"Unblock @{bob_name}").click()
    expect(blocked).to_have_count(0)
    ana.goto(_origin(ana) + f"/u/{bob_name}")
    expect(ana.locator(".postcard").filter(has_text=title)).to_be_visible()
    expect(ana.get_by_role("button", name="Follow", exact=True)).to_be_visible()


def test_a_room_open_in_another_tab_folds_at_once_when_you_block(new_page) -> None:
    # Ana reads a room in one tab and blocks Bob from his profile in another: the open room
    # folds his messages without a reload, and her @mention of him is no longer a link (his
    # profile shows her nothing); unblocking in Settings brings both back.
    suffix = uuid.uuid4().hex[:6]
    bob_name = f"bob_{suffix}"
    bob = new_page("/")
    signup(bob, bob_name)
    expect(nav(bob).get_by_role("button", name="Log out")).to_be_visible()
    said = f"Spoilers ahead, all of them {suffix}"
    open_room(bob, "horror")
    send(bob, said)

    room = new_page("/")
    signup(room, f"ana_{suffix}")
    expect(nav(room).get_by_role("button", name="Log out")).to_be_visible()
    open_room(room, "horror")
    expect(conversation(room).get_by_text(said)).to_be_visible()
    send(room, f"@{bob_name} no spoilers, please")
    mention = conversation(room).get_by_role("link", name=f"@{bob_name}", exact=True)
    expect(mention).to_be_visible()

    other = room.context.new_page()
    other.goto(_origin(room) + f"/u/{bob_name}")
    other.get_by_role("button", name="Block", exact=True).click()
    other.get_by_role("alertdialog").get_by_role("button", name="Block").click()
    expect(other.get_by_role("status").filter(has_text=f"You blocked @{bob_name}")).to_be_visible()
    expect(conversation(room).get_by_text(said)).to_have_count(0)
    expect(conversation(room).get_by_test_id("message-folded").first).to_be_visible()
    expect(mention).to_have_count(0)
    said_by_ana = conversation(room).locator(".message-text").filter(has_text="no spoilers, please")
    expect(said_by_ana).to_have_text(f"@{bob_name} no spoilers, please")

    other.goto(_origin(room) + "/settings")
    other.get_by_role("button", name=f"Unblock @{bob_name}").click()
    expect(other.get_by_test_id("blocked-person").filter(has_text=bob_name)).to_have_count(0)
    expect(conversation(room).get_by_text(said)).to_be_visible()
    expect(mention).to_be_visible()
