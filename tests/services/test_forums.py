"""Forum rules on SQLite and PostgreSQL: reading, posting, flood control, edits, deletes,
mentions, link cards, unread counts, and forum administration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from slice_of_culture.models import Action, ForumMembership, Message, Notification, utcnow
from slice_of_culture.services import forums, social
from slice_of_culture.services.errors import NotFound, PermissionDenied, RateLimited, ValidationError
from slice_of_culture.services.forums import LoginRequired
from slice_of_culture.services.mentions import MAX_MENTIONS
from slice_of_culture.services.rates import EDIT_RATE
from tests.utils.factories import make_entry, make_item, make_user


def _post(session: Session, user, text: str, slug: str = "books", seconds_ago: float = 0):  # noqa: ANN001
    """Post as if `seconds_ago` seconds ago (flood control looks at created_at)."""
    return forums.post_message(
        session=session, user=user, slug=slug, text=text, now=utcnow() - timedelta(seconds=seconds_ago)
    )


def test_the_default_forums_are_listed_by_name_for_everyone(session: Session) -> None:
    rows = forums.list_forums(session=session, viewer=None)
    assert [r.slug for r in rows] == ["books", "horror", "jazz", "movies", "music", "science-fiction"]
    assert all(r.unread == 0 and r.present == 0 and r.last_preview == "" for r in rows)


def test_reading_a_room_needs_a_login_and_an_existing_forum(session: Session) -> None:
    ana = make_user(session)
    with pytest.raises(LoginRequired):
        forums.room_for(session=session, viewer=None, slug="books")
    with pytest.raises(LoginRequired):
        forums.list_messages(session=session, viewer=None, slug="books")
    with pytest.raises(NotFound):
        forums.room_for(session=session, viewer=ana, slug="no-such-room")
    room = forums.room_for(session=session, viewer=ana, slug="books")
    assert room.can_post and not room.archived and not room.can_moderate


def test_post_cleans_text_and_refuses_empty_and_too_long(session: Session) -> None:
    ana = make_user(session)
    view = forums.post_message(session=session, user=ana, slug="books", text="  Hello\x07 there \n")
    assert view.text == "Hello there"
    assert view.username == ana.username and not view.deleted and not view.edited
    for blank in ("", "   \n\t "):
        with pytest.raises(ValidationError, match="Write something first"):
            forums.post_message(session=session, user=ana, slug="books", text=blank)
    with pytest.raises(ValidationError, match="at most 2,000 characters; this one has 2,001"):
        forums.post_message(session=session, user=ana, slug="books", text="x" * 2001)
    assert forums.post_message(session=session, user=ana, slug="books", text="y" * 2000).text == "y" * 2000
    with pytest.raises(ValidationError):
        forums.post_message(session=session, user=ana, slug="books", text=["not", "text"])  # type: ignore[arg-type]


def test_html_is_stored_as_typed(session: Session) -> None:
    ana = make_user(session)
    text = "<img src=x onerror=alert(1)>"
    assert forums.post_message(session=session, user=ana, slug="books", text=text).text == text


def test_visitors_and_deactivated_people_cannot_post(session: Session) -> None:
    ana = make_user(session)
    with pytest.raises(LoginRequired):
        forums.post_message(session=session, user=None, slug="books", text="hi")
    ana.is_active = False
    with pytest.raises(LoginRequired):
        forums.post_message(session=session, user=ana, slug="books", text="hi")


def test_flood_control_refuses_the_sixth_message_in_five_seconds_then_lets_go(session: Session) -> None:
    ana, bob = make_user(session), make_user(session)
    for i in range(5):
        _post(session, ana, f"message {i}", slug="books" if i % 2 else "music", seconds_ago=3 - i * 0.5)
    with pytest.raises(RateLimited) as refused:
        _post(session, ana, "one too many")
    assert "too fast" in refused.value.errors["text"]
    assert 1 <= refused.value.retry_after <= 2
    # Someone else is not held back by ana's flood.
    _post(session, bob, "hello")
    # Once the window has room again, ana may post.
    forums.post_message(session=session, user=ana, slug="books", text="later", now=utcnow() + timedelta(seconds=3))


def test_edits_of_messages_and_comments_are_flood_controlled_together(session: Session) -> None:
    ana, bob = make_user(session), make_user(session)
    msg = _post(session, ana, "first draft", seconds_ago=30)
    comment = social.add_comment(
        session=session, user=ana, entry_id=make_entry(session, bob, make_item(session, "Dune")).id, text="hm"
    )
    start = utcnow()
    # Saving the same text again is no edit and is not counted.
    for _ in range(EDIT_RATE.max_count + 2):
        forums.edit_message(session=session, user=ana, slug="books", message_id=msg.message_id, text="first draft")
    for i in range(EDIT_RATE.max_count):
        at = start + timedelta(seconds=i)
        if i % 2:
            social.edit_comment(session=session, user=ana, comment_id=comment.id, text=f"take {i}", now=at)
        else:
            forums.edit_message(
                session=session, user=ana, slug="books", message_id=msg.message_id, text=f"take {i}", now=at
            )
    late = start + timedelta(seconds=EDIT_RATE.max_count)
    with pytest.raises(RateLimited) as refused:
        forums.edit_message(session=session, user=ana, slug="books", message_id=msg.message_id, text="spam", now=late)
    assert "editing too fast" in refused.value.errors["text"]
    assert refused.value.retry_after == EDIT_RATE.window.total_seconds() - EDIT_RATE.max_count
    with pytest.raises(RateLimited):
        social.edit_comment(session=session, user=ana, comment_id=comment.id, text="spam", now=late)
    # Nothing changed: the last edits stand.
    session.refresh(comment)
    assert comment.text == f"take {EDIT_RATE.max_count - 1}"
    assert session.get(Message, msg.message_id).text == f"take {EDIT_RATE.max_count - 2}"
    # Someone else is not held back by ana's flood.
    bobs = _post(session, bob, "hi")
    forums.edit_message(session=session, user=bob, slug="books", message_id=bobs.message_id, text="hello", now=late)
    # Once the first edit has left the window there is room for one more, and the edits the
    # window no longer counts are forgotten.
    after = start + EDIT_RATE.window + timedelta(seconds=0.5)
    forums.edit_message(session=session, user=ana, slug="books", message_id=msg.message_id, text="fixed", now=after)
    with pytest.raises(RateLimited):
        forums.edit_message(session=session, user=ana, slug="books", message_id=msg.message_id, text="again", now=after)
    kept = session.exec(select(Action.created_at).where(Action.user_id == ana.id, Action.kind == "edit")).all()
    assert len(kept) == EDIT_RATE.max_count and min(kept) > after - EDIT_RATE.window


def test_archived_forum_keeps_history_but_refuses_messages_and_edits(session: Session) -> None:
    admin, ana = make_user(session, is_admin=True), make_user(session)
    kept = _post(session, ana, "before the archive", seconds_ago=1)
    forums.set_archived(session=session, admin=admin, slug="books", archived=True)
    with pytest.raises(PermissionDenied, match="archived"):
        _post(session, ana, "after")
    with pytest.raises(PermissionDenied, match="archived"):
        forums.edit_message(session=session, user=ana, slug="books", message_id=kept.message_id, text="changed")
    room = forums.room_for(session=session, viewer=ana, slug="books")
    assert room.archived and not room.can_post
    page = forums.list_messages(session=session, viewer=ana, slug="books")
    assert [m.text for m in page.messages] == ["before the archive"]
    # Hidden from the list for members, shown (marked) to admins.
    assert "books" not in [r.slug for r in forums.list_forums(session=session, viewer=ana)]
    admin_rows = {r.slug: r for r in forums.list_forums(session=session, viewer=admin)}
    assert admin_rows["books"].archived and list(admin_rows)[-1] == "books"
    forums.set_archived(session=session, admin=admin, slug="books", archived=False)
    _post(session, ana, "back again")


def test_only_admins_manage_forums(session: Session) -> None:
    admin, ana = make_user(session, is_admin=True), make_user(session)
    with pytest.raises(PermissionDenied):
        forums.create_forum(session=session, admin=ana, slug="film-noir", name="Film noir")
    with pytest.raises(PermissionDenied):
        forums.set_archived(session=session, admin=ana, slug="books", archived=True)
    with pytest.raises(PermissionDenied):
        forums.update_forum(session=session, admin=None, slug="books", name="B", description="")
    forum = forums.create_forum(
        session=session, admin=admin, slug="Film-Noir", name="  Film   noir ", description="Shadows"
    )
    assert (forum.slug, forum.name) == ("film-noir", "Film noir")
    with pytest.raises(ValidationError) as bad:
        forums.create_forum(session=session, admin=admin, slug="film_noir", name="")
    assert set(bad.value.errors) == {"slug", "name"}
    with pytest.raises(ValidationError, match="exists"):
        forums.create_forum(session=session, admin=admin, slug="film-noir", name="Again")
    forums.update_forum(session=session, admin=admin, slug="film-noir", name="Noir", description="Rain and neon")
    row = next(r for r in forums.list_forums(session=session, viewer=ana) if r.slug == "film-noir")
    assert (row.name, row.description) == ("Noir", "Rain and neon")


def test_latest_page_then_older_pages_by_cursor(session: Session) -> None:
    ana = make_user(session)
    slug, forum_id = "books", forums.room_for(session=session, viewer=ana, slug="books").forum_id
    base = utcnow() - timedelta(hours=1)
    for i in range(120):
        session.add(Message(forum_id=forum_id, user_id=ana.id, text=f"m{i}", created_at=base + timedelta(seconds=i)))
    session.flush()
    latest = forums.list_messages(session=session, viewer=ana, slug=slug)
    assert [m.text for m in latest.messages] == [f"m{i}" for i in range(70, 120)] and latest.has_older
    older = forums.list_messages(session=session, viewer=ana, slug=slug, before_id=latest.messages[0].message_id)
    assert [m.text for m in older.messages] == [f"m{i}" for i in range(20, 70)] and older.has_older
    oldest = forums.list_messages(session=session, viewer=ana, slug=slug, before_id=older.messages[0].message_id)
    assert [m.text for m in oldest.messages] == [f"m{i}" for i in range(20)] and not oldest.has_older
    with pytest.raises(NotFound):
        forums.list_messages(session=session, viewer=ana, slug="music", before_id=latest.messages[0].message_id)


def test_same_instant_messages_page_by_id(session: Session) -> None:
    ana = make_user(session)
    forum_id = forums.room_for(session=session, viewer=ana, slug="books").forum_id
    moment = utcnow() - timedelta(minutes=5)
    for i in range(5):
        session.add(Message(forum_id=forum_id, user_id=ana.id, text=f"same{i}", created_at=moment))
    session.flush()
    first = forums.list_messages(session=session, viewer=ana, slug="books", limit=2)
    rest = forums.list_messages(
        session=session, viewer=ana, slug="books", before_id=first.messages[0].message_id, limit=10
    )
    assert [m.text for m in rest.messages + first.messages] == [f"same{i}" for i in range(5)]


def test_edit_own_only_and_delete_own_or_as_admin(session: Session) -> None:
    ana, bob, admin = make_user(session), make_user(session), make_user(session, is_admin=True)
    msg = _post(session, ana, "first draft", seconds_ago=2)
    with pytest.raises(PermissionDenied):
        forums.edit_message(session=session, user=bob, slug="books", message_id=msg.message_id, text="mine now")
    with pytest.raises(NotFound):
        forums.edit_message(session=session, user=ana, slug="music", message_id=msg.message_id, text="wrong room")
    edited = forums.edit_message(session=session, user=ana, slug="books", message_id=msg.message_id, text="final")
    assert edited.text == "final" and edited.edited
    with pytest.raises(PermissionDenied):
        forums.delete_message(session=session, user=bob, slug="books", message_id=msg.message_id)
    gone = forums.delete_message(session=session, user=ana, slug="books", message_id=msg.message_id)
    assert gone.deleted and gone.text == "" and not gone.edited
    with pytest.raises(PermissionDenied):
        forums.edit_message(session=session, user=ana, slug="books", message_id=msg.message_id, text="undo")
    other = _post(session, bob, "rude words", seconds_ago=1)
    assert forums.delete_message(session=session, user=admin, slug="books", message_id=other.message_id).deleted
    page = forums.list_messages(session=session, viewer=bob, slug="books")
    assert [(m.deleted, m.text) for m in page.messages] == [(True, ""), (True, "")]


def test_mentions_notify_once_per_person_and_lead_to_the_message(session: Session) -> None:
    ana, bob, cy = make_user(session, "ana_m"), make_user(session, "bob_m"), make_user(session, "cy_m")
    msg = _post(
        session, ana, "@BOB_M and @bob_m, meet @cy_m. mail@cy_m is no mention; @ana_m is me; @nobody_x", seconds_ago=3
    )
    recipients = session.exec(select(Notification.recipient_id).where(Notification.kind == "mention")).all()
    assert sorted(recipients) == sorted([bob.id, cy.id])
    # Readers see each real person's @name as a link to their profile, in the case it was typed.
    assert [(p.text, p.username) for p in msg.parts] == [
        ("@BOB_M", "bob_m"),
        (" and ", ""),
        ("@bob_m", "bob_m"),
        (", meet ", ""),
        ("@cy_m", "cy_m"),
        (". mail@cy_m is no mention; ", ""),
        ("@ana_m", "ana_m"),
        (" is me; @nobody_x", ""),
    ]
    assert "".join(p.text for p in msg.parts) == msg.text
    note = social.notifications(session=session, user=bob)[0]
    assert note.text == "mentioned you in Books"
    assert note.href == f"/forums/books?message={msg.message_id}"
    # An edit notifies only people newly mentioned.
    dee = make_user(session, "dee_m")
    forums.edit_message(session=session, user=ana, slug="books", message_id=msg.message_id, text="@bob_m @dee_m")
    recipients = session.exec(select(Notification.recipient_id).where(Notification.kind == "mention")).all()
    assert sorted(recipients) == sorted([bob.id, cy.id, dee.id])
    # Taking a name out and putting it back does not notify again; nor do edits name more than
    # MAX_MENTIONS people in all (a new ten each time would be a way round the limit); those
    # told are the first named (named here in the reverse of the database's own order).
    crowd = [make_user(session, f"crowd{i:02d}_m") for i in range(2 * MAX_MENTIONS)][::-1]
    for text in ("no names now", "@cy_m again", " ".join(f"@{u.username}" for u in crowd)):
        forums.edit_message(session=session, user=ana, slug="books", message_id=msg.message_id, text=text)
    recipients = session.exec(select(Notification.recipient_id).where(Notification.kind == "mention")).all()
    assert len(recipients) == MAX_MENTIONS and set(recipients) >= {bob.id, cy.id, dee.id}
    assert set(recipients) - {bob.id, cy.id, dee.id} == {u.id for u in crowd[: MAX_MENTIONS - 3]}
    # Deleting the message takes its mentions back.
    forums.delete_message(session=session, user=ana, slug="books", message_id=msg.message_id)
    assert session.exec(select(Notification).where(Notification.kind == "mention")).all() == []


def test_links_to_items_and_public_postcards_become_cards(session: Session) -> None:
    ana = make_user(session, "ana_c")
    item = make_item(session, "Dune", kind="book", creator="Frank Herbert", year=1965)
    public = make_entry(session, ana, item, visibility="public")
    private = make_entry(session, ana, item, visibility="private")
    text = (
        f"Read http://localhost:3000/item/{item.id} and see /u/ana_c?entry={public.id} "
        f"or /u/ana_c#entry-{private.id}; again /item/{item.id}; missing /item/999999"
    )
    view = _post(session, ana, text)
    assert [(c.kind, c.href, c.title) for c in view.cards] == [
        ("item", f"/item/{item.id}", "Dune"),
        ("postcard", f"/u/ana_c?entry={public.id}", "Dune"),
    ]
    assert view.cards[0].subtitle == "Book · Frank Herbert · 1965"
    assert view.cards[1].subtitle.startswith("Postcard by")


def test_unread_counts_clear_when_read_and_live_delivery_counts_as_read(session: Session) -> None:
    ana, bob = make_user(session), make_user(session)
    _post(session, ana, "before bob joined", seconds_ago=4)
    # Not a member yet: no unread count.
    assert _unread(session, bob) == 0
    assert not any(r.member for r in forums.list_forums(session=session, viewer=bob))
    forums.mark_read(session=session, user=bob, slug="books")
    assert _unread(session, bob) == 0
    assert [r.slug for r in forums.list_forums(session=session, viewer=bob) if r.member] == ["books"]
    _post(session, bob, "my own", seconds_ago=3.5)
    _post(session, ana, "one", seconds_ago=3)
    two = _post(session, ana, "two", seconds_ago=2)
    deleted = _post(session, ana, "oops", seconds_ago=1)
    forums.delete_message(session=session, user=ana, slug="books", message_id=deleted.message_id)
    assert _unread(session, bob) == 2
    assert forums.unread_count(session=session, viewer=bob, slug="books") == 2
    # Poster's own messages never count; the list shows ana nothing unread in books.
    assert _unread(session, ana) == 0
    forums.mark_delivered(session=session, slug="books", user_ids=[bob.id], message_id=two.message_id)
    assert _unread(session, bob) == 0
    # Posting means you have read the room so far.
    _post(session, ana, "three", seconds_ago=0.5)
    assert _unread(session, bob) == 1
    _post(session, bob, "reply", seconds_ago=0.2)
    assert _unread(session, bob) == 0
    forums.mark_read(session=session, user=bob, slug="books")
    marker = session.exec(select(ForumMembership.last_read_message_id).where(ForumMembership.user_id == bob.id)).one()
    forum_id = forums.room_for(session=session, viewer=bob, slug="books").forum_id
    assert marker == forums.newest_message_id(session=session, forum_id=forum_id)
    # The read marker never moves backwards.
    forums.mark_delivered(session=session, slug="books", user_ids=[bob.id], message_id=1)
    assert (
        session.exec(select(ForumMembership.last_read_message_id).where(ForumMembership.user_id == bob.id)).one()
        == marker
    )


def _unread(session: Session, viewer) -> int:  # noqa: ANN001
    return {r.slug: r.unread for r in forums.list_forums(session=session, viewer=viewer)}["books"]


def test_list_shows_last_message_presence_and_preview(session: Session) -> None:
    ana = make_user(session)
    _post(session, ana, "first", seconds_ago=2)
    _post(session, ana, "word " * 40, seconds_ago=1)
    row = {r.slug: r for r in forums.list_forums(session=session, viewer=None, presence={"books": 3})}["books"]
    assert row.present == 3 and row.last_author == ana.display_name and row.last_at
    assert row.last_preview.endswith("…") and len(row.last_preview) <= forums.PREVIEW_CHARS


def test_forum_summaries_follow_the_last_living_message(session: Session) -> None:
    # What the live forums list re-reads after messages in rooms changed.
    assert [(r.slug, r.last_at) for r in forums.forum_summaries(session=session, slugs=["jazz", "horror"])] == [
        ("horror", ""),
        ("jazz", ""),
    ]
    ana = make_user(session)
    first = _post(session, ana, "Kind of Blue, again", slug="jazz", seconds_ago=3)
    second = _post(session, ana, "  A Love\n  Supreme ", slug="jazz", seconds_ago=2)
    _post(session, ana, "Suspiria", slug="horror", seconds_ago=1)
    rows = {r.slug: r for r in forums.forum_summaries(session=session, slugs=["jazz", "horror", "no-such-room"])}
    assert set(rows) == {"jazz", "horror"}
    assert (rows["jazz"].last_preview, rows["jazz"].last_author) == ("A Love Supreme", ana.display_name)
    assert rows["jazz"].last_at == second.created_at and rows["horror"].last_preview == "Suspiria"
    forums.delete_message(session=session, user=ana, slug="jazz", message_id=second.message_id)
    (row,) = forums.forum_summaries(session=session, slugs=["jazz"])
    assert (row.last_preview, row.last_at) == ("Kind of Blue, again", first.created_at)
    # The ids the live list counts new messages with: living ones only, oldest first, capped.
    recent = forums.recent_messages(session=session, slugs=["jazz", "horror", "books", "no-such-room"])
    assert recent["jazz"] == [forums.RecentMessage(id=first.message_id, author=ana.username)]
    assert len(recent["horror"]) == 1 and recent["books"] == []
    assert set(recent) == {"jazz", "horror", "books"}
    ids = [_post(session, ana, f"m{i}", slug="books", seconds_ago=-i).message_id for i in range(3)]
    assert [m.id for m in forums.recent_messages(session=session, slugs=["books"])["books"]] == ids
    assert forums.forum_summaries(session=session, slugs=[]) == []


def test_unread_marks_let_the_live_list_count_arrivals_and_deletions(session: Session, monkeypatch) -> None:
    # The live forums list counts a member's unread messages as those older than the room's recent
    # ones (counted at load) plus the recent ones after their last read message by others.
    ana, bob, cleo = make_user(session), make_user(session), make_user(session)
    forums.mark_read(session=session, user=bob, slug="books")
    forums.mark_read(session=session, user=bob, slug="jazz")
    monkeypatch.setattr(forums, "RECENT_IDS", 3)
    read = _post(session, ana, "read already", seconds_ago=4)
    forums.mark_read(session=session, user=bob, slug="books")
    older = [_post(session, ana, f"old {i}", seconds_ago=3.9 - i * 0.1).message_id for i in range(4)]
    newer = [_post(session, cleo, f"new {i}", seconds_ago=1 - i * 0.1).message_id for i in range(2)]
    recent = forums.recent_messages(session=session, slugs=["books", "jazz", "horror"])
    assert [m.id for m in recent["books"]][1:] == newer
    marks = forums.unread_marks(session=session, viewer=bob, recent=recent)
    # Not a member of horror; jazz has no messages; in books, three of ana's are below the window.
    assert set(marks) == {"books", "jazz"}
    assert marks["jazz"] == forums.UnreadMark(last_read_id=0, recent_from=0, before_recent=0)
    assert marks["books"] == forums.UnreadMark(
        last_read_id=read.message_id, recent_from=older[-1], before_recent=len(older) - 1
    )

    def live_count(recent: list[forums.RecentMessage]) -> int:
        # What pages/forums.py computes in the browser.
        mark = marks["books"]
        return mark.before_recent + sum(
            m.id >= mark.recent_from and m.id > mark.last_read_id and m.author != bob.username for m in recent
        )

    assert live_count(recent["books"]) == forums.unread_count(session=session, viewer=bob, slug="books") == 6
    # A message that was already unread at load is deleted: the count drops with the lobby's
    # reread (an older one slides into the recent ones; it was counted already).
    forums.delete_message(session=session, user=cleo, slug="books", message_id=newer[0])
    reread = forums.recent_messages(session=session, slugs=["books"])["books"]
    assert reread[0].id == older[-2]
    assert live_count(reread) == forums.unread_count(session=session, viewer=bob, slug="books") == 5
    # A new message arrives: one more.
    _post(session, cleo, "newest")
    reread = forums.recent_messages(session=session, slugs=["books"])["books"]
    assert live_count(reread) == forums.unread_count(session=session, viewer=bob, slug="books") == 6
    # Someone else's id or a visitor: nothing.
    assert forums.unread_marks(session=session, viewer=None, recent=recent) == {}
    assert forums.unread_marks(session=session, viewer=bob, recent={}) == {}


def test_a_closed_accounts_messages_leave_the_rooms(session: Session) -> None:
    # As its postcards and comments leave the feeds: history, the list's preview, the live
    # list's recent ids, unread counts and the newest id the open room compares with.
    ana, bob, troll = make_user(session), make_user(session), make_user(session)
    forums.mark_read(session=session, user=bob, slug="books")
    kept = _post(session, ana, "Middlemarch, anyone?", seconds_ago=3)
    spam = [_post(session, troll, f"buy now {i}", seconds_ago=2 - i * 0.5).message_id for i in range(2)]
    forum_id = forums.room_for(session=session, viewer=bob, slug="books").forum_id
    assert _unread(session, bob) == 3
    assert forums.newest_message_id(session=session, forum_id=forum_id) == spam[-1]

    troll.is_active = False
    session.add(troll)
    session.flush()
    page = forums.list_messages(session=session, viewer=bob, slug="books")
    assert [m.message_id for m in page.messages] == [kept.message_id] and not page.has_older
    assert _unread(session, bob) == forums.unread_count(session=session, viewer=bob, slug="books") == 1
    assert forums.newest_message_id(session=session, forum_id=forum_id) == kept.message_id
    (row,) = forums.forum_summaries(session=session, slugs=["books"])
    assert (row.last_preview, row.last_author) == ("Middlemarch, anyone?", ana.display_name)
    recent = forums.recent_messages(session=session, slugs=["books"])
    assert [m.id for m in recent["books"]] == [kept.message_id]
    assert forums.unread_marks(session=session, viewer=bob, recent=recent)["books"].before_recent == 0
    # Paging back from the kept message finds nothing older of theirs either.
    assert forums.list_messages(session=session, viewer=bob, slug="books", before_id=kept.message_id).messages == []


def test_forums_a_person_posted_in_and_every_forum(session: Session) -> None:
    ana, bob = make_user(session), make_user(session)
    assert forums.forums_posted_in(session=session, user=ana) == []
    _post(session, ana, "Suspiria", slug="horror", seconds_ago=2)
    gone = _post(session, ana, "Kind of Blue", slug="jazz", seconds_ago=1)
    forums.delete_message(session=session, user=ana, slug="jazz", message_id=gone.message_id)
    _post(session, bob, "Dune", slug="books")
    # Deleted messages count: their rows go with the account too.
    assert sorted(forums.forums_posted_in(session=session, user=ana)) == ["horror", "jazz"]
    assert {"books", "horror", "jazz", "movies"} <= set(forums.forum_slugs(session=session))
