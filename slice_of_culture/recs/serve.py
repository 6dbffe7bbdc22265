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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from itertools import chain

import numpy as np
from sqlalchemy import Row, bindparam, func, null, union_all
from sqlmodel import Session, select

from slice_of_culture.models import (
    Entry,
    Follow,
    Item,
    ItemDismissal,
    ItemList,
    ItemListEntry,
    RecsModelVersion,
    User,
    is_row_id,
    utcnow,
)
from slice_of_culture.models.entry import LOVED_RATING
from slice_of_culture.recs.interactions import MIN_POSITIVE_RATING, POSITIVE_STATUSES, item_tokens
from slice_of_culture.services import social
from slice_of_culture.services.blocks import hidden_people
from slice_of_culture.services.display import initials
from slice_of_culture.services.onboarding import preferred_kinds
from slice_of_culture.services.social import SuggestedPerson, active_people_to_follow, suggestion
from slice_of_culture.services.visibility import entry_visible_to

log = logging.getLogger(__name__)

NEIGHBOURS = 20
# Blend of the two stages' evidence in the final score.
NEIGHBOUR_WEIGHT = 0.65
ITEM_WEIGHT = 0.35
POPULAR_WINDOW = timedelta(days=120)
# Candidates from step 2 whose own fit to you is looked up in Chroma (by neighbour evidence).
MAX_CANDIDATES = 100


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


def _serving(session: Session) -> Row | None:
    """What serving needs of the current version (`version`, `started_at`; None before the first
    training), read on every request: without the ORM object and its JSON parameters and metrics."""
    stmt = select(RecsModelVersion.version, RecsModelVersion.started_at).where(RecsModelVersion.is_current)
    return session.connection().execute(stmt).first()


@dataclass
class History:
    """What a person has met: positives (as the model learns them) and loves."""

    positives: list[int]  # finished / in progress, not rated low, not private; or on a list, not logged
    loved: set[int]  # rated 4 stars or more, not private
    loved_by_followers_only: set[int]  # of `loved`, those only the person's followers may see
    # Everything logged in any way, on their lists or dismissed ("Not interested"): never recommended.
    met: set[int]
    newest_positive: object  # created_at of the newest positive entry (None without positives)


def history(session: Session, user_id: int) -> History:
    """The person's entries folded per item, then their lists' items (as the training reader
    counts them, `interactions.LIST_WEIGHT`) and the items they dismissed: two queries."""
    rows = _rows(
        session,
        select(Entry.item_id, Entry.status, Entry.rating, Entry.visibility, Entry.created_at).where(
            Entry.user_id == user_id
        ),
    )
    positives: dict[int, object] = {}
    loved: set[int] = set()
    loved_publicly: set[int] = set()
    met: set[int] = set()
    for item_id, status, rating, visibility, created_at in rows:
        met.add(item_id)
        if visibility == "private":
            continue  # private entries never speak for anyone, not even in their owner's vector
        if status in POSITIVE_STATUSES and (rating is None or rating >= MIN_POSITIVE_RATING):
            positives[item_id] = max(positives.get(item_id, created_at), created_at)
        if rating is not None and rating >= LOVED_RATING:
            loved.add(item_id)
            if visibility == "public":
                loved_publicly.add(item_id)
    # Dismissals ride along with the lists' items (their visibility NULL): one round trip fewer
    # on For you's budget (bench/RESULTS.md).
    listed = _rows(
        session,
        union_all(
            select(ItemListEntry.item_id, ItemList.visibility, ItemListEntry.added_at)
            .join(ItemList, ItemList.id == ItemListEntry.list_id)
            .where(ItemList.user_id == user_id),
            select(ItemDismissal.item_id, null(), ItemDismissal.created_at).where(ItemDismissal.user_id == user_id),
        ),
    )
    logged = set(met)
    for item_id, visibility, added_at in listed:
        # An entry of the item says how much they liked it; a private list speaks for nobody; a
        # dismissal only keeps the item from being recommended.
        if item_id not in logged and visibility not in ("private", None):
            positives[item_id] = max(positives.get(item_id, added_at), added_at)
        met.add(item_id)
    return History(
        positives=list(positives),
        loved=loved,
        loved_by_followers_only=loved - loved_publicly,
        met=met,
        newest_positive=max(positives.values(), default=None),
    )


