"""The `evaluate` command on generated CSV files (baselines only, so no TensorFlow)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from slice_of_culture.recs.__main__ import main
from slice_of_culture.recs.model import _history_batch
from tests.recs.conftest import Planted


def _write(path: Path, planted_part, users, items) -> None:  # type: ignore[no-untyped-def]
    lines = ["user_id,item_id,weight"]
    lines += [f"{users[u]},{items[i]},1" for u, i in zip(planted_part.user_ids, planted_part.item_ids, strict=True)]
    path.write_text("\n".join(lines) + "\n")


def test_evaluate_csv_prints_json_for_each_model(
    planted: Planted, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    users, items = planted.train.users, planted.train.items
    _write(tmp_path / "train.csv", planted.train, users, items)
    _write(tmp_path / "test.csv", planted.test, users, items)
    code = main(
        ["evaluate", "--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test.csv")]
        + ["--models", "popularity,EASE", "--json"]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    rows = {r["model"]: r for r in out["results"]}
    assert set(rows) == {"popularity", "EASE"}
    assert rows["EASE"]["metrics"]["recall@20"] > rows["popularity"]["metrics"]["recall@20"]
    assert {"recall@10", "recall@20", "recall@50", "ndcg@10", "ndcg@20", "coverage@20"} <= set(rows["EASE"]["metrics"])


def test_evaluate_without_data_is_a_clear_error() -> None:
    with pytest.raises(SystemExit, match="--dataset"):
        main(["evaluate"])


def test_training_history_hides_the_target() -> None:
    # one user with items 0..4; the example's target is 2
    indptr = np.array([0, 5])
    indices = np.arange(5)
    rows, cols = _history_batch(indptr, indices, np.array([0]), np.array([2]), 0.0, np.random.default_rng(0))
    assert sorted(cols.tolist()) == [0, 1, 3, 4]
    assert rows.tolist() == [0, 0, 0, 0]


def test_standing_compares_the_two_tower_with_the_best_baseline_user_by_user() -> None:
    from slice_of_culture.recs.harness import ModelResult, format_standing, standing

    rng = np.random.default_rng(0)
    ease = rng.random(400)
    ials = ease + 0.02  # the better baseline on both metrics
    tower = ials - 0.05  # clearly behind it

    def result(name: str, per_user: np.ndarray) -> ModelResult:
        metrics = {"recall@20": float(per_user.mean()), "ndcg@20": float(per_user.mean())}
        return ModelResult(name, metrics, 0.0, 0.0, per_user={"recall@20": per_user, "ndcg@20": per_user})

    rows = standing([result("EASE", ease), result("iALS", ials), result("two-tower", tower)])
    assert [r.baseline for r in rows] == ["iALS", "iALS"]
    assert rows[0].difference == pytest.approx(-0.05)
    assert rows[0].high < 0 and rows[0].verdict == "behind"
    assert "vs iALS" in format_standing(rows)
    # Without a two-tower row there is nothing to compare.
    assert standing([result("EASE", ease)]) == []
