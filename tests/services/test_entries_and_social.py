"""Logging entries, follows, likes, comments, notifications, item pages and stats, on both databases.

Each permission and visibility rule is proven here: nobody changes what is not theirs, and
hidden entries do not leak through likes, comments, counts, item pages or stats.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from slice_of_culture.models import Comment, Entry, Follow, Like, Notification, utcnow
from slice_of_culture.services import accounts, blocks, entries, items, postcards, profiles, social, stats
from slice_of_culture.services.entries import EntryInput
from slice_of_culture.services.errors import NotFound, PermissionDenied, RateLimited, ValidationError
from tests.utils.factories import make_entry, make_item, make_user

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def ana_bob(session):
    return make_user(session, "ana"), make_user(session, "bob")


def test_log_an_entry_with_unicode_and_html_kept_as_text(session, ana_bob) -> None:
    ana, _ = ana_bob
    item = make_item(session, "Cien años de soledad 📚", creator="Gabriel García Márquez")
    review = f"שלום — e\u0301 {XSS}"
    entry = entries.create_entry(
        session=session,
        user=ana,
        item_id=item.id,
        data=EntryInput(status="finished", rating=9, consumed_on="2026-01-05", review=review, visibility="public"),
    )
    assert (entry.rating, entry.consumed_on, entry.visibility) == (9, date(2026, 1, 5), "public")
    assert entry.review == f"שלום — é {XSS}"


# Stands for "tomorrow" in the cases below; replaced when the test runs.
TOMORROW = "<tomorrow>"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (EntryInput(rating=0.5), "rating"),
        (EntryInput(rating=11), "rating"),
        (EntryInput(rating=-1), "rating"),
        (EntryInput(rating="five"), "rating"),
        (EntryInput(status="want", rating=6), "rating"),
        (EntryInput(status="binged"), "status"),
        (EntryInput(consumed_on=TOMORROW), "consumed_on"),
        (EntryInput(consumed_on="yesterday"), "consumed_on"),
        (EntryInput(review="x" * 5001), "review"),
        (EntryInput(review=["not", "text"]), "review"),
        (EntryInput(visibility="friends"), "visibility"),
    ],
)
def test_bad_entry_input_is_refused_per_field_and_changes_nothing(session, ana_bob, data, field) -> None:
    ana, _ = ana_bob
    if data.consumed_on == TOMORROW:
        # Tomorrow as of when the test runs, not when it was collected (a run may cross midnight).
        data = replace(data, consumed_on=(date.today() + timedelta(days=1)).isoformat())
    item = make_item(session)
    with pytest.raises(ValidationError) as exc:
        entries.create_entry(session=session, user=ana, item_id=item.id, data=data)
    assert exc.value.errors.get(field)
    assert session.exec(select(Entry)).all() == []


def test_unknown_item_is_not_found(session, ana_bob) -> None:
    with pytest.raises(NotFound):
        entries.create_entry(session=session, user=ana_bob[0], item_id=99999, data=EntryInput())
    with pytest.raises(NotFound):
        entries.create_entry(session=session, user=ana_bob[0], item_id="1", data=EntryInput())  # type: ignore[arg-type]


@pytest.mark.parametrize("bad_id", [2**31, 2**63, 10**30, -1, 0, True])
def test_ids_out_of_range_are_not_found_on_either_database(session, ana_bob, bad_id) -> None:
    # PostgreSQL's integer keys stop at 2**31 - 1: a bigger id from a URL, an event or the API
    # must read as "not found", not make the database raise.
    ana, bob = ana_bob
    for call in (
        lambda: entries.create_entry(session=session, user=ana, item_id=bad_id, data=EntryInput()),
        lambda: entries.delete_entry(session=session, user=ana, entry_id=bad_id),
        lambda: items.item_page(session=session, item_id=bad_id, viewer_id=ana.id),
        lambda: social.like(session=session, user=ana, entry_id=bad_id),
        lambda: social.add_comment(session=session, user=ana, entry_id=bad_id, text="hi"),
        lambda: social.delete_comment(session=session, user=ana, comment_id=bad_id),
        lambda: social.follow(session=session, follower=ana, followee_id=bad_id),
    ):
        with pytest.raises(NotFound):
            call()
    assert session.exec(select(Entry)).all() == []


def test_only_the_owner_edits_or_deletes_an_entry(session, ana_bob) -> None:
    ana, bob = ana_bob
    entry = entries.create_entry(session=session, user=ana, item_id=make_item(session).id, data=EntryInput(rating=6))
    with pytest.raises(PermissionDenied):
        entries.update_entry(session=session, user=bob, entry_id=entry.id, data=EntryInput(rating=1))
    with pytest.raises(PermissionDenied):
        entries.delete_entry(session=session, user=bob, entry_id=entry.id)
    assert session.get(Entry, entry.id).rating == 6
    entries.update_entry(session=session, user=ana, entry_id=entry.id, data=EntryInput(rating=8, review="Better"))
    assert session.get(Entry, entry.id).rating == 8
    social.like(session=session, user=bob, entry_id=entry.id)
    entries.delete_entry(session=session, user=ana, entry_id=entry.id)
    session.commit()
    assert session.get(Entry, entry.id) is None
    assert session.exec(select(Like)).all() == []
    assert session.exec(select(Notification).where(Notification.target == f"entry:{entry.id}")).all() == []


def test_follow_rules_and_notification(session, ana_bob) -> None:
    ana, bob = ana_bob
    assert social.follow(session=session, follower=bob, followee_id=ana.id) is True
    assert social.follow(session=session, follower=bob, followee_id=ana.id) is False
    with pytest.raises(ValidationError):
        social.follow(session=session, follower=ana, followee_id=ana.id)
    with pytest.raises(NotFound):
        social.follow(session=session, follower=ana, followee_id=424242)
    assert [p.username for p in social.followers(session=session, user_id=ana.id).people] == ["bob"]
    assert [p.username for p in social.following(session=session, user_id=bob.id).people] == ["ana"]
    assert social.unread_count(session=session, user=ana) == 1
    assert social.notifications(session=session, user=ana)[0].text == "started following you"
    assert social.unfollow(session=session, follower=bob, followee_id=ana.id) is True
    assert social.unfollow(session=session, follower=bob, followee_id=ana.id) is False


def test_likes_and_comments_only_on_what_you_can_see(session, ana_bob) -> None:
    ana, bob = ana_bob
    item = make_item(session, "Dune")
    private = entries.create_entry(session=session, user=ana, item_id=item.id, data=EntryInput(visibility="private"))
    followers_only = entries.create_entry(
        session=session, user=ana, item_id=item.id, data=EntryInput(visibility="followers")
    )
    for entry_id in (private.id, followers_only.id):
        with pytest.raises(NotFound):
            social.like(session=session, user=bob, entry_id=entry_id)
        with pytest.raises(NotFound):
            social.add_comment(session=session, user=bob, entry_id=entry_id, text="hi")
    social.follow(session=session, follower=bob, followee_id=ana.id)
    assert social.like(session=session, user=bob, entry_id=followers_only.id) is True
    assert social.like(session=session, user=bob, entry_id=followers_only.id) is False
    social.add_comment(session=session, user=bob, entry_id=followers_only.id, text=f"  {XSS}  ")
    with pytest.raises(NotFound):
        social.like(session=session, user=bob, entry_id=private.id)
    texts = [n.text for n in social.notifications(session=session, user=ana)]
    assert texts == ["commented on your postcard about Dune", "liked your postcard about Dune", "started following you"]
    comments = social.comments_for(session=session, viewer=bob, entry_ids=[followers_only.id, private.id])
    assert [c.text for c in comments[followers_only.id]] == [XSS]
    assert private.id not in comments
    assert social.mark_all_read(session=session, user=ana) == 3
    assert social.unread_count(session=session, user=ana) == 0


@pytest.mark.parametrize("text", ["", "   \n\t ", "x" * 2001, None, 42])
def test_bad_comments_are_refused(session, ana_bob, text) -> None:
    ana, bob = ana_bob
    entry = entries.create_entry(session=session, user=ana, item_id=make_item(session).id, data=EntryInput())
    with pytest.raises(ValidationError):
        social.add_comment(session=session, user=bob, entry_id=entry.id, text=text)
    assert session.exec(select(Comment)).all() == []


def test_followers_and_following_page_newest_first_and_count_what_they_list(session) -> None:
    star = make_user(session, "star")
    fans = [make_user(session, f"fan{i}") for i in range(7)]
    for fan in fans:
        social.follow(session=session, follower=fan, followee_id=star.id)
    for fan in fans[:3]:
        social.follow(session=session, follower=star, followee_id=fan.id)
    # Followed a minute apart, oldest first, except that fan3 and fan4 followed at one instant.
    start = utcnow() - timedelta(hours=1)
    for follow in session.exec(select(Follow)).all():
        other = follow.follower_id if follow.followee_id == star.id else follow.followee_id
        i = next(i for i, fan in enumerate(fans) if fan.id == other)
        follow.created_at = start + timedelta(minutes=3 if i == 4 else i)
        session.add(follow)
    fans[5].is_active = False  # a closed account: in neither list nor count
    session.add(fans[5])
    session.flush()

    def walk(lister, limit: int) -> list[str]:  # noqa: ANN001
        names, cursor = [], ""
        while True:
            page = lister(session=session, user_id=star.id, cursor=cursor, limit=limit)
            names += [p.username for p in page.people]
            assert len(page.people) <= limit
            if not page.next_cursor:
                return names
            cursor = page.next_cursor

    newest_first = ["fan6", *sorted(["fan3", "fan4"], key=lambda n: -fans[int(n[-1])].id), "fan2", "fan1", "fan0"]
    for limit in (1, 2, 50):
        assert walk(social.followers, limit) == newest_first
        assert walk(social.following, limit) == ["fan2", "fan1", "fan0"]
    header = profiles.profile_header(session=session, username="star", viewer_id=None)
    assert (header.follower_count, header.following_count) == (6, 3)
    # Each row says how that person stands with the viewer (nobody, logged out).
    assert not any(p.you_follow or p.follows_you for p in social.followers(session=session, user_id=star.id).people)
    social.follow(session=session, follower=fans[1], followee_id=fans[2].id)
    rows = {p.username: p for p in social.followers(session=session, user_id=star.id, viewer_id=fans[2].id).people}
    assert (rows["fan1"].you_follow, rows["fan1"].follows_you) == (False, True)
    assert not rows["fan6"].you_follow and not rows["fan6"].follows_you
    rows = {p.username: p for p in social.followers(session=session, user_id=star.id, viewer_id=fans[1].id).people}
    assert (rows["fan2"].you_follow, rows["fan2"].follows_you) == (True, False)
    # A cursor nobody made reads as the first page.
    for bad in ("garbage", "2026-01-01T00:00:00|99999999999999999999", "|3"):
        assert [p.username for p in social.followers(session=session, user_id=star.id, cursor=bad).people][:2] == [
            "fan6",
            newest_first[1],
        ]


def test_liking_or_following_again_does_not_notify_again_the_same_day(session, ana_bob) -> None:
    ana, bob = ana_bob

    def notices() -> int:  # every notification Ana has, read or not, grouped or not
        return len(session.exec(select(Notification.id).where(Notification.recipient_id == ana.id)).all())

    entry = entries.create_entry(session=session, user=ana, item_id=make_item(session, "Dune").id, data=EntryInput())
    before = notices()
    for _ in range(3):
        social.like(session=session, user=bob, entry_id=entry.id)
        social.unlike(session=session, user=bob, entry_id=entry.id)
        social.follow(session=session, follower=bob, followee_id=ana.id)
        social.unfollow(session=session, follower=bob, followee_id=ana.id)
    assert notices() == before + 2
    kinds = [n.kind for n in session.exec(select(Notification).where(Notification.recipient_id == ana.id)).all()]
    assert sorted(kinds) == ["follow", "like"]
    # Someone else's like is news; so is bob's a day later.
    carl = make_user(session, "carl")
    social.like(session=session, user=carl, entry_id=entry.id)
    for note in session.exec(select(Notification).where(Notification.actor_id == bob.id)).all():
        note.created_at -= timedelta(days=1, minutes=1)
        session.add(note)
    session.flush()
    social.like(session=session, user=bob, entry_id=entry.id)
    assert notices() == before + 4
    # Every comment still notifies.
    social.add_comment(session=session, user=bob, entry_id=entry.id, text="one")
    social.add_comment(session=session, user=bob, entry_id=entry.id, text="two")
    assert notices() == before + 6


def test_comment_flood_is_refused_for_a_while_and_writes_nothing(session, ana_bob) -> None:
    ana, bob = ana_bob
    first = entries.create_entry(session=session, user=ana, item_id=make_item(session).id, data=EntryInput())
    second = entries.create_entry(session=session, user=ana, item_id=make_item(session).id, data=EntryInput())
    start = utcnow()
    for n in range(social.COMMENT_RATE.max_count):
        social.add_comment(
            session=session,
            user=bob,
            entry_id=(first, second)[n % 2].id,
            text=f"spam {n}",
            now=start + timedelta(seconds=n),
        )
    notified = len(session.exec(select(Notification.id).where(Notification.recipient_id == ana.id)).all())
    with pytest.raises(RateLimited) as refused:
        social.add_comment(
            session=session, user=bob, entry_id=first.id, text="one more", now=start + timedelta(seconds=5)
        )
    assert refused.value.errors == {"text": "You are commenting too fast. Wait 25 seconds, then try again."}
    assert refused.value.retry_after == 25
    assert session.exec(select(func.count()).select_from(Comment)).one() == social.COMMENT_RATE.max_count
    assert len(session.exec(select(Notification.id).where(Notification.recipient_id == ana.id)).all()) == notified
    # Someone else is not held back; bob may go on once the first comment is out of the window.
    social.add_comment(session=session, user=ana, entry_id=first.id, text="hello", now=start + timedelta(seconds=5))
    social.add_comment(session=session, user=bob, entry_id=first.id, text="later", now=start + timedelta(seconds=31))


def test_comment_edit_and_delete_permissions(session, ana_bob) -> None:
    ana, bob = ana_bob
    carl = make_user(session, "carl")
    entry = entries.create_entry(session=session, user=ana, item_id=make_item(session).id, data=EntryInput())
    by_bob = social.add_comment(session=session, user=bob, entry_id=entry.id, text="first")
    by_carl = social.add_comment(session=session, user=carl, entry_id=entry.id, text="second")
    with pytest.raises(PermissionDenied):
        social.edit_comment(session=session, user=ana, comment_id=by_bob.id, text="hijacked")
    with pytest.raises(PermissionDenied):
        social.delete_comment(session=session, user=carl, comment_id=by_bob.id)
    # Bad text changes nothing, with the reason at the field.
    for bad, why in (("   ", "Write something first."), ("x" * 2001, "at most 2,000"), (42, "must be text")):
        with pytest.raises(ValidationError) as refused:
            social.edit_comment(session=session, user=bob, comment_id=by_bob.id, text=bad)
        assert why in refused.value.errors["comment"]
    with pytest.raises(NotFound):
        social.edit_comment(session=session, user=bob, comment_id=10**12, text="gone")
    assert not next(c for c in _thread(session, ana, entry.id) if c.comment_id == by_bob.id).edited
    social.edit_comment(session=session, user=bob, comment_id=by_bob.id, text=f"  {XSS} édité ☕ ")
    assert session.get(Comment, by_bob.id).text == f"{XSS} édité ☕"
    shown = next(c for c in _thread(session, ana, entry.id) if c.comment_id == by_bob.id)
    assert shown.edited and shown.text == f"{XSS} édité ☕"
    # Once the postcard is private, it is gone for Bob: his comment under it cannot be edited.
    entries.update_entry(session=session, user=ana, entry_id=entry.id, data=EntryInput(visibility="private"))
    with pytest.raises(NotFound):
        social.edit_comment(session=session, user=bob, comment_id=by_bob.id, text="still here?")
    social.delete_comment(session=session, user=ana, comment_id=by_carl.id)  # the entry's owner may
    social.delete_comment(session=session, user=bob, comment_id=by_bob.id)  # the author may
    assert session.exec(select(Comment)).all() == []


def test_mentions_in_comments_notify_who_can_see_the_postcard(session, ana_bob) -> None:
    ana, bob = ana_bob
    cleo, dave, erin, fay = (make_user(session, n) for n in ("cleo", "dave", "erin", "fay"))
    blocks.block(session=session, blocker=erin, blocked_id=bob.id)
    dune = entries.create_entry(session=session, user=ana, item_id=make_item(session, "Dune").id, data=EntryInput())
    text = "@cleo @DAVE, @ana and @bob: read it! @erin @nobody_here mail@fay.com"
    comment = social.add_comment(session=session, user=bob, entry_id=dune.id, text=text)

    def mentions(user) -> list[tuple[str, str, str]]:  # noqa: ANN001
        return [
            (n.actor_username, n.text, n.href)
            for n in social.notifications(session=session, user=user)
            if n.kind == "mention"
        ]

    where = f"/u/ana?entry={dune.id}#entry-{dune.id}"
    said = "mentioned you in a comment on @ana’s postcard about Dune"
    # Cleo and Dave (any case); not Ana (told of the comment anyway), Bob himself, Erin (who
    # blocked him), nor an e-mail address.
    assert mentions(cleo) == mentions(dave) == [("bob", said, where)]
    assert mentions(ana) == mentions(bob) == mentions(erin) == mentions(fay) == []
    assert [n.kind for n in social.notifications(session=session, user=ana)] == ["comment"]
    # The comment shows @cleo, @DAVE, @ana, @bob and @erin as links; not @nobody_here.
    (shown,) = _thread(session, ana, dune.id)
    assert "".join(p.text for p in shown.parts) == text
    assert [(p.text, p.username) for p in shown.parts if p.username] == [
        ("@cleo", "cleo"),
        ("@DAVE", "dave"),
        ("@ana", "ana"),
        ("@bob", "bob"),
        ("@erin", "erin"),
    ]

    # An edit notifies only whom it newly names.
    social.edit_comment(session=session, user=bob, comment_id=comment.id, text=text + " @fay")
    assert len(mentions(cleo)) == 1 and mentions(fay) == [("bob", said, where)]
    # Taking a name out and putting it back does not notify again.
    social.edit_comment(session=session, user=bob, comment_id=comment.id, text="never mind")
    social.edit_comment(session=session, user=bob, comment_id=comment.id, text="@cleo @fay after all")
    assert len(mentions(cleo)) == len(mentions(fay)) == 1
    # Deleting the comment takes its mentions with it.
    social.delete_comment(session=session, user=ana, comment_id=comment.id)
    assert mentions(cleo) == mentions(fay) == []

    # A followers-only postcard: only those who may see it hear of a mention under it.
    social.follow(session=session, follower=cleo, followee_id=ana.id)
    social.follow(session=session, follower=bob, followee_id=ana.id)
    circle = entries.create_entry(
        session=session, user=ana, item_id=make_item(session, "Solaris").id, data=EntryInput(visibility="followers")
    )
    social.add_comment(session=session, user=bob, entry_id=circle.id, text="@cleo @dave you two should see this")
    assert [t for _, t, _ in mentions(cleo)] == ["mentioned you in a comment on @ana’s postcard about Solaris"]
    assert mentions(dave) == []
    # Later private: the mention stays, but says nothing of what it was about.
    entries.update_entry(session=session, user=ana, entry_id=circle.id, data=EntryInput(visibility="private"))
    assert mentions(cleo) == [("bob", "mentioned you in a comment", "/u/bob")]
    # Removing the postcard removes its comments' mentions.
    entries.delete_entry(session=session, user=ana, entry_id=circle.id)
    assert mentions(cleo) == []


def _thread(session, viewer, entry_id: int) -> list[social.CommentView]:  # noqa: ANN001
    return social.comments_for(session=session, viewer=viewer, entry_ids=[entry_id])[entry_id]


def test_item_page_and_stats_count_only_visible_entries(session, ana_bob) -> None:
    ana, bob = ana_bob
    item = make_item(session, "Solaris", kind="movie", genres=["sci-fi", "drama"])
    entries.create_entry(session=session, user=ana, item_id=item.id, data=EntryInput(rating=10, review="Wow"))
    entries.create_entry(
        session=session, user=ana, item_id=item.id, data=EntryInput(rating=2, review="secret", visibility="private")
    )
    entries.create_entry(session=session, user=bob, item_id=item.id, data=EntryInput(rating=7))
    social.follow(session=session, follower=bob, followee_id=ana.id)

    as_bob = items.item_page(session=session, item_id=item.id, viewer_id=bob.id)
    assert (as_bob.entry_count, as_bob.rating_count, as_bob.average) == (2, 2, "4.2")
    assert as_bob.counts_text == "2 ratings (2 entries)"
    assert [r.review for r in as_bob.reviews] == ["Wow"]
    assert [f.username for f in as_bob.followed] == ["ana"]
    assert sum(b.count for b in as_bob.distribution) == 2
    as_ana = items.item_page(session=session, item_id=item.id, viewer_id=ana.id)
    assert as_ana.entry_count == 3 and {r.review for r in as_ana.reviews} == {"Wow", "secret"}
    # Counted in words that fit the number.
    stalker = make_item(session, "Stalker", kind="movie")
    entries.create_entry(session=session, user=bob, item_id=stalker.id, data=EntryInput(rating=9))
    assert items.item_page(session=session, item_id=stalker.id, viewer_id=None).counts_text == "1 rating (1 entry)"
    with pytest.raises(NotFound):
        items.item_page(session=session, item_id=123456, viewer_id=None)

    public = stats.profile_stats(session=session, owner_id=ana.id, viewer_id=None)
    own = stats.profile_stats(session=session, owner_id=ana.id, viewer_id=ana.id)
    assert (public.total, own.total) == (1, 2)
    assert sum(m.movie for m in own.per_month) == 2
    assert {g.name for g in public.genres} == {"sci-fi", "drama"}
    assert [r.count for r in own.ratings if r.count] == [1, 1]


def test_people_to_follow_are_active_posters_you_do_not_follow_most_followed_first(session) -> None:
    me, star, quiet, followed, hidden, gone, secret = (
        make_user(session, name) for name in ("viewer", "star", "quiet", "followed", "hidden", "gone", "secret")
    )
    item = make_item(session)
    for person in (me, star, quiet, followed, hidden, gone):
        make_entry(session, person, item, status="finished", visibility="public")
    make_entry(session, secret, item, status="finished", visibility="private")  # posts nothing public
    hidden.discoverable, gone.is_active = False, False
    fans = [make_user(session) for _ in range(3)]
    for fan in fans:
        social.follow(session=session, follower=fan, followee_id=star.id)
    social.follow(session=session, follower=fans[0], followee_id=quiet.id)
    social.follow(session=session, follower=me, followee_id=followed.id)
    session.flush()

    people = social.active_people_to_follow(session=session, viewer_id=me.id)
    assert [p.username for p in people] == ["star", "quiet"]
    assert [p.reason for p in people] == ["Followed by 3 people", "Followed by 1 person"]
    assert people[0].user_id == star.id
    assert social.active_people_to_follow(session=session, viewer_id=me.id, exclude={star.id})[0].username == "quiet"
    assert social.active_people_to_follow(session=session, viewer_id=me.id, n=1) == people[:1]
    assert social.follows_count(session=session, user_id=me.id) == 1


def test_comment_counts_match_the_comments_shown(session, ana_bob) -> None:
    # A deactivated person's comments are not shown, so the postcard does not count them either.
    ana, bob = ana_bob
    cleo = make_user(session)
    entry = entries.create_entry(session=session, user=ana, item_id=make_item(session).id, data=EntryInput())
    social.add_comment(session=session, user=bob, entry_id=entry.id, text="first")
    social.add_comment(session=session, user=cleo, entry_id=entry.id, text="second")
    accounts.deactivate_user(session=session, user_id=cleo.id)
    shown = social.comments_for(session=session, viewer=ana, entry_ids=[entry.id])[entry.id]
    (card,) = postcards.profile_postcards(session=session, viewer_id=ana.id, owner_id=ana.id).postcards
    assert [c.text for c in shown] == ["first"] and card.comment_count == 1


def _age(session, recipient, *, by, days: int) -> None:  # noqa: ANN001
    """Move `by`'s notifications to `recipient` `days` back in time."""
    for n in session.exec(
        select(Notification).where(Notification.recipient_id == recipient.id, Notification.actor_id == by.id)
    ):
        n.created_at -= timedelta(days=days)
        session.add(n)
    session.flush()


