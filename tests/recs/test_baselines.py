"""Baselines on planted taste clusters: personal models must beat popularity."""

from __future__ import annotations

from slice_of_culture.recs.baselines import EASE, IALS, Popularity, grid, tune
from slice_of_culture.recs.evaluate import evaluate_scores
from tests.recs.conftest import Planted


def _recall20(model, planted: Planted) -> float:  # type: ignore[no-untyped-def]
    model.fit(planted.train)
    return evaluate_scores(model.scores, seen=planted.train.seen(), relevant=planted.test.positives())["recall@20"]


def test_ease_and_ials_beat_popularity_on_planted_clusters(planted: Planted) -> None:
    popularity = _recall20(Popularity(), planted)
    ease = _recall20(EASE(l2=10.0), planted)
    ials = _recall20(IALS(factors=8, regularization=1.0, iterations=10), planted)
    assert ease > popularity + 0.2
    assert ials > popularity + 0.2


def test_recommend_skips_training_items(planted: Planted) -> None:
    model = EASE(l2=10.0).fit(planted.train)
    top = model.recommend([0, 1], k=10)
    seen = planted.train.seen()
    for row, user in enumerate([0, 1]):
        assert not set(top[row]) & set(seen[user].indices)


def test_tune_picks_the_best_point_on_validation(planted: Planted) -> None:
    result = tune(Popularity, [{}], train=planted.train, validation=planted.test)
    assert result.params == {}
    result = tune(EASE, grid({"l2": [1.0, 10.0, 100.0]}), train=planted.train, validation=planted.test)
    assert [p["l2"] for p, _ in result.trials] == [1.0, 10.0, 100.0]
    assert result.value == max(v for _, v in result.trials)
    assert (result.params, result.value) in result.trials
