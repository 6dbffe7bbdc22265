"""Interaction data for the recommender: one reader, one in-memory shape, seeded splits.

Every model and every metric sees interactions the same way: an `Interactions` table of
(user, item, weight) rows over dense integer indices, with the maps back to the raw ids.
A row with weight > 0 is a *positive* (the user liked / finished / played it) and trains the
models; a row with weight 0 means "the user has met this item but it is not a positive"
(e.g. a MovieLens rating of 1-3). Such rows never train anything, but evaluation still
removes them from a user's candidates, because nobody wants a recommendation for a film
they have already rated.

Readers here: MovieLens-100k (the official `ua.base` / `ua.test` split, with u.item genres
as item content), and a generic CSV (`user_id,item_id[,weight]`) so that the same
comparison runs on any data set. Nothing here downloads anything.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

# MovieLens ratings at or above this are positives in training and relevant in test (issue 5:
# "test ratings >= 4 are relevant"; low ratings are not positives).
ML_MIN_POSITIVE_RATING = 4

# The 19 genre flags at the end of each u.item line, in u.genre order.
ML_GENRES = (
    "unknown", "action", "adventure", "animation", "children", "comedy", "crime", "documentary",
    "drama", "fantasy", "film-noir", "horror", "musical", "mystery", "romance", "sci-fi",
    "thriller", "war", "western",
)  # fmt: skip


@dataclass(frozen=True)
class Interactions:
    """Rows of (user index, item index, weight) over a fixed user and item catalogue.

    `user_ids[k]`, `item_ids[k]` are indices into `users` / `items` (the raw ids);
    weight > 0 marks a positive, weight 0 an item the user met without liking it.
    """

    user_ids: np.ndarray  # int64, shape (n,)
    item_ids: np.ndarray  # int64, shape (n,)
    weights: np.ndarray  # float32, shape (n,)
    users: tuple[str, ...]  # raw user id of each user index
    items: tuple[str, ...]  # raw item id of each item index
    user_index: Mapping[str, int] = field(repr=False)
    item_index: Mapping[str, int] = field(repr=False)

    @property
    def num_users(self) -> int:
        return len(self.users)

    @property
    def num_items(self) -> int:
        return len(self.items)

    def __len__(self) -> int:
        return len(self.user_ids)

    def positives(self) -> sp.csr_matrix:
        """Binary users x items matrix of positives (weight > 0); duplicates collapse to 1."""
        keep = self.weights > 0
        return _binary_csr(self.user_ids[keep], self.item_ids[keep], self.num_users, self.num_items)

    def seen(self) -> sp.csr_matrix:
        """Binary users x items matrix of every row, positive or not: what to exclude from ranking."""
        return _binary_csr(self.user_ids, self.item_ids, self.num_users, self.num_items)

    def subset(self, mask: np.ndarray) -> Interactions:
        """The rows where `mask` is true, on the same user and item catalogue."""
        return Interactions(
            user_ids=self.user_ids[mask],
            item_ids=self.item_ids[mask],
            weights=self.weights[mask],
            users=self.users,
            items=self.items,
            user_index=self.user_index,
            item_index=self.item_index,
        )


@dataclass(frozen=True)
class Split:
    """A train / test pair on one catalogue, plus optional item content.

    `item_features` maps an item index to content tokens (e.g. "genre:drama") so an item
    tower can describe an item by more than its id; None when the data has no content.
    """

    train: Interactions
    test: Interactions
    item_features: dict[int, list[str]] | None = None
    name: str = ""


def _binary_csr(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> sp.csr_matrix:
    m = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_rows, n_cols))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def build_interactions(
    rows: Iterable[tuple[str, str, float]],
    *,
    users: Sequence[str] | None = None,
    items: Sequence[str] | None = None,
) -> Interactions:
    """Index raw (user, item, weight) rows; new ids are appended to the given catalogues."""
    user_list = list(users or [])
    item_list = list(items or [])
    user_index = {u: i for i, u in enumerate(user_list)}
    item_index = {it: i for i, it in enumerate(item_list)}
    u_ids: list[int] = []
    i_ids: list[int] = []
    weights: list[float] = []
    for user, item, weight in rows:
        if user not in user_index:
            user_index[user] = len(user_list)
            user_list.append(user)
        if item not in item_index:
            item_index[item] = len(item_list)
            item_list.append(item)
        u_ids.append(user_index[user])
        i_ids.append(item_index[item])
        weights.append(weight)
    return Interactions(
        user_ids=np.asarray(u_ids, dtype=np.int64),
        item_ids=np.asarray(i_ids, dtype=np.int64),
        weights=np.asarray(weights, dtype=np.float32),
        users=tuple(user_list),
        items=tuple(item_list),
        user_index=user_index,
        item_index=item_index,
    )


def _reindex(rows: Iterable[tuple[str, str, float]], like: Interactions) -> tuple[Interactions, int]:
    """Index test rows on the training catalogue; rows with an unknown user or item are dropped.

    A user absent from training has no history to recommend from, and an item absent from the
    catalogue cannot be recommended by any model, so neither can be evaluated.
    """
    u_ids: list[int] = []
    i_ids: list[int] = []
    weights: list[float] = []
    dropped = 0
    for user, item, weight in rows:
        u = like.user_index.get(user)
        i = like.item_index.get(item)
        if u is None or i is None:
            dropped += 1
            continue
        u_ids.append(u)
        i_ids.append(i)
        weights.append(weight)
    result = Interactions(
        user_ids=np.asarray(u_ids, dtype=np.int64),
        item_ids=np.asarray(i_ids, dtype=np.int64),
        weights=np.asarray(weights, dtype=np.float32),
        users=like.users,
        items=like.items,
        user_index=like.user_index,
        item_index=like.item_index,
    )
    return result, dropped


# --- MovieLens-100k -----------------------------------------------------------------------


def _ml_ratings(path: Path) -> list[tuple[str, str, float]]:
    rows = []
    with path.open(encoding="latin-1") as f:
        for line in f:
            parts = line.split("\t")
            if len(parts) < 3:
                continue
            rating = float(parts[2])
            # Weight 1 for a liked film, 0 for one rated low: seen, excluded, never a positive.
            rows.append((parts[0], parts[1], 1.0 if rating >= ML_MIN_POSITIVE_RATING else 0.0))
    return rows


def _ml_items(path: Path) -> tuple[list[str], dict[int, list[str]]]:
    """Item ids in u.item order and their content tokens (genres and release decade)."""
    ids: list[str] = []
    tokens: list[list[str]] = []
    with path.open(encoding="latin-1") as f:
        for line in f:
            parts = line.rstrip("\n").split("|")
            if len(parts) < 5 + len(ML_GENRES):
                continue
            ids.append(parts[0])
            flags = parts[-len(ML_GENRES) :]
            item_tokens = [f"genre:{g}" for g, flag in zip(ML_GENRES, flags, strict=True) if flag == "1"]
            year = parts[2][-4:]
            if year.isdigit():
                item_tokens.append(f"decade:{year[:3]}0")
            tokens.append(item_tokens)
    return ids, {i: t for i, t in enumerate(tokens)}


def load_movielens_100k(path: str | Path) -> Split:
    """The official ua.base / ua.test split of MovieLens-100k.

    Training positives are ratings >= 4 (weight 1); ratings 1-3 are kept with weight 0 so that
    they are excluded from ranking but never treated as a like. Test relevance is rating >= 4.
    The catalogue is every film in u.item, so content-aware models may rank films that nobody
    rated in training.
    """
    root = Path(path)
    if not (root / "ua.base").exists():
        raise FileNotFoundError(f"no MovieLens-100k ua.base under {root}")
    features: dict[int, list[str]] | None = None
    items: list[str] = []
    if (root / "u.item").exists():
        items, features = _ml_items(root / "u.item")
    train = build_interactions(_ml_ratings(root / "ua.base"), items=items)
    test, _ = _reindex(_ml_ratings(root / "ua.test"), train)
    return Split(train=train, test=test, item_features=features, name="movielens-100k (ua)")


# --- generic CSV --------------------------------------------------------------------------


def _csv_rows(path: Path) -> list[tuple[str, str, float]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields = set(reader.fieldnames or [])
        if not {"user_id", "item_id"} <= fields:
            raise ValueError(f"{path}: the header must be user_id,item_id[,weight]; got {reader.fieldnames}")
        has_weight = "weight" in fields
        return [(r["user_id"], r["item_id"], float(r["weight"]) if has_weight else 1.0) for r in reader]


def load_csv_split(train_path: str | Path, test_path: str | Path) -> Split:
    """A train / test pair of CSV files with header `user_id,item_id[,weight]`.

    Rows with weight > 0 (or no weight column) are positives; weight 0 means seen, not liked.
    Test rows of users or items unknown to training are dropped: nothing can rank them.
    """
    train = build_interactions(_csv_rows(Path(train_path)))
    test, _ = _reindex(_csv_rows(Path(test_path)), train)
    return Split(train=train, test=test, item_features=None, name=Path(train_path).stem)


# --- validation ---------------------------------------------------------------------------


def validation_split(
    train: Interactions, *, fraction: float = 0.1, min_rows: int = 5, seed: int = 0
) -> tuple[Interactions, Interactions]:
    """Carve a validation set out of training data: a seeded random `fraction` of each user's rows.

    Mirrors the test protocol (a held-out share of each user's rows, relevance = weight > 0),
    so hyper-parameters tuned here transfer; users with fewer than `min_rows` rows stay whole.
    Returns (reduced train, validation).
    """
    rng = np.random.default_rng(seed)
    order = np.argsort(train.user_ids, kind="stable")
    counts = np.bincount(train.user_ids, minlength=train.num_users)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    held = np.zeros(len(train), dtype=bool)
    for user in np.flatnonzero(counts >= min_rows):
        n = counts[user]
        k = max(1, int(round(fraction * n)))
        rows = order[starts[user] : starts[user] + n]
        held[rng.choice(rows, size=k, replace=False)] = True
    return train.subset(~held), train.subset(held)