def test_alike_notifications_group_into_one_row(session, ana_bob) -> None:
    ana, bob = ana_bob
    cleo, dave, erin, fay, gus = (make_user(session, n) for n in ("cleo", "dave", "erin", "fay", "gus"))
    dune = entries.create_entry(session=session, user=ana, item_id=make_item(session, "Dune").id, data=EntryInput())
    emma = entries.create_entry(session=session, user=ana, item_id=make_item(session, "Emma").id, data=EntryInput())
    bobs = entries.create_entry(session=session, user=bob, item_id=make_item(session, "Ulysses").id, data=EntryInput())
    for fan in (bob, cleo, dave, erin, fay):
        social.like(session=session, user=fan, entry_id=dune.id)
    social.like(session=session, user=cleo, entry_id=emma.id)
    for fan in (cleo, dave):
        social.follow(session=session, follower=fan, followee_id=ana.id)
    for fan in (bob, cleo, bob):  # Bob twice: he is named once
        social.add_comment(session=session, user=fan, entry_id=dune.id, text="So good")
    for fan in (cleo, dave):  # mentions stay one row each
        social.add_comment(session=session, user=fan, entry_id=bobs.id, text="@ana look")
    blocks.block(session=session, blocker=ana, blocked_id=fay.id)  # Fay's like is no longer shown

    rows = [(n.kind, n.actor_name, n.actor_count, n.text) for n in social.notifications(session=session, user=ana)]
    assert rows == [
        ("mention", "dave", 1, "mentioned you in a comment on @bob’s postcard about Ulysses"),
        ("mention", "cleo", 1, "mentioned you in a comment on @bob’s postcard about Ulysses"),
        ("comment", "bob and cleo", 2, "commented on your postcard about Dune"),
        ("follow", "dave and cleo", 2, "started following you"),
        ("like", "cleo", 1, "liked your postcard about Emma"),
        ("like", "erin, dave and 2 others", 4, "liked your postcard about Dune"),
    ]
    shown = social.notifications(session=session, user=ana)
    assert shown[3].href == "/u/ana?section=followers"
    assert shown[5].href == f"/u/ana#entry-{dune.id}" and shown[5].actor_username == "erin"
    assert all(n.unread for n in shown)
    # The badge counts rows as the page shows them.
    assert social.unread_count(session=session, user=ana) == len(shown) == 6
    # Bob is told of the comments on his postcard in one row.
    assert [(n.kind, n.actor_name) for n in social.notifications(session=session, user=bob)] == [
        ("comment", "dave and cleo")
    ]

    # What was read does not merge with what is new; nor does yesterday with today.
    social.mark_all_read(session=session, user=ana)
    social.add_comment(session=session, user=gus, entry_id=dune.id, text="Me too")
    social.follow(session=session, follower=gus, followee_id=ana.id)
    _age(session, ana, by=erin, days=1)
    rows = [(n.kind, n.actor_name, n.unread) for n in social.notifications(session=session, user=ana)]
    assert rows[:2] == [("follow", "gus", True), ("comment", "gus", True)]
    assert social.unread_count(session=session, user=ana) == 2
    assert ("comment", "bob and cleo", False) in rows and ("follow", "dave and cleo", False) in rows
    assert rows[-2:] == [("like", "dave, cleo and 1 other", False), ("like", "erin", False)]
    assert social.notifications(session=session, user=ana)[0].href == "/u/gus"


