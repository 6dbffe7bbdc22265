"""One run of a scheduled job at a time across every process that shares the database (the
recommender refresh, the notification digests: APScheduler itself does not guard this).

On PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a dedicated
connection held for the whole run; the server releases it if the process dies, so a crashed
run never blocks the next one. On SQLite: a file lock (filelock) under the data directory,
released by the OS when the process dies. Neither waits: a second run gives up at once. Each job locks its own name.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


def advisory_key(name: str) -> int:
    """A fixed 32-bit key for pg_try_advisory_lock(bigint), derived from the job's name so that it reads as one."""
    return zlib.crc32(f"slice_of_culture.{name}".encode())


@contextmanager
def job_lock(engine: Engine, data_dir: Path, name: str) -> Iterator[bool]:
    """Yield True while holding the lock of job `name`, or False at once when someone else holds it."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, advisory_key(name)) as held:
            yield held
    else:
        with _file_lock(Path(data_dir) / f"{name}.lock") as held:
            yield held


@contextmanager
def refresh_lock(engine: Engine, data_dir: Path) -> Iterator[bool]:
    """The recommender refresh's lock (`job_lock` "recs.refresh")."""
    with job_lock(engine, data_dir, "recs.refresh") as held:
        yield held


@contextmanager
def _advisory_lock(engine: Engine, key: int) -> Iterator[bool]:
    # Autocommit: the lock belongs to the connection, and a transaction left open for a whole
    # training run would hold back vacuum.
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
        if not held:
            yield False
            return
        try:
            yield True
        finally:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            except Exception:
                log.exception("could not release the refresh lock; closing its connection releases it")
    finally:
        # Never hand a connection that may still hold the lock back to the pool.
        conn.invalidate()
        conn.close()


@contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
