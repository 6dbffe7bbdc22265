"""Postcards and profiles on SQLite and PostgreSQL: visibility everywhere, keyset pages, counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from slice_of_culture.models import Comment, Follow, Like, utcnow
from slice_of_culture.services import postcards, profiles
from slice_of_culture.services.errors import NotFound, ValidationError
from tests.utils.factories import make_entry, make_item, make_user


@pytest.fixture
def people(session):
    owner = make_user(session, "owner")
    follower = make_user(session, "follower")
    stranger = make_user(session, "stranger")
    session.add(Follow(follower_id=follower.id, followee_id=owner.id))
    item = make_item(session, "Dune", creator="Frank Herbert")
    base = utcnow()
    entries = {
        vis: make_entry(session, owner, item, visibility=vis, rating=9, created_at=base - timedelta(minutes=i))
        for i, vis in enumerate(("public", "followers", "private"))
    }
    session.flush()
    return owner, follower, stranger, entries


def _ids(page: postcards.PostcardPage) -> set[int]:
    return {c.entry_id for c in page.postcards}


def test_profile_shows_each_viewer_only_what_they_may_see(session, people) -> None:
    owner, follower, stranger, e = people
    see = {
        "owner": owner.id,
        "follower": follower.id,
        "stranger": stranger.id,
        "logged out": None,
    }
    expected = {
        "owner": {e["public"].id, e["followers"].id, e["private"].id},
        "follower": {e["public"].id, e["followers"].id},
        "stranger": {e["public"].id},
        "logged out": {e["public"].id},
    }
    for who, viewer_id in see.items():
        page = postcards.profile_postcards(session=session, viewer_id=viewer_id, owner_id=owner.id)
        assert _ids(page) == expected[who], who
        header = profiles.profile_header(session=session, username="OWNER", viewer_id=viewer_id)
        assert header.entry_count == len(expected[who]), who


def test_profile_header_says_who_follows_whom(session, people) -> None:
    owner, follower, stranger, _ = people
    # `follower` follows the owner; the owner follows nobody back yet.
    seen_by_owner = profiles.profile_header(session=session, username=follower.username, viewer_id=owner.id)
    assert seen_by_owner.follows_viewer and not seen_by_owner.viewer_follows
    seen_by_follower = profiles.profile_header(session=session, username="owner", viewer_id=follower.id)
    assert seen_by_follower.viewer_follows and not seen_by_follower.follows_viewer
    for viewer_id in (stranger.id, None, owner.id):
        header = profiles.profile_header(session=session, username="owner", viewer_id=viewer_id)
        assert not header.follows_viewer
        assert not header.viewer_follows


def test_a_profile_shelf_is_one_kind_and_status_of_what_the_viewer_may_see(session, people) -> None:
    owner, follower, stranger, e = people  # three finished Dune books: public, followers, private
    film = make_item(session, "Solaris", kind="movie", creator="Andrei Tarkovsky")
    wanted_book = make_item(session, "Middlemarch", creator="George Eliot")
    base = utcnow()
    wanted = {
        vis: make_entry(
            session, owner, wanted_book, status="want", visibility=vis, created_at=base - timedelta(hours=i)
        )
        for i, vis in enumerate(("public", "private"))
    }
    watched = make_entry(session, owner, film, status="finished", created_at=base - timedelta(hours=3))
    session.flush()

    def shelf(viewer_id, **filters):  # noqa: ANN001, ANN003, ANN202
        page = postcards.profile_postcards(session=session, viewer_id=viewer_id, owner_id=owner.id, **filters)
        return _ids(page)

    assert shelf(owner.id, kind="book", status="want") == {wanted["public"].id, wanted["private"].id}
    assert shelf(stranger.id, kind="book", status="want") == {wanted["public"].id}
    assert shelf(follower.id, kind="book", status="finished") == {e["public"].id, e["followers"].id}
    assert shelf(None, kind="movie") == {watched.id}
    assert shelf(None, status="finished") == {e["public"].id, watched.id}
    assert shelf(None, kind="music") == set()
    assert shelf(None, kind="", status="") == shelf(None) == {e["public"].id, wanted["public"].id, watched.id}
    for bad in ({"kind": "podcast"}, {"status": "read"}, {"kind": 3}, {"status": "<b>want</b>"}):
        with pytest.raises(ValidationError):
            shelf(owner.id, **bad)


def test_everyone_feed_has_only_public_entries(session, people) -> None:
    owner, follower, _, e = people
    for viewer in (owner.id, follower.id, None):
        assert _ids(postcards.everyone_feed(session=session, viewer_id=viewer)) == {e["public"].id}


def test_keyset_pages_cover_everything_once_newest_first(session) -> None:
    user = make_user(session, "prolific")
    item = make_item(session)
    stamp = utcnow()
    # Several entries share a timestamp, so the id breaks ties.
    made = [make_entry(session, user, item, created_at=stamp - timedelta(seconds=i // 3)) for i in range(25)]
    seen: list[int] = []
    cursor = ""
    for _ in range(10):
        page = postcards.profile_postcards(session=session, viewer_id=None, owner_id=user.id, cursor=cursor, limit=7)
        seen += [c.entry_id for c in page.postcards]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 25
    expected = [x.id for x in sorted(made, key=lambda x: (x.created_at, x.id), reverse=True)]
    assert seen == expected


def test_a_bad_cursor_starts_from_the_top(session, people) -> None:
    for cursor in ("garbage", "2020-01-01|notanumber", "|"):
        assert len(postcards.everyone_feed(session=session, viewer_id=None, cursor=cursor).postcards) == 1


def test_postcards_carry_like_and_comment_counts(session, people) -> None:
    owner, follower, stranger, e = people
    session.add_all(
        [
            Like(user_id=follower.id, entry_id=e["public"].id),
            Like(user_id=stranger.id, entry_id=e["public"].id),
            Comment(user_id=stranger.id, entry_id=e["public"].id, text="Great book"),
        ]
    )
    session.flush()
    card = postcards.everyone_feed(session=session, viewer_id=None).postcards[0]
    assert (card.like_count, card.comment_count) == (2, 1)
    assert card.stars == "★★★★½" and card.action == "Read" and card.title == "Dune"


def test_unknown_profile_is_not_found(session) -> None:
    with pytest.raises(NotFound):
        profiles.profile_header(session=session, username="nobody_here", viewer_id=None)


def _walk(fetch_page, limit: int = 5) -> list[postcards.Postcard]:
    cards, cursor = [], ""
    for _ in range(50):
        page = fetch_page(cursor, limit)
        assert len(page.postcards) <= limit
        cards += page.postcards
        cursor = page.next_cursor
        if not cursor:
            return cards
    raise AssertionError("pagination did not end")


def test_following_feed_is_me_and_followees_as_far_as_i_may_see(session) -> None:
    me, friend, stranger, fan = (make_user(session, n) for n in ("myself", "friend", "stranger", "fan"))
    session.add(Follow(follower_id=me.id, followee_id=friend.id))
    # `fan` follows me, but I don't follow them: their entries stay out of my feed.
    session.add(Follow(follower_id=fan.id, followee_id=me.id))
    item = make_item(session)
    base = utcnow()
    expected = []
    for i in range(12):
        # Spread out in time so nothing folds into a burst.
        when = base - timedelta(hours=2 * i)
        author, vis = [(me, "private"), (friend, "followers"), (friend, "public"), (stranger, "public")][i % 4]
        e = make_entry(session, author, item, visibility=vis, created_at=when)
        if author is not stranger:
            expected.append(e.id)
        make_entry(session, fan, item, created_at=when - timedelta(minutes=1))
    friend_private = make_entry(session, friend, item, visibility="private", created_at=base)
    session.flush()
    cards = _walk(lambda c, n: postcards.following_feed(session=session, viewer_id=me.id, cursor=c, limit=n))
    assert [c.entry_id for c in cards] == expected
    assert friend_private.id not in {c.entry_id for c in cards}


def test_a_burst_by_one_person_folds_into_one_postcard(session) -> None:
    ana, bob = make_user(session, "ana"), make_user(session, "bob")
    base = utcnow()
    for i in range(12):
        make_entry(session, ana, make_item(session, kind="book"), created_at=base - timedelta(minutes=i))
    make_entry(session, bob, make_item(session, kind="movie"), created_at=base - timedelta(hours=3))
    make_entry(session, bob, make_item(session, kind="movie"), created_at=base + timedelta(minutes=5))
    session.flush()
    cards = _walk(lambda c, n: postcards.everyone_feed(session=session, viewer_id=None, cursor=c, limit=n), limit=5)
    assert [(c.username, c.group_count) for c in cards] == [("bob", 0), ("ana", 12), ("bob", 0)]
    assert cards[1].group_text == "logged 12 books" and len(cards[1].group_titles) == postcards.GROUP_PREVIEW


def test_postcards_say_whether_the_viewer_liked_them(session, people) -> None:
    owner, follower, _, e = people
    session.add(Like(user_id=follower.id, entry_id=e["public"].id))
    session.flush()
    assert postcards.everyone_feed(session=session, viewer_id=follower.id).postcards[0].liked
    assert not postcards.everyone_feed(session=session, viewer_id=owner.id).postcards[0].liked


def test_feed_pages_never_lose_or_repeat_an_entry_around_bursts(session) -> None:
    people = [make_user(session, f"reader{i}") for i in range(3)]
    item = make_item(session)
    base = utcnow()
    made = []
    # Bursts and singles interleaved, some bursts longer than a page can fetch at once.
    t = base
    for round_ in range(6):
        for p, n in zip(people, (1, 7, 2 + round_), strict=True):
            for _ in range(n):
                t -= timedelta(minutes=1)
                made.append(make_entry(session, p, item, created_at=t).id)
            t -= timedelta(hours=2)
    session.flush()
    for limit in (1, 2, 5):
        cards = _walk(lambda c, n: postcards.everyone_feed(session=session, viewer_id=None, cursor=c, limit=n), limit)
        covered = []
        for card in cards:
            covered += [card.entry_id] if not card.group_count else [None] * card.group_count
        assert len(covered) == len(made), limit
        assert [c.entry_id for c in cards if not c.group_count] == [
            e for e in made if e in {c.entry_id for c in cards if not c.group_count}
        ]


def test_a_cursor_with_an_id_no_row_can_have_is_not_a_cursor() -> None:
    stamp = utcnow()
    assert postcards.decode_cursor(postcards.encode_cursor(stamp, 42)) == (stamp, 42)
    for bad_id in (2**31, 10**30, 0, -5):
        assert postcards.decode_cursor(postcards.encode_cursor(stamp, bad_id)) is None
