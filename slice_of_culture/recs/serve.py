"""Serving recommendations from Chroma and NumPy (never TensorFlow), for three surfaces:

- `for_you`: the two-stage recommender. Step 1 finds the people nearest to you in the shared
  user/item space (never you, never people who opted out); step 2 takes what those people loved
  that you have not met, scored by how close they are, how much they loved it and how well the
  item itself fits your vector, and says why ("You and @maria both loved Dune and Kind of Blue;
  @maria also loved Solaris").
- `similar_people`: a profile's "people with similar taste", with the items they share.
- `similar_items`: an item page's neighbours in item space.

A person who logged things after the last training gets a vector by fold-in at once; a person
with no history gets popular items in the kinds they care about (`popular_items`).
Visibility applies everywhere: an explanation or candidate only uses entries the viewer may see.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

import numpy as np
from sqlalchemy import func
from sqlmodel import Session, select

from slice_of_culture.models import Entry, Item, RecsModelVersion, User, utcnow
from slice_of_culture.recs.interactions import MIN_POSITIVE_RATING, POSITIVE_STATUSES, item_tokens
from slice_of_culture.services.display import initials
from slice_of_culture.services.visibility import entry_visible_to

log = logging.getLogger(__name__)

# An entry counts as "loved" (a positive for explanations and candidates) from 4 stars up.
LOVED_RATING = 8
NEIGHBOURS = 20
# Blend of the two stages' evidence in the final score.
NEIGHBOUR_WEIGHT = 0.65
ITEM_WEIGHT = 0.35
POPULAR_WINDOW = timedelta(days=120)
# Candidates from step 2 whose own fit to you is looked up in Chroma (by neighbour evidence).
MAX_CANDIDATES = 150


@dataclass
class Recommendation:
    """One recommended item and why."""

    item_id: int
    kind: str
    title: str
    creator: str
    year: str
    score: float
    reason: str
    neighbour_username: str = ""
    neighbour_name: str = ""
    shared_titles: list[str] = field(default_factory=list)


@dataclass
class SimilarPerson:
    username: str
    display_name: str
    initials: str
    similarity: float
    shared_titles: list[str] = field(default_factory=list)


@dataclass
class SimilarItem:
    item_id: int
    kind: str
    title: str
    creator: str
    year: str


@dataclass
class ForYou:
    """`status`: "personal" (from the model), "popular" (cold start or no model yet)."""

    status: str
    items: list[Recommendation] = field(default_factory=list)
    people: list[SimilarPerson] = field(default_factory=list)
    version: int = 0


@lru_cache(maxsize=1)
def _store():
    """One Chroma client per process (creating one per request would dominate the latency)."""
    from slice_of_culture.recs.store import VectorStore

    return VectorStore.from_settings()


def current_version(session: Session) -> RecsModelVersion | None:
    """The model version that serves now (None before the first training)."""
    return session.exec(select(RecsModelVersion).where(RecsModelVersion.is_current)).first()


def loved_item_ids(session: Session, user_id: int, *, min_rating: int = MIN_POSITIVE_RATING) -> list[int]:
    """Items the user liked enough to count as a positive (never from private entries)."""
    rows = session.exec(
        select(Entry.item_id, func.max(Entry.created_at))
        .where(
            Entry.user_id == user_id,
            Entry.visibility != "private",
            Entry.status.in_(POSITIVE_STATUSES),
            (Entry.rating.is_(None)) | (Entry.rating >= min_rating),
        )
        .group_by(Entry.item_id)
    ).all()
    return [item_id for item_id, _ in rows]


def _met_item_ids(session: Session, user_id: int) -> set[int]:
    """Everything the user has logged in any way: never recommended back."""
    return set(session.exec(select(Entry.item_id).where(Entry.user_id == user_id).distinct()).all())


def user_vector(session: Session, version: RecsModelVersion, user_id: int, store=None) -> np.ndarray | None:  # noqa: ANN001
    """The stored vector if training saw all the user's positives; otherwise fold-in from history now."""
    store = store or _store()
    loved = loved_item_ids(session, user_id)
    if not loved:
        return None
    newest = session.exec(
        select(func.max(Entry.created_at)).where(Entry.user_id == user_id, Entry.item_id.in_(loved))
    ).one()
    stored = store.get_user_vectors(version.version, [user_id]).get(user_id)
    if stored is not None and newest is not None and newest <= version.started_at:
        return stored
    from slice_of_culture.recs.jobs import load_model

    model = load_model(version.version)
    known = [model.item_index[i] for i in loved if i in model.item_index]
    if not known:
        return stored
    return model.fold_in(known)


def _neighbours(
    session: Session,
    version: RecsModelVersion,
    vector: np.ndarray,
    *,
    exclude: int | None,
    n: int,
    store,  # noqa: ANN001
) -> list[tuple[User, float]]:
    hits = store.query_users(version.version, vector, n=n + 5, where={"discoverable": True})
    ids = [uid for uid, _ in hits if uid != exclude]
    if not ids:
        return []
    # The opt-out and deactivation are re-checked now: they may have changed since training.
    users = {
        u.id: u for u in session.exec(select(User).where(User.id.in_(ids), User.is_active, User.discoverable)).all()
    }
    return [(users[uid], sim) for uid, sim in hits if uid in users][:n]


