"""Blocking on SQLite and PostgreSQL: a block hides each person's postcards, comments and
notifications from the other, ends and refuses follows, likes, comments and mentions, and keeps
them out of each other's suggestions; unblocking restores what was visible, not the follows."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from slice_of_culture.models import Block, Follow
from slice_of_culture.services import blocks, entries, forums, items, postcards, profiles, social
from slice_of_culture.services.entries import EntryInput
from slice_of_culture.services.errors import NotFound, PermissionDenied, ValidationError
from tests.utils.factories import make_item, make_user


@pytest.fixture
def people(session: Session):
    ana, bob, cleo = make_user(session, "ana"), make_user(session, "bob"), make_user(session, "cleo")
    return ana, bob, cleo


def _everyone(session: Session, viewer_id: int | None) -> set[str]:
    return {c.username for c in postcards.everyone_feed(session=session, viewer_id=viewer_id).postcards}


def test_a_block_hides_both_ways_everywhere_and_unblock_restores(session: Session, people) -> None:
    ana, bob, cleo = people
    dune = make_item(session, "Dune")
    ana_entry = entries.create_entry(session=session, user=ana, item_id=dune.id, data=EntryInput(rating=9))
    entries.create_entry(session=session, user=bob, item_id=dune.id, data=EntryInput(rating=4, review="meh"))
    cleo_entry = entries.create_entry(session=session, user=cleo, item_id=dune.id, data=EntryInput())
    social.follow(session=session, follower=bob, followee_id=ana.id)
    social.follow(session=session, follower=ana, followee_id=bob.id)
    social.like(session=session, user=bob, entry_id=ana_entry.id)
    social.add_comment(session=session, user=bob, entry_id=cleo_entry.id, text="Bob was here")
    assert _everyone(session, ana.id) == {"ana", "bob", "cleo"}

    assert blocks.block(session=session, blocker=ana, blocked_id=bob.id) is True
    assert blocks.block(session=session, blocker=ana, blocked_id=bob.id) is False
    # Follows both ways are gone.
    assert session.exec(select(Follow).where(Follow.follower_id.in_([ana.id, bob.id]))).all() == []
    # Neither sees the other's postcards: feeds, profile, item page; a visitor still sees both.
    assert _everyone(session, ana.id) == {"ana", "cleo"}
    assert _everyone(session, bob.id) == {"bob", "cleo"}
    assert _everyone(session, None) == {"ana", "bob", "cleo"}
    assert postcards.profile_postcards(session=session, viewer_id=bob.id, owner_id=ana.id).postcards == []
    assert profiles.profile_header(session=session, username="ana", viewer_id=bob.id).entry_count == 0
    page = items.item_page(session=session, item_id=dune.id, viewer_id=ana.id)
    assert page.entry_count == 2 and "bob" not in [r.username for r in page.reviews]
    # Bob's comment on Cleo's postcard is hidden from Ana (not from Cleo); his like no longer notifies.
    assert social.comments_for(session=session, viewer=ana, entry_ids=[cleo_entry.id]) == {}
    assert len(social.comments_for(session=session, viewer=cleo, entry_ids=[cleo_entry.id])[cleo_entry.id]) == 1
    # ... and the postcard's comment count agrees with what each of them is shown.
    counts = {
        viewer: next(c.comment_count for c in postcards.everyone_feed(session=session, viewer_id=viewer).postcards
                     if c.entry_id == cleo_entry.id)
        for viewer in (ana.id, cleo.id, None)
    }  # fmt: skip
    assert counts == {ana.id: 0, cleo.id: 1, None: 1}
    assert [n.actor_username for n in social.notifications(session=session, user=ana)] == []
    assert social.unread_count(session=session, user=ana) == 0
    # The profile header tells each side what it can do.
    header = profiles.profile_header(session=session, username="bob", viewer_id=ana.id)
    assert header.viewer_blocked and not header.blocked_viewer
    header = profiles.profile_header(session=session, username="ana", viewer_id=bob.id)
    assert header.blocked_viewer and not header.viewer_blocked
    assert [p.username for p in blocks.blocked_people(session=session, user=ana)] == ["bob"]
    assert blocks.blocked_people(session=session, user=bob) == []

    assert blocks.unblock(session=session, blocker=ana, blocked_id=bob.id) is True
    assert blocks.unblock(session=session, blocker=ana, blocked_id=bob.id) is False
    assert _everyone(session, ana.id) == {"ana", "bob", "cleo"}
    assert [n.actor_username for n in social.notifications(session=session, user=ana)] == ["bob", "bob"]
    # Unblocking does not bring the follows back.
    assert session.exec(select(Follow).where(Follow.follower_id.in_([ana.id, bob.id]))).all() == []


def test_across_a_block_nobody_follows_likes_comments_or_mentions(session: Session, people) -> None:
    ana, bob, cleo = people
    entry = entries.create_entry(session=session, user=ana, item_id=make_item(session).id, data=EntryInput())
    blocks.block(session=session, blocker=ana, blocked_id=bob.id)
    with pytest.raises(PermissionDenied, match="cannot follow"):
        social.follow(session=session, follower=bob, followee_id=ana.id)
    with pytest.raises(PermissionDenied, match="Unblock them first"):
        social.follow(session=session, follower=ana, followee_id=bob.id)
    with pytest.raises(NotFound):
        social.like(session=session, user=bob, entry_id=entry.id)
    with pytest.raises(NotFound):
        social.add_comment(session=session, user=bob, entry_id=entry.id, text="hello?")
    # A mention across the block notifies nobody, either way; others still get theirs.
    forums.post_message(session=session, user=bob, slug="books", text="@ana @cleo have you read Dune?")
    forums.post_message(session=session, user=ana, slug="movies", text="@bob no")
    assert social.notifications(session=session, user=ana) == []
    assert social.notifications(session=session, user=bob) == []
    assert [n.kind for n in social.notifications(session=session, user=cleo)] == ["mention"]
    # The rooms stay open to both; Ana's browser folds Bob's messages away.
    assert blocks.blocked_usernames(session=session, user_id=ana.id) == ["bob"]
    assert blocks.blocked_usernames(session=session, user_id=bob.id) == []


def test_bad_blocks_are_refused_and_change_nothing(session: Session, people) -> None:
    ana, bob, _ = people
    with pytest.raises(ValidationError):
        blocks.block(session=session, blocker=ana, blocked_id=ana.id)
    for bad in (424242, -1, 2**63, "bob", None):
        with pytest.raises(NotFound):
            blocks.block(session=session, blocker=ana, blocked_id=bad)
    assert blocks.unblock(session=session, blocker=ana, blocked_id=bob.id) is False
    assert session.exec(select(Block)).all() == []
    # Someone else's block is not yours to lift.
    blocks.block(session=session, blocker=bob, blocked_id=ana.id)
    assert blocks.unblock(session=session, blocker=ana, blocked_id=bob.id) is False
    assert blocks.blocked_between(session=session, a_id=ana.id, b_id=bob.id)
    assert len(session.exec(select(Block)).all()) == 1


def test_like_counts_and_follower_lists_leave_out_blocked_people(session: Session, people) -> None:
    ana, bob, cleo = people
    dave = make_user(session, "dave")
    entry = entries.create_entry(session=session, user=cleo, item_id=make_item(session).id, data=EntryInput())
    for fan in (bob, dave):
        social.like(session=session, user=fan, entry_id=entry.id)
        social.follow(session=session, follower=fan, followee_id=cleo.id)
    social.follow(session=session, follower=cleo, followee_id=bob.id)
    social.follow(session=session, follower=cleo, followee_id=dave.id)
    blocks.block(session=session, blocker=bob, blocked_id=ana.id)  # Bob blocked Ana: hidden from her too

    def likes(viewer_id: int | None) -> int:
        return next(c.like_count for c in postcards.everyone_feed(session=session, viewer_id=viewer_id).postcards)

    assert {who: likes(who) for who in (ana.id, cleo.id, dave.id, None)} == {ana.id: 1, cleo.id: 2, dave.id: 2, None: 2}

    def names(page: social.PeoplePage) -> list[str]:
        return sorted(p.username for p in page.people)

    def counts(viewer_id: int | None) -> tuple[int, int]:
        header = profiles.profile_header(session=session, username="cleo", viewer_id=viewer_id)
        return header.follower_count, header.following_count

    assert names(social.followers(session=session, user_id=cleo.id, viewer_id=ana.id)) == ["dave"]
    assert names(social.following(session=session, user_id=cleo.id, viewer_id=ana.id)) == ["dave"]
    # The counts on Cleo's profile are the lengths of the lists each viewer sees.
    assert counts(ana.id) == (1, 1)
    for viewer in (cleo.id, dave.id, None):
        assert names(social.followers(session=session, user_id=cleo.id, viewer_id=viewer)) == ["bob", "dave"]
        assert names(social.following(session=session, user_id=cleo.id, viewer_id=viewer)) == ["bob", "dave"]
        assert counts(viewer) == (2, 2)