def test_notifications_page_by_cursor_and_cover_every_one_once(session, ana_bob) -> None:
    ana, bob = ana_bob
    cleo = make_user(session, "cleo")
    item = make_item(session, "Dune")
    cards = [make_entry(session, ana, item) for _ in range(70)]
    now = utcnow()
    # All at one instant: the cursor breaks ties by id. The newest card (first page) gets a
    # second, older like from Cleo, which comes after that page is full: it opens a row of its
    # own on the last page.
    for card in cards:
        session.add(
            Notification(recipient_id=ana.id, actor_id=bob.id, kind="like", target=f"entry:{card.id}", created_at=now)
        )
    session.add(
        Notification(
            recipient_id=ana.id, actor_id=cleo.id, kind="like", target=f"entry:{cards[-1].id}",
            created_at=now - timedelta(seconds=1),
        )
    )  # fmt: skip
    session.flush()

    pages, cursor = [], ""
    while True:
        page = social.notification_page(session=session, user=ana, cursor=cursor)
        pages.append(page.notifications)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert [len(p) for p in pages] == [social.NOTIFICATION_PAGE, social.NOTIFICATION_PAGE, 11]
    shown = [n for p in pages for n in p]
    assert len({n.notification_id for n in shown}) == len(shown) == 71
    assert sum(n.actor_count for n in shown) == 71
    assert shown[-1].actor_name == "cleo" and shown[-1].href == f"/u/ana#entry-{cards[-1].id}"
    # Newest first, ties by id descending.
    bob_rows = [n.notification_id for n in shown if n.actor_username == "bob"]
    assert bob_rows == sorted(bob_rows, reverse=True)
    for bad in ("garbage", "", "MTox"):
        assert social.notification_page(session=session, user=ana, cursor=bad).notifications == pages[0]


