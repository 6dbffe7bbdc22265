"""Confirming the sign-up email, in Chromium: a person signs up, Settings says the address is
not confirmed yet (and asking for the link again at once is refused with the server's message),
the link from the mail opens a page that names the address and the account and confirms only
on the button, and Settings then shows the address confirmed. A forged link says so."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.test_accounts_browser import _origin, nav, signup
from tests.browser.test_password_reset_browser import _mailed_link

pytestmark = pytest.mark.browser


def test_the_link_mailed_at_sign_up_confirms_the_email(new_page, app) -> None:
    name = f"confirming_{uuid.uuid4().hex[:6]}"
    address = f"{name}@example.com"
    page = new_page("/")
    signup(page, name)
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    page.goto(_origin(page) + "/settings")
    section = page.get_by_role("region", name="Email", exact=True)
    expect(section).to_contain_text("Not confirmed yet.")
    # The sign-up mail went a moment ago: another is refused for now, and the page says why.
    section.get_by_role("button", name="Send the link again").click()
    expect(section.get_by_role("alert")).to_contain_text("You are asking for links too fast.")

    forged = new_page("/verify-email?token=1.99999999999.00000000000000000000000000000000")
    expect(forged.get_by_role("alert")).to_contain_text("This link is not valid")
    expect(forged.get_by_role("button", name="Confirm my email")).to_have_count(0)

    link = _mailed_link(app, address)
    assert link.startswith(f"{app.url}/verify-email?token=")
    # Opened where the mail is read: no login there, and nothing happens before the button.
    mailbox = new_page(link.removeprefix(app.url))
    expect(mailbox.get_by_text(f"for @{name}?")).to_be_visible()
    expect(mailbox.get_by_text(address, exact=True)).to_be_visible()
    page.reload()
    expect(page.get_by_role("region", name="Email", exact=True)).to_contain_text("Not confirmed yet.")
    mailbox.get_by_role("button", name="Confirm my email").click()
    expect(mailbox.get_by_role("status")).to_have_text(f"Done: {address} is confirmed. Thank you!")

    page.reload()
    section = page.get_by_role("region", name="Email", exact=True)
    expect(section).to_contain_text("Confirmed: it is yours.")
    expect(section).not_to_contain_text("Not confirmed yet")
    expect(section.get_by_role("button", name="Send the link again")).to_have_count(0)
