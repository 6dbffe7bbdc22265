"""Dismissals ("Not interested") on SQLite and PostgreSQL: a dismissed item leaves the person's recommendations
(popular items, For you's personal results and its nearest-items fallback) and comes back when
they bring it back; both are idempotent; unknown items are refused and change nothing; one
person's dismissals are theirs alone; Settings lists them newest first, a page at a time by a
keyset cursor that bringing items back does not move; a bad cursor is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import Session, select

from slice_of_culture.models import Item, ItemDismissal, User, utcnow
from slice_of_culture.recs import serve
from slice_of_culture.services import dismissals
from slice_of_culture.services.errors import NotFound, ValidationError
from tests.recs.test_serve import served  # noqa: F401  (a fixture: a planted database, trained once)
from tests.utils.factories import make_entry, make_item, make_user


def _stored(session: Session) -> int:
    return session.exec(select(func.count()).select_from(ItemDismissal)).one()


def _popular(session: Session, user: User | None) -> list[int]:
    return [r.item_id for r in serve.popular_items(session=session, user=user)]


def test_dismiss_and_bring_back_are_idempotent(session: Session) -> None:
    ana = make_user(session, "ana")
    dune, emma = make_item(session, "Dune"), make_item(session, "Emma")
    assert dismissals.dismiss(session=session, user=ana, item_id=dune.id) is True
    assert dismissals.dismiss(session=session, user=ana, item_id=dune.id) is False
    assert dismissals.dismiss(session=session, user=ana, item_id=emma.id) is True
    session.commit()
    assert dismissals.dismissed_item_ids(session, ana.id) == {dune.id, emma.id}
    assert _stored(session) == 2

    assert dismissals.bring_back(session=session, user=ana, item_id=dune.id) is True
    assert dismissals.bring_back(session=session, user=ana, item_id=dune.id) is False
    session.commit()
    assert dismissals.dismissed_item_ids(session, ana.id) == {emma.id}
    # Hidden again after coming back: as new.
    assert dismissals.dismiss(session=session, user=ana, item_id=dune.id) is True
    assert dismissals.dismissed_item_ids(session, ana.id) == {dune.id, emma.id}


def test_an_unknown_item_or_a_non_id_is_refused_and_changes_nothing(session: Session) -> None:
    ana = make_user(session, "ana")
    dune = make_item(session, "Dune")
    dismissals.dismiss(session=session, user=ana, item_id=dune.id)
    session.commit()
    for bad in (987_654, 0, -1, 2**31, str(dune.id), float(dune.id), True, None, [dune.id]):
        for act in (dismissals.dismiss, dismissals.bring_back):
            with pytest.raises(NotFound, match="No such item in the catalog"):
                act(session=session, user=ana, item_id=bad)
    # The transaction is still usable, and what was hidden stays hidden.
    session.commit()
    assert dismissals.dismissed_item_ids(session, ana.id) == {dune.id}
    assert _stored(session) == 1


def test_at_most_max_dismissed_items_a_person(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dismissals, "MAX_DISMISSED", 2)
    ana, bob = make_user(session, "ana"), make_user(session, "bob")
    dune, emma, ulysses = (make_item(session, t) for t in ("Dune", "Emma", "Ulysses"))
    for item in (dune, emma):
        dismissals.dismiss(session=session, user=ana, item_id=item.id)
    with pytest.raises(ValidationError, match="You have hidden 2 items") as refused:
        dismissals.dismiss(session=session, user=ana, item_id=ulysses.id)
    assert "Show some again" in refused.value.errors["item"]
    # Hiding one already hidden is still fine; another person has their own room.
    assert dismissals.dismiss(session=session, user=ana, item_id=dune.id) is False
    assert dismissals.dismiss(session=session, user=bob, item_id=ulysses.id) is True
    session.commit()
    assert dismissals.dismissed_item_ids(session, ana.id) == {dune.id, emma.id}


def test_one_persons_dismissals_do_not_touch_anyone_elses(session: Session) -> None:
    ana, bob = make_user(session, "ana"), make_user(session, "bob")
    fans = [make_user(session, f"fan{n}") for n in range(2)]
    dune, emma = make_item(session, "Dune", kind="movie"), make_item(session, "Emma")
    for fan in fans:
        make_entry(session, fan, dune, status="finished", rating=10)
        make_entry(session, fan, emma, status="finished", rating=9)
    dismissals.dismiss(session=session, user=ana, item_id=dune.id)
    session.commit()
    assert _popular(session, ana) == [emma.id]
    assert _popular(session, bob) == [dune.id, emma.id]
    assert _popular(session, None) == [dune.id, emma.id]
    assert dismissals.dismissed_item_ids(session, bob.id) == set()
    assert dismissals.dismissed_page(session=session, user=bob) == dismissals.DismissedPage([], 0, "")
    # Bob bringing Dune back (it was never his to hide) leaves Ana's dismissal alone.
    assert dismissals.bring_back(session=session, user=bob, item_id=dune.id) is False
    assert _popular(session, ana) == [emma.id]

    # Ana brings it back: popular for her again.
    dismissals.bring_back(session=session, user=ana, item_id=dune.id)
    session.commit()
    assert _popular(session, ana) == [dune.id, emma.id]


def test_settings_lists_what_was_hidden_newest_first(session: Session) -> None:
    ana = make_user(session, "ana")
    dune = make_item(session, "Dune", kind="book", creator="Frank Herbert", year=1965)
    solaris = make_item(session, "Solaris", kind="movie", creator="Andrei Tarkovsky", year=1972)
    blue = make_item(session, "Kind of Blue", kind="music", creator="Miles Davis", year=1959)
    # Not in the order of their ids, so that only the time can put them in order.
    for item in (blue, dune, solaris):
        dismissals.dismiss(session=session, user=ana, item_id=item.id)
    session.commit()
    listed = dismissals.dismissed_page(session=session, user=ana).items
    assert [(d.item_id, d.kind, d.title, d.creator, d.year) for d in listed] == [
        (solaris.id, "movie", "Solaris", "Andrei Tarkovsky", 1972),
        (dune.id, "book", "Dune", "Frank Herbert", 1965),
        (blue.id, "music", "Kind of Blue", "Miles Davis", 1959),
    ]
    assert listed[0].dismissed_at >= listed[1].dismissed_at >= listed[2].dismissed_at
    # Shown again, then hidden again: the newest.
    dismissals.bring_back(session=session, user=ana, item_id=blue.id)
    dismissals.dismiss(session=session, user=ana, item_id=blue.id)
    session.commit()
    listed = dismissals.dismissed_page(session=session, user=ana).items
    assert [d.title for d in listed] == ["Kind of Blue", "Solaris", "Dune"]


def _hidden_in_order(session: Session, user: User, titles: list[str]) -> list[Item]:
    """`titles` hidden a minute apart, the first the oldest; the last two at the same instant
    (their ids break the tie)."""
    items = [make_item(session, title) for title in titles]
    start = utcnow() - timedelta(hours=1)
    for n, item in enumerate(items):
        dismissals.dismiss(session=session, user=user, item_id=item.id)
        at = start + timedelta(minutes=min(n, len(items) - 2))
        session.exec(
            update(ItemDismissal)
            .where(ItemDismissal.user_id == user.id, ItemDismissal.item_id == item.id)
            .values(created_at=at)
        )
    session.commit()
    return items


def _pages(session: Session, user: User, limit: int) -> list[list[str]]:
    pages, cursor = [], ""
    while True:
        page = dismissals.dismissed_page(session=session, user=user, cursor=cursor, limit=limit)
        pages.append([d.title for d in page.items])
        if not page.next_cursor:
            return pages
        cursor = page.next_cursor


def test_hidden_items_page_newest_first_with_the_total(session: Session) -> None:
    ana, bob = make_user(session, "ana"), make_user(session, "bob")
    _hidden_in_order(session, ana, ["a", "b", "c", "d", "e"])
    dismissals.dismiss(session=session, user=bob, item_id=make_item(session, "bob's").id)
    session.commit()
    # "d" and "e" share their time: the higher id ("e", made later) first.
    assert _pages(session, ana, 2) == [["e", "d"], ["c", "b"], ["a"]]
    assert _pages(session, ana, 5) == [["e", "d", "c", "b", "a"]]
    first = dismissals.dismissed_page(session=session, user=ana, limit=2)
    assert first.total == 5 and first.next_cursor
    # The page size is kept between 1 and MAX_HIDDEN_PAGE; the default is HIDDEN_PAGE.
    assert len(dismissals.dismissed_page(session=session, user=ana, limit=0).items) == 1
    assert dismissals.dismissed_page(session=session, user=bob, limit=10**9).total == 1
    assert dismissals.HIDDEN_PAGE == 20 and dismissals.MAX_HIDDEN_PAGE == 100


def test_bringing_items_back_between_pages_moves_nothing_on_the_next(session: Session) -> None:
    ana = make_user(session, "ana")
    a, b, c, d, e, f = _hidden_in_order(session, ana, ["a", "b", "c", "d", "e", "f"])
    first = dismissals.dismissed_page(session=session, user=ana, limit=2)
    assert [i.title for i in first.items] == ["f", "e"]
    # Back: one shown on the first page (the very one the cursor names), and one of the next page.
    for item in (e, c):
        dismissals.bring_back(session=session, user=ana, item_id=item.id)
    session.commit()
    second = dismissals.dismissed_page(session=session, user=ana, cursor=first.next_cursor, limit=2)
    assert [i.title for i in second.items] == ["d", "b"] and second.total == 4
    # Hidden again, one comes first: not again further down.
    dismissals.dismiss(session=session, user=ana, item_id=e.id)
    session.commit()
    last = dismissals.dismissed_page(session=session, user=ana, cursor=second.next_cursor, limit=2)
    assert [i.title for i in last.items] == ["a"] and last.next_cursor == "" and last.total == 5
    assert [i.title for i in dismissals.dismissed_page(session=session, user=ana, limit=1).items] == ["e"]


@pytest.mark.parametrize("cursor", ["garbage", "2024-05-01T10:00:00+00:00", "x|1", "2024-05-01T10:00:00|0", "|"])
def test_a_bad_cursor_is_refused(session: Session, cursor: str) -> None:
    ana = make_user(session, "ana")
    _hidden_in_order(session, ana, ["a", "b"])
    with pytest.raises(ValidationError) as refused:
        dismissals.dismissed_page(session=session, user=ana, cursor=cursor)
    assert refused.value.errors == {"cursor": dismissals.BAD_CURSOR}


def test_a_dismissed_item_leaves_for_you_until_it_is_brought_back(engine, served) -> None:  # noqa: F811
    planted, store = served
    with Session(engine, expire_on_commit=False) as session:
        me = session.get(User, planted.users[0].id)
        version = serve._serving(session)
        vector = serve.user_vector(session, version, me.id, store)

        def personal() -> list[int]:
            result = serve.for_you(session=session, user=me, store=store)
            assert result.status == "personal"
            return [r.item_id for r in result.items]

        def nearest() -> list[int]:
            """The fallback when no neighbour loved anything new: the items nearest to your vector."""
            past = serve.history(session, me.id)
            found = serve._nearest_items(
                session, version, vector, met=past.met, mine=past.loved, kinds=set(), n=5, store=store
            )
            return [r.item_id for r in found]

        recommended, fallback = personal(), nearest()
        positives = serve.history(session, me.id).positives
        assert len(recommended) >= 2 and fallback
        top, closest = recommended[0], fallback[0]

        for item_id in {top, closest}:
            assert dismissals.dismiss(session=session, user=me, item_id=item_id) is True
        session.commit()
        assert top not in personal() and personal()
        assert closest not in nearest() and nearest()
        # It only stops being recommended: what the person liked speaks for them as before.
        assert serve.history(session, me.id).positives == positives

        for item_id in {top, closest}:
            dismissals.bring_back(session=session, user=me, item_id=item_id)
        session.commit()
        assert (personal(), nearest()) == (recommended, fallback)
