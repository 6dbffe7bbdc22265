"""Database engine and the one way the app opens a transaction.

SQLite is the embedded default and PostgreSQL the production database; the same models,
migrations and services run on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from slice_of_culture.config import get_settings
from slice_of_culture.text import fold


def normalize_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _search_fold(value: str | None) -> str | None:
    return None if value is None else fold(value)


def make_engine(url: str) -> Engine:
    """An engine with the settings each backend needs (SQLite: FKs on, WAL, busy timeout)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
            # PostgreSQL's search_fold (catalog-search migration), for queries that serve both.
            dbapi_conn.create_function("search_fold", 1, _search_fold, deterministic=True)

        return engine
    # JIT off: our queries are short and indexed; PostgreSQL's JIT kicked in on the For you
    # query over heavy users' entries and spent ~7 ms compiling for a 40 ms query.
    connect_args = {"options": "-c jit=off"} if url.startswith("postgresql") else {}
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect_args)


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for the configured database."""
    return make_engine(url or get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One user action, one transaction: commit on success, roll back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
