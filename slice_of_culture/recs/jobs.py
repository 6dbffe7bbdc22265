"""Batch side of the recommender: retrain, write a new vector version, switch, on a schedule.

`refresh()` is one run, in this order, so that readers never see a half-written or mixed set:

1. take the cross-process refresh lock (`slice_of_culture.locks`); give up at once if another run holds it;
2. insert a `training` row with the next version number;
3. read interactions (`recs.interactions`, the one reader), carve a seeded validation split,
   train on the rest and record Recall@K / NDCG@K on it; then train the served model on all
   data with the same parameters (the validation model never serves: it has not seen the
   held-out rows, which are a share of every user's history);
4. save the model under `data/models/v<N>` (NumPy only, loadable without TensorFlow);
5. write every user and item vector to new Chroma collections `users_v<N>`, `items_v<N>`;
6. in one transaction: record the run on its row and switch the pointer (one UPDATE: the new
   row becomes ready and current, the previous ready row retired);
7. drop the collections and model files older than the previous version (the previous one
   stays for readers that resolved the pointer just before the switch).

Any failure or interruption before step 6 marks the row failed with the error, drops the
partial collections and model files, and leaves the previous version serving.

Scheduling: `build_scheduler` runs the refresh from a cron line (RECS_REFRESH_CRON) in a child
process (`python -m slice_of_culture.recs train`), so that the process that schedules, often
the web process, never imports TensorFlow. `start_in_app()` starts it in the web process
(RECS_SCHEDULER=app, the default); `python -m slice_of_culture.recs worker` runs it on its
own (production, RECS_SCHEDULER=off in the web process).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import select

from slice_of_culture.config import PROJECT_ROOT, get_settings
from slice_of_culture.db import get_engine, session_scope
from slice_of_culture.locks import refresh_lock
from slice_of_culture.models import RecsModelVersion, utcnow
from slice_of_culture.recs.data import validation_split
from slice_of_culture.recs.evaluate import evaluate_scores
from slice_of_culture.recs.interactions import AppInteractions, read_app_interactions
from slice_of_culture.recs.model import TwoTower, TwoTowerConfig
from slice_of_culture.recs.store import VectorStore
from slice_of_culture.recs.versions import current_version, list_versions, switch_current

__all__ = [
    "build_scheduler",
    "crontab_trigger",
    "current_version",
    "list_versions",
    "load_model",
    "model_dir",
    "refresh",
    "run_refresh_in_child",
    "start_in_app",
    "switch_current",
    "trigger_refresh_now",
]

log = logging.getLogger(__name__)

# The validation split behind the metrics recorded on each version.
VALIDATION_FRACTION = 0.1
VALIDATION_SEED = 0
# The row's error column holds at most this much of the error text.
MAX_ERROR = 2000
SCHEDULER_MODES = ("app", "off")
_STAGES = ("read", "validate", "train", "save", "write vectors", "switch")


def model_dir(version: int, data_dir: Path | None = None) -> Path:
    """Where version N's model files live: <data_dir>/models/v<N>."""
    return Path(data_dir or get_settings().data_dir) / "models" / f"v{int(version)}"


# --- one refresh --------------------------------------------------------------------------


def refresh(
    *,
    trigger: str = "manual",
    config_overrides: dict[str, Any] | None = None,
    progress: bool = True,
    engine: Engine | None = None,
    store: VectorStore | None = None,
    data_dir: Path | str | None = None,
) -> RecsModelVersion | None:
    """Retrain and publish a new model version (see the module docstring for the steps).

    Returns the version's row, `ready` and current on success or `failed` with its error;
    None when another process is refreshing. `engine`, `store` and `data_dir` default to the
    configured ones (tests pass their own). KeyboardInterrupt / SystemExit are re-raised after
    the run is marked failed.
    """
    settings = get_settings()
    engine = engine or get_engine()
    data_dir = Path(data_dir or settings.data_dir)
    with refresh_lock(engine, data_dir) as held:
        if not held:
            log.info("another recommender refresh is running; this one is skipped")
            return None
        # Opened only under the lock: a skipped run never touches the store.
        store = store or VectorStore.from_settings(settings)
        _fail_orphans(engine, store, data_dir)
        config = _config(config_overrides)
        version = _start(engine, trigger, config)
        log.info("recommender refresh: training version %d (%s)", version, trigger)
        try:
            previous = _run(engine, store, data_dir, version, config, progress)
        except BaseException as exc:
            row = _fail(engine, store, data_dir, version, exc)
            if not isinstance(exc, Exception):
                raise
            return row
        _drop_old(engine, store, data_dir, keep={version, previous})
        with session_scope(engine) as session:
            return session.exec(select(RecsModelVersion).where(RecsModelVersion.version == version)).one()


