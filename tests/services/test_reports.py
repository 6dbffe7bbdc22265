"""Reports on SQLite and PostgreSQL: people report what they can see (never their own, once
each, a few an hour); admins see each reported thing once with every reason, and remove it or
dismiss the reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from slice_of_culture.models import (
    MAX_NOTE,
    MAX_TITLE,
    Comment,
    Entry,
    ItemList,
    Like,
    Message,
    Notification,
    Report,
    User,
    utcnow,
)
from slice_of_culture.services import blocks, entries, forums, lists, postcards, reports, social
from slice_of_culture.services.entries import EntryInput
from slice_of_culture.services.errors import NotFound, PermissionDenied, RateLimited, ValidationError
from tests.utils.factories import make_item, make_user

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def cast(session: Session):
    ana, bob, cleo = make_user(session, "ana"), make_user(session, "bob"), make_user(session, "cleo")
    admin = make_user(session, "mod")
    admin.is_admin = True
    session.add(admin)
    session.flush()
    return ana, bob, cleo, admin


def test_report_then_remove_each_kind_of_thing(session: Session, cast) -> None:
    ana, bob, cleo, admin = cast
    entry = entries.create_entry(
        session=session, user=ana, item_id=make_item(session, "Dune").id, data=EntryInput(review="Spice!")
    )
    comment = social.add_comment(session=session, user=ana, entry_id=entry.id, text="buy my stuff")
    message = forums.post_message(session=session, user=ana, slug="books", text="spam spam")
    for target in (f"entry:{entry.id}", f"comment:{comment.id}", f"message:{message.message_id}", f"user:{ana.id}"):
        assert reports.report(session=session, reporter=bob, target=target, reason=f"  {XSS}  ") is True
        assert reports.report(session=session, reporter=bob, target=target) is False  # once each
    reports.report(session=session, reporter=cleo, target=f"entry:{entry.id}", reason="spoilers")

    queue = reports.open_reports(session=session, admin=admin)
    assert [t.kind for t in queue] == ["entry", "comment", "message", "user"]
    first = queue[0]
    assert (first.owner, first.text, first.href) == ("ana", "Dune: Spice!", f"/u/ana?entry={entry.id}")
    assert first.reporters == ["bob", "cleo"] and first.reasons == [XSS, "spoilers"]
    assert queue[2].href == f"/forums/books?message={message.message_id}"

    done = reports.resolve(session=session, admin=admin, target=f"comment:{comment.id}", action="remove")
    assert (done.closed, done.removed) == (1, True) and session.get(Comment, comment.id) is None
    done = reports.resolve(session=session, admin=admin, target=f"message:{message.message_id}", action="remove")
    assert done.slug == "books" and done.message.deleted and session.get(Message, message.message_id).deleted_at
    done = reports.resolve(session=session, admin=admin, target=f"entry:{entry.id}", action="dismiss")
    assert (done.closed, done.removed) == (2, False) and session.get(Entry, entry.id) is not None
    reports.resolve(session=session, admin=admin, target=f"user:{ana.id}", action="remove")
    assert session.get(User, ana.id).is_active is False
    assert reports.open_reports(session=session, admin=admin) == []
    resolutions = session.exec(select(Report.resolution).order_by(Report.id)).all()
    assert resolutions == ["dismissed", "removed", "removed", "removed", "dismissed"]
    with pytest.raises(NotFound):
        reports.resolve(session=session, admin=admin, target=f"entry:{entry.id}", action="dismiss")


def test_only_what_you_can_see_never_your_own_and_only_admins_decide(session: Session, cast) -> None:
    ana, bob, cleo, admin = cast
    private = entries.create_entry(
        session=session, user=ana, item_id=make_item(session).id, data=EntryInput(visibility="private")
    )
    public = entries.create_entry(session=session, user=ana, item_id=make_item(session).id, data=EntryInput())
    for target in (f"entry:{private.id}", "entry:424242", "comment:1", "message:999999", "user:424242",
                   "entry:abc", "nothing:1", None, 42, f"entry:{2**63}"):  # fmt: skip
        with pytest.raises(NotFound):
            reports.report(session=session, reporter=bob, target=target)
    with pytest.raises(ValidationError):
        reports.report(session=session, reporter=ana, target=f"entry:{public.id}")
    with pytest.raises(ValidationError):
        reports.report(session=session, reporter=ana, target=f"user:{ana.id}")
    with pytest.raises(ValidationError):
        reports.report(session=session, reporter=bob, target=f"entry:{public.id}", reason="x" * 501)
    with pytest.raises(ValidationError):
        reports.report(session=session, reporter=bob, target=f"entry:{public.id}", reason=["not", "text"])
    with pytest.raises(PermissionDenied):
        reports.report(session=session, reporter=None, target=f"entry:{public.id}")
    # Across a block the postcard does not exist for them, so it cannot be reported either.
    blocks.block(session=session, blocker=ana, blocked_id=cleo.id)
    with pytest.raises(NotFound):
        reports.report(session=session, reporter=cleo, target=f"entry:{public.id}")
    assert session.exec(select(Report)).all() == []
    reports.report(session=session, reporter=bob, target=f"entry:{public.id}")
    for who in (bob, None):
        with pytest.raises(PermissionDenied):
            reports.open_reports(session=session, admin=who)
        with pytest.raises(PermissionDenied):
            reports.resolve(session=session, admin=who, target=f"entry:{public.id}", action="remove")
    with pytest.raises(ValidationError):
        reports.resolve(session=session, admin=admin, target=f"entry:{public.id}", action="delete everything")
    assert session.get(Entry, public.id) is not None


def test_reporting_is_rate_limited_and_gone_things_leave_the_queue(session: Session, cast) -> None:
    ana, bob, _, admin = cast
    item = make_item(session)
    ids = [entries.create_entry(session=session, user=ana, item_id=item.id, data=EntryInput()).id for _ in range(11)]
    for entry_id in ids[:10]:
        reports.report(session=session, reporter=bob, target=f"entry:{entry_id}")
    with pytest.raises(RateLimited):
        reports.report(session=session, reporter=bob, target=f"entry:{ids[10]}")
    # An hour later there is room again.
    for row in session.exec(select(Report)).all():
        row.created_at = utcnow() - timedelta(hours=1, seconds=1)
        session.add(row)
    session.flush()
    assert reports.report(session=session, reporter=bob, target=f"entry:{ids[10]}") is True
    # Ana deletes one reported postcard herself: its reports close as dismissed.
    entries.delete_entry(session=session, user=ana, entry_id=ids[0])
    assert len(reports.open_reports(session=session, admin=admin)) == 10
    assert session.exec(select(Report.resolution).where(Report.target == f"entry:{ids[0]}")).one() == "dismissed"


def test_removing_a_postcard_takes_its_comments_and_likes_with_it(session: Session, cast) -> None:
    ana, bob, cleo, admin = cast
    entry = entries.create_entry(session=session, user=ana, item_id=make_item(session).id, data=EntryInput())
    comment = social.add_comment(session=session, user=cleo, entry_id=entry.id, text="nice")
    social.like(session=session, user=cleo, entry_id=entry.id)
    reports.report(session=session, reporter=bob, target=f"entry:{entry.id}", reason="offensive")
    entry_id, comment_id = entry.id, comment.id
    done = reports.resolve(session=session, admin=admin, target=f"entry:{entry_id}", action="remove")
    session.expire_all()
    assert done.removed and session.get(Entry, entry_id) is None and session.get(Comment, comment_id) is None
    assert session.exec(select(Like).where(Like.entry_id == entry_id)).all() == []


def _notices(session: Session, user: User) -> list[tuple[str, str, str]]:
    """(who, what, link) of a person's moderation notices, oldest first."""
    shown = social.notifications(session=session, user=user)
    return [(n.actor_name, n.text, n.href) for n in reversed(shown) if n.kind in ("removed", "kept", "taken_down")]


