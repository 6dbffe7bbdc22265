"""The two-tower recommender: TensorFlow Recommenders for training, NumPy for everything after.

Why it is shaped like this:

- **Item tower** = item id embedding + mean of content-token embeddings (genres, decade, ...),
  L2-normalized. Item-id dropout during training teaches the content part to stand alone, so
  an item nobody has logged yet still gets a useful vector.
- **User tower** = linear map of the mean of the user's history (its own input-side item
  embedding table, as in asymmetric SVD / YouTube DNN) + a user id embedding, L2-normalized.
  User-id dropout during training teaches the history part to stand alone, which is what
  `fold_in(history)` uses for a user who logged items after the last training. Scoring adds
  the id at a reduced weight (`user_id_weight`): it was dropped from half the examples.
- **Loss** = `tfrs.tasks.Retrieval` softmax (temperature on cosine scores, plus a per-item bias
  riding as one extra vector coordinate) over extra negatives: the whole catalogue when it has
  at most `negatives` items (an exact multinomial softmax), else a uniform sample. The user's
  other positives are masked out as negatives, because evaluation and serving never rank a
  target against items the user already has. In-batch negatives with the logQ correction
  (mixed negative sampling, Yang et al. 2020) are available but lost on validation here.
- **Denoising history**: each (user, item) example sees the user's history (everything logged,
  liked or not) without the target item and with a random half dropped (at most ~50 kept, which
  bounds the cost of a step), so the model learns to predict unseen items from a
  partial history, which is exactly the evaluation task (cf. Mult-DAE, Liang et al. 2018).

TensorFlow is imported lazily inside `fit` only (with TF_USE_LEGACY_KERAS=1, since TFRS 0.7.7
refuses Keras 3). A trained model is exported to NumPy arrays: scoring, fold-in, save and load
never import TensorFlow, so the web process and Chroma refresh can use a model without it.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import numpy as np
import scipy.sparse as sp

from slice_of_culture.recs.data import Interactions
from slice_of_culture.recs.evaluate import evaluate_scores, top_k

# Bumped when the saved layout changes; `load` refuses other versions instead of misreading.
FORMAT_VERSION = 1


@dataclass
class TwoTowerConfig:
    """Hyper-parameters; defaults chosen on a MovieLens-100k validation split (bench/RESULTS.md)."""

    dim: int = 128  # embedding size of both towers
    epochs: int = 12  # length of the learning-rate schedule
    # Stop after this many epochs of the schedule (0 = all). The harness picks it on validation:
    # a shorter schedule ends elsewhere than the long one stopped early (ml-100k validation
    # NDCG@20 0.275 after a 9-epoch schedule vs 0.279 after 9 of 12 epochs).
    stop_after: int = 0
    batch_size: int = 1024  # (user, item) examples per step; large batches = more negatives, fewer steps
    learning_rate: float = 0.005
    lr_decay: bool = True  # cosine decay of the learning rate to 0 over all epochs
    temperature: float = 0.25  # softmax temperature on cosine scores
    negatives: int = 4096  # extra uniform negatives per step; >= catalogue size = whole catalogue
    # In-batch negatives on top of the extra ones lost on MovieLens-100k validation (0.241 vs
    # 0.269 NDCG@20); kept for catalogues too big for whole-catalogue negatives.
    in_batch_negatives: bool = False
    logq_correction: bool = True  # subtract log(expected copies) from in-batch logits
    history_dropout: float = 0.5  # share of the history hidden from each example
    max_history: int = 50  # expected history items per example at most (0 = no cap); bounds step cost
    user_id_dropout: float = 0.5  # share of examples trained without the user id (for fold-in)
    # Weight of the user-id embedding in a known user's scoring vector. Training drops the id
    # from `user_id_dropout` of the examples without rescaling the rest, so full weight at
    # scoring over-trusts it (the usual dropout rule would say 1 - user_id_dropout). ml-100k
    # validation Recall@20 / NDCG@20: weight 1 0.3918 / 0.2788, 0.5 0.3959 / 0.2807, 0.25
    # 0.4018 / 0.2805; the gain is with short histories. The harness picks it per data set on
    # validation (`harness.ID_WEIGHTS`); 0.25 won on ml-100k and Last.fm. Fold-in has no id.
    user_id_weight: float = 0.25
    item_id_dropout: float = 0.2  # share of items trained on content only (when content exists)
    l2: float = 0.0  # L2 penalty on the embeddings used in a step
    normalize: bool = True  # cosine scores (L2-normalized towers) instead of raw dot products
    mask_known_positives: bool = True  # the user's other positives are not negatives for a target
    history_all_seen: bool = True  # the history tower also sees items met but not liked (weight 0)
    item_bias: bool = True  # a learned per-item score offset (popularity), kept as an extra dimension
    # Weight each positive's loss by its interaction weight (normalized to mean 1): in the app a
    # like counts less than a logged entry and a 5-star entry more than an unrated one. Off for the
    # offline comparison, whose data sets have no graded signal worth weighting.
    weighted_positives: bool = False
    seed: int = 0


def _set_seeds(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)


def _import_tf() -> tuple[Any, Any]:
    """TensorFlow and TFRS, with legacy Keras (tf-keras): TFRS 0.7.7 does not run on Keras 3."""
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    import tensorflow_recommenders as tfrs

    return tf, tfrs


def _content_matrix(
    item_features: dict[int, list[str]] | None, num_items: int, vocabulary: list[str] | None = None
) -> tuple[sp.csr_matrix | None, list[str]]:
    """Row-normalized items x tokens matrix, so content = mean of the item's token embeddings."""
    if not item_features:
        return None, []
    vocab = list(vocabulary) if vocabulary is not None else sorted({t for ts in item_features.values() for t in ts})
    index = {t: i for i, t in enumerate(vocab)}
    rows, cols = [], []
    for item, tokens in item_features.items():
        if item >= num_items:
            continue
        for t in set(tokens):
            if t in index:
                rows.append(item)
                cols.append(index[t])
    m = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(num_items, len(vocab)))
    counts = np.asarray(m.sum(axis=1)).ravel()
    m = sp.diags(1.0 / np.maximum(counts, 1.0)).astype(np.float32) @ m
    return m.tocsr(), vocab


