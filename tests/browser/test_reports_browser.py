"""Reporting in Chromium: a person reports a forum message with a reason; an admin finds it in
the queue and removes it, and the room shows it deleted at once."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.test_admin_browser import _person_page
from tests.browser.test_forums_browser import conversation, open_room, person, send

pytestmark = pytest.mark.browser


def test_report_a_message_and_an_admin_removes_it(new_page, browser, app) -> None:
    ana, ana_name = person(new_page, "ana")
    bob, _ = person(new_page, "bob")
    spam = f"Cheap watches, click here {uuid.uuid4().hex[:6]}"
    open_room(ana, "horror")
    send(ana, spam)
    open_room(bob, "horror")
    theirs = conversation(bob).get_by_test_id("message").filter(has_text=spam)
    expect(theirs).to_be_visible()
    # Nobody reports their own words: Ana has no Report button on her message.
    expect(
        conversation(ana).get_by_test_id("message").filter(has_text=spam).get_by_role("button", name="Report")
    ).to_have_count(0)

    theirs.get_by_role("button", name="Report").click()
    dialog = bob.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Report this message")).to_be_visible()
    dialog.get_by_label("Why? (optional)").fill("Spam <b>again</b>")
    dialog.get_by_role("button", name="Send report").click()
    # The dialog closes; the thanks is a toast.
    expect(bob.get_by_role("dialog")).to_have_count(0)
    expect(bob.get_by_text("Thank you. An admin will look at it.")).to_be_visible()
    # Twice is once; the dialog opens empty again.
    theirs.get_by_role("button", name="Report").click()
    expect(bob.get_by_role("dialog").get_by_label("Why? (optional)")).to_have_value("")
    bob.get_by_role("dialog").get_by_role("button", name="Send report").click()
    expect(bob.get_by_text("You reported this already; an admin will look at it.")).to_be_visible()
    # The next page opens without the dialog.
    bob.reload()
    expect(conversation(bob).get_by_text(spam)).to_be_visible()
    expect(bob.get_by_role("dialog")).to_have_count(0)

    context, admin = _person_page(browser, app, admin=True)
    try:
        admin.goto(app.url + "/admin/reports")
        thing = admin.get_by_test_id("reported-thing").filter(has_text=spam)
        expect(thing).to_be_visible()
        expect(thing).to_contain_text(f"@{ana_name}")
        expect(thing).to_contain_text("“Spam <b>again</b>”")
        thing.get_by_role("button", name="Remove").click()
        expect(admin.get_by_role("status")).to_have_text("Removed; 1 report closed.")
        expect(thing).to_have_count(0)
    finally:
        context.close()
    # Ana, still in the room, sees it deleted without a reload.
    expect(conversation(ana).get_by_text(spam)).to_have_count(0)
    expect(conversation(ana).get_by_text("message deleted").last).to_be_visible()