def test_decisions_tell_the_reporters_and_the_owner_never_the_reasons(session: Session, cast) -> None:
    ana, bob, cleo, admin = cast
    entry = entries.create_entry(session=session, user=ana, item_id=make_item(session, "Dune").id, data=EntryInput())
    other = entries.create_entry(session=session, user=cleo, item_id=make_item(session).id, data=EntryInput())
    comment = social.add_comment(session=session, user=ana, entry_id=other.id, text="buy   my\nstuff " + "x" * 80)
    message = forums.post_message(session=session, user=ana, slug="books", text="spam spam")
    social.like(session=session, user=cleo, entry_id=entry.id)
    for reporter, target in ((bob, f"entry:{entry.id}"), (cleo, f"entry:{entry.id}"), (bob, f"comment:{comment.id}"),
                             (cleo, f"message:{message.message_id}"), (cleo, f"user:{ana.id}")):  # fmt: skip
        reports.report(session=session, reporter=reporter, target=target, reason="secret reason")
    assert reports.waiting_count(session=session) == 4
    # Ana blocked the admin: the moderators' notices still reach her.
    blocks.block(session=session, blocker=ana, blocked_id=admin.id)

    reports.resolve(session=session, admin=admin, target=f"entry:{entry.id}", action="remove")
    reports.resolve(session=session, admin=admin, target=f"comment:{comment.id}", action="dismiss")
    reports.resolve(session=session, admin=admin, target=f"message:{message.message_id}", action="remove")
    assert reports.waiting_count(session=session) == 1
    # ana's notices before her account goes: her postcard and message were taken down.
    ana_notices = _notices(session, ana)
    assert ana_notices == [
        ("The moderators", "removed your postcard about Dune after a report: it broke the rules.", "/rules"),
        ("The moderators", "removed your message in Books “spam spam” after a report: it broke the rules.", "/rules"),
    ]
    # Cleo's like notification was about the removed postcard: it went with it (no "about " + nothing).
    assert [n.kind for n in social.notifications(session=session, user=ana) if n.kind == "like"] == []
    reports.resolve(session=session, admin=admin, target=f"user:{ana.id}", action="remove")
    assert reports.waiting_count(session=session) == 0

    quote = "“buy my stuff " + "x" * 46 + "…”"  # whitespace folded, 60 characters with the …
    assert _notices(session, bob) == [
        ("The moderators", "removed the postcard about Dune by @ana, which you reported. Thank you.", "/rules"),
        ("The moderators", f"looked at the comment {quote} by @ana, which you reported, and kept it: "
                           "we found it within the rules.", "/rules"),
    ]  # fmt: skip
    assert [text for _, text, _ in _notices(session, cleo)] == [
        "removed the postcard about Dune by @ana, which you reported. Thank you.",
        "removed the message in Books “spam spam” by @ana, which you reported. Thank you.",
        "removed @ana's account, which you reported. Thank you.",
    ]
    assert social.unread_count(session=session, user=bob) == 2
    # Nobody hears the reasons, nor the admin's name; the admin gets no notices of their own.
    everything = [
        n.text + n.actor_name for u in (ana, bob, cleo) for n in social.notifications(session=session, user=u)
    ]
    assert not any("secret" in t or "mod" == t for t in everything)
    assert all(n.actor_username != "mod" for u in (bob, cleo) for n in social.notifications(session=session, user=u))
    assert social.notifications(session=session, user=admin) == []


