"""People search benchmark on SQLite, the embedded default database, at 1k, 10k and 100k users.

Usage:
    .venv/bin/python -m bench.people_sqlite_bench [--users 1000,10000,100000] [--samples 500]
                                                  [--path data/people_bench] [--regenerate] [--no-write]

For each size it builds a SQLite database migrated with our alembic migrations, fills `user`
with `bench/feed_data.py`'s people generator (same names, usernames, 0.5% inactive, same seed:
the first N users of the feed benchmark's community) and `follow` with its follow generator
(FOLLOWS_PER_USER per user, Zipf-skewed, so follower counts and the ranking have something to
work with), inserted with executemany in one transaction. Then it times `find_people` (20
results, a signed-in viewer) on the feed benchmark's people query mix (40% a full display name,
25% a first name alone, 20% an @username, 15% three letters of a last name; drawn with
`bench.feed_bench.people_search_queries`): 50 untimed warm-up calls, then `--samples` timed
calls, each in a fresh Session on an engine from `slice_of_culture.db.make_engine` (which
registers the Python `search_fold` on every connection, as in the app).

SQLite has no index for `search_fold(username || ' ' || display_name) LIKE '%q%'`: the query
reads the user table until it has CANDIDATES matches, calling `search_fold` once per row. To
show how much of a call that scan is, it also times a full scan alone
(`SELECT count(*) FROM user WHERE search_fold(...) LIKE ...`) and the same scan with SQLite's
own `lower()` instead of the Python function.

It prints a table and puts a dated run first in the "People search (SQLite)" section of
`bench/RESULTS.md` (unless `--no-write`). Without `--path` the databases live in a temporary
directory and are deleted; with `--path` (a directory) they are kept, and the next run with the
same size and seed reuses them (applying new migrations first). The goal is p95 <= 15 ms; this
script reports, it never fails on a miss.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session
from tqdm import tqdm

from bench import feed_data, feed_words
from bench.feed_bench import (
    GOAL_P95_MS,
    PAGE,
    PEOPLE_CLASSES,
    WARMUP,
    Query,
    git_commit,
    machine,
    people_search_queries,
)
from bench.feed_data import GENERATOR_VERSION, Generator, Sizes
from bench.results import RESULTS, add_run
from bench.search_sqlite_bench import copy_sink, prepare_sqlite, sqlite_url
from slice_of_culture.config import PROJECT_ROOT
from slice_of_culture.db import make_engine
from slice_of_culture.services.people import CANDIDATES, find_people, search_text

SECTION = "## People search (SQLite)"
# Our section goes right after the SQLite catalog search section, before this one.
NEXT_SECTION = "## Forums: send-to-visible latency"
INTRO = """`find_people` (`slice_of_culture/services/people.py`) on the embedded SQLite database, by
`python -m bench.people_sqlite_bench`, runs newest first. SQLite has no index for
`search_fold(username || ' ' || display_name) LIKE '%q%'`: each search reads the user table until
it has CANDIDATES (200) matches, calling the Python `search_fold` on every row it reads. A rare
name (a full name, an @username) costs a full scan, growing with the community; a common first
name stops early but then loads and ranks 200 people. PostgreSQL serves the same query from a
trigram index (feed benchmark above). The embedded default is meant for small communities: each
run says where p95 crosses the 15 ms goal.

Options if SQLite had to serve bigger communities (none implemented):

- A stored folded column (`fold(username || ' ' || display_name)`, written by the services that
  set usernames and display names, plus a migration to fill it): no Python call per row, still a
  scan. The `lower()` scan in the tables below is roughly what would be left of the scan.
- An FTS5 table with the `trigram` tokenizer over that folded text, kept in step by triggers like
  the catalog's `item_search` (SQLite 3.40 here: its trigram tokenizer has no `remove_diacritics`,
  so it must index the folded text). It serves `LIKE '%q%'` for needles of 3 characters or more,
  but not with an `ESCAPE` clause (checked: the plan then scans), so the query would pass `_` as a
  wildcard (usernames hold `_`) and re-check matches in Python; 1-2 character needles still scan.
