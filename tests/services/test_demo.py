"""The demo community: fills an empty database, deterministically, with recognisable tastes."""

from __future__ import annotations

import itertools
import shutil
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path
from statistics import mean

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from slice_of_culture.db import make_engine, session_scope
from slice_of_culture.models import (
    Comment,
    Entry,
    Follow,
    Forum,
    Item,
    ItemList,
    ItemListEntry,
    Like,
    Message,
    Notification,
    User,
    utcnow,
)
from slice_of_culture.services import accounts
from slice_of_culture.services.catalog import dedup_key
from slice_of_culture.services.demo import (
    DEMO_ADMIN,
    DEMO_LOGIN,
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    HISTORY_DAYS,
    database_is_empty,
    seed_demo,
)
from slice_of_culture.services.demo_catalog import CATALOG, CLUSTERS
from tests.utils.db import sqlite_url

DEFAULT_FORUMS = ("movies", "books", "music", "science-fiction", "jazz", "horror")


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _snapshot(session: Session) -> dict[str, list[tuple]]:
    """Everything the seed decides, without ids or absolute dates (those depend on the DB and the clock)."""
    owner, follower, followee = aliased(User), aliased(User), aliased(User)
    entries = session.exec(
        select(User.username, Item.title, Entry.status, Entry.rating, Entry.review, Entry.visibility)
        .select_from(Entry)
        .join(User, Entry.user_id == User.id)
        .join(Item, Entry.item_id == Item.id)
        .order_by(Entry.id)
    ).all()
    follows = session.exec(
        select(follower.username, followee.username)
        .select_from(Follow)
        .join(follower, Follow.follower_id == follower.id)
        .join(followee, Follow.followee_id == followee.id)
        .order_by(Follow.id)
    ).all()
    likes = session.exec(
        select(User.username, owner.username, Item.title)
        .select_from(Like)
        .join(User, Like.user_id == User.id)
        .join(Entry, Like.entry_id == Entry.id)
        .join(owner, Entry.user_id == owner.id)
        .join(Item, Entry.item_id == Item.id)
        .order_by(Like.id)
    ).all()
    messages = session.exec(
        select(Forum.slug, User.username, Message.text)
        .select_from(Message)
        .join(Forum, Message.forum_id == Forum.id)
        .join(User, Message.user_id == User.id)
        .order_by(Message.id)
    ).all()
    return {"entries": list(entries), "follows": list(follows), "likes": list(likes), "messages": list(messages)}


def _seed_sqlite_copy(template: Path, path: Path, seed: int) -> dict[str, list[tuple]]:
    shutil.copy(template, path)
    engine = make_engine(sqlite_url(path))
    try:
        with session_scope(engine) as session:
            seed_demo(session=session, seed=seed, progress=False)
        with session_scope(engine) as session:
            return _snapshot(session)
    finally:
        engine.dispose()


def test_catalog_is_well_formed_and_spans_clusters() -> None:
    kinds = Counter(c.kind for c in CATALOG)
    assert set(kinds) == {"movie", "book", "music"}
    assert all(90 <= n <= 120 for n in kinds.values()), kinds
    keys = [dedup_key(c.kind, c.title, c.creator, c.year) for c in CATALOG]
    assert len(set(keys)) == len(keys), "the catalog's no-duplicates rule must hold for the demo data"
    for c in CATALOG:
        assert c.title and c.creator and c.description and len(c.description) <= 200, c
        assert 1000 <= c.year <= utcnow().year, c
        assert c.genres and all(g == g.lower() for g in c.genres), c
        assert c.clusters and set(c.clusters) <= set(CLUSTERS), c
    # Every taste cluster has plenty of each kind, so tastes span movies, books and music.
    per_cluster_kind = Counter((cluster, c.kind) for c in CATALOG for cluster in c.clusters)
    assert all(per_cluster_kind[(cluster, kind)] >= 15 for cluster in CLUSTERS for kind in kinds)
    usernames = [p.username for p in DEMO_PEOPLE]
    assert len(set(usernames)) == len(usernames)
    assert all(accounts.USERNAME_RE.fullmatch(u) for u in usernames)