def test_an_admin_reporting_then_deciding_is_not_told(session: Session, cast) -> None:
    ana, bob, _, admin = cast
    entry = entries.create_entry(session=session, user=ana, item_id=make_item(session).id, data=EntryInput())
    reports.report(session=session, reporter=admin, target=f"entry:{entry.id}")
    reports.report(session=session, reporter=bob, target=f"entry:{entry.id}")
    reports.resolve(session=session, admin=admin, target=f"entry:{entry.id}", action="dismiss")
    assert social.notifications(session=session, user=admin) == []
    assert [n.kind for n in social.notifications(session=session, user=bob)] == ["kept"]
    assert social.notifications(session=session, user=ana) == []  # kept: nothing to tell the owner


def test_the_notification_kinds_stay_checked_after_the_migration(session: Session, cast) -> None:
    ana, bob, _, _ = cast
    session.add(Notification(recipient_id=ana.id, actor_id=bob.id, kind="taken_down", note="your postcard"))
    session.flush()
    session.add(Notification(recipient_id=ana.id, actor_id=bob.id, kind="bogus"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_closing_an_account_closes_the_reports_on_its_postcards_comments_and_messages(session: Session, cast) -> None:
    ana, bob, cleo, admin = cast
    entry = entries.create_entry(session=session, user=ana, item_id=make_item(session, "Dune").id, data=EntryInput())
    other = entries.create_entry(session=session, user=cleo, item_id=make_item(session).id, data=EntryInput())
    comment = social.add_comment(session=session, user=ana, entry_id=other.id, text="spam")
    message = forums.post_message(session=session, user=ana, slug="books", text="spam in a room")
    bob_entry = entries.create_entry(session=session, user=bob, item_id=make_item(session).id, data=EntryInput())
    social.like(session=session, user=ana, entry_id=bob_entry.id)
    social.like(session=session, user=cleo, entry_id=bob_entry.id)
    social.add_comment(session=session, user=ana, entry_id=bob_entry.id, text="follow me for more")

    def counts() -> set[tuple[int, int]]:
        """(likes, comments) on Bob's postcard, as each of them and a visitor see it."""
        page = {v: postcards.profile_postcards(session=session, viewer_id=v, owner_id=bob.id) for v in (bob.id, None)}
        return {(c.like_count, c.comment_count) for p in page.values() for c in p.postcards}

    assert counts() == {(2, 1)}
    reports.report(session=session, reporter=bob, target=f"entry:{entry.id}")
    reports.report(session=session, reporter=cleo, target=f"comment:{comment.id}")
    reports.report(session=session, reporter=cleo, target=f"message:{message.message_id}")
    reports.report(session=session, reporter=cleo, target=f"entry:{bob_entry.id}")
    reports.report(session=session, reporter=bob, target=f"user:{ana.id}")

    done = reports.resolve(session=session, admin=admin, target=f"user:{ana.id}", action="remove")
    assert (done.removed, done.closed) == (True, 4)
    # The rooms open now are told which messages leave them.
    assert (done.account_id, done.account, done.rooms) == (ana.id, "ana", ["books"])
    # Left waiting: Bob's postcard (not Ana's).
    assert [t.target for t in reports.open_reports(session=session, admin=admin)] == [f"entry:{bob_entry.id}"]
    assert [text for _, text, _ in _notices(session, bob)] == [
        "removed @ana's account, which you reported. Thank you.",
        "removed the postcard about Dune by @ana, which you reported. Thank you.",
    ]
    assert sorted(text for _, text, _ in _notices(session, cleo)) == [
        "removed the comment “spam” by @ana, which you reported. Thank you.",
        "removed the message in Books “spam in a room” by @ana, which you reported. Thank you.",
    ]
    # Her message left the room; nobody can report it now.
    assert forums.list_messages(session=session, viewer=bob, slug="books").messages == []
    with pytest.raises(NotFound):
        reports.report(session=session, reporter=bob, target=f"message:{message.message_id}")
    # A closed account's likes and comments no longer count anywhere.
    assert counts() == {(1, 0)}
    # Nothing is told to the closed account.
    assert session.exec(select(Notification).where(Notification.recipient_id == ana.id)).all() == []


def test_notices_name_long_titles_and_usernames_within_the_column(session: Session, cast) -> None:
    _, bob, _, admin = cast
    long_name = make_user(session, "z" * 30)
    title = "Ünïcode " + "very long title " * 18 + "end"  # 300 characters, the longest allowed
    assert len(title) <= MAX_TITLE
    entry = entries.create_entry(
        session=session, user=long_name, item_id=make_item(session, title[:MAX_TITLE]).id, data=EntryInput()
    )
    reports.report(session=session, reporter=bob, target=f"entry:{entry.id}")
    reports.resolve(session=session, admin=admin, target=f"entry:{entry.id}", action="remove")
    session.commit()  # PostgreSQL enforces the note's length at the latest here
    (text,) = [n.text for n in social.notifications(session=session, user=bob)]
    assert text.startswith("removed the postcard about Ünïcode very long title") and f"@{'z' * 30}" in text
    (owner_notice,) = [n.text for n in social.notifications(session=session, user=long_name)]
    assert owner_notice.startswith("removed your postcard about Ünïcode") and "…" in owner_notice
    assert all(len(n.note) <= MAX_NOTE for n in session.exec(select(Notification)).all())


def test_admins_see_the_latest_decisions_with_who_decided(session: Session, cast) -> None:
    ana, bob, cleo, admin = cast
    other_admin = make_user(session, "mod2")
    other_admin.is_admin = True
    dune = entries.create_entry(session=session, user=ana, item_id=make_item(session, "Dune").id, data=EntryInput())
    solaris = entries.create_entry(
        session=session, user=ana, item_id=make_item(session, "Solaris").id, data=EntryInput()
    )
    gone = entries.create_entry(session=session, user=ana, item_id=make_item(session).id, data=EntryInput())
    for reporter in (bob, cleo):
        reports.report(session=session, reporter=reporter, target=f"entry:{dune.id}")
    reports.report(session=session, reporter=bob, target=f"entry:{solaris.id}")
    reports.report(session=session, reporter=bob, target=f"entry:{gone.id}")
    entries.delete_entry(session=session, user=ana, entry_id=gone.id)  # gone before anyone decided
    reports.resolve(session=session, admin=admin, target=f"entry:{dune.id}", action="remove")
    reports.open_reports(session=session, admin=admin)  # closes the gone one's report
    reports.resolve(session=session, admin=other_admin, target=f"entry:{solaris.id}", action="dismiss")

    log = reports.recent_decisions(session=session, admin=admin)
    assert [(d.removed, d.what, d.reports, d.admin) for d in log] == [
        (False, "the postcard about Solaris by @ana", 1, "@mod2"),
        (True, "the postcard about Dune by @ana", 2, "@mod"),
    ]
    assert reports.recent_decisions(session=session, admin=admin, limit=1)[0].what.endswith("Solaris by @ana")
    for who in (bob, None):
        with pytest.raises(PermissionDenied):
            reports.recent_decisions(session=session, admin=who)


def test_a_list_is_reported_like_a_postcard_and_removing_it_deletes_it(session: Session, cast) -> None:
    ana, bob, cleo, admin = cast
    shouty = lists.create_list(session=session, user=ana, title=f"Buy my stuff {XSS}", description="cheap pills")
    lists.add_item(session=session, user=ana, list_id=shouty.id, item_id=make_item(session, "Dune").id)
    hidden = lists.create_list(session=session, user=ana, title="Mine", visibility="private")
    with pytest.raises(NotFound):
        reports.report(session=session, reporter=bob, target=f"list:{hidden.id}")
    with pytest.raises(ValidationError):
        reports.report(session=session, reporter=ana, target=f"list:{shouty.id}")
    assert reports.report(session=session, reporter=bob, target=f"list:{shouty.id}", reason="spam") is True
    (thing,) = reports.open_reports(session=session, admin=admin)
    assert (thing.kind, thing.owner, thing.href) == ("list", "ana", f"/lists/{shouty.id}")
    assert thing.text == f"Buy my stuff {XSS}: cheap pills"
    done = reports.resolve(session=session, admin=admin, target=f"list:{shouty.id}", action="remove")
    assert (done.closed, done.removed) == (1, True)
    assert session.get(ItemList, shouty.id) is None and session.get(ItemList, hidden.id) is not None
    notes = session.exec(select(Notification.recipient_id, Notification.kind, Notification.note)).all()
    assert (bob.id, "removed", f"the list “Buy my stuff {XSS}” by @ana") in notes
    assert (ana.id, "taken_down", f"your list “Buy my stuff {XSS}”") in notes
