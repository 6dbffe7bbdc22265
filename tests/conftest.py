"""Fixtures: every service test runs on SQLite and on a real PostgreSQL.

Each test gets a fresh, fully migrated database: SQLite copies a migrated template file,
PostgreSQL creates a database from a migrated template database. Where CI=true, a missing
PostgreSQL is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from slice_of_culture import mail
from slice_of_culture.config import get_settings
from slice_of_culture.db import make_engine
from slice_of_culture.services import accounts
from tests.utils.db import create_pg_database, drop_pg_database, migrate, pg_available, pg_url, sqlite_url

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_xdist_make_scheduler(config: pytest.Config, log):  # noqa: ANN001, ANN201
    """`make test` runs two pytest workers (pytest-xdist). Every browser test goes to one of them,
    in order, while the other takes the database tests module by module: two apps must never start
    at once, since each `reflex run --env prod` rebuilds the one `.web/build` the other serves.
    (xdist's own `--dist loadgroup` cannot group with pytest 9: it renames items through a field
    pytest no longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "browser" if nodeid.startswith("tests/browser/") else nodeid.split("::", 1)[0]

    return BrowserTestsTogether(config, log)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the real app in Chromium")
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL server")


# argon2id at the lowest cost it takes: about 1 ms a hash instead of 0.12 s. At the production
# cost the service and API tests' ~1,200 hashes and ~250 checks were 45% of their time (183 s of
# 417 s); what those tests prove does not depend on the cost. The app the browser tests start
# hashes at the production cost, and test_accounts checks that cost (PRODUCTION_PASSWORDS).
CHEAP_ARGON2 = {"memory_cost": 8, "rounds": 1, "parallelism": 1}
PRODUCTION_PASSWORDS = accounts._pwd


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        cheap = accounts.password_context(CHEAP_ARGON2)
        patch.setattr(accounts, "_pwd", cheap)
        patch.setattr(accounts, "_DUMMY_HASH", cheap.hash("not-a-real-password"))
        yield


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    migrate(sqlite_url(path))
    return path


class PgDatabases:
    """Fresh databases from the migrated template, for one test each.

    Creating one from the template and dropping it cost 0.2–0.4 s a test, on the server's side.
    One background thread does both: it makes the next database while the current test runs, and
    drops the used ones behind (one thread, so the server never copies the template twice at once)."""

    def __init__(self, template: str) -> None:
        self.template = template
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-test-databases")
        self._next = self._worker.submit(create_pg_database, template=template)
        self._drops: list[Future] = []

    def take(self) -> str:
        name = self._next.result()
        self._next = self._worker.submit(create_pg_database, template=self.template)
        return name

    def give_back(self, name: str) -> None:
        self._drops.append(self._worker.submit(drop_pg_database, name))

    def close(self) -> None:
        self.give_back(self._next.result())
        self._worker.shutdown(wait=True)
        for dropped in self._drops:
            dropped.result()  # a database left behind fails the run here, not silently


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not pg_available():
        if IN_CI:
            pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432, and CI=true forbids skipping")
        pytest.skip("PostgreSQL not reachable")
    name = create_pg_database()
    migrate(pg_url(name))
    yield name
    drop_pg_database(name)


@pytest.fixture(scope="session")
def pg_databases(pg_template: str) -> Iterator[PgDatabases]:
    databases = PgDatabases(pg_template)
    yield databases
    databases.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """A fresh migrated database of each kind."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copy(template, path)
        eng = make_engine(sqlite_url(path))
        yield eng
        eng.dispose()
    else:
        databases = request.getfixturevalue("pg_databases")
        name = databases.take()
        eng = make_engine(pg_url(name))
        yield eng
        eng.dispose()
        databases.give_back(name)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the fresh database; tests commit when they mean to."""
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def outbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Mail goes into a fresh outbox folder (as without SMTP_URL); the folder (read it with
    tests.utils.mailbox.sent_mails)."""
    settings = replace(get_settings(), data_dir=tmp_path, smtp_url="")
    monkeypatch.setattr(mail, "get_settings", lambda: settings)
    return settings.outbox_path


@pytest.fixture
def refusing_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mail goes over SMTP to a local port nothing listens on: every send is refused for real
    (MailNotSent), as when the mail server is down."""
    settings = replace(get_settings(), smtp_url="smtp://127.0.0.1:9")
    monkeypatch.setattr(mail, "get_settings", lambda: settings)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001, ARG001
    """Say how many tests ran on each real backend, so a silent skip cannot pass unnoticed."""
    groups = {"PostgreSQL": "postgresql", "SQLite": "sqlite", "browser (Chromium)": "tests/browser/"}
    lines = []
    for label, marker in groups.items():
        counts = {
            outcome: sum(1 for r in terminalreporter.stats.get(outcome, []) if marker in getattr(r, "nodeid", ""))
            for outcome in ("passed", "failed", "skipped", "error")
        }
        lines.append(f"{label}: " + ", ".join(f"{n} {k}" for k, n in counts.items() if n or k == "passed"))
    terminalreporter.write_sep("-", "real backends")
    for line in lines:
        terminalreporter.write_line(line)