- Point bigger communities at PostgreSQL, which the app already supports."""
USER_SIZES = (1_000, 10_000, 100_000)
FOLLOWS_PER_USER = 5
# Full-table scans timed alone, per size and per way of folding.
SCAN_REPEAT = 20
FOLDED = "search_fold(username || ' ' || display_name)"
LOWERED = "lower(username || ' ' || display_name)"


# Database -------------------------------------------------------------------------------------


def signature(users: int, seed: int) -> dict[str, Any]:
    return {"users": users, "follows": FOLLOWS_PER_USER * users, "seed": seed, "generator": GENERATOR_VERSION}


def prepare(path: Path, *, users: int, seed: int, regenerate: bool) -> dict[str, Any]:
    """A migrated database at `path` holding `users` generated people; returns what was done."""
    fill = lambda: fill_people(path, users=users, seed=seed)  # noqa: E731
    return prepare_sqlite(path, signature(users, seed), fill, f"{users:,} users, seed {seed}", regenerate=regenerate)


def fill_people(path: Path, *, users: int, seed: int) -> None:
    """Insert `users` people and FOLLOWS_PER_USER follows each, made by feed_data's generator,
    in one transaction.

    The generator writes COPY lines to PostgreSQL; here its `copy_rows` is swapped for a sink
    that turns each line into a row for executemany. Its people are drawn first, so they are
    exactly the feed benchmark's first `users` people; the follows come from the same Zipf
    generator (the most active are the most followed), on a shorter random stream.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")

    sizes = Sizes(users=users, items=0, entries=0, follows=FOLLOWS_PER_USER * users)
    generator = Generator(conn=None, sizes=sizes, seed=seed)  # type: ignore[arg-type]
    conn.execute("BEGIN")
    with mock.patch.object(feed_data, "copy_rows", copy_sink(conn, ("user", "follow"), "insert")):
        generator.users()
        generator.follows()
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def facts(path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        users, active = conn.execute('SELECT count(*), sum(is_active) FROM "user"').fetchone()
        follows = conn.execute("SELECT count(*) FROM follow").fetchone()[0]
        top = conn.execute("SELECT count(*) FROM follow GROUP BY followee_id ORDER BY 1 DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if not p.name.endswith(".json"))
    return {
        "users": users,
        "active": active,
        "follows": follows,
        "most_followed": top[0] if top else 0,
        "size_mb": size / 2**20,
    }


# Measuring ------------------------------------------------------------------------------------


@dataclass
class Timings:
    name: str
    times_ms: list[float] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)

    def pct(self, q: float) -> float:
        return float(np.percentile(self.times_ms, q)) if self.times_ms else float("nan")


@dataclass
class SizeResult:
    users: int
    prepared: dict[str, Any]
    facts: dict[str, Any]
    groups: dict[str, Timings]
    overall: Timings
    scan_folded_ms: float
    scan_lowered_ms: float
    load: list[float]
    # Process CPU time over wall time of the timed calls: below ~95% the bench waited for a core.
    on_cpu: float
    sample_queries: list[str]


def timed(engine: Engine, query: Query, viewer: int) -> float:
    """Milliseconds around the service call alone (the session is opened and closed outside)."""
    with Session(engine) as session:
        started = time.perf_counter()
        find_people(session=session, query=query.text, viewer_id=viewer, limit=PAGE)
        elapsed = (time.perf_counter() - started) * 1000
        session.rollback()
    return elapsed


def scan_ms(engine: Engine, expression: str, needles: list[str]) -> float:
    """Median milliseconds of one full scan: count(*) of the active users whose name matches."""
    sql = f"SELECT count(*) FROM \"user\" WHERE is_active AND {expression} LIKE ? ESCAPE '\\'"
    times = []
    with engine.connect() as conn:
        for needle in needles:
            pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            started = time.perf_counter()
            conn.exec_driver_sql(sql, (pattern,)).fetchone()
            times.append((time.perf_counter() - started) * 1000)
        conn.rollback()
    return float(np.median(times))


def measure_size(users: int, path: Path, args: argparse.Namespace) -> SizeResult:
    prepared = prepare(path, users=users, seed=args.seed, regenerate=args.regenerate)
    found = facts(path)
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute('SELECT id, username, display_name FROM "user" ORDER BY id').fetchall()
    finally:
        conn.close()
    rng = np.random.default_rng(args.seed + 1)
    queries = people_search_queries(rows, rng, args.samples + WARMUP)
    viewers = [int(v) for v in rng.choice(np.array([r[0] for r in rows]), len(queries))]
    del rows
    # The bench's own rows would make a full garbage collection land in some timed call.
    gc.collect()
    gc.freeze()

    engine = make_engine(sqlite_url(path))
    try:
        for query, viewer in tqdm(
            list(zip(queries[:WARMUP], viewers[:WARMUP], strict=True)), desc=f"{users:,} users: warm-up", unit="call"
        ):
            timed(engine, query, viewer)
        measured = list(zip(queries[WARMUP:], viewers[WARMUP:], strict=True))
        load = [os.getloadavg()[0]]
        wall, cpu = time.perf_counter(), time.process_time()
        times = [timed(engine, q, v) for q, v in tqdm(measured, desc=f"{users:,} users: find_people", unit="call")]
        on_cpu = (time.process_time() - cpu) / (time.perf_counter() - wall)
        load.append(os.getloadavg()[0])
        needles = [search_text(q.text) for q, _ in measured[:SCAN_REPEAT]]
        folded = scan_ms(engine, FOLDED, needles)
        lowered = scan_ms(engine, LOWERED, needles)
    finally:
        engine.dispose()
        gc.unfreeze()

    timed_queries = [q for q, _ in measured]
    groups = {name: Timings(name) for name in PEOPLE_CLASSES}
    for query, ms in zip(timed_queries, times, strict=True):
        groups[query.kind_of_query].times_ms.append(ms)
        groups[query.kind_of_query].queries.append(query)
    return SizeResult(
        users=users,
        prepared=prepared,
        facts=found,
        groups=groups,
        overall=Timings("all", times, timed_queries),
        scan_folded_ms=folded,
        scan_lowered_ms=lowered,
        load=load,
        on_cpu=on_cpu,
        sample_queries=[q.text for q in timed_queries[:8]],
    )


# Report ---------------------------------------------------------------------------------------


def crossing(results: list[SizeResult]) -> str:
    """Where the overall p95 passes the goal, in words, with a straight-line fit of p95 over size."""
    ordered = sorted(results, key=lambda r: r.users)
    fit = ""
    if len(ordered) >= 2:
        slope, intercept = np.polyfit([r.users for r in ordered], [r.overall.pct(95) for r in ordered], 1)
        if slope > 0:
            fit = (
                f" A straight line through the p95s ({intercept:.1f} ms + {slope * 1000:.2f} ms per 1,000 users) "
                f"reaches {GOAL_P95_MS:g} ms near {(GOAL_P95_MS - intercept) / slope:,.0f} users."
            )
    over = [r for r in ordered if r.overall.pct(95) > GOAL_P95_MS]
    if not over:
        return f"p95 stays within {GOAL_P95_MS:g} ms at every size measured (up to {ordered[-1].users:,} users).{fit}"
    first = over[0]
    below = [r for r in ordered if r.users < first.users]
    if not below:
        return f"p95 is over {GOAL_P95_MS:g} ms already at {first.users:,} users ({first.overall.pct(95):.1f} ms).{fit}"
    return (
        f"p95 crosses {GOAL_P95_MS:g} ms between {below[-1].users:,} users ({below[-1].overall.pct(95):.1f} ms) "
        f"and {first.users:,} ({first.overall.pct(95):.1f} ms).{fit}"
    )


def render(*, results: list[SizeResult], seed: int, samples: int, elapsed: float, load_before: float) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    built = []
    for r in results:
        p = r.prepared
        if p.get("reused"):
            built.append(f"{r.users:,}: reused")
        else:
            built.append(f"{r.users:,}: migrate {p['migrate']:.1f} s, generate and insert {p['insert']:.1f} s")
    data = "; ".join(
        f"{r.users:,} users ({r.facts['active']:,} active), {r.facts['follows']:,} follows "
        f"(most followed: {r.facts['most_followed']:,}), {r.facts['size_mb']:.0f} MB"
        for r in results
    )
    loads = ", ".join(
        f"{r.users:,}: " + " / ".join(f"{v:.2f}" for v in r.load) + f", on a CPU {r.on_cpu:.0%} of the time"
        for r in results
    )
    # This bench keeps one of the cores busy itself, so "busy" means other work on top of it.
    busy = load_before > 1.0 or max(v for r in results for v in r.load) > 2.0 or min(r.on_cpu for r in results) < 0.9
    lines = [
        f"### {now} (commit {git_commit()} plus uncommitted work in the checkout)",
        "",
        f"- Machine: {machine()}; Python {platform.python_version()}, SQLite {sqlite3.sqlite_version} "
        "(the venv's `sqlite3` module), WAL, synchronous=NORMAL as `make_engine` sets them. "
        f"Load average (1 min) before the run: {load_before:.2f}; before and after the timed calls (this "
        f"bench included: it keeps one core busy), and the bench's CPU time over the calls' wall time, per "
        f"size: {loads}"
        + (". Other work was running on the machine meanwhile, so these figures may be pessimistic." if busy else "."),
        f"- Data (seed {seed}, `bench/feed_data.py`'s people and follow generators, executemany in one "
        f"transaction; {'; '.join(built)}): {data}. Names: {len(feed_words.FIRST_NAMES)} first names x "
        f"{len(feed_words.LAST_NAMES)} last names, usernames like `maria_silva42`.",
        f"- Method: per size, {WARMUP} untimed warm-up calls, then time.perf_counter around "
        f"`find_people(limit={PAGE})` with a random signed-in viewer (a fresh SQLModel Session per call, "
        "pooled connection, engine from `slice_of_culture.db.make_engine`, so `search_fold` is the app's "
        f"Python function); warm cache; `gc.freeze` after drawing. The mix: {samples:,} queries drawn "
        "from random users by `bench.feed_bench.people_search_queries` (40% a full display name, 25% a "
        "first name alone, 20% an @username, 15% three letters of a last name). Full scan: the median "
        f"of {SCAN_REPEAT} `SELECT count(*) FROM user WHERE is_active AND {FOLDED} LIKE '%q%'` on "
        f"queries of the mix, and the same with `{LOWERED}` (SQLite's own function, no Python call). "
        f"Whole run {elapsed / 60:.1f} min.",
        "",
        f"| users | query class | calls | p50 ms | p95 ms | max ms | goal p95 <= {GOAL_P95_MS:g} ms |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]

    def row(users: int, t: Timings, *, bold: bool = False) -> str:
        if not t.times_ms:
            return f"| {users:,} | {t.name} | 0 | | | | |"
        verdict = "met" if t.pct(95) <= GOAL_P95_MS else "**missed**"
        name = f"**{t.name}**" if bold else t.name
        return (
            f"| {users:,} | {name} | {len(t.times_ms)} | {t.pct(50):.1f} | {t.pct(95):.1f} "
            f"| {max(t.times_ms):.1f} | {verdict} |"
        )

    for r in results:
        lines += [row(r.users, t) for t in r.groups.values()]
        lines.append(row(r.users, r.overall, bold=True))
    lines += [
        "",
        "The scan: one full read of the active users, with the app's Python `search_fold` and with "
        "SQLite's `lower()`, against the median `find_people` call (searches stop reading after "
        f"{CANDIDATES} matches, so a first name or three letters shared by many people costs less than "
        "a full scan).",
        "",
        "| users | full scan, search_fold ms | full scan, lower() ms | find_people p50 ms | scan / p50 |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        p50 = r.overall.pct(50)
        lines.append(
            f"| {r.users:,} | {r.scan_folded_ms:.1f} | {r.scan_lowered_ms:.1f} | {p50:.1f} "
            f"| {r.scan_folded_ms / p50:.0%} |"
        )
    lines += [
        "",
        crossing(results),
        "",
        "Sample queries: "
        + "; ".join(f"{r.users:,}: " + ", ".join(f"`{q}`" for q in r.sample_queries) for r in results)
        + ".",
        "",
    ]
    return "\n".join(lines)


# Main -----------------------------------------------------------------------------------------


def run(args: argparse.Namespace, directory: Path) -> int:
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    results = [measure_size(users, directory / f"people_bench_{users}.db", args) for users in args.users]
    block = render(
        results=results,
        seed=args.seed,
        samples=args.samples,
        elapsed=time.perf_counter() - started,
        load_before=load_before,
    )
    print(block)
    if args.write:
        add_run(SECTION, block, intro=INTRO, before=NEXT_SECTION)
        print(f"Wrote this run to {RESULTS.relative_to(PROJECT_ROOT)}")
    return 0


def sizes(text: str) -> list[int]:
    values = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    if not values or min(values) < 100:
        raise argparse.ArgumentTypeError("a comma-separated list of user counts, each at least 100")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.people_sqlite_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--users",
        type=sizes,
        default=list(USER_SIZES),
        help="comma-separated community sizes (default 1000,10000,100000)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--samples", type=int, default=500, help="timed calls per size (default 500)")
    parser.add_argument("--path", type=Path, help="keep the databases in this directory and reuse them next time")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data even if a kept one matches")
    parser.add_argument("--no-write", dest="write", action="store_false", help="print results, leave RESULTS.md")
    args = parser.parse_args(argv)
    if args.path:
        return run(args, args.path.resolve())
    with tempfile.TemporaryDirectory(prefix="people_bench_") as tmp:
        return run(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