def _rows(session: Session, stmt) -> Sequence[Row]:  # noqa: ANN001
    """Plain rows of a column SELECT, through Core: the ORM's per-row work cost ~2 us a row, as
    much as the query itself, on the thousands of rows a heavy person's history has."""
    return session.connection().execute(stmt).all()


def user_vector(  # noqa: ANN001
    session: Session, version: RecsModelVersion | Row, user_id: int, store=None, past: History | None = None
) -> np.ndarray | None:
    """The stored vector if training saw all the user's positives; otherwise fold-in from history now."""
    store = store or _store()
    past = past or history(session, user_id)
    if not past.positives:
        return None
    stored = store.get_user_vectors(version.version, [user_id]).get(user_id)
    if stored is not None and past.newest_positive <= version.started_at:
        return stored
    from slice_of_culture.recs.jobs import load_model

    model = load_model(version.version)
    known = [model.item_index[i] for i in past.positives if i in model.item_index]
    if not known:
        return stored
    return model.fold_in(known)


def _neighbours(
    session: Session,
    version: RecsModelVersion | Row,
    vector: np.ndarray,
    *,
    exclude: int | None,
    n: int,
    store,  # noqa: ANN001
    viewer_id: int | None = None,
) -> list[tuple[Row, float]]:
    """The n people nearest to `vector` with their similarity, nearest first, as rows of what
    lists show of them (id, username, display_name, avatar_url)."""
    # Never `exclude`, people who opted out or left, nor anyone blocked either way by `viewer_id`
    # (the person the list is shown to).
    # No metadata filter in Chroma: a filtered HNSW query is ~40x slower there (bench/RESULTS.md).
    # Over-fetch instead; the opt-out is applied from the database just below.
    hits = store.query_users(version.version, vector, n=2 * n + 10)
    ids = [uid for uid, _ in hits if uid != exclude]
    if not ids:
        return []
    # The opt-out and deactivation are re-checked now: they may have changed since training.
    shown = select(User.id, User.username, User.display_name, User.avatar_url).where(
        User.id.in_(ids), User.is_active, User.discoverable
    )
    if viewer_id:
        shown = shown.where(User.id.not_in(hidden_people(viewer_id)))
    users = {u.id: u for u in _rows(session, shown)}
    return [(users[uid], sim) for uid, sim in hits if uid in users][:n]


@dataclass
class Loves:
    """Loved entries, one per position in three arrays."""

    user_ids: np.ndarray
    item_ids: np.ndarray
    ratings: np.ndarray

    def of_items(self, items: set[int]) -> dict[int, list[tuple[int, int]]]:
        """Per person, (rating, item id) of their loves among `items`."""
        out: dict[int, list[tuple[int, int]]] = defaultdict(list)
        if items:
            hit = np.isin(self.item_ids, np.fromiter(items, np.int64, len(items)))
            for uid, item_id, rating in zip(self.user_ids[hit], self.item_ids[hit], self.ratings[hit], strict=True):
                out[int(uid)].append((int(rating), int(item_id)))
        return out


