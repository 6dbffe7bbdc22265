"""Lists on SQLite and PostgreSQL: items in the owner's order with notes (add appends, move
shifts those between, remove closes the gap); seen by the entries' visibility rule, blocks
included; only the owner changes one; bad input changes nothing; limits."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import event
from sqlmodel import select

from slice_of_culture.models import ItemList, ItemListEntry
from slice_of_culture.services import accounts, blocks, lists, social
from slice_of_culture.services.errors import NotFound, ValidationError
from tests.utils.factories import make_item, make_user


def _titles(session, list_id, viewer_id) -> list[str]:  # noqa: ANN001
    return [item.title for item in lists.list_page(session=session, list_id=list_id, viewer_id=viewer_id).items]


def _positions(session, list_id) -> list[int]:  # noqa: ANN001
    return sorted(session.exec(select(ItemListEntry.position).where(ItemListEntry.list_id == list_id)).all())


def test_items_keep_the_owners_order_and_notes(session) -> None:
    ana = make_user(session, "ana")
    dune, solaris, stalker, ran = (make_item(session, t, kind="movie") for t in ("Dune", "Solaris", "Stalker", "Ran"))
    ghibli = lists.create_list(
        session=session, user=ana, title="  Slow sci-fi  ", description="For rainy days", ranked=True
    )
    assert ghibli.title == "Slow sci-fi" and ghibli.visibility == "public"
    for item in (dune, solaris, stalker, ran):
        lists.add_item(session=session, user=ana, list_id=ghibli.id, item_id=item.id)
    assert _titles(session, ghibli.id, ana.id) == ["Dune", "Solaris", "Stalker", "Ran"]
    lists.move_item(session=session, user=ana, list_id=ghibli.id, item_id=ran.id, position=0)
    assert _titles(session, ghibli.id, ana.id) == ["Ran", "Dune", "Solaris", "Stalker"]
    lists.move_item(session=session, user=ana, list_id=ghibli.id, item_id=ran.id, position=2)
    assert _titles(session, ghibli.id, ana.id) == ["Dune", "Solaris", "Ran", "Stalker"]
    # Past the end means last.
    lists.move_item(session=session, user=ana, list_id=ghibli.id, item_id=dune.id, position=99)
    assert _titles(session, ghibli.id, ana.id) == ["Solaris", "Ran", "Stalker", "Dune"]
    lists.remove_item(session=session, user=ana, list_id=ghibli.id, item_id=ran.id)
    assert _titles(session, ghibli.id, ana.id) == ["Solaris", "Stalker", "Dune"]
    assert _positions(session, ghibli.id) == [0, 1, 2]
    lists.set_note(session=session, user=ana, list_id=ghibli.id, item_id=stalker.id, note="The <b>zone</b> 🌾")
    page = lists.list_page(session=session, list_id=ghibli.id, viewer_id=None)
    assert [i.note for i in page.items] == ["", "The <b>zone</b> 🌾", ""]
    assert page.ranked and page.owner_username == "ana" and not page.is_owner
    summary = lists.lists_of(session=session, username="ana", viewer_id=None)
    assert [(s.title, s.item_count) for s in summary] == [("Slow sci-fi", 3)]
    dialog = lists.my_lists_for_item(session=session, user=ana, item_id=stalker.id)
    assert [(s.title, s.has_item) for s in dialog] == [("Slow sci-fi", True)]
    assert not lists.my_lists_for_item(session=session, user=ana, item_id=ran.id)[0].has_item


def test_lists_are_seen_by_the_entries_rule_blocks_included(session) -> None:
    ana, fan, stranger = make_user(session, "ana"), make_user(session, "fan"), make_user(session, "stranger")
    social.follow(session=session, follower=fan, followee_id=ana.id)
    made = {
        v: lists.create_list(session=session, user=ana, title=f"{v} list", visibility=v)
        for v in ("public", "followers", "private")
    }
    seen = {
        "owner": ana.id,
        "follower": fan.id,
        "stranger": stranger.id,
        "logged out": None,
    }
    expected = {
        "owner": {"public", "followers", "private"},
        "follower": {"public", "followers"},
        "stranger": {"public"},
        "logged out": {"public"},
    }
    totoro = make_item(session, "Totoro")
    for item_list in made.values():
        lists.add_item(session=session, user=ana, list_id=item_list.id, item_id=totoro.id)
    for who, viewer_id in seen.items():
        shown = {s.visibility for s in lists.lists_of(session=session, username="ana", viewer_id=viewer_id)}
        assert shown == expected[who], who
        on_item = lists.lists_with_item(session=session, item_id=totoro.id, viewer_id=viewer_id)
        assert {m.title for m in on_item} == {f"{v} list" for v in expected[who]}, who
        assert all(m.owner_username == "ana" and m.item_count == 1 for m in on_item)
        for visibility, item_list in made.items():
            if visibility in expected[who]:
                assert lists.list_page(session=session, list_id=item_list.id, viewer_id=viewer_id).title
            else:
                with pytest.raises(NotFound):
                    lists.list_page(session=session, list_id=item_list.id, viewer_id=viewer_id)
    blocks.block(session=session, blocker=ana, blocked_id=stranger.id)
    with pytest.raises(NotFound):
        lists.list_page(session=session, list_id=made["public"].id, viewer_id=stranger.id)
    assert lists.lists_of(session=session, username="ana", viewer_id=stranger.id) == []
    assert lists.lists_with_item(session=session, item_id=totoro.id, viewer_id=stranger.id) == []
    accounts.deactivate_user(session=session, user_id=ana.id)
    with pytest.raises(NotFound):
        lists.list_page(session=session, list_id=made["public"].id, viewer_id=None)
    assert lists.lists_with_item(session=session, item_id=totoro.id, viewer_id=None) == []


def test_only_the_owner_changes_a_list(session) -> None:
    ana, eve = make_user(session, "ana"), make_user(session, "eve")
    dune = make_item(session, "Dune")
    mine = lists.create_list(session=session, user=ana, title="Mine")
    lists.add_item(session=session, user=ana, list_id=mine.id, item_id=dune.id, note="first")
    attempts = [
        lambda: lists.update_list(
            session=session, user=eve, list_id=mine.id, title="Hers", description="", visibility="public", ranked=False
        ),
        lambda: lists.delete_list(session=session, user=eve, list_id=mine.id),
        lambda: lists.add_item(session=session, user=eve, list_id=mine.id, item_id=make_item(session).id),
        lambda: lists.remove_item(session=session, user=eve, list_id=mine.id, item_id=dune.id),
        lambda: lists.move_item(session=session, user=eve, list_id=mine.id, item_id=dune.id, position=0),
        lambda: lists.set_note(session=session, user=eve, list_id=mine.id, item_id=dune.id, note="hers"),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    page = lists.list_page(session=session, list_id=mine.id, viewer_id=ana.id)
    assert page.title == "Mine" and [(i.title, i.note) for i in page.items] == [("Dune", "first")]
    lists.delete_list(session=session, user=ana, list_id=mine.id)
    assert session.exec(select(ItemListEntry)).all() == []


BAD_LISTS = [
    ({"title": ""}, "title"),
    ({"title": "   \n "}, "title"),
    ({"title": "x" * 101}, "title"),
    ({"title": "ok", "description": "x" * 2001}, "description"),
    ({"title": "ok", "visibility": "friends"}, "visibility"),
    ({"title": 42}, "form"),
    ({"title": "ok", "description": ["x"]}, "form"),
]


def test_bad_input_changes_nothing(session, subtests) -> None:
    ana = make_user(session, "ana")
    dune = make_item(session, "Dune")
    kept = lists.create_list(session=session, user=ana, title="Kept")
    lists.add_item(session=session, user=ana, list_id=kept.id, item_id=dune.id)
    for fields, where in BAD_LISTS:
        with subtests.test(fields=fields):
            with pytest.raises(ValidationError) as exc:
                lists.create_list(session=session, user=ana, **fields)
            assert exc.value.errors[where]
            with pytest.raises(ValidationError):
                lists.update_list(
                    session=session,
                    user=ana,
                    list_id=kept.id,
                    **{"description": "", "visibility": "public", "ranked": False, **fields},
                )
    bad_calls = [
        (lambda: lists.add_item(session=session, user=ana, list_id=kept.id, item_id=dune.id), ValidationError),
        (lambda: lists.add_item(session=session, user=ana, list_id=kept.id, item_id=10**9), NotFound),
        (lambda: lists.add_item(session=session, user=ana, list_id=kept.id, item_id="1"), NotFound),
        (lambda: lists.add_item(session=session, user=ana, list_id=kept.id, item_id=True), NotFound),
        (lambda: lists.add_item(session=session, user=ana, list_id="x", item_id=dune.id), NotFound),
        (
            lambda: lists.set_note(session=session, user=ana, list_id=kept.id, item_id=dune.id, note="x" * 501),
            ValidationError,
        ),
        (lambda: lists.set_note(session=session, user=ana, list_id=kept.id, item_id=dune.id, note=5), ValidationError),
        (
            lambda: lists.move_item(session=session, user=ana, list_id=kept.id, item_id=dune.id, position="0"),
            ValidationError,
        ),
        (
            lambda: lists.remove_item(session=session, user=ana, list_id=kept.id, item_id=make_item(session).id),
            NotFound,
        ),
        (lambda: lists.list_page(session=session, list_id=-1, viewer_id=None), NotFound),
    ]
    for call, error in bad_calls:
        with subtests.test(call=call):
            with pytest.raises(error):
                call()
    session.expire_all()
    assert [(row.title, row.description) for row in session.exec(select(ItemList)).all()] == [("Kept", "")]
    assert _titles(session, kept.id, ana.id) == ["Dune"]
    assert lists.list_page(session=session, list_id=kept.id, viewer_id=ana.id).items[0].note == ""


def test_limits(session, monkeypatch) -> None:
    ana = make_user(session, "ana")
    monkeypatch.setattr(lists, "MAX_LISTS", 2)
    monkeypatch.setattr(lists, "MAX_ITEMS", 2)
    first = lists.create_list(session=session, user=ana, title="One")
    lists.create_list(session=session, user=ana, title="Two")
    with pytest.raises(ValidationError) as exc:
        lists.create_list(session=session, user=ana, title="Three")
    assert "Delete one first" in exc.value.errors["title"]
    for _ in range(2):
        lists.add_item(session=session, user=ana, list_id=first.id, item_id=make_item(session).id)
    with pytest.raises(ValidationError) as exc:
        lists.add_item(session=session, user=ana, list_id=first.id, item_id=make_item(session).id)
    assert "at most 2 items" in exc.value.errors["item"]


def _exported(session, user) -> list[dict[str, str]]:  # noqa: ANN001
    """The lists export of `user`, read back with csv (one SELECT, checked here)."""
    selects: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", capture)
    try:
        text = lists.export_lists_csv(session=session, user=user)
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    assert len(selects) == 1, selects
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == list(lists.EXPORT_COLUMNS)
    return [dict(zip(lists.EXPORT_COLUMNS, line, strict=True)) for line in reader]


def test_the_lists_export_holds_every_list_of_the_person_in_order_and_nothing_else(session) -> None:
    ana, bea = make_user(session, "ana"), make_user(session, "bea")
    odd_title = 'Amélie, "Le Fabuleux Destin"\n<script>alert(1)</script> 🎬'
    amelie = make_item(session, odd_title, kind="movie", creator="Jeunet, J.-P.", year=2001)
    dune, solaris = make_item(session, "Dune", year=1965), make_item(session, "Solaris", kind="movie")
    ranked = lists.create_list(
        session=session, user=ana, title='Best, "ever"', description="Line one\nline <b>two</b>", ranked=True
    )
    secret = lists.create_list(session=session, user=ana, title="Secret 🤫", visibility="private")
    lists.create_list(session=session, user=ana, title="Empty for now", visibility="followers")
    added = {
        item.id: lists.add_item(session=session, user=ana, list_id=ranked.id, item_id=item.id, note=note)
        for item, note in ((dune, 'Spice, "must flow"\nreally'), (amelie, ""), (solaris, "<i>ocean</i> ü"))
    }
    lists.move_item(session=session, user=ana, list_id=ranked.id, item_id=solaris.id, position=0)
    lists.add_item(session=session, user=ana, list_id=secret.id, item_id=dune.id, note="mine only")
    theirs = lists.create_list(session=session, user=bea, title="Bea's picks")
    lists.add_item(session=session, user=bea, list_id=theirs.id, item_id=dune.id, note="bea's note")
    session.commit()

    rows = _exported(session, ana)
    # As ana's profile orders them: most recently changed first ("Secret" got an item last).
    assert [(r["list"], r["position"], r["title"]) for r in rows] == [
        ("Secret 🤫", "1", "Dune"),
        ('Best, "ever"', "1", "Solaris"),
        ('Best, "ever"', "2", "Dune"),
        ('Best, "ever"', "3", odd_title),
        ("Empty for now", "", ""),
    ]
    assert [(r["visibility"], r["numbered"]) for r in rows] == [
        ("private", "no"),
        ("public", "yes"),
        ("public", "yes"),
        ("public", "yes"),
        ("followers", "no"),
    ]
    assert rows[1]["description"] == "Line one\nline <b>two</b>"
    assert [r["note"] for r in rows] == ["mine only", "<i>ocean</i> ü", 'Spice, "must flow"\nreally', "", ""]
    assert rows[3] | {"added": ""} == {
        "list": 'Best, "ever"',
        "description": "Line one\nline <b>two</b>",
        "visibility": "public",
        "numbered": "yes",
        "position": "3",
        "kind": "movie",
        "title": odd_title,
        "creator": "Jeunet, J.-P.",
        "year": "2001",
        "note": "",
        "added": "",
    }
    assert [r["added"] for r in rows[1:4]] == [
        added[i].added_at.date().isoformat() for i in (solaris.id, dune.id, amelie.id)
    ]
    assert rows[4] == {
        "list": "Empty for now",
        "description": "",
        "visibility": "followers",
        "numbered": "no",
        **{column: "" for column in lists.EXPORT_COLUMNS[4:]},
    }
    assert [(r["list"], r["note"]) for r in _exported(session, bea)] == [("Bea's picks", "bea's note")]
    assert _exported(session, make_user(session, "listless")) == []
