"""Serving on a refreshed model: two-stage, explained recommendations from Chroma, on both databases.

The app database has planted taste clusters (tests/recs/app_data.py); after a tiny training run,
each person's neighbours and recommendations must come from their own cluster, explanations
must name a neighbour and what you both loved, and nothing hidden may leak.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from slice_of_culture.config import get_settings
from slice_of_culture.models import ITEM_KINDS, User
from slice_of_culture.recs import jobs, serve
from slice_of_culture.recs.store import VectorStore
from slice_of_culture.services import blocks
from tests.recs.app_data import make_planted_app
from tests.utils.factories import make_entry, make_item, make_user

TINY = {"epochs": 40, "dim": 16, "batch_size": 64, "learning_rate": 0.02}


@pytest.fixture
def served(engine, tmp_path, monkeypatch):
    """A planted app database, refreshed once; settings point at this test's data folder."""
    monkeypatch.setenv("SOC_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    jobs._load_model.cache_clear()
    store = VectorStore.embedded(tmp_path / "chroma")
    with Session(engine, expire_on_commit=False) as session:
        planted = make_planted_app(session)
    row = jobs.refresh(engine=engine, store=store, data_dir=tmp_path, config_overrides=TINY, progress=False)
    assert row is not None and row.status == "ready", row and row.error
    yield planted, store
    get_settings.cache_clear()
    jobs._load_model.cache_clear()


def test_for_you_recommends_from_your_cluster_and_explains_why(engine, served) -> None:
    planted, store = served
    with Session(engine) as session:
        for user in planted.users[:6]:
            user = session.get(User, user.id)
            result = serve.for_you(session=session, user=user, store=store)
            assert result.status == "personal"
            assert result.items, user.username
            logged = serve.history(session, user.id).met
            cluster = planted.user_cluster[user.id]
            for rec in result.items:
                assert rec.item_id not in logged
            assert planted.item_cluster[result.items[0].item_id] == cluster
            top = result.items[0]
            assert top.neighbour_username and top.neighbour_username != user.username
            assert f"@{top.neighbour_username}" in top.reason and top.title in top.reason
            assert top.shared_titles and "both loved" in top.reason
            assert all(planted.user_cluster[_id(session, p.username)] == cluster for p in result.people[:3])


def _id(session: Session, username: str) -> int:
    from sqlmodel import select

    return session.exec(select(User.id).where(User.username == username)).one()


def test_opted_out_people_are_never_neighbours(engine, served) -> None:
    planted, store = served
    with Session(engine) as session:
        hidden = session.get(User, planted.users[1].id)
        hidden.discoverable = False
        session.add(hidden)
        session.commit()
        for user in planted.users[:5]:
            result = serve.for_you(session=session, user=session.get(User, user.id), store=store)
            assert hidden.username not in {p.username for p in result.people}
            assert all(r.neighbour_username != hidden.username for r in result.items)
            assert all(f"@{hidden.username}" not in r.reason for r in result.items)


def test_people_blocked_either_way_are_never_neighbours(engine, served) -> None:
    planted, store = served
    with Session(engine) as session:
        me = session.get(User, planted.users[0].id)
        before = serve.for_you(session=session, user=me, store=store)
        # The nearest neighbour, and the next one blocks me.
        first = session.get(User, _id(session, before.people[0].username))
        second = session.get(User, _id(session, before.people[1].username))
        blocks.block(session=session, blocker=me, blocked_id=first.id)
        blocks.block(session=session, blocker=second, blocked_id=me.id)
        session.commit()
        result = serve.for_you(session=session, user=me, store=store)
        shown = {p.username for p in result.people} | {r.neighbour_username for r in result.items}
        assert result.items and not shown & {first.username, second.username}
        assert all(f"@{first.username}" not in r.reason and f"@{second.username}" not in r.reason for r in result.items)
        suggested = serve.people_to_follow(session=session, user=me, store=store)
        assert not {p.username for p in suggested} & {first.username, second.username}
        # On someone else's profile, I am not shown people I blocked either.
        owner = session.get(User, planted.users[2].id)
        similar = serve.similar_people(session=session, owner=owner, viewer_id=me.id, store=store)
        assert first.username not in {p.username for p in similar}


def test_a_private_love_is_never_recommended_or_quoted(engine, served) -> None:
    planted, store = served
    with Session(engine, expire_on_commit=False) as session:
        secret = make_item(session, "Secret album", kind="music", genres=["g0"], creator="Maker 0")
        for mate in planted.users[1:5]:
            make_entry(session, mate, secret, rating=10, visibility="private")
        session.commit()
        result = serve.for_you(session=session, user=session.get(User, planted.users[0].id), store=store)
        assert secret.id not in {r.item_id for r in result.items}
        assert all("Secret album" not in r.reason for r in result.items)


def test_a_profiles_followers_only_love_is_named_only_to_its_followers(engine, served) -> None:
    """On a profile, "people with similar taste" names loves in common: one the owner logged for
    followers only is named to the owner and their followers, never to anyone else."""
    from slice_of_culture.services import social

    planted, store = served
    with Session(engine, expire_on_commit=False) as session:
        owner = session.get(User, planted.users[0].id)
        mates = [u for u in planted.users[1:] if planted.user_cluster[u.id] == planted.user_cluster[owner.id]]
        quiet = make_item(session, "Quiet favourite", kind="movie", genres=["g0"], creator="Maker 0")
        make_entry(session, owner, quiet, status="finished", rating=10, visibility="followers")
        for mate in mates:
            make_entry(session, mate, quiet, status="finished", rating=10)
        follower, stranger = make_user(session, "follower"), make_user(session, "stranger")
        social.follow(session=session, follower=follower, followee_id=owner.id)
        session.commit()

        def named_to(viewer_id: int | None) -> set[str]:
            people = serve.similar_people(session=session, owner=owner, viewer_id=viewer_id, store=store)
            assert people  # the section is there; only what it names differs
            return {title for person in people for title in person.shared_titles}

        assert "Quiet favourite" in named_to(owner.id)
        assert "Quiet favourite" in named_to(follower.id)
        assert "Quiet favourite" not in named_to(stranger.id)
        assert "Quiet favourite" not in named_to(None)
        # Loved publicly too (a re-watch logged for everyone), it is anyone's to see.
        make_entry(session, owner, quiet, status="finished", rating=9, visibility="public")
        session.commit()
        assert "Quiet favourite" in named_to(stranger.id)


def test_fold_in_gives_a_newcomer_personal_results_at_once(engine, served) -> None:
    planted, store = served
    with Session(engine, expire_on_commit=False) as session:
        newcomer = make_user(session, "newcomer")
        session.commit()
        assert serve.for_you(session=session, user=newcomer, store=store).status == "popular"
        cluster_two = [it for it in planted.items if planted.item_cluster[it.id] == 2]
        for item in cluster_two[:3]:
            make_entry(session, newcomer, item, status="finished", rating=10)
        session.commit()
        result = serve.for_you(session=session, user=newcomer, store=store)
        assert result.status == "personal"
        assert planted.item_cluster[result.items[0].item_id] == 2
        assert all(planted.user_cluster[_id(session, p.username)] == 2 for p in result.people[:3])


def test_kind_filter_and_similar_items_and_people(engine, served) -> None:
    planted, store = served
    with Session(engine) as session:
        user = session.get(User, planted.users[0].id)
        for kind in ("movie", "book", "music"):
            assert all(r.kind == kind for r in serve.for_you(session=session, user=user, kind=kind, store=store).items)
        # Filtered to the kind their cluster loves, recommendations still come from neighbours,
        # explained by what they both loved (not a fallback to nearest items).
        own_kind = planted.items[0].kind
        filtered = serve.for_you(session=session, user=user, kind=own_kind, store=store).items
        assert filtered and all(r.kind == own_kind for r in filtered)
        assert filtered[0].neighbour_username and "both loved" in filtered[0].reason
        item = planted.items[0]
        similar = serve.similar_items(session=session, item_id=item.id, store=store)
        assert similar and item.id not in {s.item_id for s in similar}
        assert planted.item_cluster[similar[0].item_id] == planted.item_cluster[item.id]
        people = serve.similar_people(session=session, owner=user, viewer_id=None, store=store)
        assert people and planted.user_cluster[_id(session, people[0].username)] == 0
        assert user.username not in {p.username for p in people}


def test_personal_results_keep_to_the_kinds_you_chose(engine, served) -> None:
    planted, store = served
    with Session(engine) as session:
        user = session.get(User, planted.users[0].id)  # cluster 0 loves movies
        user.preferred_kinds = "book"
        session.add(user)
        session.commit()
        chosen = serve.for_you(session=session, user=user, store=store)
        assert chosen.status == "personal" and chosen.items
        assert {r.kind for r in chosen.items} == {"book"}
        # "Everything" on the page overrides the preference; a kind picked on the page too.
        everything = serve.for_you(session=session, user=user, kinds=ITEM_KINDS, store=store)
        assert everything.items[0].kind == "movie" and "both loved" in everything.items[0].reason
        assert {r.kind for r in serve.for_you(session=session, user=user, kind="music", store=store).items} == {"music"}


def test_people_to_follow_start_with_your_taste_and_skip_who_you_follow(engine, served) -> None:
    from slice_of_culture.services import social

    planted, store = served
    with Session(engine) as session:
        user = session.get(User, planted.users[0].id)
        first = serve.people_to_follow(session=session, user=user, n=3, store=store)
        assert len(first) == 3 and user.username not in {p.username for p in first}
        assert all(planted.user_cluster[p.user_id] == 0 for p in first)
        assert first[0].reason.startswith("You both loved ")
        social.follow(session=session, follower=user, followee_id=first[0].user_id)
        hidden = session.get(User, first[1].user_id)
        hidden.discoverable = False
        session.add(hidden)
        session.commit()
        again = serve.people_to_follow(session=session, user=user, n=3, store=store)
        assert {first[0].user_id, first[1].user_id}.isdisjoint({p.user_id for p in again})
        assert planted.user_cluster[again[0].user_id] == 0
        # Without a model (or with nothing logged), suggestions come from recent activity.
        newcomer = make_user(session, "newcomer_sugg")
        session.commit()
        fallback = serve.people_to_follow(session=session, user=newcomer, n=4, store=store)
        assert fallback and all(p.reason.startswith(("Followed by", "Posting lately")) for p in fallback)
        assert hidden.id not in {p.user_id for p in fallback}


def test_step_two_sums_evidence_excludes_what_you_met_and_names_the_closest_lover() -> None:
    """The NumPy sums behind For you, on numbers worked out by hand."""
    import numpy as np

    # Person 7 is closer (0.8) than person 9 (0.4); item 100 is loved by both, 200 by 9 only,
    # 300 by 7 only (but you met it), 400 by both of them at once, like 100, with the same sums.
    loves = serve.Loves(
        user_ids=np.array([7, 9, 9, 7, 7, 9, 9]),
        item_ids=np.array([100, 100, 200, 300, 400, 400, 400]),
        ratings=np.array([10, 8, 10, 10, 10, 4, 4]),
    )
    ranked, evidence, closest = serve._evidence(loves, {7: 0.8, 9: 0.4}, met={300})
    # 100: 0.8 * 1.0 + 0.4 * 0.8 = 1.12; 400: 0.8 + 0.4 * 0.4 * 2 = 1.12 (a tie: lower id first);
    # 200: 0.4 * 1.0 = 0.4. 300 is never a candidate.
    assert ranked.tolist() == [100, 400, 200]
    assert np.allclose(evidence, [1.12, 1.12, 0.4])
    assert closest == {100: 7, 200: 9, 400: 7}
    assert loves.of_items({200, 300}) == {9: [(10, 200)], 7: [(10, 300)]}
    # Nobody loved anything: nothing to rank.
    empty = serve.Loves(*(np.zeros(0, np.int64) for _ in range(3)))
    ranked, evidence, closest = serve._evidence(empty, {7: 0.8}, met=set())
    assert ranked.size == 0 and evidence.size == 0 and closest == {}
