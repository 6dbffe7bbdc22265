"""The one reader of app data: what trains the model and how much, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import Session

from slice_of_culture.models import Like
from slice_of_culture.recs import serve
from slice_of_culture.recs.interactions import (
    LIKE_WEIGHT,
    LIST_WEIGHT,
    UNRATED_WEIGHT,
    item_tokens,
    read_app_interactions,
)
from slice_of_culture.services import lists
from tests.utils.factories import make_entry, make_item, make_user


def _weights(session: Session) -> dict[tuple[int, int], float]:
    app = read_app_interactions(session)
    data = app.interactions
    return {
        (app.user_db_ids[u], app.item_db_ids[i]): round(float(w), 3)
        for u, i, w in zip(data.user_ids, data.item_ids, data.weights, strict=True)
    }


def test_entries_weigh_by_rating_and_low_ratings_are_met_not_liked(session: Session) -> None:
    ann = make_user(session, "ann")
    loved, unrated, meh, dropped, reading = (make_item(session) for _ in range(5))
    make_entry(session, ann, loved, status="finished", rating=9)
    make_entry(session, ann, unrated, status="finished")
    make_entry(session, ann, meh, status="finished", rating=5)
    make_entry(session, ann, dropped, status="dropped", rating=8)
    make_entry(session, ann, reading, status="in_progress", rating=6)
    session.commit()
    weights = _weights(session)
    assert weights == {
        (ann.id, loved.id): 0.9,
        (ann.id, unrated.id): UNRATED_WEIGHT,
        (ann.id, meh.id): 0.0,
        (ann.id, dropped.id): 0.0,
        (ann.id, reading.id): 0.6,
    }


def test_private_entries_never_train_the_model(session: Session) -> None:
    ann, bob = make_user(session, "ann"), make_user(session, "bob")
    secret, shared = make_item(session), make_item(session)
    private = make_entry(session, ann, secret, status="finished", rating=10, visibility="private")
    make_entry(session, ann, shared, status="finished", rating=10, visibility="followers")
    # A like of a private entry cannot happen through the app; if one exists, it is ignored too.
    session.add(Like(user_id=bob.id, entry_id=private.id))
    session.commit()
    weights = _weights(session)
    assert (ann.id, secret.id) not in weights
    assert (bob.id, secret.id) not in weights
    assert weights[(ann.id, shared.id)] == 1.0
    # the item stays in the catalogue (it gets a content vector), just without that signal
    assert secret.id in read_app_interactions(session).item_db_ids


def test_likes_are_a_weaker_positive_combined_by_max(session: Session) -> None:
    ann, bob = make_user(session, "ann"), make_user(session, "bob")
    dune, solaris = make_item(session), make_item(session)
    postcard = make_entry(session, ann, dune, status="finished", rating=10)
    make_entry(session, bob, solaris, status="finished", rating=8)
    solaris_card = make_entry(session, ann, solaris, status="finished", rating=7)
    session.add_all([Like(user_id=bob.id, entry_id=postcard.id), Like(user_id=bob.id, entry_id=solaris_card.id)])
    session.commit()
    weights = _weights(session)
    assert weights[(bob.id, dune.id)] == LIKE_WEIGHT
    assert weights[(bob.id, solaris.id)] == 0.8  # his own rating beats the like
    assert LIKE_WEIGHT < UNRATED_WEIGHT


def test_items_on_your_lists_are_positives_unless_your_entry_says_otherwise(session: Session) -> None:
    ann = make_user(session, "ann")
    picked, hated, private = make_item(session), make_item(session), make_item(session)
    make_entry(session, ann, hated, status="finished", rating=2)
    shown = lists.create_list(session=session, user=ann, title="Films I could not finish")
    hidden = lists.create_list(session=session, user=ann, title="Secret", visibility="private")
    for item in (picked, hated):
        lists.add_item(session=session, user=ann, list_id=shown.id, item_id=item.id)
    lists.add_item(session=session, user=ann, list_id=hidden.id, item_id=private.id)
    session.commit()
    weights = _weights(session)
    assert weights[(ann.id, picked.id)] == LIST_WEIGHT
    assert weights[(ann.id, hated.id)] == 0.0  # met, not liked: her rating wins
    assert (ann.id, private.id) not in weights


def test_inactive_users_take_no_part(session: Session) -> None:
    ann, gone = make_user(session, "ann"), make_user(session, "gone")
    book = make_item(session)
    make_entry(session, ann, book, status="finished", rating=8)
    make_entry(session, gone, book, status="finished", rating=8)
    gone_card = make_entry(session, gone, make_item(session), status="finished", rating=8)
    gone.is_active = False
    session.add(gone)
    session.add(Like(user_id=ann.id, entry_id=gone_card.id))
    session.commit()
    app = read_app_interactions(session)
    assert app.user_db_ids == [ann.id]
    assert app.interactions.users == (str(ann.id),)
    assert _weights(session)[(ann.id, gone_card.item_id)] == LIKE_WEIGHT


def test_maps_features_and_settings_line_up_with_indices(session: Session) -> None:
    ann, hidden = make_user(session, "ann"), make_user(session, "hidden")
    hidden.discoverable = False
    session.add(hidden)
    film = make_item(session, "Solaris", kind="movie", genres=["Sci-Fi", "Drama"], creator="Andrei Tarkovsky")
    album = make_item(session, "Kind of Blue", kind="music", genres=["jazz"], creator="Miles Davis")
    make_entry(session, ann, film, status="finished", rating=10)
    make_entry(session, hidden, album, status="finished")
    session.commit()
    app = read_app_interactions(session)
    k = app.item_db_ids.index(film.id)
    assert app.interactions.items[k] == str(film.id)
    assert app.item_kinds[k] == "movie"
    assert app.item_features[k] == ["kind:movie", "genre:drama", "genre:sci_fi", "creator:andrei_tarkovsky"]
    assert app.item_features[k] == item_tokens("movie", ["Sci-Fi", "Drama"], "Andrei Tarkovsky")
    discoverable = dict(zip(app.user_db_ids, app.user_discoverable, strict=True))
    assert discoverable == {ann.id: True, hidden.id: False}


def test_serving_folds_in_lists_as_training_reads_them_and_never_recommends_them_back(session: Session) -> None:
    ann = make_user(session, "ann")
    picked, hated, secret = make_item(session), make_item(session), make_item(session)
    make_entry(session, ann, hated, status="finished", rating=2)
    shown = lists.create_list(session=session, user=ann, title="Mixed")
    hidden = lists.create_list(session=session, user=ann, title="Secret", visibility="private")
    for list_id, item in ((shown.id, picked), (shown.id, hated), (hidden.id, secret)):
        lists.add_item(session=session, user=ann, list_id=list_id, item_id=item.id)
    # On a private list too: the public one still counts.
    lists.add_item(session=session, user=ann, list_id=hidden.id, item_id=picked.id)
    session.commit()
    past = serve.history(session, ann.id)
    assert set(past.positives) == {picked.id}
    assert past.met == {picked.id, hated.id, secret.id}
    assert {item for (_, item), w in _weights(session).items() if w > 0} == set(past.positives)
