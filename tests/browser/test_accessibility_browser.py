"""The pages people use pass axe-core (from the npm registry; `make test` installs it) on every
rule it has for WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus its best practices: names that
contain the visible words (2.5.3), labelled file inputs and checkboxes, text contrast (1.4.3),
links in running text not told apart by colour alone (1.4.1), targets of at least 24 px (2.5.8),
tabs that control a panel that is there, headings that do not skip a level; in the light
appearance and in the dark one a system may ask for.

axe checks what a machine can; it does not prove a page usable (reading order, what a screen
reader says in context, keyboard traps). The pages do not depend on the database, so this runs on
one of them."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from slice_of_culture.config import PROJECT_ROOT
from slice_of_culture.db import make_engine, session_scope
from tests.browser.conftest import IN_CI
from tests.browser.test_accounts_browser import _origin, nav, signup
from tests.browser.test_forums_browser import conversation, open_room, send
from tests.browser.test_postcards_browser import log_new_book
from tests.utils.factories import make_entry, make_item, make_user

pytestmark = pytest.mark.browser

AXE = PROJECT_ROOT / ".tools/node_modules/axe-core/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def _someone_elses_postcard(database_url: str, suffix: str) -> str:
    """A public postcard by another person, planted in the app's database; its title."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            other = make_user(session, f"other_{suffix}")
            item = make_item(session, f"Theirs {suffix}", kind="music", creator="A Band")
            make_entry(session, other, item, status="finished", rating=8, review="Loud and good.")
    finally:
        engine.dispose()
    return f"Theirs {suffix}"


def _violations(page: Page) -> list[str]:
    """axe's findings on the page as it is now, one line per element."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.flatMap(
                v => v.nodes.map(n => `${v.id}: ${n.target.join(" ")}: ${n.failureSummary}`)
            );
        }""",
        TAGS,
    )
    return [re.sub(r"\s+", " ", line) for line in found]


def _check(checked: dict[str, list[str]], page: Page, what: str) -> None:
    checked[what] = _violations(page)


def _check_log_dialog(checked: dict[str, list[str]], page: Page, title: str, what: str) -> None:
    """The Log dialog open on a search for `title` (its results are buttons naming the items),
    checked, then closed."""
    nav(page).get_by_role("button", name="Log something").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Search").fill(title)
    expect(dialog.get_by_role("button", name=re.compile(title))).to_be_visible()
    _check(checked, page, what)
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_the_main_pages_pass_axe_for_wcag_a_and_aa(new_page, app) -> None:
    if not AXE.exists():
        if IN_CI:
            pytest.fail("axe-core is not installed (make test installs it), and CI=true forbids skipping")
        pytest.skip("axe-core is not installed (make test installs it)")
    suffix = uuid.uuid4().hex[:6]
    checked: dict[str, list[str]] = {}
    page = new_page("/login")
    # No fades: a toast or dialog caught halfway through one is paler than it ever rests.
    page.emulate_media(reduced_motion="reduce")
    expect(page.get_by_label("Username")).to_be_editable()
    _check(checked, page, "/login (logged out)")
    page.goto(_origin(page) + "/signup")
    expect(page.get_by_label("Username")).to_be_editable()
    _check(checked, page, "/signup (logged out)")

    signup(page, f"reader_{suffix}")
    _check(checked, page, "/welcome")
    title = f"Readable {suffix}"
    log_new_book(page, title, "Ann Author", stars="4 stars", review="Plenty to say [about](it).")
    # The profile the log lands on: postcards with their badges, stars, times and buttons.
    card = page.locator(".postcard").filter(has_text=title)
    expect(card).to_be_visible()
    _check(checked, page, "/u/<name>")
    # The Log dialog with search results (each a button naming the item).
    _check_log_dialog(checked, page, title, "Log something, with results")
    # The item page, and its "Add to list" dialog with a list in it (a labelled checkbox).
    card.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    _check(checked, page, "/item/<id>")
    page.get_by_role("button", name="Add to list").click()
    dialog = page.get_by_role("dialog", name="Add to list")
    dialog.get_by_label("New list title", exact=True).fill(f"Shelf {suffix}")
    dialog.get_by_role("button", name="Create and add").click()
    expect(dialog.get_by_role("checkbox", name=f"Shelf {suffix}")).to_be_checked()
    _check(checked, page, "Add to list, with a list")
    dialog.get_by_role("link", name="See your lists").click()
    page.get_by_test_id("profile-list").filter(has_text=f"Shelf {suffix}").click()
    expect(page.get_by_role("heading", name=f"Shelf {suffix}", level=1)).to_be_visible()
    _check(checked, page, "/lists/<id>")

    open_room(page, "books")
    send(page, f"Hello from {suffix}")
    expect(conversation(page).get_by_text(f"Hello from {suffix}")).to_be_visible()
    _check(checked, page, "/forums/books")
    for path, ready in [
        ("/", page.get_by_role("tab", name="Everyone")),
        ("/forums", page.get_by_role("heading", name="Forums", exact=True)),
        ("/for-you", page.get_by_role("heading", name="For you", exact=True)),
        ("/settings", page.get_by_role("region", name="Hidden from For you")),
        ("/import", page.get_by_role("heading", name="Import your history")),
        ("/notifications", page.get_by_role("heading", name="Notifications", exact=True)),
        (f"/search?q={suffix}", page.get_by_role("link", name=re.compile(title))),
    ]:
        page.goto(_origin(page) + path)
        expect(ready).to_be_visible()
        expect(nav(page).get_by_role("link", name=re.compile(r"^Notifications"))).to_be_visible()
        _check(checked, page, path)
    # Someone else's postcard in the Everyone feed: its Report button, and the report dialog.
    theirs = _someone_elses_postcard(app.database_url, suffix)
    page.goto(_origin(page) + "/")
    page.get_by_role("tab", name="Everyone").click()
    card = page.locator(".postcard").filter(has_text=theirs)
    card.get_by_role("button", name="Report").click()
    expect(page.get_by_role("dialog", name="Report this postcard")).to_be_visible()
    _check(checked, page, "Report dialog")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    _check(checked, page, "/ (Everyone, with a Report button)")
    # A dark system appearance (the app follows it): the same pages, and a dialog, in dark.
    page.emulate_media(color_scheme="dark", reduced_motion="reduce")
    for path, ready in [
        ("/", page.get_by_role("tab", name="Everyone")),
        ("/settings", page.get_by_role("region", name="Hidden from For you")),
        ("/forums/books", conversation(page).get_by_text(f"Hello from {suffix}")),
    ]:
        page.goto(_origin(page) + path)
        expect(ready).to_be_visible()
        _check(checked, page, f"{path} (dark)")
    _check_log_dialog(checked, page, title, "Log something (dark)")
    # A phone: the narrow bar, and its menu open.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(_origin(page) + "/")
    nav(page).get_by_role("button", name="Menu").click()
    expect(page.get_by_role("dialog", name="Menu").get_by_role("link", name="Forums")).to_be_visible()
    _check(checked, page, "/ on a phone, menu open")
    problems = {what: found for what, found in checked.items() if found}
    assert not problems, "\n".join(f"{what}:\n  " + "\n  ".join(found) for what, found in problems.items())


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_the_first_tab_skips_the_navbar(new_page) -> None:
    page = new_page("/login")
    expect(page.get_by_label("Username")).to_be_editable()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # Past the navbar's links: the next stop is the page's first field.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()