def _loved_by(
    session: Session, user_ids: list[int], viewer_id: int | None, kind: str | None = None
) -> list[tuple[int, int, int, object]]:
    """(user id, item id, rating, created_at) of loved entries the viewer may see."""
    if not user_ids:
        return []
    stmt = select(Entry.user_id, Entry.item_id, Entry.rating, Entry.created_at).where(
        Entry.user_id.in_(user_ids), Entry.rating >= LOVED_RATING, entry_visible_to(viewer_id)
    )
    if kind:
        stmt = stmt.join(Item, Item.id == Entry.item_id).where(Item.kind == kind)
    return list(session.exec(stmt).all())


def _items(session: Session, ids) -> dict[int, Item]:  # noqa: ANN001
    ids = list(ids)
    if not ids:
        return {}
    return {i.id: i for i in session.exec(select(Item).where(Item.id.in_(ids))).all()}


def _join_titles(titles: list[str]) -> str:
    if len(titles) <= 1:
        return "".join(titles)
    return ", ".join(titles[:-1]) + " and " + titles[-1]


def for_you(*, session: Session, user: User, kind: str | None = None, n: int = 20, store=None) -> ForYou:  # noqa: ANN001
    """Two-stage recommendations for `user`, explained; popular items when there is nothing personal yet."""
    kind = kind or None
    version = current_version(session)
    if version is None:
        return ForYou(status="popular", items=popular_items(session=session, user=user, kind=kind, n=n))
    store = store or _store()
    vector = user_vector(session, version, user.id, store)
    if vector is None:
        return ForYou(status="popular", items=popular_items(session=session, user=user, kind=kind, n=n))

    neighbours = _neighbours(session, version, vector, exclude=user.id, n=NEIGHBOURS, store=store)
    met = _met_item_ids(session, user.id)
    mine = set(loved_item_ids(session, user.id, min_rating=LOVED_RATING))
    sim = {u.id: max(s - 1.0, 0.0) for u, s in neighbours}  # user vectors carry a constant 1: ip = cos + 1
    loved = _loved_by(session, list(sim), user.id)

    evidence: dict[int, float] = defaultdict(float)
    lovers: dict[int, list[tuple[float, int]]] = defaultdict(list)
    shared: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for uid, item_id, rating, _ in loved:
        if item_id in mine:
            shared[uid].append((rating, item_id))
        if item_id in met:
            continue
        evidence[item_id] += sim[uid] * rating / 10
        lovers[item_id].append((sim[uid], uid))
    candidates = _items(session, evidence)
    if kind:
        candidates = {i: it for i, it in candidates.items() if it.kind == kind}
    if not candidates:
        return ForYou(
            status="personal",
            items=_nearest_items(session, version, vector, met=met, mine=mine, kind=kind, n=n, store=store),
            people=_people(session, neighbours, shared, user.id),
            version=version.version,
        )
    if len(candidates) > MAX_CANDIDATES:
        # Only the best-supported candidates are worth a vector lookup.
        keep = sorted(candidates, key=lambda i: -evidence[i])[:MAX_CANDIDATES]
        candidates = {i: candidates[i] for i in keep}
    item_vecs = store.get_item_vectors(version.version, list(candidates))
    fit = {i: float(vector @ v) for i, v in item_vecs.items()}
    top_evidence = max(evidence[i] for i in candidates) or 1.0
    fits = list(fit.values()) or [0.0]
    lo, hi = min(fits), max(fits)
    scored = sorted(
        candidates,
        key=lambda i: (
            -(
                NEIGHBOUR_WEIGHT * evidence[i] / top_evidence
                + ITEM_WEIGHT * ((fit.get(i, lo) - lo) / (hi - lo) if hi > lo else 0.0)
            )
        ),
    )[:n]
    titles = _items(session, {i for rows in shared.values() for _, i in rows})
    users = {u.id: u for u, _ in neighbours}
    recs = []
    for item_id in scored:
        item = candidates[item_id]
        # Explain with the closest neighbour who loved it, and what you both loved.
        _, uid = max(lovers[item_id])
        person = users[uid]
        both = [titles[i].title for _, i in sorted(shared.get(uid, []), reverse=True)[:2] if i in titles]
        handle = f"@{person.username}"
        if both:
            reason = f"You and {handle} both loved {_join_titles(both)}; {handle} also loved {item.title}."
        else:
            reason = f"@{person.username}, whose taste is close to yours, loved {item.title}."
        recs.append(
            Recommendation(
                item_id=item.id,
                kind=item.kind,
                title=item.title,
                creator=item.creator,
                year=str(item.year or ""),
                score=round(NEIGHBOUR_WEIGHT * evidence[item_id] / top_evidence, 4),
                reason=reason,
                neighbour_username=person.username,
                neighbour_name=person.display_name or person.username,
                shared_titles=both,
            )
        )
    return ForYou(
        status="personal", items=recs, people=_people(session, neighbours, shared, user.id), version=version.version
    )