def _loved_by(session: Session, user_ids: list[int], viewer_id: int | None) -> Loves:
    """Loved entries of these people that the viewer may see. Every kind: what you both loved
    explains a recommendation of any kind. No join with `item`: a heavy neighbour has thousands
    of loved entries, and the kind is only needed for the few best candidates. (Capping each
    person at their latest 200 loves, one limited query each in a UNION ALL, was slower at 10k
    people: p95 29.8 vs 27.8 ms; so was summing the evidence in SQL, bench/RESULTS.md.)"""
    if not user_ids:
        return Loves(*(np.zeros(0, np.int64) for _ in range(3)))
    # The threshold goes into the SQL as a literal, so that every plan (also a prepared, generic
    # one) can use the partial index `ix_entry_user_loved`, which is built for this very value.
    loved = bindparam("loved_rating", LOVED_RATING, literal_execute=True)
    where = (Entry.user_id.in_(user_ids), Entry.rating >= loved, entry_visible_to(viewer_id))
    if session.get_bind().dialect.name == "postgresql":
        # Three arrays in one row, not thousands of rows: SQLAlchemy's per-row work cost more
        # than the query (bench/RESULTS.md). The aggregates of one query level see the rows in
        # the same order, so position k of each array is one entry.
        columns = (func.array_agg(Entry.user_id), func.array_agg(Entry.item_id), func.array_agg(Entry.rating))
        arrays = _rows(session, select(*columns).where(*where))[0]
        return Loves(*(np.asarray(values or [], np.int64) for values in arrays))
    rows = _rows(session, select(Entry.user_id, Entry.item_id, Entry.rating).where(*where))
    flat = np.fromiter(chain.from_iterable(rows), np.int64, 3 * len(rows)).reshape(-1, 3)
    return Loves(flat[:, 0], flat[:, 1], flat[:, 2])


def _evidence(loves: Loves, closeness: dict[int, float], met: set[int]) -> tuple[np.ndarray, np.ndarray, dict]:
    """Step 2's sums, in NumPy: the items the people loved that `met` lacks, best-supported
    first (evidence: the sum over an item's lovers of closeness x rating / 10; ties by id), their
    evidence, and each item's closest lover (highest closeness, then id)."""
    fresh = ~np.isin(loves.item_ids, np.fromiter(met, np.int64, len(met)))
    people = np.fromiter(closeness, np.int64, len(closeness))
    near = np.fromiter(closeness.values(), np.float64, len(closeness))
    order = np.argsort(people)
    users, items = loves.user_ids[fresh], loves.item_ids[fresh]
    weight = near[order][np.searchsorted(people[order], users)]
    unique, at = np.unique(items, return_inverse=True)
    evidence = np.bincount(at, weights=weight * loves.ratings[fresh] / 10, minlength=len(unique))
    best = np.lexsort((unique, -evidence))
    # Rows by item, then closeness, then person: each item's last row is its closest lover.
    by = np.lexsort((users, weight, items))
    last = np.r_[items[by][1:] != items[by][:-1], True] if len(by) else np.zeros(0, bool)
    closest = dict(zip(items[by][last].tolist(), users[by][last].tolist(), strict=True))
    return unique[best], evidence[best], closest


def _best_candidates(
    session: Session, ranked: list[int], kinds: set[str], also: set[int]
) -> tuple[dict[int, Row], dict[int, Row]]:
    """The first MAX_CANDIDATES of `ranked` (best first) whose kind is in `kinds` (empty: any),
    looked up a slice at a time: one query without a filter or for a common kind, and never
    beyond the best 10 slices for a rare one (further down, the support is thin anyway). Slices
    stay small: an IN list of 400 ids cost ~7 ms, mostly building and parsing the statement.

    The first slice's query also reads the rows of `also` (the loves in common that the
    explanations name; returned second): one round trip for both."""
    out: dict[int, Row] = {}
    named: dict[int, Row] = {}
    step = MAX_CANDIDATES
    for start in range(0, min(len(ranked), 10 * step), step):
        chunk = ranked[start : start + step]
        if start == 0:
            found = _items(session, also.union(chunk))
            named = {i: found[i] for i in also if i in found}
            found = {i: row for i, row in found.items() if not kinds or row.kind in kinds}
        else:
            found = _items(session, chunk, kinds=kinds)
        out |= {i: found[i] for i in chunk if i in found}
        if len(out) >= MAX_CANDIDATES:
            break
    return dict(list(out.items())[:MAX_CANDIDATES]), named


