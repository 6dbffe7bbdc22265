"""Text people can read: axe-core (from the npm registry, `make test` installs it) checks the
main pages for text contrast (WCAG 1.4.3, AA) and for links in running text told apart by colour
alone (1.4.1). Only these rules: axe reports other findings on these pages that are not fixed yet
(NOTES.md), and a test that passed by ignoring them would claim more than it checks.

The pages do not depend on the database, so this runs on one of them."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from slice_of_culture.config import PROJECT_ROOT
from tests.browser.conftest import IN_CI
from tests.browser.test_accounts_browser import _origin, nav, signup
from tests.browser.test_forums_browser import conversation, open_room, send
from tests.browser.test_postcards_browser import log_new_book

pytestmark = pytest.mark.browser

AXE = PROJECT_ROOT / ".tools/node_modules/axe-core/axe.min.js"
RULES = ["color-contrast", "link-in-text-block"]


def _violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (rules) => {
            const result = await axe.run(document, {runOnly: {type: "rule", values: rules}});
            return result.violations.flatMap(
                v => v.nodes.map(n => `${v.id}: ${n.target.join(" ")}: ${n.failureSummary}`)
            );
        }""",
        RULES,
    )
    return [re.sub(r"\s+", " ", line) for line in found]


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_text_on_the_main_pages_has_enough_contrast(new_page) -> None:
    if not AXE.exists():
        if IN_CI:
            pytest.fail("axe-core is not installed (make test installs it), and CI=true forbids skipping")
        pytest.skip("axe-core is not installed (make test installs it)")
    suffix = uuid.uuid4().hex[:6]
    page = new_page("/")
    signup(page, f"reader_{suffix}")
    checked = {}
    checked["/welcome"] = _violations(page)
    title = f"Readable {suffix}"
    log_new_book(page, title, "Ann Author", stars="4 stars", review="Plenty to say [about](it).")
    # The profile the log lands on: postcards with their badges, stars, times and buttons.
    expect(page.locator(".postcard").filter(has_text=title)).to_be_visible()
    checked[page.url.removeprefix(_origin(page))] = _violations(page)
    open_room(page, "books")
    send(page, f"Hello from {suffix}")
    expect(conversation(page).get_by_text(f"Hello from {suffix}")).to_be_visible()
    checked["/forums/books"] = _violations(page)
    for path, ready in [
        ("/", page.get_by_role("tab", name="Everyone")),
        ("/forums", page.get_by_role("heading", name="Forums", exact=True)),
        ("/for-you", page.get_by_role("heading", name="For you", exact=True)),
        ("/settings", page.get_by_role("region", name="Hidden from For you")),
        (f"/search?q={suffix}", page.get_by_role("link", name=re.compile(title))),
    ]:
        page.goto(_origin(page) + path)
        expect(ready).to_be_visible()
        expect(nav(page).get_by_role("link", name=re.compile(r"^Notifications"))).to_be_visible()
        checked[path] = _violations(page)
    problems = {path: found for path, found in checked.items() if found}
    assert not problems, "\n".join(f"{path}:\n  " + "\n  ".join(found) for path, found in problems.items())
