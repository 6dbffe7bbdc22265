"""The two-tower model on planted taste clusters: it must find them, also for a new user.

One small model is trained once per session (a few seconds) and shared by the tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from slice_of_culture.recs.model import TwoTower, TwoTowerConfig
from tests.recs.conftest import Planted

# Small and quick: tiny embeddings, whole-catalogue negatives, enough epochs to converge.
SMALL = TwoTowerConfig(dim=16, epochs=25, batch_size=128, learning_rate=0.02, temperature=0.2, seed=7)


@pytest.fixture(scope="module")
def trained(planted: Planted) -> TwoTower:
    return TwoTower(config=SMALL, progress=False).fit(planted.train, item_features=planted.item_features)


def _in_cluster_share(items: np.ndarray, blocks: np.ndarray, cluster: int) -> float:
    return float(np.mean(blocks[items] == cluster))


def test_recommendations_stay_in_the_users_taste_cluster(trained: TwoTower, planted: Planted) -> None:
    users = np.arange(planted.train.num_users)
    top = trained.recommend(users, k=5)
    shares = [_in_cluster_share(top[u], planted.item_block, planted.user_cluster[u]) for u in users]
    assert np.mean(shares) >= 0.9


def test_fold_in_places_a_new_user_in_the_right_cluster(trained: TwoTower, planted: Planted) -> None:
    for cluster in range(3):
        history = np.flatnonzero(planted.item_block == cluster)[:3]
        vector = trained.fold_in(history)
        scores = trained.item_vectors @ vector
        scores[history] = -np.inf
        top_items = np.argsort(-scores)[:5]
        assert _in_cluster_share(top_items, planted.item_block, cluster) >= 0.8
        # step 1 of serving: the nearest known users share the taste
        nearest_users = np.argsort(-(trained.user_vectors @ vector))[:10]
        assert np.mean(planted.user_cluster[nearest_users] == cluster) >= 0.8


def test_fold_in_of_a_known_history_is_close_to_the_trained_user(trained: TwoTower, planted: Planted) -> None:
    user = 0
    history = planted.train.seen()[user].indices
    folded = trained.fold_in(history)
    sims = trained.user_vectors @ folded
    # without the user id the vector is not identical, but its nearest users are the same cluster
    assert planted.user_cluster[np.argmax(sims)] == planted.user_cluster[user]


def test_a_new_item_gets_a_vector_from_its_content(trained: TwoTower, planted: Planted) -> None:
    vector = trained.item_vector_from_content(["block:2"])
    top_items = np.argsort(-(trained.item_vectors[:, :-1] @ vector[:-1]))[:10]
    assert _in_cluster_share(top_items, planted.item_block, 2) >= 0.8


def test_save_and_load_need_no_tensorflow(trained: TwoTower, tmp_path: Path) -> None:
    path = trained.save(tmp_path / "model-v1", metrics={"recall@20": 0.5})
    meta = json.loads((path / "metadata.json").read_text())
    assert meta["format_version"] == 1
    assert meta["data"]["users"] == trained.num_users
    assert meta["params"]["seed"] == SMALL.seed
    assert meta["metrics"] == {"recall@20": 0.5}
    assert "trained_at" in meta and "train_seconds" in meta
    code = (
        "import sys, numpy as np\n"
        "from slice_of_culture.recs.model import TwoTower\n"
        f"m = TwoTower.load({str(path)!r})\n"
        "np.save(sys.argv[1], m.user_vectors)\n"
        "assert 'tensorflow' not in sys.modules\n"
    )
    out = tmp_path / "vectors.npy"
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, cwd=Path(__file__).parents[2])
    np.testing.assert_allclose(np.load(out), trained.user_vectors, atol=1e-6)
    loaded = TwoTower.load(path)
    np.testing.assert_allclose(loaded.fold_in([1, 2, 3]), trained.fold_in([1, 2, 3]), atol=1e-6)


def test_the_package_imports_without_tensorflow() -> None:
    code = (
        "import sys\n"
        "import slice_of_culture.recs, slice_of_culture.recs.model, slice_of_culture.recs.harness\n"
        "import slice_of_culture.recs.__main__\n"
        "assert 'tensorflow' not in sys.modules, 'TensorFlow imported at import time'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_stop_after_ends_early_on_the_long_schedule(planted: Planted) -> None:
    config = TwoTowerConfig(dim=8, epochs=6, stop_after=2, batch_size=256, seed=1)
    model = TwoTower(config=config, progress=False).fit(planted.train, validation=planted.test)
    assert [p["epoch"] for p in model.history_curve] == [1, 2]
    # The stored parameters say which schedule it was cut from, so a refit can repeat it.
    assert model.metadata["params"]["epochs"] == 6
    assert model.metadata["params"]["stop_after"] == 2


def test_user_id_weight_blends_the_id_into_known_users_only(planted: Planted) -> None:
    config = TwoTowerConfig(dim=8, epochs=2, batch_size=256, seed=1, user_id_weight=0.5)  # not the default
    model = TwoTower(config=config, progress=False).fit(
        planted.train, validation=planted.test, validation_id_weights=(0.0, 0.5, 1.0)
    )
    history = planted.train.seen()
    user = 3
    items = history.indices[history.indptr[user] : history.indptr[user + 1]]
    # At weight 0 a known user is scored exactly as a fold-in of their history.
    model.config.user_id_weight = 0.0
    model._refresh_vectors()
    np.testing.assert_allclose(model.user_vectors[user], model.fold_in(items), atol=1e-5)
    model.config.user_id_weight = 1.0
    model._refresh_vectors()
    assert not np.allclose(model.user_vectors[user], model.fold_in(items), atol=1e-3)
    # Validation is recorded at every weight asked for, and at the configured one on top.
    for point in model.history_curve:
        assert set(point["by_id_weight"]) == {0.0, 0.5, 1.0}
        assert point["by_id_weight"][0.5] == {k: point[k] for k in ("val_recall@20", "val_ndcg@20")}
        assert all(0.0 <= v <= 1.0 for m in point["by_id_weight"].values() for v in m.values())
