"""Weighted positives: a weak signal (a like) pulls less than a strong one (a 5-star entry)."""

from __future__ import annotations

import numpy as np

from slice_of_culture.recs.data import build_interactions
from slice_of_culture.recs.model import TwoTower


def _data(seed: int = 0):
    """Every user has 8 strong positives in block A and 8 weak ones in block B (same counts)."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(40):
        for i in rng.choice(20, 8, replace=False):
            rows.append((f"u{u}", f"a{i}", 1.0))
        for i in rng.choice(20, 8, replace=False):
            rows.append((f"u{u}", f"b{i}", 0.1))
    return build_interactions(rows)


def _margin(weighted: bool) -> float:
    """Mean score of unseen block-A items minus unseen block-B items, over all users."""
    train = _data()
    model = TwoTower(progress=False, epochs=15, dim=16, batch_size=64, learning_rate=0.02, weighted_positives=weighted)
    model.fit(train)
    scores = model.scores(np.arange(train.num_users))
    seen = train.seen().toarray() > 0
    is_a = np.array([name.startswith("a") for name in train.items])
    margins = []
    for u in range(train.num_users):
        unseen = ~seen[u]
        margins.append(scores[u, unseen & is_a].mean() - scores[u, unseen & ~is_a].mean())
    return float(np.mean(margins))


def test_strong_positives_outweigh_weak_ones_only_when_weighted() -> None:
    weighted, unweighted = _margin(True), _margin(False)
    assert weighted > 0
    assert weighted > unweighted + 0.05, (weighted, unweighted)
