"""Postcards and profiles on SQLite and PostgreSQL: visibility everywhere, keyset pages, counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from slice_of_culture.models import Comment, Follow, Like, utcnow
from slice_of_culture.services import postcards, profiles
from slice_of_culture.services.errors import NotFound
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
        page = postcards.everyone_feed(session=session, viewer_id=None, cursor=cursor, limit=7)
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
