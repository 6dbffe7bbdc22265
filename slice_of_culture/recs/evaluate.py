"""Offline metrics: rank the whole catalogue, skip what the user already has, count hits.

Kept apart from every model (as in TFRS's examples/movielens.py) so that all models are
scored by the same code: a model only has to produce a score for every (user, item) pair.

- Recall@K is normalized, hits / min(K, |relevant|), so a user with 3 relevant items can reach
  1.0 at K=20 and a user with 40 is not punished for K < 40.
- NDCG@K uses binary gains; the ideal ranking puts min(K, |relevant|) hits first.
- Coverage@K is the share of the catalogue that appears in at least one user's top K: a model
  that recommends the same 20 blockbusters to everyone scores high recall on MovieLens but
  low coverage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
import scipy.sparse as sp

# Scores for a batch of user indices: array (len(users), num_items), higher is better.
ScoreFn = Callable[[np.ndarray], np.ndarray]

DEFAULT_KS = (10, 20, 50)


def recall_at_k(ranked: Sequence[int], relevant: set[int] | frozenset[int], k: int) -> float:
    """Normalized recall: hits in the first k / min(k, |relevant|); 0 when nothing is relevant."""
    if not relevant:
        return 0.0
    hits = sum(1 for item in ranked[:k] if item in relevant)
    return hits / min(k, len(relevant))


def ndcg_at_k(ranked: Sequence[int], relevant: set[int] | frozenset[int], k: int) -> float:
    """Binary-gain NDCG: sum of 1/log2(rank+1) over hits, over the best achievable sum."""
    if not relevant:
        return 0.0
    dcg = sum(1.0 / np.log2(r + 2) for r, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / np.log2(r + 2) for r in range(min(k, len(relevant))))
    return float(dcg / ideal)


def coverage_at_k(top_lists: Sequence[Sequence[int]], num_items: int, k: int) -> float:
    """Share of the catalogue that appears in at least one top-k list."""
    if num_items == 0:
        return 0.0
    shown: set[int] = set()
    for ranked in top_lists:
        shown.update(int(i) for i in ranked[:k])
    return len(shown) / num_items


def top_k(scores: np.ndarray, k: int, *, exclude: sp.csr_matrix | None = None) -> np.ndarray:
    """Indices of the k best items per row, best first; items in `exclude` rows never appear."""
    scores = np.array(scores, dtype=np.float32, copy=True)
    if exclude is not None:
        rows, cols = exclude.nonzero()
        scores[rows, cols] = -np.inf
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def _rankings(
    score_fn: ScoreFn, seen: sp.csr_matrix, relevant: sp.csr_matrix, k: int, batch_size: int
) -> Iterator[tuple[list[int], set[int]]]:
    """(top-k items, relevant items) of each user with a relevant item, in user order."""
    relevant = relevant.tocsr()
    seen = seen.tocsr()
    users = np.flatnonzero(np.diff(relevant.indptr) > 0)
    for start in range(0, len(users), batch_size):
        batch = users[start : start + batch_size]
        ranked = top_k(score_fn(batch), k, exclude=seen[batch])
        for row, user in enumerate(batch):
            rel = set(relevant.indices[relevant.indptr[user] : relevant.indptr[user + 1]].tolist())
            yield ranked[row].tolist(), rel


def evaluate_scores(
    score_fn: ScoreFn,
    *,
    seen: sp.csr_matrix,
    relevant: sp.csr_matrix,
    ks: Sequence[int] = DEFAULT_KS,
    ndcg_ks: Sequence[int] = (10, 20),
    coverage_k: int = 20,
    batch_size: int = 1024,
) -> dict[str, float]:
    """Mean Recall@K and NDCG@K over users with a relevant item, and Coverage@coverage_k.

    `seen` (users x items) is removed from every ranking; `relevant` (users x items) holds
    the held-out positives. Users without a relevant item are not counted.
    """
    max_k = max([*ks, *ndcg_ks, coverage_k])
    sums = {f"recall@{k}": 0.0 for k in ks} | {f"ndcg@{k}": 0.0 for k in ndcg_ks}
    shown: set[int] = set()
    n = 0
    for items, rel in _rankings(score_fn, seen, relevant, max_k, batch_size):
        n += 1
        for k in ks:
            sums[f"recall@{k}"] += recall_at_k(items, rel, k)
        for k in ndcg_ks:
            sums[f"ndcg@{k}"] += ndcg_at_k(items, rel, k)
        shown.update(items[:coverage_k])
    result = {name: total / max(n, 1) for name, total in sums.items()}
    result[f"coverage@{coverage_k}"] = len(shown) / max(seen.shape[1], 1)
    result["users"] = float(n)
    return result


def per_user_metrics(
    score_fn: ScoreFn, *, seen: sp.csr_matrix, relevant: sp.csr_matrix, k: int = 20, batch_size: int = 1024
) -> dict[str, np.ndarray]:
    """Recall@k and NDCG@k of each user with a relevant item (same users and order as
    `evaluate_scores`), for paired comparisons of two models on one split."""
    pairs = list(_rankings(score_fn, seen, relevant, k, batch_size))
    return {
        f"recall@{k}": np.array([recall_at_k(items, rel, k) for items, rel in pairs]),
        f"ndcg@{k}": np.array([ndcg_at_k(items, rel, k) for items, rel in pairs]),
    }


def paired_bootstrap(
    a: np.ndarray, b: np.ndarray, *, samples: int = 2000, confidence: float = 0.95, seed: int = 0
) -> tuple[float, float, float]:
    """Mean of a - b over the same users, and a percentile bootstrap interval around it.

    Resampling users (not metrics) keeps each user's pair together, so the interval says
    whether a difference between two models on one test split is bigger than its noise.
    """
    diff = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    if diff.size == 0:
        raise ValueError("no users to compare")
    rng = np.random.default_rng(seed)
    # In chunks, so that many users times many samples never builds one huge index array.
    means = np.concatenate(
        [
            diff[rng.integers(0, diff.size, size=(min(200, samples - done), diff.size))].mean(axis=1)
            for done in range(0, samples, 200)
        ]
    )
    tail = (1.0 - confidence) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(diff.mean()), float(low), float(high)
