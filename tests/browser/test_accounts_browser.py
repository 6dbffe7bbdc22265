"""What a person does with an account, in Chromium against the real app."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "a-long-enough-password"


def _name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def nav(page: Page):
    """The main navigation bar (where Log in / Log out live)."""
    return page.get_by_role("navigation", name="Main")


def _origin(page: Page) -> str:
    scheme, _, host = page.url.split("/", 3)[:3]
    return f"{scheme}//{host}"


def submit_signup(page: Page, username: str, password: str = PASSWORD, email: str | None = None) -> None:
    """Fill in and send the sign-up form (it may be refused: see `signup` for one that lands)."""
    page.goto(_origin(page) + "/signup")
    expect(nav(page).get_by_role("link", name="Log in", exact=True)).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(email or f"{username}@example.com")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign up").click()


def signup(page: Page, username: str, password: str = PASSWORD, email: str | None = None) -> None:
    """Sign up and wait until the welcome step has loaded, signed in.

    Whatever a test does next must not race the move from /signup to /welcome: that move mounts
    the page afresh, and CI caught it dropping a search typed into the "Log something" dialog
    while the quarter-second debounce was still waiting."""
    submit_signup(page, username, password, email)
    expect(page).to_have_url(re.compile(r"/welcome/?$"))
    expect(page.get_by_role("heading", name="What do you like?", level=1)).to_be_visible()
    # Signed in, at any width (on a phone "Log out" sits in the menu; the bell is in the bar).
    expect(nav(page).get_by_role("link", name=re.compile(r"^Notifications"))).to_be_visible()


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    expect(page.get_by_label("Username")).to_be_editable()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_sign_up_log_out_log_in(new_page) -> None:
    page = new_page("/")
    name = _name("ana")
    signup(page, name)
    logout = page.get_by_role("button", name="Log out")
    expect(logout).to_be_visible()
    expect(page.get_by_role("link", name="Your profile")).to_have_attribute("href", f"/u/{name}")
    logout.click()
    expect(nav(page).get_by_role("link", name="Log in", exact=True)).to_be_visible()
    nav(page).get_by_role("link", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login"))
    login(page, name.upper())  # usernames are case-insensitive
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_wrong_password_is_refused_with_a_message(new_page) -> None:
    page = new_page("/")
    name = _name("bob")
    signup(page, name)
    page.get_by_role("button", name="Log out").click()
    page.goto(_origin(page) + "/login")
    login(page, name, "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_duplicate_username_and_bad_fields_show_messages_next_to_the_fields(new_page) -> None:
    first = new_page("/")
    name = _name("dup")
    signup(first, name)
    expect(first.get_by_role("button", name="Log out")).to_be_visible()

    page = new_page("/")
    submit_signup(page, name.upper(), email=f"other_{name}@example.com")
    expect(page.locator("#username-error")).to_have_text("That username is taken.")
    expect(page.get_by_label("Username")).to_have_attribute("aria-describedby", "username-error")
    submit_signup(page, "x!", password="short", email="nope")
    expect(page.locator("#username-error")).to_contain_text("3–30 characters")
    expect(page.locator("#email-error")).to_contain_text("valid email")
    expect(page.locator("#password-error")).to_contain_text("at least 8 characters")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_protected_page_redirects_to_login_and_comes_back(new_page) -> None:
    page = new_page("/")
    name = _name("cleo")
    signup(page, name)
    page.get_by_role("button", name="Log out").click()
    expect(nav(page).get_by_role("link", name="Log in", exact=True)).to_be_visible()

    page.goto(_origin(page) + "/settings")
    expect(page).to_have_url(re.compile(r"/login/?\?next=/settings"))
    login(page, name)
    expect(page).to_have_url(re.compile(r"/settings/?$"))
    expect(page.get_by_label("Display name")).to_have_value(name)


def test_a_stale_or_forged_session_cookie_cannot_act_as_anyone(new_page, browser, app) -> None:
    page = new_page("/")
    name = _name("dana")
    signup(page, name)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "soc_session")
    assert token
    page.get_by_role("button", name="Log out").click()
    expect(nav(page).get_by_role("link", name="Log in", exact=True)).to_be_visible()

    # Another browser presents the logged-out token, then a forged one: neither is a login.
    for value in (token, "forged-" + token[:20]):
        context = browser.new_context()
        try:
            context.add_cookies([{"name": "soc_session", "value": value, "url": app.url}])
            other = context.new_page()
            other.goto(app.url + "/settings")
            expect(other).to_have_url(re.compile(r"/login/?\?next=/settings"))
            expect(nav(other).get_by_role("button", name="Log out")).to_have_count(0)
        finally:
            context.close()


def test_html_in_a_display_name_is_shown_as_text(new_page) -> None:
    page = new_page("/")
    name = _name("eve")
    signup(page, name)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(_origin(page) + "/settings")
    field = page.get_by_label("Display name")
    expect(field).to_have_value(name)
    payload = "<img src=x onerror=alert(1)>"
    field.fill(payload)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    page.goto(_origin(page) + f"/u/{name}")
    expect(page.get_by_role("heading", name=payload)).to_be_visible()
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []


def test_on_a_phone_the_navbar_fits_and_its_menu_works(new_page) -> None:
    page = new_page("/", viewport={"width": 390, "height": 844})
    name = _name("phone")
    signup(page, name)
    bar = nav(page)
    expect(bar.get_by_role("button", name="Log something")).to_be_visible()
    expect(bar.get_by_role("link", name="Notifications")).to_be_visible()
    # Nothing sticks out sideways: the page is as wide as the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The wide bar's links are out of the page, not merely pushed off screen.
    expect(bar.get_by_role("link", name="Forums")).to_have_count(0)
    bar.get_by_role("button", name="Menu").click()
    menu = page.get_by_role("dialog")
    for link in ("Postcards", "Forums", "For you", "Search", "Your profile", "Settings"):
        expect(menu.get_by_role("link", name=link)).to_be_visible()
    expect(menu.get_by_role("link", name="Your profile")).to_have_attribute("href", f"/u/{name}")
    menu.get_by_role("link", name="Forums").click()
    expect(page).to_have_url(re.compile(r"/forums/?$"))
    expect(page.get_by_role("heading", name="Forums", exact=True)).to_be_visible()
    bar.get_by_role("button", name="Menu").click()
    page.get_by_role("dialog").get_by_role("button", name="Log out").click()
    expect(bar.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_wide_navbar_is_one_row_from_992_px(new_page) -> None:
    # 62em, where the wide bar starts: every link in one row, some of them icons with names.
    page = new_page("/", viewport={"width": 992, "height": 800})
    name = _name("wide")
    signup(page, name)
    # Signing up lands on the welcome step: measure the bar there, not while the page changes
    # under it (a box taken mid-navigation is None).
    expect(page).to_have_url(re.compile(r"/welcome/?$"))
    bar = nav(page)
    expect(bar.get_by_role("button", name="Log out")).to_be_visible()
    for link in ("Postcards", "Forums", "For you", "Search", "Your profile", "Settings", "Notifications"):
        expect(bar.get_by_role("link", name=link)).to_be_visible()
    page.wait_for_load_state("networkidle")
    first, last = (bar.get_by_role("link", name=link).bounding_box() for link in ("Postcards", "Settings"))
    assert first is not None and last is not None, "the navbar links have no box"
    assert abs(first["y"] - last["y"]) < 20, "the navbar wrapped onto a second row"
    assert page.evaluate("document.documentElement.scrollWidth") <= 992
    bar.get_by_role("link", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/?$"))


def test_change_password_in_settings_logs_out_other_devices(new_page) -> None:
    name = _name("pw")
    page = new_page("/")
    signup(page, name)
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    laptop = new_page("/login")
    login(laptop, name)
    expect(nav(laptop).get_by_role("button", name="Log out")).to_be_visible()

    page.goto(_origin(page) + "/settings")
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password").fill("brand-new-password")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("That is not your current password.")).to_be_visible()
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status").filter(has_text="Password changed.")).to_contain_text("1 other device")
    expect(page.get_by_label("New password")).to_have_value("")

    laptop.reload()
    expect(nav(laptop).get_by_role("link", name="Log in", exact=True)).to_be_visible()
    page.reload()
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    nav(page).get_by_role("button", name="Log out").click()
    nav(page).get_by_role("link", name="Log in", exact=True).click()
    login(page, name, "brand-new-password")
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()


def test_delete_account_in_settings_needs_the_password_and_logs_out_for_good(new_page) -> None:
    name = _name("bye")
    page = new_page("/")
    signup(page, name)
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    page.goto(_origin(page) + "/settings")
    page.get_by_label("Your password, to confirm").fill("not-my-password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That is not your current password.")).to_be_visible()
    page.get_by_label("Your password, to confirm").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(nav(page).get_by_role("link", name="Log in", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto(_origin(page) + f"/u/{name}")
    expect(page.get_by_text(re.compile("not found|No such", re.IGNORECASE)).first).to_be_visible()
    page.goto(_origin(page) + "/login")
    login(page, name)
    expect(page.get_by_text("Wrong username or password.")).to_be_visible()
