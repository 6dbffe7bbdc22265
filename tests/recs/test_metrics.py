"""Metrics checked against answers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from slice_of_culture.recs.evaluate import (
    coverage_at_k,
    evaluate_scores,
    ndcg_at_k,
    paired_bootstrap,
    per_user_metrics,
    recall_at_k,
    top_k,
)


def test_recall_is_normalized_by_the_smaller_of_k_and_relevant() -> None:
    ranked = [5, 1, 7, 3, 9]
    # 2 relevant, both in the top 5: 2 / min(5, 2) = 1.0
    assert recall_at_k(ranked, {1, 3}, 5) == 1.0
    # 4 relevant, 2 hits in the top 3 (5 and 7): 2 / min(3, 4) = 2/3
    assert recall_at_k(ranked, {5, 7, 100, 101}, 3) == pytest.approx(2 / 3)
    assert recall_at_k(ranked, {42}, 5) == 0.0
    assert recall_at_k(ranked, set(), 5) == 0.0


def test_ndcg_by_hand() -> None:
    ranked = [5, 1, 7, 3]
    # hits at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); ideal = 1/log2(2) + 1/log2(3)
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(ranked, {1, 3}, 4) == pytest.approx(expected)
    assert ndcg_at_k([1, 3, 5], {1, 3}, 3) == pytest.approx(1.0)
    # only the top 2 count: one hit at rank 2 of an ideal with 2 hits
    assert ndcg_at_k(ranked, {1, 3}, 2) == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))


def test_coverage_counts_distinct_items_in_top_k() -> None:
    assert coverage_at_k([[0, 1, 2], [1, 3, 4]], 10, 2) == pytest.approx(3 / 10)  # {0, 1, 3}


def test_top_k_skips_excluded_items_and_sorts() -> None:
    scores = np.array([[0.1, 0.9, 0.5, 0.7]])
    exclude = sp.csr_matrix(np.array([[0, 1, 0, 0]]))
    assert top_k(scores, 2, exclude=exclude).tolist() == [[3, 2]]
    assert top_k(scores, 2).tolist() == [[1, 3]]


def test_evaluate_scores_ranks_all_items_and_excludes_training() -> None:
    # 2 users, 5 items. Same scores for both: item order 4, 3, 2, 1, 0.
    scores = np.tile(np.array([0.0, 1.0, 2.0, 3.0, 4.0]), (2, 1))
    seen = sp.csr_matrix(np.array([[0, 0, 0, 0, 1], [0, 0, 0, 0, 0]]))
    relevant = sp.csr_matrix(np.array([[0, 0, 1, 0, 0], [1, 0, 0, 0, 0]]))
    result = evaluate_scores(
        lambda users: scores[users], seen=seen, relevant=relevant, ks=(1, 2), ndcg_ks=(2,), coverage_k=2
    )
    # user 0 ranks 3, 2, 1, 0 (4 is seen): recall@1 = 0, recall@2 = 1, ndcg@2 = 1/log2(3)
    # user 1 ranks 4, 3, 2, 1, 0: item 0 is last, no hits
    assert result["recall@1"] == 0.0
    assert result["recall@2"] == pytest.approx(0.5)
    assert result["ndcg@2"] == pytest.approx((1 / math.log2(3)) / 2)
    assert result["coverage@2"] == pytest.approx(3 / 5)  # {3, 2} and {4, 3}
    assert result["users"] == 2


def test_users_without_relevant_items_are_not_counted() -> None:
    scores = np.array([[1.0, 0.0], [1.0, 0.0]])
    relevant = sp.csr_matrix(np.array([[1, 0], [0, 0]]))
    result = evaluate_scores(lambda u: scores[u], seen=sp.csr_matrix((2, 2)), relevant=relevant, ks=(1,), ndcg_ks=(1,))
    assert result["recall@1"] == 1.0
    assert result["users"] == 1


def test_per_user_metrics_average_to_the_reported_means() -> None:
    rng = np.random.default_rng(3)
    scores = rng.random((30, 12))
    seen = sp.csr_matrix((rng.random((30, 12)) < 0.2).astype(np.float32))
    relevant = sp.csr_matrix(((rng.random((30, 12)) < 0.2) & (seen.toarray() == 0)).astype(np.float32))
    overall = evaluate_scores(lambda u: scores[u], seen=seen, relevant=relevant)
    each = per_user_metrics(lambda u: scores[u], seen=seen, relevant=relevant, k=20)
    assert len(each["ndcg@20"]) == overall["users"]
    assert each["recall@20"].mean() == pytest.approx(overall["recall@20"])
    assert each["ndcg@20"].mean() == pytest.approx(overall["ndcg@20"])


def test_paired_bootstrap_tells_a_real_difference_from_noise() -> None:
    rng = np.random.default_rng(0)
    base = rng.random(500)
    # Most users a little better: the interval sits above zero, around the mean difference.
    better = base + 0.05 + rng.normal(0, 0.05, 500)
    diff, low, high = paired_bootstrap(better, base)
    assert diff == pytest.approx(float((better - base).mean()))
    assert 0 < low < diff < high
    # Pure noise around the same mean: the interval straddles zero.
    noisy = base + rng.normal(0, 0.2, 500)
    noisy += base.mean() - noisy.mean()
    diff, low, high = paired_bootstrap(noisy, base)
    assert abs(diff) < 1e-9
    assert low < 0 < high
    with pytest.raises(ValueError):
        paired_bootstrap(np.array([]), np.array([]))