def _tab_to(page: Page, name: str, *, limit: int = 25) -> None:
    """Press Tab until the focused element's accessible text starts with `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return (e.getAttribute('aria-label') || e.innerText || e.name || '').trim(); })()"
        )
        if focused.startswith(name):
            return
    raise AssertionError(f"Tab never reached {name!r}")


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_logging_a_postcard_with_the_keyboard_alone(new_page) -> None:
    """The Log dialog from the navbar to the postcard without a pointer: open and close it (focus
    comes back), search, choose, stars with the arrow keys, review, "Log it"."""
    suffix = uuid.uuid4().hex[:6]
    page = new_page("/")
    signup(page, f"keys_{suffix}")
    title = f"Keyed {suffix}"
    log_new_book(page, title, "Kay Board", stars="2 stars", review="First read.")
    expect(page.locator(".postcard").filter(has_text="First read.")).to_be_visible()

    _tab_to(page, "Log something")
    opener = nav(page).get_by_role("button", name="Log something")
    # Closed with Escape, the dialog gives focus back to the button that opened it.
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Log something")
    expect(dialog.get_by_label("Search")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(opener).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Search")).to_be_focused()
    page.keyboard.type(title)
    expect(dialog.get_by_role("button", name=re.compile(f"^Choose {title}"))).to_be_visible()
    _tab_to(page, "Choose")
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Status")).to_be_visible()
    # The stars are radios: Tab reaches the group (its first star), the arrow keys move the rating.
    _tab_to(page, "rating")
    expect(dialog.get_by_role("radio", name="0.5 stars", exact=True)).to_be_focused()
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    expect(dialog.get_by_role("radio", name="4.5 stars", exact=True)).to_be_checked()
    _tab_to(page, "review")
    page.keyboard.type("Better the second time, by keyboard.")
    _tab_to(page, "Log it")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_have_count(0)
    card = page.locator(".postcard").filter(has_text="Better the second time, by keyboard.")
    expect(card.get_by_role("img", name="4.5 stars")).to_be_visible()
