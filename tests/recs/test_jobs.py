"""The refresh job on a small planted-cluster app database, on SQLite and PostgreSQL:
versions publish and retire in order, readers never see a missing or half-written version,
and a crash leaves the previous version serving."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from slice_of_culture.config import get_settings
from slice_of_culture.models import RecsModelVersion
from slice_of_culture.recs import jobs
from slice_of_culture.recs.jobs import current_version, list_versions, load_model, model_dir, refresh, switch_current
from slice_of_culture.recs.model import TwoTower
from slice_of_culture.recs.store import VectorStore, VersionMissing
from tests.recs.app_data import PlantedApp, make_planted_app

# Seconds, not minutes: tiny towers, whole-catalogue negatives, a few epochs.
TINY: dict[str, Any] = {"dim": 8, "epochs": 6, "batch_size": 32, "learning_rate": 0.05, "temperature": 0.2, "seed": 3}


@pytest.fixture
def store(tmp_path: Path) -> VectorStore:
    return VectorStore.embedded(tmp_path / "chroma")


@pytest.fixture
def planted(session: Session) -> PlantedApp:
    return make_planted_app(session)


def _refresh(engine: Engine, store: VectorStore, data_dir: Path, **kwargs: Any) -> RecsModelVersion | None:
    return refresh(engine=engine, store=store, data_dir=data_dir, config_overrides=TINY, progress=False, **kwargs)


def _rows(engine: Engine) -> dict[int, RecsModelVersion]:
    with Session(engine) as s:
        return {row.version: row for row in list_versions(s)}


def _current(engine: Engine) -> int | None:
    with Session(engine) as s:
        row = current_version(s)
        return row.version if row else None


def test_refresh_publishes_versions_and_keeps_only_the_previous_one(
    engine: Engine, store: VectorStore, planted: PlantedApp, tmp_path: Path
) -> None:
    first = _refresh(engine, store, tmp_path, trigger="manual")
    assert first is not None and first.status == "ready" and first.is_current and first.version == 1
    assert (first.num_users, first.num_items) == (len(planted.users), len(planted.items))
    assert first.num_interactions == sum(1 for _ in planted.users) * 5
    assert {"recall@20", "ndcg@20"} <= set(first.metrics) and first.metrics["users"] > 0
    assert first.params["epochs"] == TINY["epochs"] and first.trigger == "manual" and first.finished_at
    assert store.counts(1) == (first.num_users, first.num_items)

    # The served vectors find the planted clusters: each user's nearest items are their genre.
    vectors = store.get_user_vectors(1, [u.id for u in planted.users])
    shares = []
    for user in planted.users:
        top = store.query_items(1, vectors[user.id], n=5)
        shares.append(np.mean([planted.item_cluster[item] == planted.user_cluster[user.id] for item, _ in top]))
    assert np.mean(shares) >= 0.8

    # The saved model serves fold-in without TensorFlow, with the db id maps.
    model = load_model(1, tmp_path)
    assert isinstance(model, TwoTower) and model is load_model(1, tmp_path)
    cluster0 = [it.id for it in planted.items if planted.item_cluster[it.id] == 0][:3]
    folded = model.fold_in([model.item_index[i] for i in cluster0])
    nearest = store.query_users(1, folded, n=5)
    assert np.mean([planted.user_cluster[u] == 0 for u, _ in nearest]) >= 0.8
    meta = (model_dir(1, tmp_path) / "metadata.json").read_text()
    assert '"recall@20"' in meta and '"trained_at"' in meta

    second = _refresh(engine, store, tmp_path, trigger="schedule")
    assert second is not None and second.version == 2 and second.is_current
    rows = _rows(engine)
    assert list(rows) == [2, 1]
    assert (rows[1].status, rows[1].is_current) == ("retired", False)
    assert _current(engine) == 2
    assert store.versions() == [1, 2]  # the previous version stays for readers in flight

    third = _refresh(engine, store, tmp_path)
    assert third is not None and third.version == 3
    assert store.versions() == [2, 3]
    assert not model_dir(1, tmp_path).exists() and model_dir(2, tmp_path).exists()
    assert [(r.version, r.status, r.is_current) for r in _rows(engine).values()] == [
        (3, "ready", True),
        (2, "retired", False),
        (1, "retired", False),
    ]


def test_switch_current_moves_the_pointer_in_one_update(engine: Engine) -> None:
    with Session(engine) as s:
        s.add_all([RecsModelVersion(version=1, status="ready", is_current=True), RecsModelVersion(version=2)])
        s.commit()
        switch_current(s, 2)
        s.commit()
        assert current_version(s).version == 2
        assert [(r.version, r.status, r.is_current) for r in list_versions(s)] == [
            (2, "ready", True),
            (1, "retired", False),
        ]
        with pytest.raises(LookupError):
            switch_current(s, 9)


def test_readers_never_see_a_missing_or_half_written_version(
    engine: Engine, store: VectorStore, planted: PlantedApp, tmp_path: Path
) -> None:
    assert _refresh(engine, store, tmp_path) is not None
    probe = np.zeros(TINY["dim"] + 1, np.float32)
    probe[-1] = 1.0
    user_ids = [u.id for u in planted.users[:3]]
    stop = threading.Event()
    reads: list[int] = []
    errors: list[str] = []
    retries: list[int] = []

    def read_once() -> int:
        with Session(engine) as s:
            row = current_version(s)
            assert row is not None
            version, expected = row.version, (row.num_users, row.num_items)
        # A whole set: as many vectors as the run wrote, users and items of the same version.
        if store.counts(version) != expected:
            raise AssertionError(f"version {version} is partial: {store.counts(version)} != {expected}")
        users = store.query_users(version, probe, n=3, where={"discoverable": True})
        items = store.query_items(version, probe, n=3)
        vectors = store.get_user_vectors(version, user_ids)
        if len(users) != 3 or len(items) != 3 or len(vectors) != 3:
            raise AssertionError(f"version {version}: short answers")
        return version

    def reader() -> None:
        while not stop.is_set():
            try:
                try:
                    reads.append(read_once())
                except VersionMissing:
                    # Serving's contract: re-read the pointer and retry once.
                    retries.append(1)
                    reads.append(read_once())
            except Exception as exc:  # noqa: BLE001
                errors.append(f"{type(exc).__name__}: {exc}")
            # Leave the two cores to the refresh most of the time; still ~100 reads a second.
            stop.wait(0.01)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for expected in (2, 3):
            row = _refresh(engine, store, tmp_path)
            assert row is not None and row.version == expected and row.status == "ready"
        deadline = time.monotonic() + 10
        while 3 not in reads and not errors and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert errors == []
    assert len(reads) > 50 and len(retries) <= 2
    assert {1, 3} <= set(reads)  # readers saw the old version and, after the switches, the new one
    assert store.versions() == [2, 3]


class _FailingCollection:
    """A Chroma collection whose second add() fails, like a disk filling up half-way."""

    def __init__(self, inner: Any, calls: list[int]) -> None:
        self._inner, self._calls = inner, calls

    def add(self, **kwargs: Any) -> Any:
        self._calls.append(1)
        if len(self._calls) == 2:
            raise OSError("disk full")
        return self._inner.add(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_a_crash_mid_write_keeps_the_previous_version_serving(
    engine: Engine, store: VectorStore, planted: PlantedApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _refresh(engine, store, tmp_path) is not None
    calls: list[int] = []
    create = store.client.create_collection
    monkeypatch.setattr("slice_of_culture.recs.store.WRITE_BATCH", 4)
    monkeypatch.setattr(store.client, "create_collection", lambda *a, **k: _FailingCollection(create(*a, **k), calls))

    failed = _refresh(engine, store, tmp_path)

    assert failed is not None and failed.version == 2
    assert failed.status == "failed" and not failed.is_current and "disk full" in failed.error
    assert len(calls) == 2  # it did fail half-way through the users
    assert _current(engine) == 1
    assert store.versions() == [1]  # the partial collections are gone
    assert not model_dir(2, tmp_path).exists()
    some_user = planted.users[0].id
    vector = store.get_user_vectors(1, [some_user])[some_user]
    assert len(store.query_items(1, vector, n=3)) == 3

    # The next run recovers, with a new number.
    monkeypatch.undo()
    recovered = _refresh(engine, store, tmp_path)
    assert recovered is not None and recovered.version == 3 and recovered.status == "ready"
    assert store.versions() == [1, 3]


def test_an_interrupted_run_is_marked_failed_and_reraised(
    engine: Engine, store: VectorStore, planted: PlantedApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: TwoTower, *args: Any, **kwargs: Any) -> TwoTower:
        raise KeyboardInterrupt

    monkeypatch.setattr(TwoTower, "fit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _refresh(engine, store, tmp_path)
    row = _rows(engine)[1]
    assert row.status == "failed" and row.error.startswith("interrupted") and not row.is_current
    assert _current(engine) is None and store.versions() == []


def test_a_run_left_training_by_a_dead_process_is_cleaned_up(
    engine: Engine, store: VectorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a run killed with SIGKILL: its row still says training and its vectors are half there
    with Session(engine) as s:
        s.add(RecsModelVersion(version=1, status="training"))
        s.commit()
    store.write_version(
        1, user_ids=[1], user_vectors=np.ones((1, 3)), user_metadata=[{"discoverable": True}],
        item_ids=[], item_vectors=np.zeros((0, 3)), item_metadata=[],
    )  # fmt: skip
    # nothing to train on: this run fails too, but first it cleans up after the dead one
    row = _refresh(engine, store, tmp_path)
    assert row is not None and row.version == 2 and row.status == "failed" and "nothing to train on" in row.error
    dead = _rows(engine)[1]
    assert dead.status == "failed" and "interrupted" in dead.error
    assert store.versions() == []


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("*", "*"),
        ("0", "sun"),
        ("7", "sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("*/3", "sun,wed,sat"),
        ("sat,sun", "sat,sun"),
    ],
)
def test_crontab_weekdays_keep_their_crontab_meaning(field: str, expected: str) -> None:
    assert jobs._crontab_weekdays(field) == expected


def test_scheduler_runs_the_refresh_in_a_child_process_on_the_cron_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECS_REFRESH_CRON", "30 4 * * 1")
    monkeypatch.setenv("RECS_SCHEDULER", "off")
    get_settings.cache_clear()
    try:
        scheduler = jobs.build_scheduler(blocking=False)
        (job,) = scheduler.get_jobs()
        assert job.func is jobs.run_refresh_in_child and job.kwargs == {"trigger": "schedule"}
        assert job.coalesce is True and job.max_instances == 1
        fields = {f.name: str(f) for f in job.trigger.fields}
        # crontab's 1 is Monday (APScheduler 3 alone would read it as Tuesday)
        assert (fields["minute"], fields["hour"], fields["day_of_week"]) == ("30", "4", "mon")
        assert jobs.start_in_app() is None  # RECS_SCHEDULER=off: the worker runs it

        started: list[list[str]] = []

        class FakeChild:
            pid = 4242

            def __init__(self, command: list[str], **kwargs: Any) -> None:
                started.append(command)

            def wait(self) -> int:
                return 0

        monkeypatch.setattr(jobs.subprocess, "Popen", FakeChild)
        jobs.trigger_refresh_now()
        assert started[0][1:] == ["-m", "slice_of_culture.recs", "train", "--trigger", "admin", "--no-progress"]

        monkeypatch.setenv("RECS_REFRESH_CRON", "every night")
        get_settings.cache_clear()
        with pytest.raises(ValueError, match="RECS_REFRESH_CRON"):
            jobs.build_scheduler(blocking=True)
    finally:
        get_settings.cache_clear()