def test_older_pages_still_show_as_new_what_opening_the_page_marked_read(session, ana_bob) -> None:
    ana, bob = ana_bob
    cleo = make_user(session, "cleo")
    item = make_item(session, "Dune")
    cards = [make_entry(session, ana, item) for _ in range(31)]
    read_long_ago = make_entry(session, ana, item)
    social.like(session=session, user=cleo, entry_id=read_long_ago.id)
    assert social.mark_all_read(session=session, user=ana, at=utcnow() - timedelta(days=1)) == 1
    for card in cards:
        social.like(session=session, user=bob, entry_id=card.id)

    first = social.notification_page(session=session, user=ana)
    assert len(first.notifications) == social.NOTIFICATION_PAGE and all(n.unread for n in first.notifications)
    opened = utcnow()
    # One statement marks the 31 unread ones; the one read yesterday is left as it was.
    assert social.mark_all_read(session=session, user=ana, at=opened) == 31
    assert social.unread_count(session=session, user=ana) == 0

    older = social.notification_page(session=session, user=ana, cursor=first.next_cursor, read_since=opened)
    assert [(n.actor_username, n.unread) for n in older.notifications] == [("bob", True), ("cleo", False)]
    # Without the moment it opened, a page shows them read.
    plain = social.notification_page(session=session, user=ana, cursor=first.next_cursor)
    assert [n.unread for n in plain.notifications] == [False, False]
    assert social.mark_all_read(session=session, user=ana) == 0


def test_opening_notifications_leaves_new_what_arrives_while_the_page_is_read(session, ana_bob, monkeypatch) -> None:
    ana, bob = ana_bob
    item = make_item(session, "Dune")
    seen, late = make_entry(session, ana, item), make_entry(session, ana, item)
    social.like(session=session, user=bob, entry_id=seen.id)
    read_page = social.notification_page

    def page_then_a_like_arrives(**kwargs):
        page = read_page(**kwargs)
        social.like(session=session, user=bob, entry_id=late.id)
        return page

    monkeypatch.setattr(social, "notification_page", page_then_a_like_arrives)
    opened = social.open_notifications(session=session, user=ana)
    assert [(n.text, n.unread) for n in opened.page.notifications] == [("liked your postcard about Dune", True)]
    # The like that came in after the page was read was never shown: it stays new, on the badge too.
    assert opened.unread == social.unread_count(session=session, user=ana) == 1
    monkeypatch.setattr(social, "notification_page", read_page)
    again = social.open_notifications(session=session, user=ana)
    assert [n.unread for n in again.page.notifications] == [True, False]
    assert again.unread == 0 and again.opened_at >= opened.opened_at
