"""Reporting in Chromium: a person reports a forum message with a reason; an admin finds it in
the queue and removes it, the room shows it deleted at once, and the reporter and the author
each get a notice from the moderators."""

from __future__ import annotations

import re
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

    report = theirs.get_by_role("button", name="Report")
    # Escape closes it and the keyboard's focus is back on the button that opened it.
    report.click()
    expect(bob.get_by_role("dialog").get_by_role("heading", name="Report this message")).to_be_visible()
    bob.keyboard.press("Escape")
    expect(bob.get_by_role("dialog")).to_have_count(0)
    expect(report).to_be_focused()
    report.click()
    dialog = bob.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Report this message")).to_be_visible()
    dialog.get_by_label("Why? (optional)").fill("Spam <b>again</b>")
    dialog.get_by_role("button", name="Send report").click()
    # The dialog closes, focus goes back to the button; the thanks is a toast.
    expect(bob.get_by_role("dialog")).to_have_count(0)
    expect(report).to_be_focused()
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
        # The navbar tells the admin how many reported things wait (other tests' reports too).
        waiting = admin.get_by_role("link", name=re.compile(r"^Admin \(\d+ reported things waiting\)$"))
        expect(waiting).to_be_visible()
        before = int(re.search(r"\d+", waiting.get_attribute("aria-label")).group())
        expect(thing).to_contain_text(f"@{ana_name}")
        expect(thing).to_contain_text("“Spam <b>again</b>”")
        thing.get_by_role("button", name="Remove").click()
        expect(admin.get_by_role("status")).to_have_text("Removed; 1 report closed.")
        expect(thing).to_have_count(0)
        # The log of decisions shows it, with who decided.
        decision = admin.get_by_test_id("decision").filter(has_text=spam)
        expect(decision).to_contain_text("Removed")
        expect(decision).to_contain_text(f"the message in Horror “{spam}” by @{ana_name}")
        left = f"Admin ({before - 1} reported things waiting)" if before > 1 else "Admin"
        expect(admin.get_by_role("link", name=left, exact=True)).to_be_visible()
    finally:
        context.close()
    # Ana, still in the room, sees it deleted without a reload.
    expect(conversation(ana).get_by_text(spam)).to_have_count(0)
    expect(conversation(ana).get_by_text("message deleted").last).to_be_visible()

    # Both hear what the moderators did, from the team, not from the admin by name; the reason
    # Bob gave is not shown to Ana.
    for page, text in (
        (bob, f"removed the message in Horror “{spam}” by @{ana_name}, which you reported. Thank you."),
        (ana, f"removed your message in Horror “{spam}” after a report: it broke the rules."),
    ):
        page.goto(app.url + "/")
        expect(page.get_by_role("link", name=re.compile(r"Notifications \(\d+ unread\)"))).to_be_visible()
        page.goto(app.url + "/notifications")
        notice = page.get_by_test_id("notification").filter(has_text=text)
        expect(notice).to_have_text(re.compile(r"^The moderators " + re.escape(text)))
        expect(page.get_by_text("again")).to_have_count(0)
    # The notice leads to the rules it was judged by.
    notice.click()
    expect(ana.get_by_role("heading", name="Community rules", level=1)).to_be_visible()
    expect(ana).to_have_url(re.compile(r"/rules$"))


def test_a_deactivated_accounts_messages_leave_open_rooms(new_page, browser, app) -> None:
    # An admin closes an account from the queue: its messages leave the rooms people have open
    # now, without a reload, and it leaves "Here now".
    troll, troll_name = person(new_page, "troll")
    bob, _ = person(new_page, "bob")
    spam = f"Follow me for free films {uuid.uuid4().hex[:6]}"
    open_room(troll, "jazz")
    send(troll, spam)
    bob.goto(app.url + f"/u/{troll_name}")
    bob.get_by_role("button", name="Report").first.click()
    dialog = bob.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name=f"Report @{troll_name}")).to_be_visible()
    dialog.get_by_role("button", name="Send report").click()
    expect(bob.get_by_text("Thank you. An admin will look at it.")).to_be_visible()
    open_room(bob, "jazz")
    expect(conversation(bob).get_by_text(spam)).to_be_visible()
    expect(bob.get_by_test_id("present-person").filter(has_text=troll_name)).to_be_visible()

    context, admin = _person_page(browser, app, admin=True)
    try:
        admin.goto(app.url + "/admin/reports")
        thing = admin.get_by_test_id("reported-thing").filter(has_text=f"@{troll_name}")
        thing.get_by_role("button", name="Deactivate").click()
        expect(admin.get_by_role("status")).to_have_text(f"Deactivated @{troll_name}; 1 report closed.")
    finally:
        context.close()
    expect(conversation(bob).get_by_text(spam)).to_have_count(0)
    expect(bob.get_by_test_id("present-person").filter(has_text=troll_name)).to_have_count(0)
    # And so it stays after a reload: the history comes from the database.
    bob.reload()
    expect(bob.get_by_label("Message")).to_be_editable()
    expect(conversation(bob).get_by_text(spam)).to_have_count(0)