def _config(overrides: dict[str, Any] | None) -> TwoTowerConfig:
    # The app's signal is graded (ratings, unrated, likes): weight positives by it.
    base: dict[str, Any] = {"weighted_positives": True}
    if (epochs := get_settings().recs_epochs) is not None:
        base["epochs"] = epochs
    return TwoTowerConfig(**(base | (overrides or {})))


def _start(engine: Engine, trigger: str, config: TwoTowerConfig) -> int:
    """Insert the `training` row with the next version number; returns the number."""
    with session_scope(engine) as session:
        last = session.exec(select(func.max(RecsModelVersion.version))).one()
        version = int(last or 0) + 1
        session.add(RecsModelVersion(version=version, status="training", trigger=trigger[:20], params=asdict(config)))
    return version


def _run(
    engine: Engine, store: VectorStore, data_dir: Path, version: int, config: TwoTowerConfig, progress: bool
) -> int | None:
    """Steps 3 to 6; returns the version that was current before the switch."""
    from tqdm.auto import tqdm

    started = time.perf_counter()
    bar = tqdm(total=len(_STAGES), desc=f"refresh v{version}", unit="stage", disable=not progress)
    try:
        bar.set_postfix_str("read")
        with session_scope(engine) as session:
            app = read_app_interactions(session)
        data = app.interactions
        if not np.any(data.weights > 0):
            raise ValueError("nothing to train on yet: no finished or in-progress entries, or likes")
        bar.update(1)

        bar.set_postfix_str("validate")
        metrics = _validation_metrics(app, config, progress)
        bar.update(1)

        bar.set_postfix_str("train")
        train_started = time.perf_counter()
        model = TwoTower(config=config, progress=progress).fit(data, item_features=app.item_features)
        train_seconds = time.perf_counter() - train_started
        bar.update(1)

        bar.set_postfix_str("save")
        out = model_dir(version, data_dir)
        model.save(out, metrics=metrics)
        _save_ids(out, app)
        bar.update(1)

        bar.set_postfix_str("write vectors")
        store.write_version(
            version,
            user_ids=app.user_db_ids,
            user_vectors=model.user_vectors,
            user_metadata=[{"discoverable": d} for d in app.user_discoverable],
            item_ids=app.item_db_ids,
            item_vectors=model.item_vectors,
            item_metadata=[{"kind": k} for k in app.item_kinds],
        )
        bar.update(1)

        bar.set_postfix_str("switch")
        with session_scope(engine) as session:
            before = current_version(session)
            previous = before.version if before else None
            session.execute(
                update(RecsModelVersion)
                .where(RecsModelVersion.version == version)  # type: ignore[arg-type]
                .values(
                    finished_at=utcnow(),
                    num_users=data.num_users,
                    num_items=data.num_items,
                    num_interactions=int(np.count_nonzero(data.weights > 0)),
                    train_seconds=round(train_seconds, 2),
                    params=asdict(config),
                    metrics=metrics | {"refresh_seconds": round(time.perf_counter() - started, 2)},
                )
            )
            switch_current(session, version)
        bar.update(1)
    finally:
        bar.close()
    log.info("recommender version %d is current (previous: %s)", version, previous)
    return previous


def _validation_metrics(app: AppInteractions, config: TwoTowerConfig, progress: bool) -> dict[str, float]:
    """Recall@K / NDCG@K of the same configuration on a seeded held-out share of each user's rows."""
    train, validation = validation_split(app.interactions, fraction=VALIDATION_FRACTION, seed=VALIDATION_SEED)
    relevant = validation.positives()
    if relevant.nnz == 0 or not np.any(train.weights > 0):
        log.info("too little data for a validation split; no metrics for this version")
        return {}
    probe = TwoTower(config=config, progress=progress).fit(train, item_features=app.item_features)
    scores = evaluate_scores(probe.scores, seen=train.seen(), relevant=relevant)
    return {name: round(float(value), 4) for name, value in scores.items()}


def _save_ids(out: Path, app: AppInteractions) -> None:
    """Database ids of the model's user and item indices, beside its weights."""
    np.savez(
        out / "ids.npz",
        user_db_ids=np.asarray(app.user_db_ids, dtype=np.int64),
        item_db_ids=np.asarray(app.item_db_ids, dtype=np.int64),
    )