def _l2n(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


@dataclass
class _Weights:
    """The trained towers as NumPy arrays: all that scoring and fold-in need."""

    item_id: np.ndarray  # (items, dim)
    token: np.ndarray | None  # (tokens, dim) or None without content
    history: np.ndarray  # (items, dim), input-side item embeddings
    user_id: np.ndarray  # (users, dim)
    dense_w: np.ndarray  # (dim, dim)
    dense_b: np.ndarray  # (dim,)
    bias: np.ndarray  # (items,) per-item score offset


class TwoTower:
    """A two-tower retrieval model trained with `tfrs.tasks.Retrieval`.

    Usage:
    model = TwoTower(config=TwoTowerConfig(epochs=10)).fit(train, item_features=genres)
    model.recommend(np.array([0]), k=10)              # known users
    vec = model.fold_in([12, 40, 7])                  # a user vector from a fresh history
    model.save("data/models/two-tower-v3"); TwoTower.load("data/models/two-tower-v3")
    """

    name = "two-tower"

    def __init__(self, *, config: TwoTowerConfig | None = None, progress: bool = True, **overrides: Any) -> None:
        unknown = set(overrides) - set(TwoTowerConfig.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown two-tower parameters: {', '.join(sorted(unknown))}")
        self.config = replace(config or TwoTowerConfig(), **overrides)
        self.progress = progress
        self.metadata: dict[str, Any] = {}
        self.history_curve: list[dict[str, float]] = []

    # --- training ---------------------------------------------------------------------------

    def fit(
        self,
        train: Interactions,
        *,
        item_features: dict[int, list[str]] | None = None,
        validation: Interactions | None = None,
        validation_id_weights: Sequence[float] = (),
    ) -> Self:
        """Train on the positives of `train`. With `validation`, record Recall@20 and NDCG@20
        after each epoch (`history_curve`), also scored at each of `validation_id_weights`
        (see `TwoTowerConfig.user_id_weight`), so a harness can pick both without refitting."""
        cfg = self.config
        started = time.perf_counter()
        tf, tfrs = _import_tf()
        from tqdm.auto import tqdm

        _set_seeds(cfg.seed)
        tf.keras.utils.set_random_seed(cfg.seed)
        rng = np.random.default_rng(cfg.seed)

        x = train.positives()
        self._seen = train.seen()
        # What the user tower reads; the targets are always the positives in `x`.
        self._history = self._seen if cfg.history_all_seen else x
        self.num_users, self.num_items = x.shape
        content, self.vocabulary = _content_matrix(item_features, self.num_items)
        self._content = content
        pair_users, pair_items = x.nonzero()
        pair_users = pair_users.astype(np.int64)
        pair_items = pair_items.astype(np.int64)
        n_pairs = len(pair_users)
        if n_pairs == 0:
            raise ValueError("no positive interactions to train on")
        pair_weights = np.ones(n_pairs, np.float32)
        if cfg.weighted_positives:
            keep = train.weights > 0
            graded = sp.csr_matrix(
                (train.weights[keep], (train.user_ids[keep], train.item_ids[keep])), shape=x.shape, dtype=np.float32
            )
            # Repeated (user, item) rows add up, capped at the strongest single weight.
            graded = graded.minimum(float(train.weights.max())) if graded.nnz else graded
            pair_weights = np.asarray(graded[pair_users, pair_items]).ravel().astype(np.float32)
            pair_weights /= max(float(pair_weights.mean()), 1e-6)
        popularity = np.bincount(pair_items, minlength=self.num_items) / n_pairs
        batch_size = min(cfg.batch_size, n_pairs)
        whole_catalogue = cfg.negatives >= self.num_items
        n_neg = self.num_items if whole_catalogue else cfg.negatives
        d = cfg.dim
        has_content = content is not None

        init = tf.keras.initializers.TruncatedNormal(stddev=0.1, seed=cfg.seed)
        item_id_emb = tf.Variable(init((self.num_items, d)), name="item_id")
        history_emb = tf.Variable(init((self.num_items, d)), name="history")
        user_id_emb = tf.Variable(init((self.num_users, d)) * 0.5, name="user_id")
        dense_w = tf.Variable(tf.eye(d), name="dense_w")
        dense_b = tf.Variable(tf.zeros((d,)), name="dense_b")
        bias = tf.Variable(tf.zeros((self.num_items,)), name="item_bias", trainable=cfg.item_bias)
        variables = [item_id_emb, history_emb, user_id_emb, dense_w, dense_b, bias]
        trainable = [v for v in variables if v.trainable]
        if has_content:
            token_emb = tf.Variable(init((len(self.vocabulary), d)), name="token")
            variables.append(token_emb)
            trainable.append(token_emb)
            coo = content.tocoo()
            content_tf = tf.sparse.reorder(
                tf.sparse.SparseTensor(
                    indices=np.stack([coo.row, coo.col], axis=1).astype(np.int64),
                    values=coo.data.astype(np.float32),
                    dense_shape=content.shape,
                )
            )
        task = tfrs.tasks.Retrieval(temperature=cfg.temperature, remove_accidental_hits=True)
        steps = int(np.ceil(n_pairs / batch_size))
        # Cosine decay to zero over the run: steadier last epochs than a constant rate, so the
        # epoch count chosen on validation transfers to the final fit.
        schedule = (
            tf.keras.optimizers.schedules.CosineDecay(cfg.learning_rate, decay_steps=cfg.epochs * steps)
            if cfg.lr_decay
            else cfg.learning_rate
        )
        optimizer = tf.keras.optimizers.Adam(learning_rate=schedule)
        pop_tf = tf.constant(popularity, dtype=tf.float32)

        def item_tower(ids: Any, keep_id: Any) -> Any:
            vec = tf.gather(item_id_emb, ids) * keep_id[:, None]
            if has_content:
                vec += tf.gather(tf.sparse.sparse_dense_matmul(content_tf, token_emb), ids)
            if cfg.normalize:
                vec = tf.math.l2_normalize(vec, axis=-1)
            # The bias rides as one more coordinate, matched by a constant 1 in the user vector,
            # so scores stay a plain inner product that a vector store can search.
            return tf.concat([vec, tf.gather(bias, ids)[:, None]], axis=1)

        def user_tower(users: Any, keep_user: Any, rows: Any, cols: Any, n: Any) -> Any:
            pooled = tf.math.unsorted_segment_mean(tf.gather(history_emb, cols), rows, n)
            vec = pooled @ dense_w + dense_b + tf.gather(user_id_emb, users) * keep_user[:, None]
            if cfg.normalize:
                vec = tf.math.l2_normalize(vec, axis=-1)
            return tf.concat([vec, tf.ones_like(vec[:, :1])], axis=1)

        spec = [
            tf.TensorSpec([None], tf.int64),  # users
            tf.TensorSpec([None], tf.int64),  # target items
            tf.TensorSpec([None], tf.float32),  # keep user id
            tf.TensorSpec([None], tf.int64),  # history rows
            tf.TensorSpec([None], tf.int64),  # history cols
            tf.TensorSpec([None], tf.int64),  # extra negative ids
            tf.TensorSpec([None], tf.float32),  # keep item id (positives then negatives)
            tf.TensorSpec([None], tf.int64),  # known positive rows (whole history minus target)
            tf.TensorSpec([None], tf.int64),  # known positive cols
            tf.TensorSpec([None], tf.float32),  # weight of each positive (1 unless weighted_positives)
        ]

        @tf.function(input_signature=spec, reduce_retracing=True)
        def train_step(users, items, keep_user, rows, cols, negatives, keep_item, pos_rows, pos_cols, weights):  # type: ignore[no-untyped-def]
            n = tf.shape(users)[0]
            with tf.GradientTape() as tape:
                query = user_tower(users, keep_user, rows, cols, n)
                cand_ids = tf.concat([items, negatives], axis=0)
                cand = item_tower(cand_ids, keep_item)
                q = None
                n_extra = tf.shape(negatives)[0]
                if cfg.in_batch_negatives:
                    if cfg.logq_correction:
                        # Expected copies of each candidate among the step's candidates.
                        q = tf.cast(n, tf.float32) * tf.gather(pop_tf, cand_ids) + float(n_neg) / self.num_items
                    batch_block = tf.ones((n, n), tf.bool)
                else:
                    # Only the diagonal of the in-batch block is a candidate (the positive).
                    batch_block = tf.cast(tf.eye(n, n), tf.bool)
                extra_block = tf.ones((n, n_extra), tf.bool)
                if cfg.mask_known_positives:
                    # Evaluation never ranks a target against items the user already has, so
                    # training should not push those down either: mask them out as negatives.
                    known = tf.scatter_nd(
                        tf.stack([pos_rows, pos_cols], axis=1),
                        tf.ones_like(pos_rows, tf.float32),
                        tf.cast(tf.stack([n, self.num_items]), tf.int64),
                    )
                    extra_block = tf.gather(known, negatives, axis=1) <= 0
                    if cfg.in_batch_negatives:
                        in_batch_known = tf.gather(known, items, axis=1) <= 0
                        batch_block = tf.logical_or(in_batch_known, tf.cast(tf.eye(n, n), tf.bool))
                score_mask = tf.concat([batch_block, extra_block], axis=1)
                loss = task(
                    query,
                    cand,
                    candidate_sampling_probability=q,
                    candidate_ids=cand_ids,
                    compute_metrics=False,
                    compute_batch_metrics=False,
                    score_mask=score_mask,
                    sample_weight=weights,
                )
                loss = loss / tf.cast(n, tf.float32)
                if cfg.l2 > 0:
                    loss += cfg.l2 * (
                        tf.reduce_mean(tf.reduce_sum(tf.gather(item_id_emb, cand_ids) ** 2, -1))
                        + tf.reduce_mean(tf.reduce_sum(tf.gather(user_id_emb, users) ** 2, -1))
                        + tf.reduce_mean(tf.reduce_sum(tf.gather(history_emb, cols) ** 2, -1))
                    )
            grads = tape.gradient(loss, trainable)
            optimizer.apply_gradients(zip(grads, trainable, strict=True))
            return loss

        indptr, indices = self._history.indptr, self._history.indices.astype(np.int64)
        x_indices = x.indices.astype(np.int64)
        all_items = np.arange(self.num_items, dtype=np.int64)
        epochs = min(cfg.stop_after or cfg.epochs, cfg.epochs)
        bar = tqdm(total=epochs * steps, desc="two-tower", unit="step", disable=not self.progress, leave=False)
        self.history_curve = []
        for epoch in range(epochs):
            order = rng.permutation(n_pairs)
            total = 0.0
            for s in range(steps):
                idx = order[s * batch_size : (s + 1) * batch_size]
                users, items = pair_users[idx], pair_items[idx]
                rows, cols = _history_batch(
                    indptr, indices, users, items, cfg.history_dropout, rng, max_items=cfg.max_history
                )
                if cfg.mask_known_positives:
                    pos_rows, pos_cols = _history_batch(x.indptr, x_indices, users, items, 0.0, rng)
                else:
                    pos_rows = pos_cols = np.zeros(0, np.int64)
                negatives = all_items if whole_catalogue else rng.integers(0, self.num_items, n_neg)
                keep_user = (rng.random(len(users)) >= cfg.user_id_dropout).astype(np.float32)
                cand_count = len(items) + len(negatives)
                if has_content:
                    keep_item = (rng.random(cand_count) >= cfg.item_id_dropout).astype(np.float32)
                else:
                    keep_item = np.ones(cand_count, np.float32)
                loss = train_step(
                    users, items, keep_user, rows, cols, negatives, keep_item, pos_rows, pos_cols, pair_weights[idx]
                )
                total += float(loss)
                bar.update(1)
            self._export(variables, has_content, tf)
            point: dict[str, Any] = {"epoch": epoch + 1, "loss": total / steps}
            if validation is not None:
                by_weight = {w: self._validate(validation, w) for w in validation_id_weights}
                point |= by_weight.get(cfg.user_id_weight) or self._validate(validation, cfg.user_id_weight)
                point["by_id_weight"] = by_weight
            self.history_curve.append(point)
            bar.set_postfix({k: round(v, 4) for k, v in point.items() if isinstance(v, float)})
        bar.close()
        seconds = time.perf_counter() - started
        self.metadata = {
            "model": "two-tower",
            "format_version": FORMAT_VERSION,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "train_seconds": round(seconds, 2),
            "data": {"users": self.num_users, "items": self.num_items, "positives": n_pairs, "rows": len(train)},
            "params": asdict(cfg),
            "curve": self.history_curve,
            "metrics": {},
        }
        return self

    def _validate(self, validation: Interactions, id_weight: float) -> dict[str, float]:
        users = self._user_vectors(self._history, self._weights.user_id * id_weight)
        metrics = evaluate_scores(
            lambda batch: users[batch] @ self.item_vectors.T, seen=self._seen, relevant=validation.positives()
        )
        return {"val_recall@20": metrics["recall@20"], "val_ndcg@20": metrics["ndcg@20"]}

    def _export(self, variables: list[Any], has_content: bool, tf: Any) -> None:
        item_id, history, user_id, dense_w, dense_b, bias = (v.numpy() for v in variables[:6])
        token = variables[6].numpy() if has_content else None
        self._weights = _Weights(item_id, token, history, user_id, dense_w, dense_b, bias)
        self._refresh_vectors()

    def _refresh_vectors(self) -> None:
        w = self._weights
        content = self._content_vectors()
        item = w.item_id + content
        if self.config.normalize:
            item = _l2n(item)
        # Inner-product vectors: [item, bias] . [user, 1] = the score the model was trained on.
        self.item_vectors = np.concatenate([item, w.bias[:, None]], axis=1).astype(np.float32)
        self.user_vectors = self._user_vectors(self._history, w.user_id * self.config.user_id_weight).astype(np.float32)

    def _content_vectors(self) -> np.ndarray:
        if self._content is None or self._weights.token is None:
            return np.zeros_like(self._weights.item_id)
        return np.asarray(self._content @ self._weights.token)

    def _user_vectors(self, history: sp.csr_matrix, id_part: np.ndarray | None) -> np.ndarray:
        w = self._weights
        counts = np.asarray(history.sum(axis=1)).ravel()
        pooled = np.asarray(sp.diags(1.0 / np.maximum(counts, 1.0)) @ history @ w.history)
        vec = pooled @ w.dense_w + w.dense_b
        if id_part is not None:
            vec = vec + id_part
        if self.config.normalize:
            vec = _l2n(vec)
        return np.concatenate([vec, np.ones((len(vec), 1), vec.dtype)], axis=1)

    # --- using a trained model --------------------------------------------------------------

    def scores(self, users: np.ndarray) -> np.ndarray:
        """Scores of known users (by index) against every item: cosine plus the item's bias."""
        return self.user_vectors[np.asarray(users)] @ self.item_vectors.T

    def recommend(self, users: np.ndarray, *, k: int = 10, filter_seen: bool = True) -> np.ndarray:
        """Top-k item indices per known user, best first, skipping items met in training."""
        users = np.asarray(users)
        return top_k(self.scores(users), k, exclude=self._seen[users] if filter_seen else None)

    def fold_in(self, history_item_ids: list[int] | np.ndarray) -> np.ndarray:
        """A user vector from item indices alone: for a user who is new since training."""
        items = np.unique(np.asarray(history_item_ids, dtype=np.int64))
        row = sp.csr_matrix(
            (np.ones(len(items), np.float32), (np.zeros(len(items), np.int64), items)), shape=(1, self.num_items)
        )
        return self._user_vectors(row, None)[0].astype(np.float32)

    def item_vector_from_content(self, tokens: list[str]) -> np.ndarray:
        """A vector for an item unknown to training, from its content tokens alone."""
        if self._weights.token is None:
            raise ValueError("this model was trained without item content")
        index = {t: i for i, t in enumerate(self.vocabulary)}
        known = [index[t] for t in set(tokens) if t in index]
        if not known:
            raise ValueError("none of these tokens were seen in training")
        vec = self._weights.token[known].mean(axis=0)
        if self.config.normalize:
            vec = _l2n(vec)
        # No interactions yet, so no learned popularity offset: bias coordinate 0.
        return np.append(vec, 0.0).astype(np.float32)

    # --- persistence ------------------------------------------------------------------------

    def save(self, path: str | Path, *, metrics: dict[str, float] | None = None) -> Path:
        """Write weights (NumPy .npz) and metadata.json into the directory `path`."""
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        w = self._weights
        arrays: dict[str, np.ndarray] = {
            "item_id": w.item_id,
            "history": w.history,
            "user_id": w.user_id,
            "dense_w": w.dense_w,
            "dense_b": w.dense_b,
            "bias": w.bias,
            "history_indptr": self._history.indptr,
            "history_indices": self._history.indices,
            "seen_indptr": self._seen.indptr,
            "seen_indices": self._seen.indices,
        }
        if w.token is not None and self._content is not None:
            arrays |= {
                "token": w.token,
                "content_indptr": self._content.indptr,
                "content_indices": self._content.indices,
                "content_data": self._content.data,
            }
        np.savez(out / "weights.npz", **arrays)
        if metrics is not None:
            self.metadata["metrics"] = metrics
        meta = self.metadata | {"format_version": FORMAT_VERSION, "vocabulary": self.vocabulary}
        (out / "metadata.json").write_text(json.dumps(meta, indent=2, default=float))
        return out

    @classmethod
    def load(cls, path: str | Path) -> TwoTower:
        """Read a model written by `save`; needs NumPy only."""
        src = Path(path)
        meta = json.loads((src / "metadata.json").read_text())
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{src}: model format {meta.get('format_version')}, expected {FORMAT_VERSION}")
        config = TwoTowerConfig(**meta["params"])
        model = cls(config=config, progress=False)
        model.metadata = meta
        model.vocabulary = list(meta.get("vocabulary", []))
        model.history_curve = meta.get("curve", [])
        with np.load(src / "weights.npz") as z:
            users, items = z["user_id"].shape[0], z["item_id"].shape[0]
            model.num_users, model.num_items = users, items

            def csr(prefix: str, cols: int, data: np.ndarray | None = None) -> sp.csr_matrix:
                ind = z[f"{prefix}_indices"]
                vals = data if data is not None else np.ones(len(ind), np.float32)
                return sp.csr_matrix(
                    (vals, ind, z[f"{prefix}_indptr"]), shape=(z[f"{prefix}_indptr"].shape[0] - 1, cols)
                )

            model._history = csr("history", items)
            model._seen = csr("seen", items)
            token = z["token"] if "token" in z.files else None
            model._content = csr("content", token.shape[0], z["content_data"]) if token is not None else None
            model._weights = _Weights(
                z["item_id"], token, z["history"], z["user_id"], z["dense_w"], z["dense_b"], z["bias"]
            )
        model._refresh_vectors()
        return model


def _history_batch(
    indptr: np.ndarray,
    indices: np.ndarray,
    users: np.ndarray,
    targets: np.ndarray,
    dropout: float,
    rng: np.random.Generator,
    *,
    max_items: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """(row, item) pairs of each example's visible history: the user's items minus the target,
    each kept with probability 1 - dropout, lowered for long histories so that a row keeps
    about `max_items` on average (the mean pooling stays unbiased; the step cost is bounded by
    batch x max_items instead of growing with the heaviest users). Vectorized: runs every step."""
    lengths = indptr[users + 1] - indptr[users]
    rows = np.repeat(np.arange(len(users), dtype=np.int64), lengths)
    offsets = np.arange(lengths.sum(), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    cols = indices[np.repeat(indptr[users], lengths) + offsets]
    keep = cols != targets[rows]
    if dropout > 0 or max_items > 0:
        p_keep = np.full(len(users), 1.0 - dropout)
        if max_items > 0:
            p_keep = np.minimum(p_keep, max_items / np.maximum(lengths, 1))
        keep &= rng.random(len(cols)) < p_keep[rows]
    return rows[keep], cols[keep]
