"""Browser tests: the real app (`reflex run --env prod`) on a fresh SQLite database, driven by
Playwright in Debian's Chromium. Where CI=true they never skip."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from slice_of_culture.config import PROJECT_ROOT
from tests.conftest import IN_CI
from tests.utils.db import create_pg_database, drop_pg_database, migrate, pg_available, pg_url, sqlite_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Building the production frontend on 2 cores takes a minute or two.
START_TIMEOUT = 420


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _need(condition: bool, why: str) -> None:
    if not condition:
        if IN_CI:
            pytest.fail(f"{why}, and CI=true forbids skipping browser tests")
        pytest.skip(why)


class RunningApp:
    """The app under test: its URL, its database URL and its log."""

    def __init__(self, url: str, database_url: str, log: Path, data_dir: Path) -> None:
        self.url = url
        self.database_url = database_url
        self.log = log
        # The app's SOC_DATA_DIR: its embedded Chroma and saved models live here.
        self.data_dir = data_dir


def start_app(
    data_dir: Path, *, database_url: str | None = None, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, RunningApp]:
    port = _free_port()
    database_url = database_url or sqlite_url(data_dir / "slice_of_culture.db")
    migrate(database_url)
    env = {
        **os.environ,
        "SOC_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "BACKEND_PORT": str(port),
        "REFLEX_USE_SYSTEM_BUN": "1",
        "PATH": f"{PROJECT_ROOT / '.tools/node_modules/.bin'}:{PROJECT_ROOT / '.venv/bin'}:{os.environ['PATH']}",
        "TELEMETRY_ENABLED": "false",
        **(extra_env or {}),
    }
    env.pop("API_URL", None)
    log = data_dir / "app.log"
    proc = subprocess.Popen(
        [str(PROJECT_ROOT / ".venv/bin/reflex"), "run", "--env", "prod"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/ping", timeout=2) as r, urllib.request.urlopen(url, timeout=2) as r2:
                if r.status == 200 and r2.status == 200:
                    return proc, RunningApp(url, database_url, log, data_dir)
        except OSError:
            time.sleep(1)
    stop_app(proc)
    raise RuntimeError(f"app did not start in {START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


def stop_app(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The app on a fresh database of each kind (one at a time: pytest finishes one before the next)."""
    _need(Path(CHROMIUM).exists(), "Chromium is not installed (make test installs it)")
    _need(shutil.which("bun", path=str(PROJECT_ROOT / ".tools/node_modules/.bin")) is not None, "bun is missing")
    pg_name = None
    database_url = None
    if request.param == "postgresql":
        _need(pg_available(), "PostgreSQL is not reachable on 127.0.0.1:5432")
        pg_name = create_pg_database()
        database_url = pg_url(pg_name)
    proc, running = start_app(tmp_path_factory.mktemp("app"), database_url=database_url)
    yield running
    stop_app(proc)
    if pg_name:
        drop_pg_database(pg_name)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    _need(Path(CHROMIUM).exists(), "Chromium is not installed (make test installs it)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, app):
    """Open pages in fresh browser contexts (separate cookies = separate people)."""
    contexts = []

    def _open(path: str = "/", viewport: dict | None = None):
        context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(app.url + path)
        return page

    yield _open
    for context in contexts:
        context.close()