def test_seed_fills_an_empty_database(session: Session) -> None:
    assert database_is_empty(session=session)

    counts = seed_demo(session=session, progress=False)
    session.commit()

    assert not database_is_empty(session=session)
    assert counts["users"] == _count(session, User) and 35 <= counts["users"] <= 50
    assert counts["items"] == _count(session, Item) and 280 <= counts["items"] <= 350
    assert counts["entries"] == _count(session, Entry) and 400 <= counts["entries"] <= 1300
    for key, model in (
        ("follows", Follow),
        ("likes", Like),
        ("comments", Comment),
        ("notifications", Notification),
        ("lists", ItemList),
    ):
        assert counts[key] == _count(session, model) > 0, key
    kinds = Counter(session.exec(select(Item.kind)).all())
    assert all(90 <= kinds[k] <= 120 for k in ("movie", "book", "music")), kinds

    entries = session.exec(select(Entry)).all()
    per_user = Counter(e.user_id for e in entries)
    assert len(per_user) == counts["users"] and all(15 <= n <= 40 for n in per_user.values())
    assert all(e.rating is None for e in entries if e.status == "want")
    assert all(1 <= e.rating <= 10 for e in entries if e.rating is not None)
    statuses = Counter(e.status for e in entries)
    assert statuses["finished"] > len(entries) / 2 and all(statuses[s] for s in ("want", "in_progress", "dropped"))
    visibilities = Counter(e.visibility for e in entries)
    assert visibilities["public"] > len(entries) * 0.7 and visibilities["followers"] and visibilities["private"]
    assert 0.2 <= sum(bool(e.review) for e in entries) / len(entries) <= 0.45
    oldest = utcnow() - timedelta(days=HISTORY_DAYS + 1)
    assert all(e.created_at.tzinfo is not None and oldest <= e.created_at <= utcnow() for e in entries)
    assert max(e.created_at for e in entries) - min(e.created_at for e in entries) > timedelta(days=150)

    # Lists hold what their owner loved and shows everyone, in positions 0..n-1.
    loved_publicly = {(e.user_id, e.item_id) for e in entries if (e.rating or 0) >= 8 and e.visibility == "public"}
    for item_list in session.exec(select(ItemList)).all():
        rows = session.exec(select(ItemListEntry).where(ItemListEntry.list_id == item_list.id)).all()
        assert 4 <= len(rows) <= 8 and sorted(r.position for r in rows) == list(range(len(rows)))
        assert all((item_list.user_id, r.item_id) in loved_publicly for r in rows)

    users = session.exec(select(User)).all()
    assert all(u.avatar_url == "" and u.display_name and u.bio for u in users)
    assert [u.username for u in users if u.is_admin] == [DEMO_ADMIN]
    # The demo people's addresses count as confirmed since they joined (their digests may go).
    assert all(u.email_confirmed_at == u.created_at for u in users)


def test_social_graph_follows_the_rules(session: Session) -> None:
    seed_demo(session=session, progress=False)
    session.flush()

    follows = session.exec(select(Follow.follower_id, Follow.followee_id)).all()
    assert all(a != b for a, b in follows), "nobody follows themselves"
    assert len(set(follows)) == len(follows)

    entries = {e.id: e for e in session.exec(select(Entry)).all()}
    likes = session.exec(select(Like.user_id, Like.entry_id)).all()
    assert len(set(likes)) == len(likes)
    assert all(entries[e].visibility == "public" and entries[e].user_id != u for u, e in likes)

    for n in session.exec(select(Notification)).all():
        assert n.kind in ("like", "comment", "follow") and n.actor_id != n.recipient_id
        what, target_id = n.target.split(":")
        if n.kind == "follow":
            assert (what, int(target_id)) == ("user", n.actor_id)
        else:
            assert what == "entry" and entries[int(target_id)].user_id == n.recipient_id

    # The six forums from the migration get their chatter; no new forum appears.
    assert sorted(session.exec(select(Forum.slug)).all()) == sorted(DEFAULT_FORUMS)
    per_forum = Counter(session.exec(select(Forum.slug).join(Message, Message.forum_id == Forum.id)).all())
    assert all(10 <= per_forum[slug] <= 20 for slug in DEFAULT_FORUMS), per_forum
    clusters = {p.username: set(p.clusters) for p in DEMO_PEOPLE}
    jazz_authors = session.exec(
        select(User.username).join(Message, Message.user_id == User.id).join(Forum).where(Forum.slug == "jazz")
    ).all()
    assert all("classic" in clusters[u] for u in jazz_authors)


def test_demo_login_works(session: Session) -> None:
    seed_demo(session=session, progress=False)
    session.commit()

    result = accounts.login(session=session, username=DEMO_LOGIN, password=DEMO_PASSWORD)
    assert result.user is not None and result.user.username == "maria" and result.token
    admin = accounts.login(session=session, username=DEMO_ADMIN, password=DEMO_PASSWORD)
    assert admin.user is not None and admin.user.is_admin
    assert accounts.login(session=session, username=DEMO_LOGIN, password="not-the-password").user is None


def test_same_seed_gives_the_same_community(engine: Engine, sqlite_template: Path, tmp_path: Path) -> None:
    # The caller's one transaction, as `make run` does it.
    with session_scope(engine) as session:
        seed_demo(session=session, seed=7, progress=False)
    with session_scope(engine) as session:
        first = _snapshot(session)

    again = _seed_sqlite_copy(sqlite_template, tmp_path / "again.db", seed=7)
    other = _seed_sqlite_copy(sqlite_template, tmp_path / "other.db", seed=8)

    assert first == again
    assert first["entries"] != other["entries"]


def test_people_in_one_cluster_share_far_more_loved_items(session: Session) -> None:
    seed_demo(session=session, progress=False)
    session.flush()

    loved: dict[str, set[int]] = defaultdict(set)
    rows = session.exec(select(User.username, Entry.item_id).join(User).where(Entry.rating >= 8)).all()
    for username, item_id in rows:
        loved[username].add(item_id)
    # People with exactly one cluster, so "same" and "different" taste are unambiguous.
    cluster_of = {p.username: p.clusters[0] for p in DEMO_PEOPLE if len(p.clusters) == 1}

    within, across = [], []
    for a, b in itertools.combinations(sorted(cluster_of), 2):
        union = loved[a] | loved[b]
        jaccard = len(loved[a] & loved[b]) / len(union) if union else 0.0
        (within if cluster_of[a] == cluster_of[b] else across).append(jaccard)

    assert mean(within) > 0.08
    assert mean(within) > 5 * mean(across), (mean(within), mean(across))