def _fail(engine: Engine, store: VectorStore, data_dir: Path, version: int, exc: BaseException) -> RecsModelVersion:
    """Mark a run failed and remove what it wrote; the previous version keeps serving."""
    with session_scope(engine) as session:
        row = session.exec(select(RecsModelVersion).where(RecsModelVersion.version == version)).one()
        if row.is_current:
            # Interrupted after the switch committed: the run did succeed, nothing to undo.
            log.warning("recommender refresh of version %d interrupted after it became current", version)
            return row
    reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if isinstance(exc, Exception):
        log.error("recommender refresh of version %d failed: %s", version, reason, exc_info=exc)
    else:
        log.error("recommender refresh of version %d interrupted (%s)", version, reason)
        reason = f"interrupted: {reason}"
    _cleanup(store, data_dir, version)
    with session_scope(engine) as session:
        session.execute(
            update(RecsModelVersion)
            .where(RecsModelVersion.version == version)  # type: ignore[arg-type]
            .values(status="failed", is_current=False, finished_at=utcnow(), error=reason[:MAX_ERROR])
        )
        return session.exec(select(RecsModelVersion).where(RecsModelVersion.version == version)).one()


def _cleanup(store: VectorStore, data_dir: Path, version: int) -> None:
    try:
        store.drop_version(version)
    except Exception:
        log.exception("could not drop the collections of version %d", version)
    shutil.rmtree(model_dir(version, data_dir), ignore_errors=True)


def _fail_orphans(engine: Engine, store: VectorStore, data_dir: Path) -> None:
    """Rows still `training` while we hold the lock belong to runs that died (killed, power
    loss): mark them failed and remove their partial vectors."""
    with session_scope(engine) as session:
        orphans = session.exec(select(RecsModelVersion).where(RecsModelVersion.status == "training")).all()
        for row in orphans:
            log.warning("recommender version %d was left training by a run that ended; marking it failed", row.version)
            _cleanup(store, data_dir, row.version)
            row.status = "failed"
            row.finished_at = utcnow()
            row.error = row.error or "interrupted: the process ended before the refresh finished"
            session.add(row)


def _drop_old(engine: Engine, store: VectorStore, data_dir: Path, *, keep: set[int | None]) -> None:
    """Remove vectors and model files of every version but the new and the previous one."""
    try:
        stale = [v for v in store.versions() if v not in keep]
        models = data_dir / "models"
        if models.is_dir():
            stale += [int(p.name[1:]) for p in models.iterdir() if p.name[1:].isdigit() and int(p.name[1:]) not in keep]
        for version in sorted(set(stale)):
            log.info("dropping recommender version %d", version)
            _cleanup(store, data_dir, version)
    except Exception:
        # The new version serves already; leftovers are removed by the next refresh.
        log.exception("could not drop old recommender versions")


# --- serving support ----------------------------------------------------------------------


@lru_cache(maxsize=4)
def _load_model(path: str) -> TwoTower:
    model = TwoTower.load(path)
    ids_file = Path(path) / "ids.npz"
    with np.load(ids_file) as ids:
        model.user_db_ids = ids["user_db_ids"].tolist()  # type: ignore[attr-defined]
        model.item_db_ids = ids["item_db_ids"].tolist()  # type: ignore[attr-defined]
    model.user_index = {u: k for k, u in enumerate(model.user_db_ids)}  # type: ignore[attr-defined]
    model.item_index = {i: k for k, i in enumerate(model.item_db_ids)}  # type: ignore[attr-defined]
    return model


def load_model(version: int, data_dir: Path | str | None = None) -> TwoTower:
    """The saved model of a version (NumPy only, cached per version): fold-in for users new since
    training, content vectors for new items.

    Besides TwoTower's own API it carries the database id maps: `user_db_ids` / `item_db_ids`
    (model index -> db id) and `user_index` / `item_index` (db id -> model index), so
    `model.fold_in([model.item_index[i] for i in item_db_ids if i in model.item_index])`.
    Raises FileNotFoundError when the version's files are gone.
    """
    path = model_dir(version, Path(data_dir) if data_dir else None)
    if not (path / "metadata.json").exists():
        raise FileNotFoundError(f"no saved model for version {version} under {path}")
    return _load_model(str(path))


# --- scheduling ---------------------------------------------------------------------------


def _train_command(trigger: str) -> list[str]:
    return [sys.executable, "-m", "slice_of_culture.recs", "train", "--trigger", trigger, "--no-progress"]