def _items(session: Session, ids, *, kinds: set[str] | None = None) -> dict[int, Row]:  # noqa: ANN001
    """Just the columns a recommendation shows, as plain rows (ORM rows cost more than the query)."""
    ids = list(ids)
    if not ids:
        return {}
    stmt = select(Item.id, Item.kind, Item.title, Item.creator, Item.year).where(Item.id.in_(ids))
    if kinds:
        stmt = stmt.where(Item.kind.in_(sorted(kinds)))
    return {r.id: r for r in _rows(session, stmt)}


def _join_titles(titles: list[str]) -> str:
    if len(titles) <= 1:
        return "".join(titles)
    return ", ".join(titles[:-1]) + " and " + titles[-1]


def for_you(
    *,
    session: Session,
    user: User,
    kind: str | None = None,
    kinds: Sequence[str] | None = None,
    n: int = 20,
    store=None,  # noqa: ANN001
) -> ForYou:
    """Two-stage recommendations for `user`, explained; popular items when there is nothing personal yet.

    Shows `kind`, else `kinds`, else the kinds the person chose (`user.preferred_kinds`; none
    chosen: every kind). Explanations draw on loved items of every kind all the same.
    """
    only = set(_shown_kinds(user, kind or None, kinds))
    version = _serving(session)
    if version is None:
        return ForYou(status="popular", items=popular_items(session=session, user=user, kinds=sorted(only), n=n))
    store = store or _store()
    past = history(session, user.id)
    vector = user_vector(session, version, user.id, store, past)
    if vector is None:
        return ForYou(status="popular", items=popular_items(session=session, user=user, kinds=sorted(only), n=n))

    neighbours = _neighbours(session, version, vector, exclude=user.id, n=NEIGHBOURS, store=store, viewer_id=user.id)
    closeness = {u.id: max(s - 1.0, 0.0) for u, s in neighbours}  # user vectors carry a constant 1: ip = cos + 1
    loves = _loved_by(session, list(closeness), user.id)
    shared = loves.of_items(past.loved)
    ranked, support, closest = _evidence(loves, closeness, past.met)
    # Only the best-supported candidates (of the kinds shown) are worth loading and a vector
    # lookup; the same query reads the titles the explanations name.
    candidates, titles = _best_candidates(session, ranked.tolist(), only, _shared_ids(shared))
    if not candidates:
        return ForYou(
            status="personal",
            items=_nearest_items(session, version, vector, met=past.met, mine=past.loved, kinds=only, n=n, store=store),
            people=_people(session, neighbours, shared, user.id),
            version=version.version,
        )
    # Candidates come from the best-supported 10 x MAX_CANDIDATES at most (`_best_candidates`).
    head = slice(0, 10 * MAX_CANDIDATES)
    evidence = dict(zip(ranked[head].tolist(), support[head].tolist(), strict=True))
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
    users = {u.id: u for u, _ in neighbours}
    recs = []
    for item_id in scored:
        item = candidates[item_id]
        # Explain with the closest neighbour who loved it, and what you both loved.
        uid = closest[item_id]
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
        status="personal",
        items=recs,
        people=_people(session, neighbours, shared, user.id, titles=titles),
        version=version.version,
    )


# Loves in common named per person: three on "people like you", two in a recommendation's reason.
SHARED_SHOWN = 3


def _shared_ids(shared: dict[int, list[tuple[int, int]]]) -> set[int]:
    """The loves in common that explanations name: each person's SHARED_SHOWN best, not all of
    them (a heavy neighbour shares hundreds; a long IN list cost ~7 ms)."""
    return {i for rows in shared.values() for _, i in sorted(rows, reverse=True)[:SHARED_SHOWN]}


