"""The comparison behind `python -m slice_of_culture.recs evaluate`: every model, one split.

Protocol (issue 5): hyper-parameters are chosen on a seeded validation split carved from the
training data (`data.validation_split`); each model is then refitted on the whole training
data with its chosen parameters and scored once on the test split. The test split is never
looked at before that last step.

- popularity: nothing to tune.
- EASE: l2 over `baselines.EASE_GRID`.
- iALS: factors x regularization x alpha over `baselines.IALS_GRID`.
- two-tower: defaults of `TwoTowerConfig` (chosen on MovieLens-100k validation); on each data
  set the number of epochs is chosen on that data set's validation split.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slice_of_culture.recs.baselines import EASE, EASE_GRID, IALS, IALS_GRID, Popularity, grid, tune
from slice_of_culture.recs.data import Split, validation_split
from slice_of_culture.recs.evaluate import evaluate_scores

MODELS = ("popularity", "EASE", "iALS", "two-tower")
TABLE_COLUMNS = ("recall@10", "recall@20", "recall@50", "ndcg@10", "ndcg@20", "coverage@20")


@dataclass
class ModelResult:
    """One row of the comparison table."""

    model: str
    metrics: dict[str, float]
    train_seconds: float  # the final fit on the whole training data
    tune_seconds: float  # everything spent on the validation split
    params: dict[str, Any] = field(default_factory=dict)


def compare(
    split: Split,
    *,
    models: Sequence[str] = MODELS,
    seed: int = 0,
    progress: bool = True,
) -> list[ModelResult]:
    """Tune on validation, refit on all training data, score on test, for each model."""
    train, val = validation_split(split.train, seed=seed)
    seen = split.train.seen()
    relevant = split.test.positives()
    feats = split.item_features
    results: list[ModelResult] = []

    def final(name: str, model: Any, params: dict[str, Any], tune_seconds: float) -> None:
        start = time.perf_counter()
        model.fit(split.train, item_features=feats)
        seconds = time.perf_counter() - start
        metrics = evaluate_scores(model.scores, seen=seen, relevant=relevant)
        results.append(ModelResult(name, metrics, seconds, tune_seconds, params))

    for name in models:
        if name == "popularity":
            final(name, Popularity(), {}, 0.0)
        elif name == "EASE":
            tuned = tune(EASE, grid(EASE_GRID), train=train, validation=val, item_features=feats)
            final(name, EASE(**tuned.params), tuned.params, tuned.seconds)
        elif name == "iALS":
            points = [p | {"seed": seed} for p in grid(IALS_GRID)]
            tuned = tune(IALS, points, train=train, validation=val, item_features=feats)
            final(name, IALS(**tuned.params), tuned.params, tuned.seconds)
        elif name == "two-tower":
            from slice_of_culture.recs.model import TwoTower, TwoTowerConfig

            start = time.perf_counter()
            probe = TwoTower(config=TwoTowerConfig(seed=seed), progress=progress)
            probe.fit(train, item_features=feats, validation=val)
            best = max(probe.history_curve, key=lambda p: p["val_ndcg@20"])
            config = TwoTowerConfig(seed=seed, epochs=int(best["epoch"]))
            tune_seconds = time.perf_counter() - start
            params = {"epochs": config.epochs, "val_ndcg@20": round(best["val_ndcg@20"], 4)}
            final(name, TwoTower(config=config, progress=progress), params, tune_seconds)
        else:
            raise ValueError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
    return results


def format_table(results: Sequence[ModelResult]) -> str:
    """A Markdown table: the same text goes to the terminal and into bench/RESULTS.md."""
    head = ["model", *TABLE_COLUMNS, "train s", "tune s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [
            r.model,
            *(f"{r.metrics[c]:.4f}" for c in TABLE_COLUMNS),
            f"{r.train_seconds:.1f}",
            f"{r.tune_seconds:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def to_json(split: Split, results: Sequence[ModelResult]) -> dict[str, Any]:
    """The run as plain data for `--json`."""
    return {
        "dataset": split.name,
        "train_rows": len(split.train),
        "test_rows": len(split.test),
        "users": split.train.num_users,
        "items": split.train.num_items,
        "results": [
            {
                "model": r.model,
                "metrics": r.metrics,
                "train_seconds": round(r.train_seconds, 2),
                "tune_seconds": round(r.tune_seconds, 2),
                "params": r.params,
            }
            for r in results
        ],
    }
