"""Cold start on SQLite and PostgreSQL: popular items in the kinds you chose, and the starter list
for the welcome page, filled from the catalog while the community is small."""

from __future__ import annotations

from sqlalchemy import text

from slice_of_culture.recs import serve
from slice_of_culture.services import dismissals, lists
from tests.utils.factories import make_entry, make_item, make_user


def _community(session):  # noqa: ANN001, ANN202
    """Two fans love a movie and a book lately; a music album is logged once, not loved."""
    fans = [make_user(session, f"fan{n}") for n in range(2)]
    movie = make_item(session, "Loved movie", kind="movie")
    book = make_item(session, "Loved book", kind="book")
    album = make_item(session, "Logged album", kind="music")
    quiet = make_item(session, "Quiet book", kind="book")
    for fan in fans:
        make_entry(session, fan, movie, status="finished", rating=10)
        make_entry(session, fan, book, status="finished", rating=9)
    make_entry(session, fans[0], album, status="finished", rating=4)
    # A private entry says nothing about what is popular.
    make_entry(session, fans[1], quiet, status="finished", rating=10, visibility="private")
    return movie, book, album, quiet


def test_popular_items_follow_the_kinds_the_person_chose(session) -> None:
    movie, book, _, _ = _community(session)
    newcomer = make_user(session, "newbie")
    everything = {r.item_id for r in serve.popular_items(session=session, user=newcomer)}
    assert everything == {movie.id, book.id}
    newcomer.preferred_kinds = "book"
    assert [r.item_id for r in serve.popular_items(session=session, user=newcomer)] == [book.id]
    # The page's kind filter and explicit kinds win over the stored choice.
    assert [r.item_id for r in serve.popular_items(session=session, user=newcomer, kind="movie")] == [movie.id]
    assert [r.item_id for r in serve.popular_items(session=session, user=newcomer, kinds=["movie"])] == [movie.id]
    # Logged out: everything, as before.
    assert {r.item_id for r in serve.popular_items(session=session, user=None)} == {movie.id, book.id}


def test_popular_items_are_not_used_up_by_what_you_met(session) -> None:
    fans = [make_user(session, f"fan{n}") for n in range(3)]
    # Twelve loved books, the first most loved: 3 fans, then 2, then 1.
    books = [make_item(session, f"Book {n}", kind="book") for n in range(12)]
    for n, book in enumerate(books):
        for fan in fans[: 3 if n == 0 else 2 if n < 6 else 1]:
            make_entry(session, fan, book, status="finished", rating=10)
    reader = make_user(session, "reader")
    # They logged, listed or hid the nine most loved: the next two are still there for them.
    for book in books[:7]:
        make_entry(session, reader, book, status="finished", rating=6)
    later = lists.create_list(session=session, user=reader, title="Later")
    lists.add_item(session=session, user=reader, list_id=later.id, item_id=books[7].id)
    dismissals.dismiss(session=session, user=reader, item_id=books[8].id)
    shown = serve.popular_items(session=session, user=reader, n=2)
    assert [r.item_id for r in shown] == [b.id for b in books[9:11]]


def test_for_you_cold_start_is_limited_to_the_chosen_kinds(session) -> None:
    movie, book, _, _ = _community(session)
    newcomer = make_user(session, "newbie")
    newcomer.preferred_kinds = "movie"
    result = serve.for_you(session=session, user=newcomer)
    assert result.status == "popular"
    assert [r.item_id for r in result.items] == [movie.id]
    assert [r.item_id for r in serve.for_you(session=session, user=newcomer, kind="book").items] == [book.id]


def test_starter_items_fill_from_the_most_logged_then_the_catalog(session) -> None:
    movie, book, album, quiet = _community(session)
    newcomer = make_user(session, "newbie")
    starters = serve.starter_items(session=session, user=newcomer, kinds=["book", "music"], n=5)
    # Loved lately first, then logged (publicly), then the rest of the catalog; never a movie.
    assert [r.item_id for r in starters] == [book.id, album.id, quiet.id]
    assert starters[1].reason == "Logged by 1 person."
    assert starters[2].reason == "From the catalog."
    assert [r.item_id for r in serve.starter_items(session=session, user=newcomer, kinds=["music"], n=5)] == [album.id]
    assert len(serve.starter_items(session=session, user=newcomer, kinds=["book", "music"], n=2)) == 2


def test_starter_items_leave_out_what_you_logged(session) -> None:
    movie, book, album, quiet = _community(session)
    newcomer = make_user(session, "newbie")
    make_entry(session, newcomer, book, status="want")
    make_entry(session, newcomer, album, status="finished", rating=6)
    starters = serve.starter_items(session=session, user=newcomer, kinds=["book", "music"], n=5)
    assert [r.item_id for r in starters] == [quiet.id]


def test_starter_items_leave_out_what_you_said_no_to(session) -> None:
    movie, book, album, quiet = _community(session)
    newcomer = make_user(session, "newbie")
    dismissals.dismiss(session=session, user=newcomer, item_id=book.id)  # popular: loved lately
    dismissals.dismiss(session=session, user=newcomer, item_id=quiet.id)  # from the catalog
    starters = serve.starter_items(session=session, user=newcomer, kinds=["book", "music"], n=5)
    assert [r.item_id for r in starters] == [album.id]


def test_a_failing_recommender_falls_back_to_popular_items(session, monkeypatch) -> None:
    movie, book, _, _ = _community(session)
    reader = make_user(session, "reader")
    session.commit()

    def broken(**_kwargs):  # noqa: ANN003, ANN202
        # Fails inside the database, as a broken query would: the savepoint keeps the session usable.
        session.execute(text("SELECT no_such_column FROM item"))

    monkeypatch.setattr(serve, "for_you", broken)
    shown = serve.for_you_or_popular(session=session, user=reader)
    assert shown.status == "popular"
    assert {r.item_id for r in shown.items} == {movie.id, book.id}
    assert [r.item_id for r in serve.for_you_or_popular(session=session, user=None, kind="book").items] == [book.id]