def _shared_titles(session: Session, shared: dict[int, list[tuple[int, int]]]) -> dict[int, Row]:
    """Rows of the loves in common that explanations name (`_shared_ids`)."""
    return _items(session, _shared_ids(shared))


def _people(  # noqa: ANN001
    session: Session, neighbours, shared, viewer_id: int, n: int = 6, titles: dict[int, Row] | None = None
) -> list[SimilarPerson]:
    titles = _shared_titles(session, shared) if titles is None else titles
    out = []
    for person, s in neighbours[:n]:
        both = [
            titles[i].title for _, i in sorted(shared.get(person.id, []), reverse=True)[:SHARED_SHOWN] if i in titles
        ]
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


def _nearest_items(session, version, vector, *, met, mine, kinds, n, store) -> list[Recommendation]:  # noqa: ANN001
    """Fallback when no neighbour loved anything new: the items nearest to your own vector."""
    hits = store.query_items(version.version, vector, n=3 * n + len(met) + 10)
    items = _items(session, [i for i, _ in hits if i not in met])
    fresh = [(i, s) for i, s in hits if i in items and (not kinds or items[i].kind in kinds)][:n]
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
    version = _serving(session)
    if version is None:
        return []
    store = store or _store()
    past = history(session, owner.id)
    vector = user_vector(session, version, owner.id, store, past)
    if vector is None:
        return []
    neighbours = _neighbours(session, version, vector, exclude=owner.id, n=n, store=store, viewer_id=viewer_id)
    # The owner's loves that the viewer may see: followers-only ones must not show through.
    mine = past.loved
    if viewer_id != owner.id and not (
        viewer_id and session.exec(select(social.follows_clause(viewer_id, owner.id))).one()
    ):
        mine = mine - past.loved_by_followers_only
    shared = _loved_by(session, [u.id for u, _ in neighbours], viewer_id).of_items(mine)
    return _people(session, neighbours, shared, owner.id, n)


def people_to_follow(*, session: Session, user: User, n: int = 6, store=None) -> list[SuggestedPerson]:  # noqa: ANN001
    """Who `user` might follow: people with similar taste first ("You both loved Dune and Solaris"),
    then people posting lately (social.active_people_to_follow). Never someone they already
    follow, themselves, or anyone who opted out of being suggested. Works without a model."""
    followed = set(session.exec(select(Follow.followee_id).where(Follow.follower_id == user.id)).all())
    out: list[SuggestedPerson] = []
    try:
        version = _serving(session)
        past = history(session, user.id)
        store = (store or _store()) if version and past.positives else None
        vector = user_vector(session, version, user.id, store, past) if store else None
        if vector is not None:
            # Over-fetch past the people already followed (bounded: one Chroma query either way).
            want = min(2 * n + len(followed), 100)
            found = _neighbours(session, version, vector, exclude=user.id, n=want, store=store, viewer_id=user.id)
            people = [u for u, _ in found if u.id not in followed][:n]
            shared = _loved_by(session, [u.id for u in people], user.id).of_items(past.loved)
            titles = _items(session, {i for rows in shared.values() for _, i in rows})
            for person in people:
                both = [titles[i].title for _, i in sorted(shared[person.id], reverse=True)[:2] if i in titles]
                out.append(suggestion(person, f"You both loved {_join_titles(both)}" if both else "Similar taste"))
    except Exception:  # noqa: BLE001 - suggestions still come from activity without the recommender
        log.exception("similar people for suggestions failed")
    if len(out) >= n:
        return out
    more = active_people_to_follow(session=session, viewer_id=user.id, n=n - len(out), exclude={p.user_id for p in out})
    return out + more


def similar_items(*, session: Session, item_id: int, n: int = 8, store=None) -> list[SimilarItem]:  # noqa: ANN001
    """Items nearest to this one in item space (a new item gets a vector from its content)."""
    version = _serving(session)
    item = session.get(Item, item_id) if is_row_id(item_id) else None
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


