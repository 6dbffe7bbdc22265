"""Classic baselines the two-tower model must match: popularity, EASE and iALS.

They are the yardstick of issue 5, so they get the same care as our own model: each is tuned
on a validation split carved from training data (`tune`), never on the test split.

All recommenders share one small interface, modelled on implicit's `RecommenderBase`:

    model = EASE(l2=200.0).fit(train)            # train: data.Interactions
    scores = model.scores(np.array([0, 1]))      # (2, num_items), higher is better
    top = model.recommend(np.array([0]), k=10)   # best 10 unseen items per user

`scores` always uses the training history the model was fitted on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self

import numpy as np
import scipy.sparse as sp

from slice_of_culture.recs.data import Interactions
from slice_of_culture.recs.evaluate import evaluate_scores, top_k


class Recommender(Protocol):
    """What the evaluation harness needs from a model."""

    name: str

    def fit(self, train: Interactions, *, item_features: dict[int, list[str]] | None = None) -> Self: ...

    def scores(self, users: np.ndarray) -> np.ndarray: ...


class _Base:
    """Shared `recommend` over `scores`, excluding everything the user met in training."""

    name = "base"
    _seen: sp.csr_matrix

    def scores(self, users: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def recommend(self, users: np.ndarray, *, k: int = 10, filter_seen: bool = True) -> np.ndarray:
        """Top-k item indices per user, best first."""
        users = np.asarray(users)
        return top_k(self.scores(users), k, exclude=self._seen[users] if filter_seen else None)


class Popularity(_Base):
    """Everyone gets the most liked items: the floor every personal model must clear."""

    name = "popularity"

    def fit(self, train: Interactions, *, item_features: dict[int, list[str]] | None = None) -> Self:
        x = train.positives()
        self._seen = train.seen()
        self.counts = np.asarray(x.sum(axis=0)).ravel().astype(np.float32)
        return self

    def scores(self, users: np.ndarray) -> np.ndarray:
        return np.tile(self.counts, (len(users), 1))


class EASE(_Base):
    """Embarrassingly Shallow Autoencoder (Steck, 2019): item-item weights in closed form.

    B = I - P diag(1/diag(P)), P = (X^T X + l2 I)^-1: a dense items x items solve, so it fits
    catalogues up to a few tens of thousands of items; larger ones are refused, not swapped.
    """

    name = "EASE"
    max_items = 25_000

    def __init__(self, *, l2: float = 500.0) -> None:
        self.l2 = l2

    def fit(self, train: Interactions, *, item_features: dict[int, list[str]] | None = None) -> Self:
        if train.num_items > self.max_items:
            raise ValueError(f"EASE needs a dense {train.num_items}^2 matrix; limit is {self.max_items} items")
        x = train.positives()
        self._x = x
        self._seen = train.seen()
        gram = (x.T @ x).toarray().astype(np.float64)
        gram[np.diag_indices_from(gram)] += self.l2
        p = np.linalg.inv(gram)
        b = p / (-np.diag(p))
        b[np.diag_indices_from(b)] = 0.0
        self.weights = b.astype(np.float32)
        return self

    def scores(self, users: np.ndarray) -> np.ndarray:
        return np.asarray(self._x[users] @ self.weights)


class IALS(_Base):
    """Implicit ALS (Hu, Koren, Volinsky 2008) from the `implicit` library, CPU, seeded."""

    name = "iALS"

    def __init__(
        self,
        *,
        factors: int = 64,
        regularization: float = 0.05,
        alpha: float = 10.0,
        iterations: int = 15,
        seed: int = 0,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.seed = seed

    def fit(self, train: Interactions, *, item_features: dict[int, list[str]] | None = None) -> Self:
        import threadpoolctl
        from implicit.cpu.als import AlternatingLeastSquares

        x = train.positives()
        self._seen = train.seen()
        # implicit runs its own threads; a multi-threaded BLAS underneath makes it much slower
        # (it checks, and warns, when the model is created).
        with threadpoolctl.threadpool_limits(1, "blas"):
            model = AlternatingLeastSquares(
                factors=self.factors,
                regularization=self.regularization,
                alpha=self.alpha,
                iterations=self.iterations,
                random_state=self.seed,
            )
            model.fit(x, show_progress=False)
        self.user_factors = np.asarray(model.user_factors)
        self.item_factors = np.asarray(model.item_factors)
        return self

    def scores(self, users: np.ndarray) -> np.ndarray:
        return self.user_factors[users] @ self.item_factors.T


# --- tuning -------------------------------------------------------------------------------


@dataclass
class TuneResult:
    """The best parameters on validation, with every tried point for the record."""

    params: dict[str, Any]
    metric: str
    value: float
    trials: list[tuple[dict[str, Any], float]]
    seconds: float


def grid(space: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the values in `space`, in a stable order."""
    points: list[dict[str, Any]] = [{}]
    for key, values in space.items():
        points = [p | {key: v} for p in points for v in values]
    return points


def tune(
    make: Callable[..., Recommender],
    points: Iterable[dict[str, Any]],
    *,
    train: Interactions,
    validation: Interactions,
    item_features: dict[int, list[str]] | None = None,
    metric: str = "ndcg@20",
    score: Callable[[dict[str, float]], float] | None = None,
) -> TuneResult:
    """Fit `make(**point)` on `train` for each point and keep the best `metric` on `validation`
    (or the best `score(metrics)` when a score function is given; `metric` then names it)."""
    start = time.perf_counter()
    seen = train.seen()
    relevant = validation.positives()
    trials: list[tuple[dict[str, Any], float]] = []
    for point in points:
        model = make(**point).fit(train, item_features=item_features)
        metrics = evaluate_scores(model.scores, seen=seen, relevant=relevant)
        value = score(metrics) if score is not None else metrics[metric]
        trials.append((point, value))
    best, value = max(trials, key=lambda t: t[1])
    return TuneResult(params=best, metric=metric, value=value, trials=trials, seconds=time.perf_counter() - start)


# Grids searched on validation by the evaluation harness; kept small so a run takes minutes.
EASE_GRID = {"l2": [50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0]}
# factors spans 16-256 because ml-100k picked the small end (32) and Last.fm the large end (128)
# of an earlier 32-128 grid; a baseline tuned at the edge of its grid is not a fair yardstick.
IALS_GRID = {"factors": [16, 32, 64, 128, 256], "regularization": [3.0, 10.0, 30.0, 100.0], "alpha": [2.0, 5.0, 10.0]}
