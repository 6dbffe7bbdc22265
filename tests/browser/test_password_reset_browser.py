"""Forgot your password, in Chromium: ask from the login page, open the mailed link (the app's
outbox, as no SMTP server is set), choose a new password and arrive logged in; the old password
and the used link no longer work, and a phone logged in before is logged out. A new email set in
Settings takes effect through the link mailed to it (a cancelled one's link is dead), the old
address is told, and reset links go to the new one."""

from __future__ import annotations

import email
import re
import time
import uuid
from email import policy

import pytest
from playwright.sync_api import expect

from tests.browser.test_accounts_browser import PASSWORD, _origin, login, nav, signup

pytestmark = pytest.mark.browser

NEW_PASSWORD = "remembered-this-time"


def _mailed_body(app, to: str) -> str:  # noqa: ANN001
    """The newest mail to `to` in the app's outbox (waits for it a little)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for path in sorted((app.data_dir / "outbox").glob("*.eml"), reverse=True):
            msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if msg["To"] == to:
                return msg.get_content()
        time.sleep(0.2)
    raise AssertionError(f"no mail to {to}")


def _mailed_link(app, to: str) -> str:  # noqa: ANN001
    """The reset link in the newest mail to `to`."""
    return re.search(r"https?://\S+", _mailed_body(app, to)).group(0)


def test_forgot_password_mails_a_link_that_sets_a_new_one_once(new_page, app) -> None:
    name = f"forgetful_{uuid.uuid4().hex[:6]}"
    phone = new_page("/")
    signup(phone, name)
    expect(nav(phone).get_by_role("button", name="Log out")).to_be_visible()

    page = new_page("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url(re.compile(r"/forgot-password"))
    # Nothing typed: a message at the field.
    page.get_by_role("button", name="Send reset link").click()
    expect(page.locator("#who-error")).to_have_text("Enter your username or email.")
    page.get_by_label("Username or email").fill(f"{name.upper()}@example.com")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("status").filter(has_text="If an account matches")).to_be_visible()
    # Someone without an account is told the very same.
    stranger = new_page("/forgot-password")
    stranger.get_by_label("Username or email").fill(f"nobody_{uuid.uuid4().hex[:6]}")
    stranger.get_by_role("button", name="Send reset link").click()
    expect(stranger.get_by_role("status").filter(has_text="If an account matches")).to_be_visible()

    link = _mailed_link(app, f"{name}@example.com")
    # The link names the site as PUBLIC_URL's default does: localhost and the app's port.
    assert link.startswith(f"{app.url}/reset-password?token=")
    page.goto(link)
    new = page.get_by_label("New password")
    new.fill("short")
    page.get_by_role("button", name="Set new password").click()
    expect(page.locator("#password-error")).to_have_text("Password must be at least 8 characters.")
    new.fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))

    # The phone's login ended with the old password.
    phone.goto(_origin(phone) + "/settings")
    expect(phone).to_have_url(re.compile(r"/login"))
    login(phone, name, PASSWORD)
    expect(phone.get_by_role("alert")).to_have_text("Wrong username or password.")
    login(phone, name, NEW_PASSWORD)
    expect(nav(phone).get_by_role("button", name="Log out")).to_be_visible()

    # The link worked once.
    again = new_page(link.removeprefix(app.url))
    expect(again.get_by_role("alert")).to_contain_text("This link has expired or was already used")
    expect(again.get_by_label("New password")).to_have_count(0)
    expect(again.get_by_role("link", name="Ask for a new link")).to_be_visible()


def test_a_new_email_takes_effect_through_the_link_mailed_to_it_and_reset_links_follow(new_page, app) -> None:
    name = f"moving_{uuid.uuid4().hex[:6]}"
    new_address = f"{name}@new.example.org"
    page = new_page("/")
    signup(page, name)
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    page.goto(_origin(page) + "/settings")
    section = page.get_by_role("region", name="Email", exact=True)
    expect(section).to_contain_text(f"{name}@example.com")
    section.get_by_label("New email").fill(new_address)
    section.get_by_label("Password to change your email").fill("not my password")
    section.get_by_role("button", name="Change email").click()
    expect(page.locator("#email_password-error")).to_have_text("That is not your current password.")

    # A typo, noticed and cancelled: its link no longer works.
    section.get_by_label("New email").fill(f"{name}@typo.example.org")
    section.get_by_label("Password to change your email").fill(PASSWORD)
    section.get_by_role("button", name="Change email").click()
    expect(section).to_contain_text(f"Waiting for you to open the link we sent to {name}@typo.example.org")
    typo_link = _mailed_link(app, f"{name}@typo.example.org")
    section.get_by_role("button", name="Cancel the change").click()
    expect(section.get_by_role("status")).to_have_text(f"Your email stays {name}@example.com.")
    expect(section).not_to_contain_text("Waiting for you")
    gone = new_page(typo_link.removeprefix(app.url))
    expect(gone.get_by_role("alert")).to_contain_text("This link has expired or was already used")
    expect(gone.get_by_role("button", name="Confirm email")).to_have_count(0)

    section.get_by_label("New email").fill(new_address)
    section.get_by_label("Password to change your email").fill(PASSWORD)
    section.get_by_role("button", name="Change email").click()
    expect(section.get_by_role("status")).to_have_text(
        f"We sent a link to {new_address}. Open it to make that your email."
    )
    expect(section).to_contain_text(f"Waiting for you to open the link we sent to {new_address}")
    # Nothing changed yet.
    expect(section.get_by_text(f"{name}@example.com", exact=True)).to_be_visible()

    # The link, opened where the new mail is read (no login there).
    mailbox = new_page(_mailed_link(app, new_address).removeprefix(app.url))
    expect(mailbox.get_by_text(f"the email of @{name}")).to_be_visible()
    mailbox.get_by_role("button", name="Confirm email").click()
    expect(mailbox.get_by_role("status")).to_have_text(f"Done: your email is now {new_address}.")
    # The old address heard of it.
    assert "was changed from this address" in _mailed_body(app, f"{name}@example.com")
    page.reload()
    section = page.get_by_role("region", name="Email", exact=True)
    expect(section.get_by_text(new_address, exact=True)).to_be_visible()
    expect(section).not_to_contain_text("Waiting for you")

    page.get_by_role("button", name="Log out").click()
    page.goto(_origin(page) + "/forgot-password")
    page.get_by_label("Username or email").fill(name)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("status").filter(has_text="If an account matches")).to_be_visible()
    assert _mailed_link(app, new_address).startswith(f"{app.url}/reset-password?token=")
