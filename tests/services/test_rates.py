"""Flood control for follows, likes, catalog items and entries added by hand, on both databases.

Each limit refuses the next write within its window and writes nothing then, lets it through once
the window has moved on, and holds against loops that undo each write (unfollow, unlike, delete).
An import, however big, does not count against what the person then adds by hand.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from slice_of_culture.importers.rows import ImportRow
from slice_of_culture.models import Action, Entry, Follow, Item, Like, Notification, utcnow
from slice_of_culture.services import catalog, entries, imports, social
from slice_of_culture.services.entries import EntryInput
from slice_of_culture.services.errors import RateLimited
from slice_of_culture.services.rates import ENTRY_RATE, FOLLOW_RATE, IMPORT_RATE, ITEM_RATE, LIKE_RATE, Rate
from tests.utils.factories import make_entry, make_item, make_user


def _count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _after(rate: Rate, start):
    """An instant the window no longer counts the first of writes made a second apart from `start`
    (and still counts the second)."""
    return start + rate.window + timedelta(seconds=0.5)


def test_a_follow_unfollow_loop_is_refused_for_a_while_and_writes_nothing(session) -> None:
    ana, bob, cleo = make_user(session, "ana"), make_user(session, "bob"), make_user(session, "cleo")
    start = utcnow()
    for n in range(FOLLOW_RATE.max_count):
        assert social.follow(session=session, follower=ana, followee_id=bob.id, now=start + timedelta(seconds=n))
        assert social.unfollow(session=session, follower=ana, followee_id=bob.id)
    # The loop notified bob once (a follow repeated within a day notifies once), but it counted.
    assert _count(session, Notification, Notification.recipient_id == bob.id) == 1
    late = start + timedelta(seconds=FOLLOW_RATE.max_count)
    with pytest.raises(RateLimited) as refused:
        social.follow(session=session, follower=ana, followee_id=cleo.id, now=late)
    waited = FOLLOW_RATE.window.total_seconds() - FOLLOW_RATE.max_count
    assert refused.value.retry_after == waited
    assert refused.value.errors == {
        "follow": f"You are following people too fast. Wait {-(-int(waited) // 60)} minutes, then try again."
    }
    assert _count(session, Follow, Follow.follower_id == ana.id) == 0
    assert _count(session, Notification, Notification.recipient_id == cleo.id) == 0
    assert _count(session, Action, Action.user_id == ana.id) == FOLLOW_RATE.max_count
    # Someone else is not held back; ana may go on once the first follow is out of the window.
    assert social.follow(session=session, follower=bob, followee_id=cleo.id, now=late)
    after = _after(FOLLOW_RATE, start)
    assert social.follow(session=session, follower=ana, followee_id=cleo.id, now=after)
    assert _count(session, Notification, Notification.recipient_id == cleo.id) == 2
    # The actions the window no longer counts are forgotten.
    kept = session.exec(select(Action.created_at).where(Action.user_id == ana.id, Action.kind == "follow")).all()
    assert len(kept) == FOLLOW_RATE.max_count and min(kept) > after - FOLLOW_RATE.window


def test_a_like_unlike_loop_is_refused_for_a_while_and_writes_nothing(session) -> None:
    ana, bob = make_user(session, "ana"), make_user(session, "bob")
    first, second = make_entry(session, ana, make_item(session)), make_entry(session, ana, make_item(session))
    start = utcnow()
    for n in range(LIKE_RATE.max_count):
        assert social.like(session=session, user=bob, entry_id=first.id, now=start + timedelta(seconds=n))
        assert social.unlike(session=session, user=bob, entry_id=first.id)
    notified = _count(session, Notification, Notification.recipient_id == ana.id)
    assert notified == 1
    late = start + timedelta(seconds=LIKE_RATE.max_count)
    with pytest.raises(RateLimited) as refused:
        social.like(session=session, user=bob, entry_id=second.id, now=late)
    assert refused.value.retry_after == LIKE_RATE.window.total_seconds() - LIKE_RATE.max_count
    assert refused.value.errors["like"].startswith("You are liking too fast. Wait ")
    assert _count(session, Like) == 0
    assert _count(session, Notification, Notification.recipient_id == ana.id) == notified
    # Unlike is never refused (there is nothing to take back here, but it answers, not raises).
    assert not social.unlike(session=session, user=bob, entry_id=second.id)
    # Someone else is not held back; bob may go on once the first like is out of the window.
    social.like(session=session, user=ana, entry_id=second.id, now=late)
    after = _after(LIKE_RATE, start)
    assert social.like(session=session, user=bob, entry_id=second.id, now=after)
    assert _count(session, Like, Like.user_id == bob.id) == 1


def test_adding_catalog_items_by_hand_is_refused_for_a_while_and_adds_nothing(session) -> None:
    ana, bob = make_user(session, "ana"), make_user(session, "bob")
    start = utcnow()
    for n in range(ITEM_RATE.max_count):
        item = catalog.add_item(
            session=session, user=ana, kind="book", title=f"Zine {n}", year="1999", now=start + timedelta(seconds=n)
        )
        assert item.created_by_id == ana.id
    before = _count(session, Item)
    late = start + timedelta(seconds=ITEM_RATE.max_count)
    with pytest.raises(RateLimited) as refused:
        catalog.add_item(session=session, user=ana, kind="book", title="One more", now=late)
    assert refused.value.retry_after == ITEM_RATE.window.total_seconds() - ITEM_RATE.max_count
    assert refused.value.errors["form"].startswith("You are adding to the catalog too fast. Wait ")
    assert _count(session, Item) == before
    # Someone else is not held back, nor are the items added with no person behind them.
    catalog.add_item(session=session, user=bob, kind="book", title="Bob's find", now=late)
    make_item(session, "Seeded")
    after = _after(ITEM_RATE, start)
    assert catalog.add_item(session=session, user=ana, kind="book", title="One more", now=after).title == "One more"


def test_logging_by_hand_is_refused_for_a_while_even_when_each_entry_is_deleted(session) -> None:
    ana, bob = make_user(session, "ana"), make_user(session, "bob")
    item = make_item(session)
    start = utcnow()
    for n in range(ENTRY_RATE.max_count):
        entry = entries.log_entry(
            session=session, user=ana, item_id=item.id, data=EntryInput(), now=start + timedelta(seconds=n)
        )
        entries.delete_entry(session=session, user=ana, entry_id=entry.id)
    late = start + timedelta(seconds=ENTRY_RATE.max_count)
    with pytest.raises(RateLimited) as refused:
        entries.log_entry(session=session, user=ana, item_id=item.id, data=EntryInput(), now=late)
    assert refused.value.retry_after == ENTRY_RATE.window.total_seconds() - ENTRY_RATE.max_count
    assert refused.value.errors["form"].startswith("You are logging too fast. Wait ")
    assert _count(session, Entry) == 0
    entries.log_entry(session=session, user=bob, item_id=item.id, data=EntryInput(), now=late)
    after = _after(ENTRY_RATE, start)
    assert entries.log_entry(session=session, user=ana, item_id=item.id, data=EntryInput(), now=after).user_id == ana.id


def test_an_import_of_500_lines_does_not_count_against_the_next_item_and_entry_by_hand(session) -> None:
    ana = make_user(session, "ana")
    rows = [ImportRow(line=n + 2, kind="book", title=f"Imported {n}", creator="Someone", year=2001) for n in range(500)]
    result = imports.run_import(session=session, user=ana, rows=rows, visibility="public")
    assert (result.imported, result.new_items, result.problems) == (500, 500, [])
    assert _count(session, Item, Item.created_by_id == ana.id) == 500
    # Right after it, by hand: a new item, then a postcard about it.
    item = catalog.add_item(session=session, user=ana, kind="movie", title="Not imported")
    entry = entries.log_entry(session=session, user=ana, item_id=item.id, data=EntryInput(rating=8))
    assert entry.item_id == item.id and _count(session, Entry, Entry.user_id == ana.id) == 501
    kinds = session.exec(select(Action.kind).where(Action.user_id == ana.id).order_by(Action.id)).all()
    assert kinds == ["import", "item", "entry"]


def test_imports_are_counted_one_each_and_refused_past_the_day_s_limit(session) -> None:
    ana, bob = make_user(session, "ana"), make_user(session, "bob")
    start = utcnow()

    def one_import(who, n: int, at):
        row = ImportRow(line=2, kind="book", title=f"File {who.username} {n}", creator="Someone", year=2001)
        return imports.run_import(session=session, user=who, rows=[row], visibility="public", now=at)

    for n in range(IMPORT_RATE.max_count):
        assert one_import(ana, n, start + timedelta(seconds=n)).imported == 1
    late = start + timedelta(seconds=IMPORT_RATE.max_count)
    items = _count(session, Item)
    with pytest.raises(RateLimited) as refused:
        one_import(ana, 99, late)
    assert refused.value.errors["file"] == "You are importing too fast. Wait 1440 minutes, then try again."
    assert _count(session, Item) == items
    assert one_import(bob, 0, late).imported == 1
    assert one_import(ana, 99, _after(IMPORT_RATE, start)).imported == 1
