"""Two workers start `python -m slice_of_culture.recs train` at the same moment on one database:
exactly one trains, the other finds the lock taken and returns at once. PostgreSQL uses an
advisory lock, SQLite a file lock under the data directory."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from slice_of_culture.config import PROJECT_ROOT
from slice_of_culture.locks import refresh_lock
from slice_of_culture.recs.jobs import list_versions
from tests.recs.app_data import make_planted_app


def _env(engine: Engine, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMA_URL", "RECS_EPOCHS")}
    return env | {
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "SOC_DATA_DIR": str(data_dir),
        "RECS_SCHEDULER": "off",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }


def test_two_workers_one_refresh(engine: Engine, session: Session, tmp_path: Path) -> None:
    make_planted_app(session)
    env = _env(engine, tmp_path)
    command = [sys.executable, "-m", "slice_of_culture.recs", "train", "--trigger", "worker", "--epochs", "3"]
    started = time.monotonic()
    workers = [
        subprocess.Popen(
            [*command, "--no-progress"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    finished: dict[int, float] = {}
    while len(finished) < 2:
        for k, worker in enumerate(workers):
            if k not in finished and worker.poll() is not None:
                finished[k] = time.monotonic() - started
        time.sleep(0.02)
    outputs = [worker.communicate(timeout=5) for worker in workers]
    codes = [worker.returncode for worker in workers]
    assert codes == [0, 0], outputs
    texts = [out.decode() for out, _ in outputs]
    trained = [k for k, text in enumerate(texts) if "version 1 is current" in text]
    skipped = [k for k, text in enumerate(texts) if "another refresh is running" in text]
    assert len(trained) == 1 and len(skipped) == 1, texts
    # the skipped one returned while the other was still training
    assert finished[skipped[0]] < finished[trained[0]]
    with Session(engine) as s:
        assert [(row.version, row.status, row.is_current) for row in list_versions(s)] == [(1, "ready", True)]

    if engine.dialect.name == "sqlite":
        _web_side_reads_without_tensorflow(env)


def _web_side_reads_without_tensorflow(env: dict[str, str]) -> None:
    """What the web process does with a published version: pointer, Chroma, saved model; no TensorFlow."""
    script = textwrap.dedent(
        """
        import sys
        from slice_of_culture.db import session_scope
        from slice_of_culture.recs import jobs
        from slice_of_culture.recs.store import VectorStore
        with session_scope() as session:
            version = jobs.current_version(session).version
        model = jobs.load_model(version)
        vector = model.fold_in([0, 1])
        found = VectorStore.from_settings().query_items(version, vector, n=3)
        assert len(found) == 3, found
        assert "tensorflow" not in sys.modules, "the serving side imported TensorFlow"
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_the_lock_is_not_reentrant_within_a_process(engine: Engine, tmp_path: Path) -> None:
    with refresh_lock(engine, tmp_path) as first:
        assert first is True
        with refresh_lock(engine, tmp_path) as second:
            assert second is False
    with refresh_lock(engine, tmp_path) as again:
        assert again is True
