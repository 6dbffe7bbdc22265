"""Readers and splits on small generated files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from slice_of_culture.recs.data import build_interactions, load_csv_split, load_movielens_100k, validation_split


def test_csv_split_indexes_test_on_the_training_catalogue(tmp_path: Path) -> None:
    (tmp_path / "train.csv").write_text("user_id,item_id,weight\na,x,3\na,y,0\nb,y,1\n")
    (tmp_path / "test.csv").write_text("user_id,item_id,weight\na,z,1\nb,x,2\nnew,x,1\n")
    split = load_csv_split(tmp_path / "train.csv", tmp_path / "test.csv")
    assert split.train.users == ("a", "b") and split.train.items == ("x", "y")
    # weight 0 is seen, not a positive
    assert split.train.positives().toarray().tolist() == [[1, 0], [0, 1]]
    assert split.train.seen().toarray().tolist() == [[1, 1], [0, 1]]
    # unknown item z and unknown user "new" cannot be evaluated and are dropped
    assert split.test.positives().toarray().tolist() == [[0, 0], [1, 0]]


def test_csv_without_weight_column_means_all_positive(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("user_id,item_id\na,x\n")
    split = load_csv_split(tmp_path / "t.csv", tmp_path / "t.csv")
    assert split.train.weights.tolist() == [1.0]


def test_csv_with_a_wrong_header_is_refused(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("user,item\na,x\n")
    with pytest.raises(ValueError, match="user_id,item_id"):
        load_csv_split(tmp_path / "t.csv", tmp_path / "t.csv")


def test_movielens_layout_ratings_and_genres(tmp_path: Path) -> None:
    genres = "|".join(["0"] * 18 + ["1"])  # western
    (tmp_path / "u.item").write_text(f"1|A (1995)|01-Jan-1995||url|{genres}\n2|B (1977)|01-Jan-1977||url|{genres}\n")
    (tmp_path / "ua.base").write_text("1\t1\t5\t0\n1\t2\t2\t0\n")
    (tmp_path / "ua.test").write_text("1\t2\t4\t0\n")
    split = load_movielens_100k(tmp_path)
    assert split.train.positives().toarray().tolist() == [[1, 0]]  # rating 2 is not a positive
    assert split.train.seen().toarray().tolist() == [[1, 1]]
    assert split.test.positives().toarray().tolist() == [[0, 1]]
    assert split.item_features == {0: ["genre:western", "decade:1990"], 1: ["genre:western", "decade:1970"]}


def test_validation_split_is_seeded_and_disjoint() -> None:
    rng = np.random.default_rng(1)
    rows = [(f"u{u}", f"i{i}", 1.0) for u in range(20) for i in rng.choice(50, size=10, replace=False)]
    data = build_interactions(rows)
    train_a, val_a = validation_split(data, fraction=0.2, seed=3)
    train_b, val_b = validation_split(data, fraction=0.2, seed=3)
    assert np.array_equal(val_a.item_ids, val_b.item_ids)
    assert len(train_a) + len(val_a) == len(data)
    assert len(val_a) == 20 * 2  # 20% of each user's 10 rows
    overlap = train_a.positives().multiply(val_a.positives())
    assert overlap.nnz == 0
