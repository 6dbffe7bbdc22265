"""Two people in two browsers: log, follow, see the postcard, open the profile, like, comment, get notified.

Also: a private entry stays invisible to the other person, and HTML in a comment is shown as text.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accounts_browser import _origin, nav, signup

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


def log_new_book(page: Page, title: str, creator: str, *, stars: str, review: str, visibility: str = "public") -> None:
    """Log a book that is not in the catalog yet, the way a person does it."""
    nav(page).get_by_role("button", name="Log something").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Search").fill(title)
    # The search has answered: nothing, or near matches (it forgives typos, so another test's
    # "Secret diary f79ee9" can come up for "Klara f89ec9"). The title is new either way.
    answered = dialog.get_by_role("status").filter(has_text="Nothing in the catalog matches.")
    expect(answered.or_(dialog.get_by_role("button", name=re.compile("^Choose "))).first).to_be_visible()
    dialog.get_by_role("button", name="Not in the catalog? Add it").click()
    dialog.get_by_label("Kind").select_option("book")
    dialog.get_by_label("Title").fill(title)
    dialog.get_by_label("Creator").fill(creator)
    dialog.get_by_label("Year").fill("2020")
    dialog.get_by_role("button", name="Add to catalog").click()
    radio = dialog.get_by_role("radio", name=stars, exact=True)
    radio.click()
    expect(radio).to_be_checked()
    dialog.get_by_label("Review").fill(review)
    dialog.get_by_label("Visibility").select_option(visibility)
    dialog.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_follow_see_postcard_open_profile_like_comment_and_notify(new_page) -> None:
    suffix = uuid.uuid4().hex[:6]
    ana_name, bob_name = f"ana_{suffix}", f"bob_{suffix}"
    ana = new_page("/")
    signup(ana, ana_name)
    expect(nav(ana).get_by_role("button", name="Log out")).to_be_visible()
    log_new_book(ana, f"Piranesi {suffix}", "Susanna Clarke", stars="4.5 stars", review="A house of endless halls.")
    expect(ana).to_have_url(re.compile(rf"/u/{ana_name}\?entry=\d+"))
    card = ana.locator(".postcard").filter(has_text=f"Piranesi {suffix}")
    expect(card.get_by_role("img", name="4.5 stars")).to_be_visible()
    secret = f"Secret diary {uuid.uuid4().hex[:6]}"
    log_new_book(ana, secret, "Ana", stars="2 stars", review="Only for me.", visibility="private")
    expect(ana.locator(".postcard").filter(has_text=secret)).to_be_visible()

    bob = new_page("/")
    # Logged out, Bob sees the Everyone feed first; once he has an account, home opens on Following.
    expect(bob.get_by_role("link", name=re.compile(rf"Read Piranesi {suffix}"))).to_be_visible()
    signup(bob, bob_name)
    expect(nav(bob).get_by_role("button", name="Log out")).to_be_visible()
    bob.goto(_origin(bob) + f"/u/{ana_name}")
    bob.get_by_role("button", name="Follow", exact=True).click()
    expect(bob.get_by_role("button", name="Unfollow")).to_be_visible()
    # The private entry does not exist for Bob, on the profile or anywhere else.
    expect(bob.locator(".postcard").filter(has_text=f"Piranesi {suffix}")).to_be_visible()
    expect(bob.get_by_text(secret)).to_have_count(0)

    nav(bob).get_by_role("link", name="Postcards").click()
    expect(bob.get_by_role("tab", name="Following")).to_have_attribute("aria-selected", "true")
    postcard = bob.get_by_role("link", name=re.compile(rf"Read Piranesi {suffix}"))
    expect(postcard).to_be_visible()
    expect(bob.get_by_text(secret)).to_have_count(0)
    postcard.click()
    expect(bob).to_have_url(re.compile(rf"/u/{ana_name}\?entry=\d+#entry-\d+"))
    card = bob.locator(".postcard").filter(has_text=f"Piranesi {suffix}")
    card.get_by_role("button", name="Like", exact=True).click()
    expect(card.get_by_role("button", name="Unlike", exact=True)).to_be_visible()
    card.get_by_label("Comment").fill(f"Loved it too {XSS}")
    card.get_by_role("button", name="Comment", exact=True).click()
    expect(card.get_by_text(f"Loved it too {XSS}")).to_be_visible()
    # The box empties for the next comment.
    expect(card.get_by_label("Comment", exact=True)).to_have_value("")
    # Bob thinks better of it: Edit; an empty comment is refused at the field; then it is saved.
    card.get_by_role("button", name="Edit comment").click()
    box = card.get_by_label("Edit your comment")
    expect(box).to_have_value(f"Loved it too {XSS}")
    box.fill("   ")
    card.get_by_role("button", name="Save", exact=True).click()
    expect(card.get_by_role("alert")).to_have_text("Write something first.")
    box.fill(f"Loved it too, twice {XSS}")
    card.get_by_role("button", name="Save", exact=True).click()
    expect(card.get_by_label("Edit your comment")).to_have_count(0)
    expect(card.get_by_text(f"Loved it too, twice {XSS}")).to_be_visible()
    expect(card.get_by_text("edited", exact=True)).to_be_visible()

    dialogs: list[str] = []
    ana.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    nav(ana).get_by_role("link", name="Postcards").click()
    bell = nav(ana).get_by_role("link", name=re.compile(r"Notifications \(3 unread\)"))
    expect(bell).to_be_visible()
    bell.click()
    expect(ana.get_by_text("started following you")).to_be_visible()
    expect(ana.get_by_text(f"liked your postcard about Piranesi {suffix}")).to_be_visible()
    expect(ana.get_by_text(f"commented on your postcard about Piranesi {suffix}")).to_be_visible()
    expect(nav(ana).get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    ana.goto(_origin(ana) + f"/u/{ana_name}")
    ana_card = ana.locator(".postcard").filter(has_text=f"Piranesi {suffix}")
    expect(ana_card.get_by_text(f"Loved it too, twice {XSS}")).to_be_visible()
    # Ana may delete Bob's comment on her postcard, not edit it.
    expect(ana_card.get_by_role("button", name="Delete comment")).to_be_visible()
    expect(ana_card.get_by_role("button", name="Edit comment")).to_have_count(0)
    assert ana.locator("img[src='x']").count() == 0
    assert dialogs == []
    ana_card.get_by_role("button", name="Delete comment").click()
    expect(ana_card.get_by_text(f"Loved it too, twice {XSS}")).to_have_count(0)
    # And the postcard itself, asked once more.
    ana_card.get_by_role("button", name="Delete", exact=True).click()
    ana.get_by_role("alertdialog").get_by_role("button", name="Delete").click()
    expect(ana.locator(".postcard").filter(has_text=f"Piranesi {suffix}")).to_have_count(0)


def test_a_newcomer_follows_a_suggested_person_and_their_postcards_join_the_feed(new_page) -> None:
    suffix = uuid.uuid4().hex[:6]
    poster = new_page("/")
    signup(poster, f"poster_{suffix}")
    log_new_book(poster, f"Klara Sunward {suffix}", "Kazuo Ishiguro", stars="4 stars", review="Quietly sad.")

    newcomer = new_page("/")
    signup(newcomer, f"newcomer_{suffix}")
    expect(newcomer).to_have_url(re.compile(r"/welcome"))
    nav(newcomer).get_by_role("link", name="Postcards").click()
    panel = newcomer.get_by_role("region", name="People to follow")
    expect(panel).to_be_visible()
    first = panel.get_by_test_id("suggested-person").first
    expect(first).to_contain_text(re.compile(r"Followed by \d+ (person|people)|Posting lately"))
    handle = first.get_by_text(re.compile(r"^@")).inner_text().split(" ")[0]  # "@name"
    expect(newcomer.get_by_text("Your Following feed is empty")).to_be_visible()
    first.get_by_role("button", name="Follow", exact=True).click()
    expect(first.get_by_role("button", name="Following")).to_be_visible()
    # Their postcards are in the Following feed at once, no reload.
    expect(newcomer.get_by_text("Your Following feed is empty")).to_have_count(0)
    expect(newcomer.locator(".postcard").filter(has_text=handle).first).to_be_visible()
    # Following them again from the same button undoes it.
    first.get_by_role("button", name="Following").click()
    expect(first.get_by_role("button", name="Follow", exact=True)).to_be_visible()
    expect(newcomer.get_by_text("Your Following feed is empty")).to_be_visible()

    # On the Everyone feed the poster's book links to its page, where "Log this" logs it at once.
    newcomer.get_by_role("tab", name="Everyone").click()
    newcomer.get_by_role("link", name=f"Klara Sunward {suffix}", exact=True).first.click()
    expect(newcomer).to_have_url(re.compile(r"/item/\d+"))
    newcomer.get_by_role("button", name="Log this").click()
    dialog = newcomer.get_by_role("dialog")
    expect(dialog.get_by_text(f"Klara Sunward {suffix}")).to_be_visible()
    dialog.get_by_role("radio", name="3.5 stars", exact=True).click()
    dialog.get_by_role("button", name="Log it").click()
    expect(newcomer).to_have_url(re.compile(rf"/u/newcomer_{suffix}\?entry=\d+"))
    expect(newcomer.locator(".postcard").filter(has_text=f"Klara Sunward {suffix}")).to_be_visible()