def run_refresh_in_child(trigger: str = "schedule") -> int:
    """Run one refresh in a child process and wait for it; returns its exit code.

    The child imports TensorFlow; the caller (web process or worker) never does.
    """
    started = time.perf_counter()
    log.info("recommender refresh (%s) starting in a child process", trigger)
    code = subprocess.run(_train_command(trigger), cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, check=False).returncode
    log.log(
        logging.INFO if code == 0 else logging.ERROR,
        "recommender refresh (%s) child exited with %d after %.1f s",
        trigger,
        code,
        time.perf_counter() - started,
    )
    return code


def trigger_refresh_now(trigger: str = "admin") -> subprocess.Popen[bytes]:
    """Start a refresh in a child process and return at once (the admin page's button).

    If a refresh is already running, the child finds the lock taken and exits quickly.
    """
    child = subprocess.Popen(_train_command(trigger), cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL)
    # Reap the child when it ends, so it does not linger as a zombie of the web process.
    threading.Thread(target=child.wait, name="recs-refresh-reaper", daemon=True).start()
    log.info("recommender refresh (%s) started in child process %d", trigger, child.pid)
    return child


# Crontab weekday numbers: 0 and 7 are Sunday.
_CRONTAB_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _crontab_weekdays(field: str) -> str:
    """A crontab weekday field with numbers spelled as names.

    APScheduler 3 counts weekdays from Monday = 0 (crontab: Sunday = 0), even in
    `CronTrigger.from_crontab`, so "0 3 * * 1" would run on Tuesdays; names mean the same to both.
    """
    parts = []
    for part in field.split(","):
        if part == "*" or any(ch.isalpha() for ch in part):
            parts.append(part)
            continue
        span, _, step = part.partition("/")
        if span == "*":
            low, high = 0, 6
        elif "-" in span:
            low, high = (int(x) for x in span.split("-", 1))
        else:
            low = int(span)
            high = 6 if step else low
        if not 0 <= low <= high <= 7:
            raise ValueError(f"weekday {part!r} is outside 0-7")
        parts += [_CRONTAB_DAYS[d] for d in range(low, high + 1, int(step or 1))]
    return ",".join(dict.fromkeys(parts))


def crontab_trigger(line: str, setting: str = "RECS_REFRESH_CRON") -> Any:
    """An APScheduler CronTrigger for a crontab line (minute hour day month weekday); errors
    name the `setting` it came from."""
    from apscheduler.triggers.cron import CronTrigger

    fields = line.split()
    if len(fields) != 5:
        raise ValueError(f"{setting}={line!r}: expected 5 fields (minute hour day month weekday)")
    try:
        return CronTrigger(
            minute=fields[0], hour=fields[1], day=fields[2], month=fields[3], day_of_week=_crontab_weekdays(fields[4])
        )
    except ValueError as exc:
        raise ValueError(f"{setting}={line!r} is not a crontab line (e.g. '0 3 * * *'): {exc}") from exc


def build_scheduler(blocking: bool) -> Any:
    """An APScheduler with the refresh job on RECS_REFRESH_CRON (not started).

    blocking=True: a BlockingScheduler for the worker process; False: a BackgroundScheduler
    for the web process. Missed runs collapse into one (coalesce) and never overlap.
    """
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    trigger = crontab_trigger(get_settings().recs_refresh_cron)
    scheduler = BlockingScheduler() if blocking else BackgroundScheduler(daemon=True)
    scheduler.add_job(
        run_refresh_in_child,
        trigger,
        kwargs={"trigger": "schedule"},
        id="recs-refresh",
        name="recommender refresh",
        coalesce=True,
        max_instances=1,
        # A run missed while the process was down still happens if it comes back within an hour.
        misfire_grace_time=3600,
        replace_existing=True,
    )
    return scheduler


_app_scheduler: Any = None
_app_scheduler_lock = threading.Lock()


def start_in_app() -> Any:
    """Start the background scheduler in the web process when RECS_SCHEDULER=app (the default).

    Returns the running scheduler, or None when RECS_SCHEDULER=off. Safe to call more than once.
    With several web workers each runs one; the refresh lock makes only one of them train.
    """
    global _app_scheduler
    mode = get_settings().recs_scheduler
    if mode not in SCHEDULER_MODES:
        raise ValueError(f"RECS_SCHEDULER={mode!r}; expected one of {', '.join(SCHEDULER_MODES)}")
    if mode != "app":
        return None
    with _app_scheduler_lock:
        if _app_scheduler is None:
            _app_scheduler = build_scheduler(blocking=False)
            _app_scheduler.start()
            log.info("recommender refresh scheduled in the app process: %s", get_settings().recs_refresh_cron)
        return _app_scheduler
