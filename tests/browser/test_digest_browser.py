"""The notification digest, in Chromium: Settings has it on for a new account; the "stop these
mails" link from a digest, opened where the mail is read (no login), turns it off after one
click, Settings shows it off and turns it back on; a forged link changes nothing. The time zone
it comes in is UTC until Settings saves another."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from slice_of_culture.db import make_engine, session_scope
from slice_of_culture.services import accounts, digests
from tests.browser.test_accounts_browser import _origin, nav, signup

pytestmark = pytest.mark.browser

DIGEST_LABEL = "Email me, at most once a day, about notifications I have not seen"


def _user_id(database_url: str, username: str) -> int:
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return accounts.get_user_by_username(session=session, username=username).id
    finally:
        engine.dispose()


def test_the_digest_link_turns_it_off_and_settings_turns_it_back_on(new_page, app) -> None:
    name = f"digest_{uuid.uuid4().hex[:6]}"
    page = new_page("/")
    signup(page, name)
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    page.goto(_origin(page) + "/settings")
    digest = page.get_by_role("checkbox", name=DIGEST_LABEL)
    expect(digest).to_be_checked()

    user_id = _user_id(app.database_url, name)
    forged = new_page(f"/unsubscribe?token={user_id}.{'0' * 32}")
    expect(forged.get_by_role("alert")).to_contain_text("This link is not one we sent")
    expect(forged.get_by_role("button", name="Stop these mails")).to_have_count(0)

    mailbox = new_page(f"/unsubscribe?token={digests.unsubscribe_token(user_id)}")
    expect(mailbox.get_by_text(f"notifications @{name} has not seen")).to_be_visible()
    mailbox.get_by_role("button", name="Stop these mails").click()
    expect(mailbox.get_by_role("status")).to_contain_text("Done: no more digests")

    page.reload()
    digest = page.get_by_role("checkbox", name=DIGEST_LABEL)
    expect(digest).not_to_be_checked()
    digest.click()
    expect(digest).to_be_checked()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_role("checkbox", name=DIGEST_LABEL)).to_be_checked()

    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("UTC")
    expect(page.get_by_text("Your digest comes around 08:00, UTC time.")).to_be_visible()
    zone.select_option(label="Tokyo")  # listed under Asia by its city
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your digest comes around 08:00, Tokyo time.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
