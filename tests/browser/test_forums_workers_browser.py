"""Forums across several backend workers sharing state through Redis (issue 4).

The app runs with REDIS_URL (a Redis database of its own, flushed before and after) and
WEB_WORKERS=3 on PostgreSQL. Browsers are opened until three of them talk to three different
workers (each room page carries its worker's id in a hidden element); every message must reach
every browser. Then every worker is restarted (granian's rolling restart on SIGHUP) and Redis is
emptied, so nothing is left but the database: the history must come back from it, and live
chat must work again.
"""

from __future__ import annotations

import os
import re
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from slice_of_culture.db import make_engine, session_scope
from slice_of_culture.services import accounts
from tests.browser.conftest import _need, start_app, stop_app
from tests.utils.db import create_pg_database, drop_pg_database, pg_available, pg_url

pytestmark = pytest.mark.browser

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A Redis database of the test's own (0 is what people run the app on).
REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "13"))
WORKERS = 3


def _redis():
    import redis

    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_connect_timeout=3)


def _redis_available() -> bool:
    try:
        return bool(_redis().ping())
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


@dataclass
class WorkersApp:
    """The running app and its supervisor process (the one that restarts workers on SIGHUP)."""

    url: str
    database_url: str
    pid: int


@pytest.fixture(scope="module")
def workers_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkersApp]:
    _need(_redis_available(), f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT}")
    _need(pg_available(), "PostgreSQL is not reachable on 127.0.0.1:5432")
    _redis().flushdb()
    pg_name = create_pg_database()
    proc, running = start_app(
        tmp_path_factory.mktemp("workers"),
        database_url=pg_url(pg_name),
        extra_env={"REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}", "WEB_WORKERS": str(WORKERS)},
    )
    try:
        yield WorkersApp(url=running.url, database_url=running.database_url, pid=proc.pid)
    finally:
        stop_app(proc)
        drop_pg_database(pg_name)
        _redis().flushdb()


# Empty the test's Redis database, but only at a moment when no event holds a state lock, in one
# atomic step. FLUSHDB sends no keyspace notification for the keys it drops, so a lock dropped
# while held (browsers reconnect and re-run on_load right after the restart) is never announced
# as released: Reflex's waiters on it would sleep for the whole lock expiration (10 s) first.
_FLUSH_WHEN_NO_LOCK = """
if #redis.call('KEYS', '*_lock') > 0 then return 0 end
redis.call('FLUSHDB')
return 1
"""


def _flush_redis_when_no_lock_is_held(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not _redis().eval(_FLUSH_WHEN_NO_LOCK, 0):
        assert time.monotonic() < deadline, f"some Reflex state lock was held for {timeout} s on end"
        time.sleep(0.05)


def _logged_in_page(browser, app: WorkersApp) -> Page:  # noqa: ANN001
    """A new person, logged in by a session made in the database (fast), in a context of their own."""
    name = f"w_{uuid.uuid4().hex[:8]}"
    engine = make_engine(app.database_url)
    try:
        with session_scope(engine) as session:
            user = accounts.create_user(
                session=session, username=name, email=f"{name}@example.com", password="a-long-enough-password"
            )
            token = accounts.create_session(session=session, user=user)
    finally:
        engine.dispose()
    context = browser.new_context()
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "soc_session", "value": token, "url": app.url}])
    return context.new_page()


def _workers(supervisor: int) -> set[int]:
    """The supervisor's worker processes (Linux /proc)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


def _open_room(page: Page, url: str) -> str:
    page.goto(url)
    expect(page.get_by_label("Message")).to_be_editable()
    worker = page.get_by_test_id("worker-id")
    expect(worker).not_to_have_text("")
    return worker.text_content() or ""


def _send(page: Page, text: str) -> None:
    page.get_by_label("Message").fill(text)
    page.get_by_label("Message").press("Enter")


def _expect_all(pages: list[Page], texts: list[str], timeout: int = 5_000) -> None:
    for page in pages:
        log = page.get_by_role("log", name="Conversation")
        for text in texts:
            expect(log.get_by_text(text)).to_be_visible(timeout=timeout)


def test_messages_reach_browsers_on_every_worker_and_survive_a_restart(browser, workers_app: WorkersApp) -> None:
    room = workers_app.url + "/forums/movies"
    # Someone watching the forums list, on whichever worker they land: it follows the room live.
    lobby = _logged_in_page(browser, workers_app)
    lobby.goto(workers_app.url + "/forums")
    movies = lobby.get_by_test_id("forum-row").filter(has=lobby.get_by_role("heading", name="Movies"))
    expect(movies).to_be_visible()
    by_worker: dict[str, Page] = {}
    extra: list[Page] = []
    # The kernel spreads new websockets over the workers; open browsers until all three are used.
    for _ in range(20):
        page = _logged_in_page(browser, workers_app)
        worker = _open_room(page, room)
        if worker in by_worker:
            extra.append(page)
        else:
            by_worker[worker] = page
        if len(by_worker) == WORKERS:
            break
    assert len(by_worker) == WORKERS, f"browsers landed on {len(by_worker)} workers only"
    pages = list(by_worker.values()) + extra

    texts = []
    for i, page in enumerate(by_worker.values()):
        texts.append(f"from worker {i} {uuid.uuid4().hex[:6]}")
        _send(page, texts[-1])
    _expect_all(pages, texts)
    # Joins and messages on all three workers reached the list (one person per browser).
    expect(movies.get_by_text(f"{len(pages)} here now")).to_be_visible()
    expect(movies).to_contain_text(re.compile("|".join(texts)))

    # Restart every worker, one after another, and empty Redis: only the database remains.
    before = _workers(workers_app.pid)
    assert len(before) == WORKERS
    os.kill(workers_app.pid, signal.SIGHUP)
    deadline = time.monotonic() + 90
    while (before & _workers(workers_app.pid)) or len(_workers(workers_app.pid)) < WORKERS:
        assert time.monotonic() < deadline, "the workers did not restart within 90 s"
        time.sleep(0.5)
    _flush_redis_when_no_lock_is_held()
    probe = _logged_in_page(browser, workers_app)
    assert _open_room(probe, room) not in by_worker

    # Freshly started workers may still be importing the app when the first reloads arrive.
    for page in pages + [probe]:
        page.reload()
        expect(page.get_by_label("Message")).to_be_editable(timeout=30_000)
    _expect_all(pages + [probe], texts, timeout=15_000)
    # Live again, across whatever workers the browsers reconnected to.
    after = f"after the restart {uuid.uuid4().hex[:6]}"
    _send(probe, after)
    _expect_all(pages, [after])
