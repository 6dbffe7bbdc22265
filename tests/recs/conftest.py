"""Generated interaction data with a known answer: users in taste clusters, items in blocks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from slice_of_culture.recs.data import Interactions, build_interactions

CLUSTERS = 3
USERS_PER_CLUSTER = 30
ITEMS_PER_BLOCK = 20


@dataclass
class Planted:
    """Train/test interactions where user cluster c likes item block c."""

    train: Interactions
    test: Interactions
    user_cluster: np.ndarray  # cluster of each user index
    item_block: np.ndarray  # block of each item index
    item_features: dict[int, list[str]]


def make_planted(seed: int = 0, *, like_share: float = 0.5, noise_items: int = 1) -> Planted:
    """Each user likes a random `like_share` of their cluster's block plus a few random items;
    a quarter of each user's in-block likes go to test. Block sizes differ so that the most
    popular items all sit in one block and popularity cannot serve every cluster."""
    rng = np.random.default_rng(seed)
    n_items = CLUSTERS * ITEMS_PER_BLOCK
    train_rows: list[tuple[str, str, float]] = []
    test_rows: list[tuple[str, str, float]] = []
    users = [f"u{c}-{k}" for c in range(CLUSTERS) for k in range(USERS_PER_CLUSTER * (c + 1))]
    for user in users:
        c = int(user[1])
        block = np.arange(c * ITEMS_PER_BLOCK, (c + 1) * ITEMS_PER_BLOCK)
        liked = rng.choice(block, size=int(like_share * ITEMS_PER_BLOCK), replace=False)
        held = set(rng.choice(liked, size=len(liked) // 4, replace=False).tolist())
        noise = rng.choice(np.setdiff1d(np.arange(n_items), block), size=noise_items, replace=False)
        for item in liked:
            (test_rows if item in held else train_rows).append((user, f"i{item}", 1.0))
        train_rows.extend((user, f"i{item}", 1.0) for item in noise)
    items = [f"i{i}" for i in range(n_items)]
    train = build_interactions(train_rows, users=users, items=items)
    test = build_interactions(test_rows, users=users, items=items)
    user_cluster = np.array([int(u[1]) for u in users])
    item_block = np.arange(n_items) // ITEMS_PER_BLOCK
    features = {i: [f"block:{i // ITEMS_PER_BLOCK}"] for i in range(n_items)}
    return Planted(train, test, user_cluster, item_block, features)


@pytest.fixture(scope="session")
def planted() -> Planted:
    return make_planted()
