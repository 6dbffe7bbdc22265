"""Feed, profile and search query benchmark on PostgreSQL at 100k people and 1M entries.

Usage:
    .venv/bin/python -m bench.feed_bench [--users 100000 --items 200000 --entries 1000000
                                          --follows 2000000 --likes 3000000 --comments 300000
                                          --blocks 20000] [--keep] [--regenerate]

It creates the database `soc_bench` (next to the admin database named by BENCH_PG_ADMIN_URL,
default postgresql://postgres@127.0.0.1:5432/postgres), applies our alembic migrations, fills it
with COPY (`bench/feed_data.py`), then times the real service functions over 1,000 random
users / queries, runs EXPLAIN (ANALYZE, BUFFERS) on one representative call of each, and
writes a dated run to the "Feed, profile and search queries (PostgreSQL)" section of
`bench/RESULTS.md` (newest first).

Every postcard page also counts each postcard's likes and comments and whether the viewer liked
it, leaving out people blocked either way (`postcards._social_counts_statement`), and every feed
leaves out blocked owners: so the data has likes, comments and blocks, one viewer in ten sampled
for the feeds and profiles has blocks (a few of them by the thousand), and one row pages through
the profiles whose newest postcards are the most discussed. Three rows read the profiles of the
most followed people: the header's counts and the followers list, first page and 20 pages deep.

Reuse: the database comment records the sizes, seed and generator version it was built from.
With `--keep` the database stays after the run and the next run with the same sizes and seed
reuses it (it only applies new migrations and re-analyzes), skipping generation (about 2 minutes
here). Most of a run (about 7 minutes on 2 cores, with the data reused) is walking 1,000 following feeds 49 pages
deep; `--samples` / `--deep-samples` make a quick run. `--regenerate` rebuilds the data anyway.
Without `--keep` the database is dropped at the end (it takes about 600 MB).

The goal (issue 3) is p95 <= 15 ms per query; this script reports, it never fails on a miss.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import psycopg
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session
from tqdm import tqdm

from alembic import command
from bench.feed_data import FEED_SIZES, Generator, Signature, Sizes
from bench.results import RESULTS, add_run
from slice_of_culture.config import PROJECT_ROOT
from slice_of_culture.db import make_engine

ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SECTION = "## Feed, profile and search queries (PostgreSQL)"
# Issue 3: every query's p95 at most this many milliseconds.
GOAL_P95_MS = 15.0
PAGE = 20
# "A page 50 deep": walk 49 pages by cursor (untimed), then time the 50th.
DEEP_PAGE = 50
# Untimed calls per query before measuring, so caches and the connection pool are warm.
WARMUP = 50
# Every BLOCKER_EVERY-th sampled feed or profile viewer is swapped for someone with blocks, so the
# NOT IN (hidden people) subplans are measured non-empty, not only on the few drawn by chance.
BLOCKER_EVERY = 10
# "Has blocks" for that swap: at least this many people hidden by a block either way.
BLOCKER_MIN = 5
# The much-discussed profiles: owners whose newest postcards have the most likes and comments.
HOT_OWNERS = 20
# The much-followed: the profiles whose header counts and followers lists read the most rows.
FAMOUS = 20
# "Deep in a followers list": the page reached after walking this many pages by cursor.
DEEP_PEOPLE_PAGE = 20
FAMOUS_SQL = """
SELECT f.followee_id, u.username, count(*) AS followers
FROM follow f JOIN "user" u ON u.id = f.followee_id
WHERE u.is_active
GROUP BY f.followee_id, u.username
ORDER BY count(*) DESC, f.followee_id LIMIT %(limit)s
"""
# Owners of the most liked entries, ranked by the likes and comments on their newest public
# postcards (what the first page of their profile shows).
HOT_OWNERS_SQL = f"""
WITH hot AS (SELECT entry_id FROM "like" GROUP BY entry_id ORDER BY count(*) DESC LIMIT 2000),
owners AS (SELECT DISTINCT e.user_id FROM entry e JOIN hot ON hot.entry_id = e.id),
newest AS (
    SELECT n.id, o.user_id FROM owners o CROSS JOIN LATERAL (
        SELECT id FROM entry WHERE user_id = o.user_id AND visibility = 'public'
        ORDER BY created_at DESC, id DESC LIMIT {PAGE}) n
)
SELECT user_id, likes, comments FROM (
    SELECT user_id,
           sum((SELECT count(*) FROM "like" l WHERE l.entry_id = newest.id)) AS likes,
           sum((SELECT count(*) FROM comment c WHERE c.entry_id = newest.id)) AS comments
    FROM newest GROUP BY user_id
) AS talk ORDER BY likes + comments DESC, user_id LIMIT %(limit)s
"""


# Database lifecycle ---------------------------------------------------------------------------


def db_url(name: str, *, driver: bool = False) -> str:
    url = f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if driver else url


def database_comment(name: str) -> str | None:
    """The comment on database `name`, or None when the database does not exist."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
    return None if row is None else row[0]