def _people(session: Session, neighbours, shared, viewer_id: int, n: int = 6) -> list[SimilarPerson]:  # noqa: ANN001
    titles = _items(session, {i for rows in shared.values() for _, i in rows})
    out = []
    for person, s in neighbours[:n]:
        both = [titles[i].title for _, i in sorted(shared.get(person.id, []), reverse=True)[:3] if i in titles]
        name = person.display_name or person.username
        out.append(
            SimilarPerson(
                username=person.username,
                display_name=name,
                initials=initials(name),
                similarity=round(max(s - 1.0, 0.0), 3),
                shared_titles=both,
            )
        )
    return out


def _nearest_items(session, version, vector, *, met, mine, kind, n, store) -> list[Recommendation]:  # noqa: ANN001
    """Fallback when no neighbour loved anything new: the items nearest to your own vector."""
    hits = store.query_items(version.version, vector, n=n + len(met) + 10, where={"kind": kind} if kind else None)
    fresh = [(i, s) for i, s in hits if i not in met][:n]
    items = _items(session, [i for i, _ in fresh])
    loved_titles = [t.title for t in _items(session, list(mine)[:2]).values()]
    because = f"Close to {_join_titles(loved_titles)}, which you loved." if loved_titles else "Close to your taste."
    return [
        Recommendation(
            item_id=i, kind=items[i].kind, title=items[i].title, creator=items[i].creator,
            year=str(items[i].year or ""), score=round(s, 4), reason=because,
        )
        for i, s in fresh
        if i in items
    ]  # fmt: skip


def similar_people(
    *, session: Session, owner: User, viewer_id: int | None, n: int = 6, store=None
) -> list[SimilarPerson]:  # noqa: ANN001,E501
    """A profile's "people with similar taste" and the items they share (owner must not have opted out)."""
    if not owner.discoverable and viewer_id != owner.id:
        return []
    version = current_version(session)
    if version is None:
        return []
    store = store or _store()
    vector = user_vector(session, version, owner.id, store)
    if vector is None:
        return []
    neighbours = _neighbours(session, version, vector, exclude=owner.id, n=n, store=store)
    mine = set(loved_item_ids(session, owner.id, min_rating=LOVED_RATING))
    shared: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for uid, item_id, rating, _ in _loved_by(session, [u.id for u, _ in neighbours], viewer_id):
        if item_id in mine:
            shared[uid].append((rating, item_id))
    return _people(session, neighbours, shared, owner.id, n)


def similar_items(*, session: Session, item_id: int, n: int = 8, store=None) -> list[SimilarItem]:  # noqa: ANN001
    """Items nearest to this one in item space (a new item gets a vector from its content)."""
    version = current_version(session)
    item = session.get(Item, item_id)
    if version is None or item is None:
        return []
    store = store or _store()
    vec = store.get_item_vectors(version.version, [item_id]).get(item_id)
    if vec is None:
        from slice_of_culture.recs.jobs import load_model

        try:
            vec = load_model(version.version).item_vector_from_content(
                item_tokens(item.kind, item.genres, item.creator)
            )
        except (ValueError, FileNotFoundError):
            return []
    # Query with the bias coordinate zeroed: similarity of taste, not popularity.
    query = np.asarray(vec, dtype=np.float32).copy()
    query[-1] = 0.0
    hits = [(i, s) for i, s in store.query_items(version.version, query, n=n + 1) if i != item_id][:n]
    items = _items(session, [i for i, _ in hits])
    return [
        SimilarItem(
            item_id=i, kind=items[i].kind, title=items[i].title, creator=items[i].creator, year=str(items[i].year or "")
        )
        for i, _ in hits
        if i in items
    ]


def popular_items(*, session: Session, user: User | None, kind: str | None = None, n: int = 20) -> list[Recommendation]:
    """Cold start: what many people loved lately (public entries), minus what you have met."""
    since = utcnow() - POPULAR_WINDOW
    stmt = (
        select(Entry.item_id, func.count().label("fans"))
        .where(Entry.visibility == "public", Entry.rating >= LOVED_RATING, Entry.created_at >= since)
        .group_by(Entry.item_id)
        .order_by(func.count().desc(), Entry.item_id)
        .limit(n * 4)
    )
    if kind:
        stmt = stmt.join(Item, Item.id == Entry.item_id).where(Item.kind == kind)
    rows = session.exec(stmt).all()
    met = _met_item_ids(session, user.id) if user else set()
    items = _items(session, [i for i, _ in rows])
    out = []
    for item_id, fans in rows:
        if item_id in met or item_id not in items:
            continue
        it = items[item_id]
        out.append(
            Recommendation(
                item_id=it.id, kind=it.kind, title=it.title, creator=it.creator, year=str(it.year or ""),
                score=float(fans), reason=f"Loved by {fans} {'person' if fans == 1 else 'people'} lately.",
            )
        )  # fmt: skip
        if len(out) >= n:
            break
    return out
