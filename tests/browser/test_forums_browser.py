"""Forums in Chromium against the real app: live chat between two browsers, history for people
who come later, HTML shown as text, presence, unread counts, edit/delete, flood control,
archived forums, and the login rule for reading rooms."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import Page, expect

from slice_of_culture.db import make_engine, session_scope
from slice_of_culture.services import accounts, forums
from tests.browser.test_accounts_browser import PASSWORD, _origin, login, nav, signup

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


def _suffix() -> str:
    return uuid.uuid4().hex[:6]


def person(new_page, prefix: str) -> tuple[Page, str]:  # noqa: ANN001
    """A new person signed up in a browser context of their own."""
    page = new_page("/")
    name = f"{prefix}_{_suffix()}"
    signup(page, name)
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    return page, name


def open_room(page: Page, slug: str) -> None:
    page.goto(_origin(page) + f"/forums/{slug}")
    expect(page.get_by_label("Message")).to_be_editable()


def send(page: Page, text: str, *, enter: bool = True) -> None:
    box = page.get_by_label("Message")
    box.fill(text)
    if enter:
        box.press("Enter")
    else:
        page.get_by_role("button", name="Send").click()


def conversation(page: Page):
    return page.get_by_role("log", name="Conversation")


def test_two_people_chat_live_and_latecomers_get_the_history(new_page) -> None:
    a, a_name = person(new_page, "ana")
    b, b_name = person(new_page, "bob")
    open_room(a, "books")
    open_room(b, "books")
    # Each sees the other in "Here now".
    expect(a.get_by_test_id("present-person").filter(has_text=b_name)).to_be_visible()

    hello, reply = f"Anyone read Piranesi? {_suffix()}", f"@{a_name} yes, loved it {_suffix()}"
    send(a, hello)
    # B sees it live, within a second (plus a little slack for a loaded CI machine).
    started = time.monotonic()
    expect(conversation(b).get_by_text(hello)).to_be_visible(timeout=3_000)
    assert time.monotonic() - started < 1.5
    expect(a.get_by_label("Message")).to_have_value("")
    send(b, reply, enter=False)
    expect(conversation(a).get_by_text(reply)).to_be_visible(timeout=3_000)

    c, _ = person(new_page, "cy")
    open_room(c, "books")
    for text in (hello, reply):
        expect(conversation(c).get_by_text(text)).to_be_visible()
    c.reload()
    expect(conversation(c).get_by_text(reply)).to_be_visible()
    expect(conversation(c).get_by_text(hello)).to_be_visible()
    # In order, with who said what.
    rows = conversation(c).get_by_test_id("message")
    texts = rows.all_inner_texts()
    assert next(i for i, t in enumerate(texts) if hello in t) < next(i for i, t in enumerate(texts) if reply in t)
    expect(rows.filter(has_text=reply).get_by_role("link", name=b_name)).to_be_visible()
    # The @name in B's reply is a link to A's profile.
    mention = rows.filter(has_text=reply).get_by_role("link", name=f"@{a_name}")
    expect(mention).to_have_attribute("href", f"/u/{a_name}")

    # B leaves by the "All forums" link: A's "Here now" drops B.
    b.get_by_role("link", name="All forums").click()
    expect(b).to_have_url(re.compile(r"/forums/?$"))
    expect(a.get_by_test_id("present-person").filter(has_text=b_name)).to_have_count(0)
    assert a_name  # A is still here
    expect(a.get_by_test_id("present-person").filter(has_text=a_name)).to_be_visible()


def test_html_in_a_message_is_shown_as_text_to_the_other_person(new_page) -> None:
    a, _ = person(new_page, "eve")
    b, _ = person(new_page, "fay")
    dialogs: list[str] = []
    b.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_room(a, "music")
    open_room(b, "music")
    text = f"{XSS} {_suffix()}"
    send(a, text)
    expect(conversation(b).get_by_text(text)).to_be_visible(timeout=3_000)
    assert conversation(b).locator("img").count() == 0
    b.reload()
    expect(conversation(b).get_by_text(text)).to_be_visible()
    assert b.locator("img[src='x']").count() == 0
    assert dialogs == []


def test_visitors_see_the_list_but_must_log_in_to_read_or_post(new_page) -> None:
    page = new_page("/forums")
    expect(page.get_by_role("heading", name="Books")).to_be_visible()
    page.goto(_origin(page) + "/forums/books")
    expect(page).to_have_url(re.compile(r"/login/?\?next=/forums/books"))
    expect(page.get_by_label("Message")).to_have_count(0)
    # ... and come back to the room after logging in.
    _, name = person(new_page, "gus")
    page.goto(_origin(page) + "/login?next=/forums/books")
    login(page, name, PASSWORD)
    expect(page).to_have_url(re.compile(r"/forums/books/?$"))
    expect(page.get_by_label("Message")).to_be_editable()


def test_edit_and_delete_own_messages_live(new_page) -> None:
    a, _ = person(new_page, "hal")
    b, _ = person(new_page, "ivy")
    open_room(a, "jazz")
    open_room(b, "jazz")
    text = f"Kind of Blue is overrated {_suffix()}"
    send(a, text)
    mine = conversation(a).get_by_test_id("message").filter(has_text=text)
    expect(mine).to_be_visible()
    # B cannot edit or delete A's message.
    theirs = conversation(b).get_by_test_id("message").filter(has_text=text)
    expect(theirs).to_be_visible()
    expect(theirs.get_by_role("button", name="Edit")).to_have_count(0)
    expect(theirs.get_by_role("button", name="Delete")).to_have_count(0)

    mine.get_by_role("button", name="Edit").click()
    edited = text.replace("overrated", "perfect")
    a.get_by_label("Edit message").fill(edited)
    a.get_by_label("Edit message").press("Enter")
    expect(conversation(b).get_by_test_id("message").filter(has_text=edited)).to_contain_text("(edited)")

    conversation(a).get_by_test_id("message").filter(has_text=edited).get_by_role("button", name="Delete").click()
    expect(conversation(b).get_by_text(edited)).to_have_count(0)
    expect(conversation(b).get_by_text("message deleted").last).to_be_visible()


def test_a_deleted_account_leaves_open_rooms_with_its_messages(new_page) -> None:
    a, a_name = person(new_page, "kit")
    b, b_name = person(new_page, "lou")
    open_room(a, "music")
    open_room(b, "music")
    expect(a.get_by_test_id("present-person").filter(has_text=b_name)).to_be_visible()
    theirs, mine = f"Goldberg Variations, 1955 or 1981? {_suffix()}", f"1981, always {_suffix()}"
    send(b, theirs)
    send(a, mine)
    expect(conversation(a).get_by_text(theirs)).to_be_visible()
    # B deletes their account from another tab, the room still open in the first.
    settings = b.context.new_page()
    settings.goto(_origin(b) + "/settings")
    settings.get_by_label("Your password, to confirm").fill(PASSWORD)
    settings.get_by_role("button", name="Delete my account").click()
    expect(nav(settings).get_by_role("link", name="Log in", exact=True)).to_be_visible()
    # A's open room lets B's message and B go, without a reload; A's own message stays.
    expect(conversation(a).get_by_text(theirs)).to_have_count(0)
    expect(a.get_by_test_id("present-person").filter(has_text=b_name)).to_have_count(0)
    expect(conversation(a).get_by_text(mine)).to_be_visible()
    expect(a.get_by_test_id("present-person").filter(has_text=a_name)).to_be_visible()


def test_too_long_and_too_fast_are_refused_with_a_note(new_page) -> None:
    a, _ = person(new_page, "jo")
    open_room(a, "science-fiction")
    send(a, "x" * 2001)
    expect(a.get_by_role("alert")).to_contain_text("at most 2,000 characters")
    # The words are given back, not lost.
    expect(a.get_by_label("Message")).to_have_value("x" * 2001)
    tag = _suffix()
    for i in range(6):
        send(a, f"flood {tag} {i}")
        if i < 5:
            expect(conversation(a).get_by_text(f"flood {tag} {i}")).to_be_visible()
    expect(a.get_by_role("alert")).to_contain_text("too fast")
    expect(conversation(a).get_by_text(f"flood {tag} 5")).to_have_count(0)


def test_unread_counts_show_on_the_list_and_clear_when_read(new_page) -> None:
    a, _ = person(new_page, "kim")
    b, _ = person(new_page, "lou")
    open_room(b, "movies")  # B is a member now
    b.get_by_role("link", name="All forums").click()
    open_room(a, "movies")
    send(a, f"Dune part two tonight? {_suffix()}")
    send(a, f"Seven o'clock {_suffix()}")
    expect(conversation(a).get_by_test_id("message")).not_to_have_count(0)
    b.reload()
    row = b.get_by_test_id("forum-row").filter(has=b.get_by_role("heading", name="Movies"))
    expect(row.get_by_test_id("forum-unread")).to_have_text("2 unread")
    row.get_by_role("link", name="Movies").click()
    expect(b.get_by_label("Message")).to_be_editable()
    b.get_by_role("link", name="All forums").click()
    expect(row.get_by_test_id("forum-unread")).to_have_count(0)


def _make_admin(database_url: str) -> str:
    name = f"admin_{_suffix()}"
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            accounts.create_user(
                session=session, username=name, email=f"{name}@example.com", password=PASSWORD, is_admin=True
            )
    finally:
        engine.dispose()
    return name


def test_archived_forum_refuses_messages_and_admins_reopen_it(new_page, app) -> None:
    b, _ = person(new_page, "max")
    open_room(b, "horror")
    # Archived behind the room's back (e.g. by a script, or another admin on another worker).
    admin_name = _make_admin(app.database_url)
    engine = make_engine(app.database_url)
    try:
        with session_scope(engine) as session:
            admin = accounts.get_user_by_username(session=session, username=admin_name)
            forums.set_archived(session=session, admin=admin, slug="horror", archived=True)
    finally:
        engine.dispose()
    send(b, "Still here?")
    expect(b.get_by_role("alert")).to_contain_text("archived")
    b.reload()
    expect(b.get_by_text("This forum is archived")).to_be_visible()
    expect(b.get_by_label("Message")).to_have_count(0)
    b.goto(_origin(b) + "/forums")
    expect(b.get_by_role("heading", name="Books")).to_be_visible()
    expect(b.get_by_role("heading", name="Horror")).to_have_count(0)

    # An admin sees it marked, and reopens it: people in the room get the composer back live.
    admin_page = new_page("/login")
    login(admin_page, admin_name, PASSWORD)
    expect(nav(admin_page).get_by_role("button", name="Log out")).to_be_visible()
    b.goto(_origin(b) + "/forums/horror")
    expect(b.get_by_text("This forum is archived")).to_be_visible()
    admin_page.goto(_origin(admin_page) + "/forums")
    row = admin_page.get_by_test_id("forum-row").filter(has=admin_page.get_by_role("heading", name="Horror"))
    row.get_by_role("button", name="Reopen").click()
    expect(row.get_by_role("button", name="Archive")).to_be_visible()
    expect(b.get_by_text("This forum is archived")).to_have_count(0)


def test_the_forums_list_shows_presence_last_message_and_unread_live(new_page, app) -> None:
    # A room of this test's own, so that nobody else's tabs count in it.
    slug = f"live-{_suffix()}"
    name = f"Live {slug[-6:]}"
    admin_name = _make_admin(app.database_url)
    engine = make_engine(app.database_url)
    try:
        with session_scope(engine) as session:
            admin = accounts.get_user_by_username(session=session, username=admin_name)
            forums.create_forum(session=session, admin=admin, slug=slug, name=name)
    finally:
        engine.dispose()
    reader, _ = person(new_page, "rey")
    open_room(reader, slug)  # a member now, so unread messages count for them
    reader.get_by_role("link", name="All forums").click()
    row = reader.get_by_test_id("forum-row").filter(has=reader.get_by_role("heading", name=name))
    expect(row.get_by_text("No messages yet.")).to_be_visible()
    expect(row.get_by_text("here now")).to_have_count(0)
    # Someone who never opened the room: they see it live too, but have nothing unread there.
    outsider, _ = person(new_page, "oz")
    outsider.goto(_origin(outsider) + "/forums")
    outsider_row = outsider.get_by_test_id("forum-row").filter(has=outsider.get_by_role("heading", name=name))
    expect(outsider_row.get_by_text("No messages yet.")).to_be_visible()

    # Someone opens the room and talks: the reader's list follows without a reload.
    talker, talker_name = person(new_page, "tam")
    open_room(talker, slug)
    expect(row.get_by_text("1 here now")).to_be_visible()
    first = f"Anyone seen Perfect Days? {_suffix()}"
    send(talker, first)
    expect(row.get_by_text(first)).to_be_visible()
    expect(row.get_by_test_id("forum-unread")).to_have_text("1 unread")
    expect(outsider_row.get_by_text(first)).to_be_visible()
    expect(outsider_row.get_by_text("1 here now")).to_be_visible()
    expect(outsider_row.get_by_test_id("forum-unread")).to_have_count(0)
    second = f"<b>Wenders</b> at his best {_suffix()}"
    send(talker, second)
    expect(row.get_by_text(second)).to_be_visible()  # as text, tags and all
    expect(row.get_by_test_id("forum-unread")).to_have_text("2 unread")

    # Deleting the last message brings the one before it back as the preview.
    last = conversation(talker).get_by_test_id("message").filter(has_text=second)
    last.get_by_role("button", name="Delete").click()
    expect(row.get_by_text(first)).to_be_visible()
    expect(row.get_by_text(second)).to_have_count(0)
    expect(row.get_by_test_id("forum-unread")).to_have_text("1 unread")
    # ... and deleting that one too leaves nothing to preview (not the stale text).
    conversation(talker).get_by_test_id("message").filter(has_text=first).get_by_role("button", name="Delete").click()
    expect(row.get_by_text("No messages yet.")).to_be_visible()
    expect(row.get_by_text(first)).to_have_count(0)
    expect(row.get_by_test_id("forum-unread")).to_have_count(0)
    third = f"Fine, I'll watch it alone {_suffix()}"
    send(talker, third)
    expect(row.get_by_text(third)).to_be_visible()
    expect(row.get_by_test_id("forum-unread")).to_have_text("1 unread")
    # Messages that were unread when the list was loaded leave the count when deleted too.
    regret = f"Actually, spoilers ahead {_suffix()}"
    send(talker, regret)
    expect(row.get_by_test_id("forum-unread")).to_have_text("2 unread")
    reader.reload()
    expect(row.get_by_text(regret)).to_be_visible()
    expect(row.get_by_test_id("forum-unread")).to_have_text("2 unread")
    conversation(talker).get_by_test_id("message").filter(has_text=regret).get_by_role("button", name="Delete").click()
    expect(row.get_by_text(third)).to_be_visible()
    expect(row.get_by_test_id("forum-unread")).to_have_text("1 unread")

    # The talker leaves the room: the count goes with them.
    talker.get_by_role("link", name="All forums").click()
    expect(row.get_by_text("here now")).to_have_count(0)

    # Reading the room clears the reader's unread count; back on the list it stays cleared.
    row.get_by_role("link", name=name).click()
    expect(reader.get_by_label("Message")).to_be_editable()
    reader.get_by_role("link", name="All forums").click()
    expect(row.get_by_test_id("forum-unread")).to_have_count(0)
    expect(row.get_by_text(third)).to_be_visible()
    # The list the reader has now was loaded with `third` in it; its deletion still empties it.
    open_room(talker, slug)
    conversation(talker).get_by_test_id("message").filter(has_text=third).get_by_role("button", name="Delete").click()
    expect(row.get_by_text("No messages yet.")).to_be_visible()
    expect(row.get_by_text(third)).to_have_count(0)
    # Closing the tab sends nothing; the presence sweep (every ~10 s) notices, and the list follows.
    expect(row.get_by_text("1 here now")).to_be_visible()
    talker.context.close()
    expect(row.get_by_text("here now")).to_have_count(0, timeout=20_000)

    # The reader writes from a second tab: the list shows it, but it is not unread for them.
    second_tab = reader.context.new_page()
    second_tab.goto(_origin(reader) + f"/forums/{slug}")
    expect(second_tab.get_by_label("Message")).to_be_editable()
    own = f"Saw it, loved it {_suffix()}"
    send(second_tab, own)
    expect(row.get_by_text(own)).to_be_visible()
    expect(row.get_by_test_id("forum-unread")).to_have_count(0)


def test_rooms_an_admin_creates_renames_and_archives_change_on_open_lists_live(new_page, app) -> None:
    reader, _ = person(new_page, "lister")
    reader.goto(_origin(reader) + "/forums")
    expect(reader.get_by_role("heading", name="Books")).to_be_visible()
    admin_name = _make_admin(app.database_url)
    admin = new_page("/login")
    login(admin, admin_name, PASSWORD)
    expect(nav(admin).get_by_role("button", name="Log out")).to_be_visible()
    admin.goto(_origin(admin) + "/forums")
    suffix = _suffix()
    admin.get_by_label("Address").fill(f"noir-{suffix}")
    admin.get_by_label("Name", exact=True).fill(f"Noir {suffix}")
    admin.get_by_label("Description").fill("Rain, neon and bad decisions.")
    admin.get_by_role("button", name="Create forum").click()
    expect(admin.get_by_text(f"Created Noir {suffix}.")).to_be_visible()

    # The reader's list gains the room without a reload...
    row = reader.get_by_test_id("forum-row").filter(has=reader.get_by_role("heading", name=f"Noir {suffix}"))
    expect(row).to_contain_text("Rain, neon and bad decisions.")
    expect(row.get_by_role("link", name=f"Noir {suffix}")).to_have_attribute("href", f"/forums/noir-{suffix}")
    # ...shows its new name...
    admin_row = admin.get_by_test_id("forum-row").filter(has=admin.get_by_role("heading", name=f"Noir {suffix}"))
    admin_row.get_by_role("button", name="Rename").click()
    admin_row.get_by_label("Name", exact=True).fill(f"Film noir {suffix}")
    admin_row.get_by_role("button", name="Save", exact=True).click()
    expect(admin.get_by_text(f"Saved Film noir {suffix}.")).to_be_visible()
    expect(reader.get_by_role("heading", name=f"Film noir {suffix}")).to_be_visible()
    expect(reader.get_by_role("heading", name=f"Noir {suffix}", exact=True)).to_have_count(0)
    # ...and loses it when it is archived (the admin still sees it, marked).
    admin.get_by_test_id("forum-row").filter(has=admin.get_by_role("heading", name=f"Film noir {suffix}")).get_by_role(
        "button", name="Archive"
    ).click()
    expect(reader.get_by_role("heading", name=f"Film noir {suffix}")).to_have_count(0)
    archived = admin.get_by_test_id("forum-row").filter(has=admin.get_by_role("heading", name=f"Film noir {suffix}"))
    expect(archived.get_by_text("Archived")).to_be_visible()
    expect(reader.get_by_role("heading", name="Books")).to_be_visible()