def recreate_database(name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(name: str) -> None:
    """Apply our alembic migrations to head, as `slice_of_culture.manage migrate` does."""
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = db_url(name, driver=True)
    cfg.attributes["skip_logging"] = True
    command.upgrade(cfg, "head")


def prepare(name: str, signature: Signature, *, regenerate: bool) -> dict[str, Any]:
    """A migrated database holding the data `signature` describes; returns generation timings."""
    stored = database_comment(name)
    previous = json.loads(stored) if stored else {}
    if not regenerate and stored is not None and Signature.from_text(stored) == signature:
        print(f"Reusing database {name} (same sizes, seed and generator); applying new migrations, if any.")
        migrate(name)
        with psycopg.connect(db_url(name), autocommit=True) as conn:
            started = time.perf_counter()
            conn.execute("ANALYZE")  # new indexes on expressions need statistics
        print(f"ANALYZE {time.perf_counter() - started:.1f} s")
        return previous.get("timings", {}) | {"reused": True}

    print(f"Creating database {name} and generating {signature.sizes} with seed {signature.seed}.")
    started = time.perf_counter()
    recreate_database(name)
    migrate(name)
    timings: dict[str, float] = {"migrate": time.perf_counter() - started}
    with psycopg.connect(db_url(name)) as conn:
        Generator(conn=conn, sizes=signature.sizes, seed=signature.seed).run(
            lambda step, seconds: timings.__setitem__(step, seconds)
        )
    with psycopg.connect(db_url(name), autocommit=True) as conn:
        step = time.perf_counter()
        print("VACUUM ANALYZE ...", flush=True)
        conn.execute("VACUUM ANALYZE")
        timings["vacuum_analyze"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    comment = json.loads(signature.to_text()) | {"timings": {k: round(v, 1) for k, v in timings.items()}}
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{json.dumps(comment)}'")
    print("Generated in " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    return {k: round(v, 1) for k, v in timings.items()} | {"reused": False}


# Measuring ------------------------------------------------------------------------------------


@dataclass
class Statement:
    sql: str
    parameters: Any


class Recorder:
    """Grabs the SQL a service call sends, to EXPLAIN it afterwards and count statements."""

    def __init__(self, engine: Engine) -> None:
        self.statements: list[Statement] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, parameters, _context, _executemany) -> None:  # noqa: ANN001
        if self.on:
            self.statements.append(Statement(statement, parameters))

    def capture(self, call: Callable[[], Any]) -> list[Statement]:
        self.statements, self.on = [], True
        try:
            call()
        finally:
            self.on = False
        return self.statements


@dataclass
class Measurement:
    """Timings of one query over many calls, plus the inputs of each call for EXPLAIN."""

    name: str
    description: str
    times_ms: list[float] = field(default_factory=list)
    calls: list[Callable[[Session], Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plans: list[tuple[str, list[str]]] = field(default_factory=list)
    statements_per_call: int = 0
    skipped: str = ""
    # Calls EXPLAINed besides the median (and p95) one, e.g. the hottest page.
    also_explain: list[tuple[str, Callable[[Session], Any]]] = field(default_factory=list)
    # Over the timed calls' postcards: how many were shown, their likes and comments.
    postcards: int = 0
    likes: int = 0
    comments: int = 0
    most_likes: int = 0
    most_comments: int = 0

    def add(self, ms: float, call: Callable[[Session], Any], result: Any = None) -> None:
        self.times_ms.append(ms)
        self.calls.append(call)
        for card in getattr(result, "postcards", None) or []:
            self.postcards += 1
            self.likes += card.like_count
            self.comments += card.comment_count
            self.most_likes = max(self.most_likes, card.like_count)
            self.most_comments = max(self.most_comments, card.comment_count)

    def social_text(self) -> str:
        """Mean likes / comments per shown postcard ("" when the call shows none, e.g. search)."""
        if not self.postcards:
            return ""
        return f"{self.likes / self.postcards:.1f} / {self.comments / self.postcards:.1f}"

    def pct(self, q: float) -> float:
        return float(np.percentile(self.times_ms, q)) if self.times_ms else float("nan")

    def call_near(self, q: float) -> Callable[[Session], Any]:
        """The call whose time is closest to the q-th percentile: a representative to EXPLAIN."""
        target = self.pct(q)
        return self.calls[int(np.argmin([abs(t - target) for t in self.times_ms]))]


def timed(engine: Engine, call: Callable[[Session], Any]) -> tuple[float, Any]:
    """Milliseconds around the service call alone (the session is opened and closed outside)."""
    with Session(engine) as session:
        started = time.perf_counter()
        result = call(session)
        elapsed = (time.perf_counter() - started) * 1000
        session.rollback()
    return elapsed, result


def untimed(engine: Engine, call: Callable[[Session], Any]) -> Any:
    return timed(engine, call)[1]


@dataclass(frozen=True)
class Query:
    kind_of_query: str
    text: str
    kind: str | None = None


def search_queries(titles: list[tuple[str, str]], rng: np.random.Generator, count: int) -> list[Query]:
    """Search strings as people type them, labelled by class: 35% one word, 25% two words, 20%
    prefix (typing in progress: an optional whole word, then the start of another), 15% one typo,
    5% a creator's name. The SQLite search bench draws the same ones."""
    out: list[Query] = []
    for title, creator in titles:
        tokens = [t for t in re.findall(r"[A-Za-z]+", title) if len(t) >= 3 and t.lower() not in {"the", "and"}]
        if not tokens:
            continue
        roll = rng.random()
        word = tokens[int(rng.integers(len(tokens)))].lower()
        if roll < 0.35:
            query = Query("one word", word)
        elif roll < 0.60 and len(tokens) >= 2:
            a, b = rng.choice(len(tokens), 2, replace=False)
            query = Query("two words", f"{tokens[a]} {tokens[b]}".lower())
        elif roll < 0.80:
            prefix = word[: int(rng.integers(3, max(4, len(word))))]
            two = len(tokens) >= 2 and rng.random() < 0.5
            query = Query("prefix", f"{tokens[0].lower()} {prefix}" if two else prefix)
        elif roll < 0.95 and len(word) >= 5:
            query = Query("typo", typo(word, rng))
        else:
            query = Query("creator", creator.split()[-1].lower() if creator else word)
        out.append(query)
        if len(out) == count:
            break
    return out


PEOPLE_CLASSES = ("full name", "first name", "@username", "last name, 3 letters")


def people_search_queries(users: Sequence[tuple[int, str, str]], rng: np.random.Generator, count: int) -> list[Query]:
    """Names as people type them, labelled by class: 40% a full display name, 25% a first name
    alone (shared by thousands), 20% a whole @username, 15% the first three letters of a last
    name. `users` are (user_id, username, display_name) rows; `count` of them are picked at
    random (inactive ones included), then one draw per pick chooses the class. The SQLite people
    bench draws the same ones."""
    picks = rng.choice(len(users), count)
    out: list[Query] = []
    for index, draw in zip(picks, rng.random(count), strict=True):
        _, username, display = users[int(index)]
        first, _, last = display.partition(" ")
        if draw < 0.40:
            out.append(Query(PEOPLE_CLASSES[0], display))
        elif draw < 0.65:
            out.append(Query(PEOPLE_CLASSES[1], first))
        elif draw < 0.85:
            out.append(Query(PEOPLE_CLASSES[2], "@" + username))
        else:
            out.append(Query(PEOPLE_CLASSES[3], last[:3]))
    return out


class Bench:
    """Samples inputs from the generated data and measures each query."""

    def __init__(self, *, engine: Engine, samples: int, deep_samples: int, seed: int) -> None:
        self.engine = engine
        self.samples = samples
        self.deep_samples = deep_samples
        self.warmup = min(WARMUP, samples)
        self.rng = np.random.default_rng(seed + 1)
        # Blockers swapped into the samples and the hot profiles come from streams of their own,
        # so the draws above stay as they were before blocks existed.
        self.block_rng = np.random.default_rng(seed + 2)
        self.hot_rng = np.random.default_rng(seed + 3)
        self.famous_rng = np.random.default_rng(seed + 4)
        self.recorder = Recorder(engine)
        with psycopg.connect(engine.url.render_as_string(hide_password=False).replace("+psycopg", "")) as conn:
            self.user_ids = np.array([r[0] for r in conn.execute('SELECT id FROM "user"')])
            self.followers = np.array([r[0] for r in conn.execute("SELECT DISTINCT follower_id FROM follow")])
            self.owners = np.array([r[0] for r in conn.execute("SELECT DISTINCT user_id FROM entry")])
            self.item_count = conn.execute("SELECT max(id) FROM item").fetchone()[0]
            self.titles = self._titles(conn)
            # How many people a block (either way) hides from each person who has any.
            self.hidden = dict(
                conn.execute(
                    "SELECT person, count(*) FROM (SELECT blocker_id AS person FROM block"
                    " UNION ALL SELECT blocked_id FROM block) AS b GROUP BY person"
                ).fetchall()
            )
            self.hot_owners = [tuple(r) for r in conn.execute(HOT_OWNERS_SQL, {"limit": HOT_OWNERS})]
            self.famous = [tuple(r) for r in conn.execute(FAMOUS_SQL, {"limit": FAMOUS})]
        self.blockers = np.array(sorted(p for p, k in self.hidden.items() if k >= BLOCKER_MIN), dtype=np.int64)
        self.big_blockers = [p for p, k in sorted(self.hidden.items(), key=lambda pk: -pk[1]) if k >= 500]

    def _titles(self, conn: psycopg.Connection) -> list[tuple[str, str]]:
        ids = [int(i) for i in self.rng.integers(1, self.item_count + 1, 2 * (self.samples + self.warmup))]
        return conn.execute("SELECT title, creator FROM item WHERE id = ANY(%s)", (ids,)).fetchall()

    def measure(self, m: Measurement, inputs: list[Callable[[Session], Any]], *, reuse: bool = False) -> Measurement:
        """Warm up on the first inputs untimed, then time the rest (`reuse`: time all of them)."""
        for call in inputs[: self.warmup]:
            untimed(self.engine, call)
        for call in tqdm(inputs if reuse else inputs[self.warmup :], desc=m.name, unit="call"):
            ms, result = timed(self.engine, call)
            m.add(ms, call, result)
        return m

    def with_blocks(self, picks: np.ndarray, viewers: np.ndarray, *, timed_from: int) -> np.ndarray:
        """`picks` with every BLOCKER_EVERY-th one swapped for a viewer who has blocks (the people
        with the most blocks first, among the timed ones from index `timed_from`)."""
        candidates = np.intersect1d(self.blockers, viewers)
        if not len(candidates):
            return picks
        picks = np.array(picks, dtype=np.int64)
        slots = np.arange(0, len(picks), BLOCKER_EVERY)
        picks[slots] = self.block_rng.choice(candidates, len(slots))
        allowed = set(candidates.tolist())
        big = [p for p in self.big_blockers if p in allowed]
        timed_slots = slots[slots >= timed_from]
        picks[timed_slots[: len(big)]] = big[: len(timed_slots)]
        return picks

    def heaviest_blocker_besides(self, owner: int) -> int | None:
        """The person with the most people hidden by blocks who can see `owner`'s postcards."""
        url = self.engine.url.render_as_string(hide_password=False).replace("+psycopg", "")
        with psycopg.connect(url) as conn:
            for person in sorted(self.hidden, key=lambda p: (-self.hidden[p], p))[:50]:
                blocked = conn.execute(
                    "SELECT 1 FROM block WHERE (blocker_id = %(a)s AND blocked_id = %(b)s)"
                    " OR (blocker_id = %(b)s AND blocked_id = %(a)s)",
                    {"a": person, "b": owner},
                ).fetchone()
                if person != owner and not blocked:
                    return int(person)
        return None

    def blocks_note(self, viewers: Sequence[int]) -> str:
        """How many of these (timed) viewers have someone hidden by a block, and how many."""
        hidden = [self.hidden.get(int(v), 0) for v in viewers]
        having = [k for k in hidden if k]
        if not having:
            return "no sampled viewer has blocks"
        return (
            f"{len(having)} of {len(hidden)} timed viewers have people hidden by blocks "
            f"(median {int(np.median(having))}, max {max(having):,})"
        )

    # Feeds and profile ----------------------------------------------------------------------------

    def first_pages(self, name: str, description: str, feed: Callable, viewers: np.ndarray) -> Measurement:
        picks = self.with_blocks(self.rng.choice(viewers, self.samples + self.warmup), viewers, timed_from=self.warmup)
        calls = [lambda s, v=int(v): feed(session=s, viewer_id=v, cursor="", limit=PAGE) for v in picks]
        m = self.measure(Measurement(name, description), calls)
        m.notes.append(self.blocks_note(picks[self.warmup :]))
        return m

    def walk(self, feed: Callable, viewer: int) -> str:
        """The cursor for page 50: 49 pages walked by next_cursor, untimed ("" if the feed ends sooner)."""
        cursor = ""
        for _ in range(DEEP_PAGE - 1):
            call = lambda s, c=cursor: feed(session=s, viewer_id=viewer, cursor=c, limit=PAGE)  # noqa: E731
            cursor = untimed(self.engine, call).next_cursor
            if not cursor:
                break
        return cursor

    def deep_pages(
        self, name: str, description: str, feed: Callable, viewers: np.ndarray, *, same_for_all: bool = False
    ) -> Measurement:
        """Page 50 by cursor for users whose feed reaches that deep; others are skipped and counted.

        `same_for_all`: the feed's entries do not depend on the viewer (Everyone), so the walk is
        done for two viewers, checked to give the same cursor, and that cursor is used for all.
        """
        m = Measurement(name, description)
        # Walks are the slow part (49 calls each), so the warm-up reuses the first walked users.
        wanted = self.deep_samples
        calls: list[Callable[[Session], Any]] = []
        if same_for_all:
            # Walked by two viewers without blocks: a block hides postcards, and so moves page 50.
            unblocked = viewers[~np.isin(viewers, list(self.hidden))]
            first, second, *_ = (int(v) for v in self.rng.choice(unblocked, 2, replace=False))
            cursor = self.walk(feed, first)
            assert cursor and cursor == self.walk(feed, second), "page 50's cursor differs between viewers"
            picks = self.with_blocks(self.rng.choice(viewers, wanted), viewers, timed_from=0)
            calls = [lambda s, v=int(v): feed(session=s, viewer_id=v, cursor=cursor, limit=PAGE) for v in picks]
            m.notes.append(
                "page 50's cursor is the same for every viewer without blocks, so it was walked once and checked "
                "twice (viewers with blocks get the same place in the feed)"
            )
            m.notes.append(self.blocks_note(picks))
            return self.measure(m, calls, reuse=True)
        short = 0
        walked: list[int] = []
        with tqdm(total=wanted, desc=f"{name} (walking 49 pages)", unit="user") as bar:
            for viewer in self.with_blocks(self.rng.permutation(viewers), viewers, timed_from=0):
                if len(calls) >= wanted:
                    break
                if not (cursor := self.walk(feed, int(viewer))):
                    short += 1
                    continue
                calls.append(lambda s, v=int(viewer), c=cursor: feed(session=s, viewer_id=v, cursor=c, limit=PAGE))
                walked.append(int(viewer))
                bar.update(1)
        if short:
            m.notes.append(f"{short} sampled users skipped: their feed ends before page {DEEP_PAGE}")
        m.notes.append(self.blocks_note(walked))
        return self.measure(m, calls, reuse=True)

    def profiles(self, profile: Callable) -> Measurement:
        viewers = self.rng.choice(self.user_ids, self.samples + self.warmup)
        owners = self.rng.choice(self.owners, self.samples + self.warmup)
        viewers = self.with_blocks(viewers, self.user_ids, timed_from=self.warmup)
        calls = [
            lambda s, v=int(v), o=int(o): profile(session=s, viewer_id=v, owner_id=o, cursor="", limit=PAGE)
            for v, o in zip(viewers, owners, strict=True)
        ]
        description = "profile_postcards, first page: random viewer, random owner with at least one entry"
        m = self.measure(Measurement("profile first page", description), calls)
        m.notes.append(self.blocks_note(viewers[self.warmup :]))
        return m

    def hot_profiles(self, profile: Callable) -> Measurement:
        """The first page of the profiles whose newest postcards are the most discussed, so each
        postcard's like and comment counts have thousands and hundreds of rows to count."""
        name = "profile first page, much-discussed"
        if not self.hot_owners:
            return Measurement(name, "", skipped="no likes in the data")
        count = self.samples + self.warmup
        owners = [int(self.hot_owners[i % len(self.hot_owners)][0]) for i in range(count)]
        viewers = self.with_blocks(self.hot_rng.choice(self.user_ids, count), self.user_ids, timed_from=self.warmup)
        calls = [
            lambda s, v=int(v), o=o: profile(session=s, viewer_id=v, owner_id=o, cursor="", limit=PAGE)
            for v, o in zip(viewers, owners, strict=True)
        ]
        likes, comments = self.hot_owners[0][1], self.hot_owners[0][2]
        description = (
            f"profile_postcards, first page of the {len(self.hot_owners)} profiles whose newest {PAGE} public "
            f"postcards have the most likes and comments (the top one: {likes:,} likes and {comments:,} "
            "comments on its first page), random viewers"
        )
        m = self.measure(Measurement(name, description), calls)
        m.notes.append(self.blocks_note(viewers[self.warmup :]))
        # The hottest page, seen by the person with the most people hidden by blocks (who has not
        # blocked its owner, nor been blocked by them): the social counts' NOT IN lists are longest.
        hottest = int(self.hot_owners[0][0])
        viewer = self.heaviest_blocker_besides(hottest) or int(viewers[-1])
        call = lambda s: profile(session=s, viewer_id=viewer, owner_id=hottest, cursor="", limit=PAGE)  # noqa: E731
        # (No comma in the label: the report splits labels at the first one.)
        m.also_explain.append((f"hottest page (viewer with {self.hidden.get(viewer, 0)} people hidden)", call))
        return m

    def _famous_viewers(self) -> list[int]:
        count = self.samples + self.warmup
        picks = self.famous_rng.choice(self.user_ids, count)
        return [int(v) for v in self.with_blocks(picks, self.user_ids, timed_from=self.warmup)]

    def _famous_note(self) -> str:
        counts = [f for _, _, f in self.famous]
        return f"the {len(counts)} most followed people have {min(counts):,} to {max(counts):,} followers"

    def headers(self, profile_header: Callable) -> Measurement:
        """The profile header of the most followed people: its follower count reads every follow of
        theirs (leaving out closed accounts and people blocked either way with the viewer)."""
        name = "profile header, much-followed"
        if not self.famous:
            return Measurement(name, "", skipped="no follows in the data")
        viewers = self._famous_viewers()
        usernames = [self.famous[i % len(self.famous)][1] for i in range(len(viewers))]
        calls = [
            lambda s, v=v, o=o: profile_header(session=s, username=o, viewer_id=v)
            for v, o in zip(viewers, usernames, strict=True)
        ]
        description = (
            f"profile_header (entries, followers and following counted as the viewer sees them, follows you, "
            f"blocks) of the {len(self.famous)} most followed people, random viewers"
        )
        m = self.measure(Measurement(name, description), calls)
        m.notes += [self._famous_note(), self.blocks_note(viewers[self.warmup :])]
        return m

    def follower_lists(self, followers: Callable) -> list[Measurement]:
        """The followers list of the most followed people: the first page, and the page reached
        after walking DEEP_PEOPLE_PAGE - 1 pages by cursor (untimed)."""
        names = ("followers list, first page, much-followed", f"followers list, page {DEEP_PEOPLE_PAGE}, much-followed")
        if not self.famous:
            return [Measurement(n, "", skipped="no follows in the data") for n in names]
        viewers = self._famous_viewers()
        owners = [int(self.famous[i % len(self.famous)][0]) for i in range(len(viewers))]
        first = [
            lambda s, v=v, o=o: followers(session=s, user_id=o, viewer_id=v, cursor="")
            for v, o in zip(viewers, owners, strict=True)
        ]
        description = (
            f"social.followers, first page (50 people, newest follow first) of the {len(self.famous)} most "
            "followed people, random viewers"
        )
        m_first = self.measure(Measurement(names[0], description), first)
        m_first.notes += [self._famous_note(), self.blocks_note(viewers[self.warmup :])]
        # Walk each famous person's list once per sampled viewer would be slow; walk it for the
        # first viewer of each owner and time every sampled viewer from there.
        cursors: dict[int, str] = {}
        for owner, viewer in zip(owners, viewers, strict=False):
            if owner in cursors:
                continue
            cursor = ""
            for _ in range(DEEP_PEOPLE_PAGE - 1):
                call = lambda s, c=cursor, o=owner, v=viewer: followers(session=s, user_id=o, viewer_id=v, cursor=c)  # noqa: E731
                cursor = untimed(self.engine, call).next_cursor
                if not cursor:
                    break
            cursors[owner] = cursor
        deep = [
            lambda s, v=v, o=o: followers(session=s, user_id=o, viewer_id=v, cursor=cursors[o])
            for v, o in zip(viewers, owners, strict=True)
            if cursors[o]
        ]
        description = (
            f"social.followers, page {DEEP_PEOPLE_PAGE} by cursor ({DEEP_PEOPLE_PAGE - 1} pages walked untimed "
            "first, once per person) of the most followed people, random viewers"
        )
        m_deep = self.measure(Measurement(names[1], description), deep)
        short = sum(1 for c in cursors.values() if not c)
        if short:
            m_deep.notes.append(
                f"{short} of the {len(cursors)} people have fewer followers than page {DEEP_PEOPLE_PAGE}"
            )
        m_deep.notes.append(self.blocks_note(viewers[self.warmup :]))
        return [m_first, m_deep]

    # Search ---------------------------------------------------------------------------------------

    def queries(self) -> list[str]:
        return [q.text for q in search_queries(self.titles, self.rng, self.samples + self.warmup)]

    def search(self, search_items: Callable) -> Measurement:
        queries = self.queries()
        calls = [lambda s, q=q: search_items(session=s, query=q, kind=None, limit=PAGE) for q in queries]
        description = (
            "search_items, 20 results, kind=None: 35% one word, 25% two words, 20% prefix, 15% one typo, 5% creator"
        )
        m = self.measure(Measurement("catalog search", description), calls)
        m.notes.append("sample queries: " + ", ".join(f"`{q}`" for q in queries[self.warmup : self.warmup + 8]))
        return m

    # People search --------------------------------------------------------------------------------

    def people_queries(self) -> list[str]:
        """`people_search_queries` over every user, in `user_ids` order. Drawn after every other
        query, so adding this left the other draws as they were."""
        url = self.engine.url.render_as_string(hide_password=False).replace("+psycopg", "")
        with psycopg.connect(url) as conn:
            rows = conn.execute('SELECT id, username, display_name FROM "user"')
            names = {user_id: (username, display) for user_id, username, display in rows}
        users = [(int(user_id), *names[int(user_id)]) for user_id in self.user_ids]
        return [q.text for q in people_search_queries(users, self.rng, self.samples + self.warmup)]

    def people(self, find_people: Callable) -> Measurement:
        queries = self.people_queries()
        viewers = self.rng.choice(self.user_ids, len(queries))
        calls = [
            lambda s, q=q, v=int(v): find_people(session=s, query=q, viewer_id=v, limit=PAGE)
            for q, v in zip(queries, viewers, strict=True)
        ]
        description = (
            "find_people, 20 results, a signed-in viewer: 40% a full display name, 25% a first name alone, "
            "20% an @username, 15% three letters of a last name"
        )
        m = self.measure(Measurement("people search", description), calls)
        m.notes.append("sample queries: " + ", ".join(f"`{q}`" for q in queries[self.warmup : self.warmup + 8]))
        return m

    def people_two_letters(self, find_people: Callable) -> Measurement:
        """The first two letters of a first name, a last name or a username (a third each), as
        typed on the way to a name. Drawn after everything else, so the other draws stay."""
        url = self.engine.url.render_as_string(hide_password=False).replace("+psycopg", "")
        with psycopg.connect(url) as conn:
            names = conn.execute('SELECT username, display_name FROM "user"').fetchall()
        picks = self.rng.choice(len(names), self.samples + self.warmup)
        queries = []
        for index, draw in zip(picks, self.rng.integers(0, 3, len(picks)), strict=True):
            username, display = names[int(index)]
            first, _, last = display.partition(" ")
            queries.append([first, last or first, username][int(draw)][:2])
        viewers = self.rng.choice(self.user_ids, len(queries))
        calls = [
            lambda s, q=q, v=int(v): find_people(session=s, query=q, viewer_id=v, limit=PAGE)
            for q, v in zip(queries, viewers, strict=True)
        ]
        description = "find_people, 20 results: the first two letters of a first name, last name or username"
        m = self.measure(Measurement("people search, two letters", description), calls)
        m.notes.append("sample queries: " + ", ".join(f"`{q}`" for q in queries[self.warmup : self.warmup + 8]))
        return m

    # EXPLAIN --------------------------------------------------------------------------------------

    def explain(self, m: Measurement) -> None:
        """EXPLAIN (ANALYZE, BUFFERS) every statement of the median call (and the p95 call on a miss)."""
        picks = [("median call", m.call_near(50))]
        if m.pct(95) > GOAL_P95_MS:
            picks.append(("p95 call", m.call_near(95)))
        picks += m.also_explain
        for label, call in picks:
            statements = self.recorder.capture(lambda call=call: untimed(self.engine, call))
            m.statements_per_call = m.statements_per_call or len(statements)
            with self.engine.connect() as conn:
                for number, statement in enumerate(statements, 1):
                    sql = " ".join(statement.sql.split())
                    if not re.match(r"\s*(SELECT|WITH)\b", statement.sql, re.IGNORECASE):
                        # e.g. a SET the service issues first: replay it so the plans match the call.
                        conn.exec_driver_sql(statement.sql, statement.parameters)
                        continue
                    rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.parameters)
                    plan = [r[0] for r in rows]
                    m.plans.append((f"{label}, statement {number} of {len(statements)}", [sql, "", *plan]))
                conn.rollback()


def typo(word: str, rng: np.random.Generator) -> str:
    """One typing slip inside a word: swap two neighbours, drop a letter, or hit a wrong key."""
    i = int(rng.integers(1, len(word) - 1))
    kind = rng.integers(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + "qwertyuiopasdfghjklzxcvbnm"[int(rng.integers(26))] + word[i + 1 :]


SCAN = re.compile(
    r"(Index Only Scan Backward|Index Only Scan|Index Scan Backward|Index Scan|"
    r"Bitmap Index Scan|Seq Scan)"
)


def index_lines(plan: list[str]) -> list[str]:
    """The scans of a plan, shortened: which indexes (or sequential scans) a query used, and how much."""
    out = []
    for line in plan:
        if not (scan := SCAN.search(line)):
            continue
        target = re.search(r"(?:using|on) (\S+)(?: on (\S+))?", line[scan.end() :])
        actual = re.search(r"actual time=\S+ rows=(\d+) loops=(\d+)|never executed", line)
        name = " on ".join(g for g in (target.groups() if target else ()) if g)
        rows = "never executed" if actual and not actual.group(1) else f"rows={actual.group(1)} loops={actual.group(2)}"
        out.append(f"{scan.group(1)} {name} ({rows})" if actual else f"{scan.group(1)} {name}")
    return out


def execution_ms(plan: list[str]) -> float:
    found = [float(m.group(1)) for line in plan if (m := re.search(r"Execution Time: ([\d.]+) ms", line))]
    return found[0] if found else 0.0


# Report ---------------------------------------------------------------------------------------


def machine() -> str:
    cores = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cores} cores, {memory:.0f} GiB RAM, {platform.system()} {platform.release()}"


def server_facts(name: str) -> dict[str, str]:
    with psycopg.connect(db_url(name)) as conn:
        facts = {"version": conn.execute("SHOW server_version").fetchone()[0]}
        for setting in ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "jit"):
            facts[setting] = conn.execute(f"SHOW {setting}").fetchone()[0]
        facts["size"] = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
        for table in ("follow", "like", "comment", "block"):
            facts[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        for table, column in (("like", "entry_id"), ("comment", "entry_id"), ("block", "blocker_id")):
            most = conn.execute(f'SELECT count(*) FROM "{table}" GROUP BY {column} ORDER BY 1 DESC LIMIT 1').fetchone()
            facts[f"most_{table}"] = most[0] if most else 0
        facts["liked_entries"] = conn.execute('SELECT count(DISTINCT entry_id) FROM "like"').fetchone()[0]
        facts["blockers"] = conn.execute("SELECT count(DISTINCT blocker_id) FROM block").fetchone()[0]
    return facts


def git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=PROJECT_ROOT)
        return head.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def render(
    *, measurements: list[Measurement], sizes: Sizes, seed: int, timings: dict, facts: dict, elapsed: float
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if timings.get("reused"):
        generation = "reused a database generated earlier by this script in " + _timing_text(timings)
    else:
        generation = _timing_text(timings)
    lines = [
        f"### {now} (commit {git_commit()} plus uncommitted work in the checkout)",
        "",
        f"- Machine: {machine()}, shared with other work while measuring; "
        f"PostgreSQL {facts['version']} with default settings (shared_buffers {facts['shared_buffers']}, "
        f"work_mem {facts['work_mem']}, effective_cache_size {facts['effective_cache_size']}, "
        f"random_page_cost {facts['random_page_cost']}, jit {facts['jit']}).",
        f"- Data: {sizes.users:,} users, {sizes.items:,} items, {sizes.entries:,} entries, {facts['follow']:,} follows "
        f"({sizes.follows:,} drawn, less those the blocks ended), {facts['like']:,} likes, {facts['comment']:,} "
        f"comments, {facts['block']:,} blocks (seed {seed}; database {facts['size']}). Entry activity, follower "
        "counts and item popularity are Zipf-skewed; 85% public / 10% followers / 5% private; 10% of entries "
        "arrive in bursts. Likes and comments gather on recent postcards by much-followed people, from their "
        f"followers and anyone: {facts['liked_entries']:,} entries have likes, the most liked has "
        f"{facts['most_like']:,}, the most discussed {facts['most_comment']:,} comments. {facts['blockers']:,} "
        f"people block someone: most one to three people, heavy followers 5 to 50 (people they follow, people "
        f"posting lately), a few about a thousand (the most: {facts['most_block']:,}).",
        f"- Generation (COPY via psycopg, then VACUUM ANALYZE): {generation}.",
        f"- Method: {WARMUP} untimed warm-up calls per query, then time.perf_counter around the service call "
        "(a fresh SQLModel Session per call, pooled connection) on an engine from "
        "`slice_of_culture.db.make_engine`. Warm cache: the data fits in RAM. "
        f"Whole run {elapsed / 60:.1f} min.",
        "",
        f"| query | calls | p50 ms | p95 ms | max ms | SQL statements per call | likes / comments per postcard "
        f"(mean) | goal p95 <= {GOAL_P95_MS:g} ms |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m in measurements:
        if m.skipped:
            lines.append(f"| {m.name} | 0 | | | | | | not measured: {m.skipped} |")
            continue
        verdict = "met" if m.pct(95) <= GOAL_P95_MS else "**missed**"
        lines.append(
            f"| {m.name} | {len(m.times_ms)} | {m.pct(50):.1f} | {m.pct(95):.1f} | {max(m.times_ms):.1f} "
            f"| {m.statements_per_call} | {m.social_text()} | {verdict} |"
        )
    lines += ["", "What each query is:", ""]
    for m in measurements:
        notes = m.notes + (
            [f"the most on one shown postcard: {m.most_likes:,} likes, {m.most_comments:,} comments"]
            if m.postcards
            else []
        )
        notes_text = "; ".join(notes)
        lines.append(f"- **{m.name}**: {m.description}" + (f" ({notes_text})" if notes_text else "") + ".")
    lines += [
        "",
        "Indexes used by the slowest statement of the median call (and of the p95 call where the goal is missed):",
        "",
    ]
    for m in measurements:
        calls: dict[str, tuple[str, list[str]]] = {}
        for label, plan in m.plans:
            call = label.split(",")[0]
            if call not in calls or execution_ms(plan) > execution_ms(calls[call][1]):
                calls[call] = (label, plan)
        for label, plan in calls.values():
            used = "; ".join(index_lines(plan[2:]))
            lines.append(f"- {m.name}, {label} ({execution_ms(plan):.1f} ms in the server): {used}")
    lines += ["", "<details><summary>EXPLAIN (ANALYZE, BUFFERS) plans</summary>", ""]
    for m in measurements:
        for label, plan in m.plans:
            lines += [f"**{m.name}**, {label}:", "", "```", *plan, "```", ""]
    lines += ["</details>", ""]
    return "\n".join(lines)


def _timing_text(timings: dict) -> str:
    parts = [f"{k.replace('_', ' ')} {v:.0f} s" for k, v in timings.items() if k not in ("total", "reused")]
    total = timings.get("total")
    return (f"{total:.0f} s in all (" + ", ".join(parts) + ")") if total else "unknown time"


# Main -----------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from slice_of_culture.services import postcards

    started = time.perf_counter()
    sizes = Sizes(
        users=args.users,
        items=args.items,
        entries=args.entries,
        follows=args.follows,
        likes=args.likes,
        comments=args.comments,
        blocks=args.blocks,
    )
    timings = prepare(args.database, Signature(sizes=sizes, seed=args.seed), regenerate=args.regenerate)
    engine = make_engine(db_url(args.database, driver=True))
    deep_samples = args.deep_samples or args.samples
    bench = Bench(engine=engine, samples=args.samples, deep_samples=deep_samples, seed=args.seed)
    following_feed = getattr(postcards, "following_feed", None)
    try:
        from slice_of_culture.services.search import search_items
    except ImportError:
        search_items = None

    measurements: list[Measurement] = []
    missing = "not importable yet"
    if following_feed:
        measurements += [
            bench.first_pages(
                "following feed, first page",
                "following_feed for a random user who follows someone",
                following_feed,
                bench.followers,
            ),
            bench.deep_pages(
                "following feed, page 50",
                "following_feed page 50 by cursor (49 pages walked untimed first)",
                following_feed,
                bench.followers,
            ),
        ]
    else:
        measurements += [Measurement("following feed, first page", "", skipped=missing)]
        measurements += [Measurement("following feed, page 50", "", skipped=missing)]
    measurements += [
        bench.first_pages(
            "everyone feed, first page", "everyone_feed for a random viewer", postcards.everyone_feed, bench.user_ids
        ),
        bench.deep_pages(
            "everyone feed, page 50",
            "everyone_feed page 50 by cursor (49 pages walked untimed first)",
            postcards.everyone_feed,
            bench.user_ids,
            same_for_all=True,
        ),
        bench.profiles(postcards.profile_postcards),
        bench.hot_profiles(postcards.profile_postcards),
    ]
    try:
        from slice_of_culture.services.profiles import profile_header
        from slice_of_culture.services.social import followers
    except ImportError:
        measurements.append(Measurement("profile header, much-followed", "", skipped=missing))
    else:
        measurements.append(bench.headers(profile_header))
        measurements += bench.follower_lists(followers)
    if search_items:
        measurements.append(bench.search(search_items))
    else:
        measurements.append(Measurement("catalog search", "", skipped=missing))
    try:
        from slice_of_culture.services.people import find_people
    except ImportError:
        measurements.append(Measurement("people search", "", skipped=missing))
    else:
        measurements.append(bench.people(find_people))
        measurements.append(bench.people_two_letters(find_people))

    for m in measurements:
        if not m.skipped:
            bench.explain(m)
    engine.dispose()

    facts = server_facts(args.database)
    block = render(
        measurements=measurements,
        sizes=sizes,
        seed=args.seed,
        timings=timings,
        facts=facts,
        elapsed=time.perf_counter() - started,
    )
    print(block)
    if args.write:
        add_run(SECTION, block)
        print(f"Wrote this run to {RESULTS.relative_to(PROJECT_ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.feed_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=Sizes.users)
    parser.add_argument("--items", type=int, default=Sizes.items)
    parser.add_argument("--entries", type=int, default=Sizes.entries)
    parser.add_argument("--follows", type=int, default=Sizes.follows)
    parser.add_argument("--likes", type=int, default=FEED_SIZES.likes)
    parser.add_argument("--comments", type=int, default=FEED_SIZES.comments)
    parser.add_argument("--blocks", type=int, default=FEED_SIZES.blocks)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--samples", type=int, default=1000, help="timed calls per query (default 1000)")
    parser.add_argument(
        "--deep-samples",
        type=int,
        default=0,
        help="users walked 49 pages deep in the following feed (default: samples)",
    )
    parser.add_argument("--database", default="soc_bench", help="name of the benchmark database")
    parser.add_argument("--keep", action="store_true", help="keep the database for the next run to reuse")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data even if a kept one matches")
    parser.add_argument("--no-write", dest="write", action="store_false", help="print results, leave RESULTS.md")
    args = parser.parse_args(argv)
    try:
        return run(args)
    finally:
        if not args.keep:
            print(f"Dropping database {args.database} (use --keep to reuse it next time).")
            drop_database(args.database)


if __name__ == "__main__":
    sys.exit(main())
