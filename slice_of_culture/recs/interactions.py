"""The one reader of app data for the recommender: entries, lists and likes become weighted interactions.

What counts, and why:

- An entry that is finished or in progress is a *positive*, weighted by its rating
  (rating / 10, so 6/10 = 0.6 ... 10/10 = 1.0) or `UNRATED_WEIGHT` when it has no rating.
- An entry rated below `MIN_POSITIVE_RATING`, dropped, or only wanted is *met, not liked*
  (weight 0): it never trains a positive, but the history tower sees it and evaluation never
  ranks it, because nobody wants a recommendation for something they already logged.
- A like of someone's entry is a weaker positive (`LIKE_WEIGHT`) for that entry's item;
  several signals for one (user, item) pair combine by max.
- An item on one of the user's own lists is a positive (`LIST_WEIGHT`) unless the user's own
  entry of it says how much they liked it (a list of "films I could not finish" must not
  override a low rating); private lists never train, as private entries.
- Private entries never train the model: they are skipped entirely, as are likes of them.
- Only active users take part. Every item of the catalogue gets a vector (its content
  tokens carry it even when nobody has logged it yet).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from slice_of_culture.models import Entry, Item, ItemList, ItemListEntry, Like, User
from slice_of_culture.recs.data import Interactions, build_interactions
from slice_of_culture.text import normalize_for_key

# Half-star ratings 1..10: 6 (three stars) and above is a positive.
MIN_POSITIVE_RATING = 6
# A finished or in-progress entry without a rating: probably liked, less sure than a high rating.
UNRATED_WEIGHT = 0.7
# Liking someone's postcard of an item says less than logging it yourself.
LIKE_WEIGHT = 0.3
# Putting an item on your own list: chosen, so nearly a high rating.
LIST_WEIGHT = 0.8
# Statuses that say the user has actually met the item (watched / read / listened, or started).
POSITIVE_STATUSES = ("finished", "in_progress")


@dataclass(frozen=True)
class AppInteractions:
    """The app's interactions in the recommender's shape, with the maps back to database ids.

    `interactions.users[k] == str(user_db_ids[k])` and likewise for items;
    `item_features` holds content tokens by item index.
    """

    interactions: Interactions
    item_features: dict[int, list[str]]
    user_db_ids: list[int]
    item_db_ids: list[int]
    item_kinds: list[str]  # kind of each item index
    user_discoverable: list[bool]  # the "show me to people with similar taste" setting of each user index


def entry_weight(status: str, rating: int | None) -> float:
    """The weight of one entry: rating / 10 for a liked one, 0 for one met but not liked."""
    if status not in POSITIVE_STATUSES:
        return 0.0
    if rating is None:
        return UNRATED_WEIGHT
    return rating / 10 if rating >= MIN_POSITIVE_RATING else 0.0


def _token(text: str) -> str:
    return normalize_for_key(text).replace(" ", "_")


def item_tokens(kind: str, genres: list[str] | None, creator: str) -> list[str]:
    """Content tokens of an item (`kind:book`, `genre:sci_fi`, `creator:ursula_k_le_guin`).

    Serving uses the same function for an item created after the last training, so that
    `TwoTower.item_vector_from_content` sees the same vocabulary.
    """
    tokens = [f"kind:{kind}"]
    tokens += sorted({f"genre:{t}" for g in genres or [] if (t := _token(g))})
    if creator and (c := _token(creator)):
        tokens.append(f"creator:{c}")
    return tokens


def read_app_interactions(session: Session) -> AppInteractions:
    """Read every training signal from the app database (see the module docstring for the rules)."""
    users = {
        row.id: row.discoverable
        for row in session.exec(select(User.id, User.discoverable).where(User.is_active == True))  # noqa: E712
    }
    # (user, item) -> weight, combined by max.
    weights: dict[tuple[int, int], float] = {}

    def add(user_id: int, item_id: int, weight: float) -> None:
        key = (user_id, item_id)
        weights[key] = max(weights.get(key, 0.0), weight)

    entries = session.exec(
        select(Entry.user_id, Entry.item_id, Entry.status, Entry.rating).where(Entry.visibility != "private")
    )
    for user_id, item_id, status, rating in entries:
        if user_id in users:
            add(user_id, item_id, entry_weight(status, rating))
    rated = set(weights)
    listed = session.exec(
        select(ItemList.user_id, ItemListEntry.item_id)
        .join(ItemList, ItemList.id == ItemListEntry.list_id)
        .where(ItemList.visibility != "private")
    )
    for user_id, item_id in listed:
        if user_id in users and (user_id, item_id) not in rated:
            add(user_id, item_id, LIST_WEIGHT)
    likes = session.exec(
        select(Like.user_id, Entry.item_id).join(Entry, Entry.id == Like.entry_id).where(Entry.visibility != "private")
    )
    for user_id, item_id in likes:
        if user_id in users:
            add(user_id, item_id, LIKE_WEIGHT)

    items = session.exec(select(Item.id, Item.kind, Item.genres, Item.creator).order_by(Item.id)).all()
    item_db_ids = [row.id for row in items]
    user_db_ids = sorted({user_id for user_id, _ in weights})
    rows = [(str(u), str(i), w) for (u, i), w in sorted(weights.items())]
    interactions = build_interactions(rows, users=[str(u) for u in user_db_ids], items=[str(i) for i in item_db_ids])
    return AppInteractions(
        interactions=interactions,
        item_features={k: item_tokens(row.kind, row.genres, row.creator) for k, row in enumerate(items)},
        user_db_ids=user_db_ids,
        item_db_ids=item_db_ids,
        item_kinds=[row.kind for row in items],
        user_discoverable=[bool(users[u]) for u in user_db_ids],
    )
