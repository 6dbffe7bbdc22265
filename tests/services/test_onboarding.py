"""Onboarding on SQLite and PostgreSQL: the kinds you like and your first favourites, all or nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from slice_of_culture.models import Entry, User
from slice_of_culture.services import accounts, entries, onboarding
from slice_of_culture.services.entries import EntryInput
from slice_of_culture.services.errors import ServiceError, ValidationError
from tests.utils.factories import make_item, make_user


@pytest.fixture
def newcomer(session) -> User:
    """Someone who chose movies earlier and posts for followers by default."""
    user = make_user(session, "nora")
    user.default_visibility = "followers"
    user.preferred_kinds = "movie"
    session.add(user)
    session.commit()
    return user


def _entries(session, user: User) -> list[Entry]:
    return list(session.exec(select(Entry).where(Entry.user_id == user.id).order_by(Entry.id)).all())


def _assert_unchanged(session, user: User) -> None:
    # Commit whatever is pending: a refused save must not have left anything behind.
    session.commit()
    session.expire_all()
    assert _entries(session, user) == []
    assert session.get(User, user.id).preferred_kinds == "movie"


def test_saving_keeps_the_kinds_and_logs_each_pick_as_loved(session, newcomer) -> None:
    books = [make_item(session, f"Book {n}", kind="book") for n in range(2)]
    created = onboarding.save_onboarding(
        session=session, user=newcomer, kinds=["music", "book"], item_ids=[b.id for b in books]
    )
    session.commit()
    assert [e.item_id for e in created] == [b.id for b in books]
    rows = _entries(session, newcomer)
    assert [(e.item_id, e.status, e.rating, e.visibility) for e in rows] == [
        (b.id, "finished", 10, "followers") for b in books
    ]
    # Stored in catalog order, whatever order they were ticked in.
    assert session.get(User, newcomer.id).preferred_kinds == "book,music"
    assert onboarding.preferred_kinds(newcomer) == ["book", "music"]


def test_no_kinds_means_everything_and_no_picks_only_saves_the_kinds(session, newcomer) -> None:
    assert onboarding.save_onboarding(session=session, user=newcomer, kinds=[], item_ids=[]) == []
    session.commit()
    assert session.get(User, newcomer.id).preferred_kinds == ""
    assert onboarding.preferred_kinds(newcomer) == []
    assert _entries(session, newcomer) == []


def test_items_already_logged_are_skipped_not_logged_twice(session, newcomer) -> None:
    known, fresh = make_item(session, "Known"), make_item(session, "Fresh")
    entries.create_entry(session=session, user=newcomer, item_id=known.id, data=EntryInput(status="want"))
    created = onboarding.save_onboarding(session=session, user=newcomer, kinds=["book"], item_ids=[known.id, fresh.id])
    session.commit()
    assert [e.item_id for e in created] == [fresh.id]
    assert [(e.item_id, e.status) for e in _entries(session, newcomer)] == [(known.id, "want"), (fresh.id, "finished")]
    # Saving the same picks again (a double click) adds nothing.
    assert onboarding.save_onboarding(session=session, user=newcomer, kinds=["book"], item_ids=[fresh.id]) == []
    assert len(_entries(session, newcomer)) == 2


def test_someone_elses_entries_do_not_count_as_yours(session, newcomer) -> None:
    other = make_user(session, "olga")
    item = make_item(session)
    entries.create_entry(session=session, user=other, item_id=item.id, data=EntryInput(rating=10))
    created = onboarding.save_onboarding(session=session, user=newcomer, kinds=["book"], item_ids=[item.id])
    assert [e.item_id for e in created] == [item.id]


@pytest.mark.parametrize(
    "kinds",
    [
        "book",  # a string, not a list of kinds
        None,
        ["games"],
        ["book", "Book"],
        ["book", "book"],
        [1],
        [None],
        {"book": True},
    ],
)
def test_bad_kinds_are_refused_with_a_message_and_change_nothing(session, newcomer, kinds) -> None:
    item = make_item(session)
    with pytest.raises(ValidationError) as exc:
        onboarding.save_onboarding(session=session, user=newcomer, kinds=kinds, item_ids=[item.id])
    assert set(exc.value.errors) == {"kinds"} and exc.value.errors["kinds"]
    _assert_unchanged(session, newcomer)


@pytest.mark.parametrize(
    ("make_ids", "says"),
    [
        (lambda ids: ",".join(map(str, ids)), "list of catalog items"),
        (lambda ids: None, "list of catalog items"),
        (lambda ids: {ids[0]: True}, "list of catalog items"),
        (lambda ids: [str(ids[0])], "list of catalog items"),
        (lambda ids: [float(ids[0])], "list of catalog items"),
        (lambda ids: [True], "list of catalog items"),
        (lambda ids: [ids[0], None], "list of catalog items"),
        (lambda ids: [ids[0], ids[1], ids[0]], "picked once"),
        (lambda ids: [ids[0], max(ids) + 1000], "not in the catalog"),
        (lambda ids: [-1], "not in the catalog"),
        (lambda ids: ids, f"at most {onboarding.MAX_PICKS}"),
    ],
)
def test_bad_picks_are_refused_with_a_message_and_change_nothing(session, newcomer, make_ids, says) -> None:
    ids = [make_item(session).id for _ in range(onboarding.MAX_PICKS + 1)]
    with pytest.raises(ValidationError) as exc:
        onboarding.save_onboarding(session=session, user=newcomer, kinds=["book"], item_ids=make_ids(ids))
    assert set(exc.value.errors) == {"items"}
    assert says in exc.value.errors["items"]
    _assert_unchanged(session, newcomer)


def test_exactly_the_cap_is_accepted(session, newcomer) -> None:
    ids = [make_item(session).id for _ in range(onboarding.MAX_PICKS)]
    created = onboarding.save_onboarding(session=session, user=newcomer, kinds=["book"], item_ids=ids)
    assert len(created) == onboarding.MAX_PICKS


def test_bad_kinds_and_bad_picks_are_both_reported(session, newcomer) -> None:
    with pytest.raises(ValidationError) as exc:
        onboarding.save_onboarding(session=session, user=newcomer, kinds=["games"], item_ids=[123456])
    assert set(exc.value.errors) == {"kinds", "items"}
    _assert_unchanged(session, newcomer)


def test_a_refused_entry_half_way_undoes_the_whole_save(session, newcomer, monkeypatch) -> None:
    ids = [make_item(session).id for _ in range(3)]
    real = entries.create_entry
    calls = []

    def refuse_the_second(**kwargs):  # noqa: ANN003, ANN202
        calls.append(kwargs["item_id"])
        if len(calls) == 2:
            raise ValidationError({"status": "refused for the test"})
        return real(**kwargs)

    monkeypatch.setattr(entries, "create_entry", refuse_the_second)
    with pytest.raises(ServiceError):
        onboarding.save_onboarding(session=session, user=newcomer, kinds=["book"], item_ids=ids)
    assert calls == ids[:2]
    _assert_unchanged(session, newcomer)


def test_settings_change_the_kinds_and_refuse_unknown_ones(session, newcomer) -> None:
    def update(**changes):  # noqa: ANN003, ANN202
        fields = {
            "display_name": "Nora",
            "bio": "",
            "avatar_url": "",
            "default_visibility": "public",
            "discoverable": True,
        }
        return accounts.update_profile(session=session, user=newcomer, **(fields | changes))

    update()  # not given: left as it was
    assert newcomer.preferred_kinds == "movie"
    update(preferred_kinds=["music", "movie"])
    assert newcomer.preferred_kinds == "movie,music"
    with pytest.raises(ValidationError) as exc:
        update(display_name="Changed", preferred_kinds=["podcasts"])
    assert set(exc.value.errors) == {"kinds"}
    assert (newcomer.display_name, newcomer.preferred_kinds) == ("Nora", "movie,music")
    update(preferred_kinds=[])
    assert newcomer.preferred_kinds == ""


def test_toggling_a_kind_keeps_catalog_order() -> None:
    assert onboarding.toggle_kind([], "music", True) == ["music"]
    assert onboarding.toggle_kind(["music"], "movie", True) == ["movie", "music"]
    assert onboarding.toggle_kind(["movie", "music"], "movie", False) == ["music"]
    assert onboarding.toggle_kind(["music"], "games", True) == ["music"]