def _shown_kinds(user: User | None, kind: str | None, kinds: Sequence[str] | None) -> list[str]:
    """The kinds a list shows: the filter chosen on the page, else the person's own choice ([] = all)."""
    if kind:
        return [kind]
    if kinds:
        return list(kinds)
    return preferred_kinds(user)


def for_you_or_popular(
    *, session: Session, user: User | None, kind: str | None = None, kinds: Sequence[str] | None = None
) -> ForYou:
    """What "For you" shows (the page and the API): `for_you` for a signed-in person, popular
    items for anyone else, and popular items too, logged, when the recommender fails (a broken
    vector store must not break the page). The recommender runs in a savepoint, so a failure
    inside the database leaves the transaction usable."""
    if user is not None:
        try:
            with session.begin_nested():
                return for_you(session=session, user=user, kind=kind, kinds=kinds)
        except Exception:  # noqa: BLE001
            log.exception("recommendations failed; showing popular items")
    return ForYou(status="popular", items=popular_items(session=session, user=user, kind=kind, kinds=kinds))


def popular_items(
    *,
    session: Session,
    user: User | None,
    kind: str | None = None,
    n: int = 20,
    kinds: Sequence[str] | None = None,
) -> list[Recommendation]:
    """Cold start: what many people loved lately (public entries), minus what you have met.

    Restricted to `kind`, else to `kinds`, else to the kinds the person chose at sign-up (none: all).
    """
    since = utcnow() - POPULAR_WINDOW
    met = history(session, user.id).met if user else set()
    stmt = (
        select(Entry.item_id, func.count().label("fans"))
        .where(Entry.visibility == "public", Entry.rating >= LOVED_RATING, Entry.created_at >= since)
        .group_by(Entry.item_id)
        .order_by(func.count().desc(), Entry.item_id)
        # However many of the most loved the person met (logged, listed, hid), n are left.
        .limit(n + len(met))
    )
    if only := _shown_kinds(user, kind, kinds):
        stmt = stmt.join(Item, Item.id == Entry.item_id).where(Item.kind.in_(only))
    rows = [(item_id, fans) for item_id, fans in session.exec(stmt).all() if item_id not in met][:n]
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


def starter_items(
    *, session: Session, user: User | None, kinds: Sequence[str] | None = None, n: int = 12
) -> list[Recommendation]:
    """Things to pick favourites from at sign-up: `popular_items`, and while the community is too
    small to fill the list, the catalog's most logged items (public entries), then the rest."""
    out = popular_items(session=session, user=user, n=n, kinds=kinds)
    if len(out) >= n:
        return out
    logs = func.count(Entry.id)
    stmt = (
        select(Item.id, Item.kind, Item.title, Item.creator, Item.year, logs.label("logs"))
        .select_from(Item)
        .outerjoin(Entry, (Entry.item_id == Item.id) & (Entry.visibility == "public"))
        .group_by(Item.id, Item.kind, Item.title, Item.creator, Item.year)
        .order_by(logs.desc(), Item.id)
        .limit(n - len(out))
    )
    if only := _shown_kinds(user, None, kinds):
        stmt = stmt.where(Item.kind.in_(only))
    if out:
        stmt = stmt.where(Item.id.not_in([r.item_id for r in out]))
    if user is not None:
        stmt = stmt.where(
            Item.id.not_in(select(Entry.item_id).where(Entry.user_id == user.id)),
            Item.id.not_in(select(ItemDismissal.item_id).where(ItemDismissal.user_id == user.id)),
        )
    for it in session.exec(stmt).all():
        reason = f"Logged by {it.logs} {'person' if it.logs == 1 else 'people'}." if it.logs else "From the catalog."
        out.append(
            Recommendation(
                item_id=it.id, kind=it.kind, title=it.title, creator=it.creator, year=str(it.year or ""),
                score=float(it.logs), reason=reason,
            )
        )  # fmt: skip
    return out
