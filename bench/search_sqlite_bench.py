"""Catalog search benchmark on SQLite (FTS5), the embedded default database, at 100k items.

Usage:
    .venv/bin/python -m bench.search_sqlite_bench [--items 100000] [--samples 1000]
                                                  [--path data/search_bench.db] [--regenerate] [--no-write]

It builds a SQLite database migrated with our alembic migrations (so the FTS5 table and its
triggers are the app's), fills `item` with the catalog generator of `bench/feed_data.py` (same
word lists and Zipf-skewed word choice, same seed: common words are really common) inserted with
executemany in one transaction (the triggers index every row), checks the FTS index, then times
`search_items` on:

- the feed benchmark's query mix (35% one word, 25% two words, 20% prefix, 15% one typo,
  5% creator; `--samples` timed calls after 50 untimed warm-up calls), drawn from random titles
  exactly as `bench/feed_bench.py` draws them, reported per class and overall;
- the worst cases, each query `--repeat` times: the 20 most common title words alone (the, of,
  night ...), the 20 most common two-letter and the 10 most common one-letter prefixes, and the
  common words again with a kind filter.

It prints a table and puts a dated run first in the "Catalog search (SQLite, FTS5)" section of
`bench/RESULTS.md` (unless `--no-write`). Without `--path` the database lives in a temporary
directory and is deleted; with `--path` it is kept, and the next run with the same size and seed
reuses it (applying new migrations first). The goal is p95 <= 15 ms; this script reports, it
never fails on a miss.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlmodel import Session
from tqdm import tqdm

from alembic import command
from bench import feed_data
from bench.feed_bench import GOAL_P95_MS, PAGE, WARMUP, Query, git_commit, machine, search_queries
from bench.feed_data import GENERATOR_VERSION, Generator, Sizes
from bench.results import RESULTS, add_run
from slice_of_culture.config import PROJECT_ROOT
from slice_of_culture.db import make_engine
from slice_of_culture.services.search import search_items, words_of
from slice_of_culture.text import fold

SECTION = "## Catalog search (SQLite, FTS5)"
# Our section goes right after the PostgreSQL feed/search section, before this one.
NEXT_SECTION = "## Forums: send-to-visible latency"
# Rows per executemany call: keeps memory flat and the progress bar moving.
CHUNK = 10_000
COMMON_WORDS = 20
TWO_LETTER_PREFIXES = 20
ONE_LETTER_PREFIXES = 10
MIX_CLASSES = ("one word", "two words", "prefix", "typo", "creator")


# Database -------------------------------------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def signature(items: int, seed: int) -> dict[str, Any]:
    return {"items": items, "seed": seed, "generator": GENERATOR_VERSION}


def prepare(path: Path, *, items: int, seed: int, regenerate: bool) -> dict[str, Any]:
    """A migrated database at `path` holding `items` generated items; returns what was done."""
    fill = lambda: fill_items(path, items=items, seed=seed)  # noqa: E731
    return prepare_sqlite(path, signature(items, seed), fill, f"{items:,} items, seed {seed}", regenerate=regenerate)


def prepare_sqlite(
    path: Path, wanted: dict[str, Any], fill: Callable[[], None], what: str, *, regenerate: bool
) -> dict[str, Any]:
    """A migrated SQLite database at `path` filled by `fill`, reused when a marker file beside
    it says it holds `wanted` (sizes, seed, generator version); returns what was done. Shared by
    the SQLite benchmarks."""
    marker = path.with_name(path.name + ".json")
    if not regenerate and path.exists() and marker.exists() and json.loads(marker.read_text()) == wanted:
        print(f"Reusing {path} ({what}); applying new migrations, if any.")
        started = time.perf_counter()
        migrate_sqlite(path)
        return {"reused": True, "migrate": time.perf_counter() - started}
    for stale in (path, marker, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    timings: dict[str, Any] = {"reused": False}
    started = time.perf_counter()
    migrate_sqlite(path)
    timings["migrate"] = time.perf_counter() - started
    started = time.perf_counter()
    fill()
    timings["insert"] = time.perf_counter() - started
    marker.write_text(json.dumps(wanted))
    return timings


def migrate_sqlite(path: Path) -> None:
    """Apply our alembic migrations to head, as `slice_of_culture.manage migrate` does."""
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = sqlite_url(path)
    cfg.attributes["skip_logging"] = True
    command.upgrade(cfg, "head")


# Columns of the generated tables that SQLite stores as integers (0/1 for booleans).
INTEGERS = frozenset({"id", "year", "follower_id", "followee_id"})
BOOLEANS = frozenset({"discoverable", "is_admin", "is_active"})


def sqlite_value(column: str, value: str) -> object:
    """A COPY text-format field as SQLite stores it through SQLAlchemy."""
    if value == feed_data.NULL:
        return None
    if "\\" in value:
        raise ValueError(f"unexpected COPY escape in {column}: {value!r}")
    if column == "created_at":
        # '2025-03-01T10:00:00+00' → SQLAlchemy's SQLite DATETIME text.
        return value.removesuffix("+00").replace("T", " ") + ".000000"
    if column in BOOLEANS:
        return {"t": 1, "f": 0}[value]
    if column in INTEGERS:
        return int(value)
    return value


def copy_sink(conn: sqlite3.Connection, tables: tuple[str, ...], note: str) -> Callable[..., None]:
    """A stand-in for feed_data's `copy_rows` that inserts the generator's COPY lines into SQLite
    with executemany, CHUNK rows at a time (the caller holds the transaction)."""

    def sink(_conn: object, table: str, columns: list[str], rows: Iterator[str], total: int, label: str) -> None:
        assert table in tables, table
        names = ", ".join(f'"{c}"' for c in columns)
        statement = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
        with tqdm(total=total, desc=f"{label} ({note})", unit="row") as bar:
            batch: list[tuple[object, ...]] = []
            for line in rows:
                fields = line.rstrip("\n").split("\t")
                batch.append(tuple(sqlite_value(c, v) for c, v in zip(columns, fields, strict=True)))
                if len(batch) >= CHUNK:
                    conn.executemany(statement, batch)
                    bar.update(len(batch))
                    batch = []
            if batch:
                conn.executemany(statement, batch)
                bar.update(len(batch))

    return sink


def fill_items(path: Path, *, items: int, seed: int) -> None:
    """Insert `items` rows made by feed_data's catalog generator, in one transaction.

    The generator writes COPY lines to PostgreSQL; here its `copy_rows` is swapped for a sink
    that turns each line into a row for executemany, so titles, creators, genres and their word
    frequencies are exactly the feed benchmark's. The FTS5 triggers index each row as it lands.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")

    # Few users: the generator only draws a permutation of them before the items.
    generator = Generator(conn=None, sizes=Sizes(users=1, items=items, entries=0, follows=0), seed=seed)  # type: ignore[arg-type]
    conn.execute("BEGIN")
    with mock.patch.object(feed_data, "copy_rows", copy_sink(conn, ("item",), "insert + FTS triggers")):
        generator.items()
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def check_index(path: Path) -> dict[str, Any]:
    """Proof that the FTS index holds every item: FTS5's own integrity check against `item`
    (raises on any difference), the indexed row count, and the index's size."""
    conn = sqlite3.connect(path)
    try:
        started = time.perf_counter()
        conn.execute("INSERT INTO item_search (item_search, rank) VALUES ('integrity-check', 1)")
        checked = time.perf_counter() - started
        items = conn.execute("SELECT count(*) FROM item").fetchone()[0]
        indexed = conn.execute("SELECT count(*) FROM item_search_docsize").fetchone()[0]
        terms = conn.execute("SELECT count(*) FROM item_search_vocab").fetchone()[0]
        config = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'item_search'").fetchone()[0]
    finally:
        conn.close()
    if indexed != items:
        raise SystemExit(f"FTS index holds {indexed} rows for {items} items")
    prefix = re.search(r"prefix\s*=\s*'([^']*)'", config)
    return {
        "items": items,
        "indexed": indexed,
        "terms": terms,
        "prefix": prefix.group(1) if prefix else "none",
        "integrity_s": checked,
        "size_mb": path.stat().st_size / 2**20,
    }


# Queries --------------------------------------------------------------------------------------


def worst_cases(titles: list[str], repeat: int) -> list[Query]:
    """The most common title words alone and the most common one- and two-letter prefixes of
    title words (by how many titles hold them), plus the common words with a kind filter."""
    word_docs: Counter[str] = Counter()
    prefix_docs: dict[int, Counter[str]] = {1: Counter(), 2: Counter()}
    for title in titles:
        folded = {fold(w) for w in words_of(title)}
        word_docs.update(folded)
        for size, counter in prefix_docs.items():
            counter.update({w[:size] for w in folded if len(w) >= size})
    common = [w for w, _ in word_docs.most_common(COMMON_WORDS)]
    two = [p for p, _ in prefix_docs[2].most_common(TWO_LETTER_PREFIXES)]
    one = [p for p, _ in prefix_docs[1].most_common(ONE_LETTER_PREFIXES)]
    queries = [Query("common word", w) for w in common]
    queries += [Query("2-letter prefix", p) for p in two]
    queries += [Query("1-letter prefix", p) for p in one]
    queries += [Query("common word, kind=book", w, "book") for w in common]
    return [q for q in queries for _ in range(repeat)]


# Measuring ------------------------------------------------------------------------------------


@dataclass
class Timings:
    name: str
    times_ms: list[float] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)

    def pct(self, q: float) -> float:
        return float(np.percentile(self.times_ms, q)) if self.times_ms else float("nan")


def timed(engine: Engine, query: Query) -> float:
    """Milliseconds around the service call alone (the session is opened and closed outside)."""
    with Session(engine) as session:
        started = time.perf_counter()
        search_items(session=session, query=query.text, kind=query.kind, limit=PAGE)
        elapsed = (time.perf_counter() - started) * 1000
        session.rollback()
    return elapsed


def measure(engine: Engine, queries: list[Query], label: str) -> list[float]:
    return [timed(engine, q) for q in tqdm(queries, desc=label, unit="call")]


def group(queries: list[Query], times: list[float], names: tuple[str, ...] | None = None) -> dict[str, Timings]:
    groups: dict[str, Timings] = {}
    for name in names or ():
        groups[name] = Timings(name)
    for query, ms in zip(queries, times, strict=True):
        t = groups.setdefault(query.kind_of_query, Timings(query.kind_of_query))
        t.times_ms.append(ms)
        t.queries.append(query)
    return groups


# Report ---------------------------------------------------------------------------------------


def render(
    *,
    items: int,
    seed: int,
    samples: int,
    repeat: int,
    timings: dict[str, Any],
    index: dict[str, Any],
    mix_groups: dict[str, Timings],
    worst_groups: dict[str, Timings],
    mix_all: Timings,
    everything: Timings,
    sample_queries: list[Query],
    elapsed: float,
    load: list[float],
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if timings.get("reused"):
        built = f"reused a database built earlier by this script (migrations checked in {timings['migrate']:.1f} s)"
    else:
        built = f"migrate {timings['migrate']:.1f} s, insert with the FTS triggers {timings['insert']:.0f} s"
    lines = [
        f"### {now} (commit {git_commit()} plus uncommitted work in the checkout)",
        "",
        f"- Machine: {machine()}; Python {platform.python_version()}, SQLite {sqlite3.sqlite_version} "
        "(the venv's `sqlite3` module), WAL, synchronous=NORMAL as `make_engine` sets them. "
        "Load average (1 min) before the mix, after it and after the worst cases: "
        + " / ".join(f"{value:.2f}" for value in load)
        + ".",
        f"- Data: {items:,} items from `bench/feed_data.py`'s catalog generator (seed {seed}; Zipf-skewed "
        "words, titles like 'The Silent River', 'Night of the Golden Wolf', invented place names), "
        f"inserted with executemany in one transaction ({built}). FTS index: {index['indexed']:,} rows, "
        f"{index['terms']:,} terms, prefix indexes '{index['prefix']}', integrity-check passed "
        f"({index['integrity_s']:.1f} s); database {index['size_mb']:.0f} MB.",
        f"- Method: {WARMUP} untimed warm-up calls, then time.perf_counter around `search_items(limit={PAGE}, "
        "kind=None)` (a fresh SQLModel Session per call, pooled connection, engine from "
        "`slice_of_culture.db.make_engine`); warm cache; the bench's own data is frozen out of garbage "
        "collection (`gc.freeze`) so that collecting it cannot land in a timed call. "
        f"The mix: {samples:,} queries drawn from random "
        "titles exactly as `bench/feed_bench.py` draws them (35% one word, 25% two words, 20% prefix, "
        "15% one typo, 5% creator surname). Worst cases, each query timed "
        f"{repeat} times: the {COMMON_WORDS} most common title words alone, the {TWO_LETTER_PREFIXES} most "
        f"common two-letter and {ONE_LETTER_PREFIXES} most common one-letter prefixes of title words, "
        f"and the common words with kind=book. Whole run {elapsed / 60:.1f} min.",
        "",
        f"| query class | calls | p50 ms | p95 ms | max ms | goal p95 <= {GOAL_P95_MS:g} ms |",
        "|---|---:|---:|---:|---:|---|",
    ]

    def row(t: Timings, *, bold: bool = False) -> str:
        if not t.times_ms:
            return f"| {t.name} | 0 | | | | |"
        verdict = "met" if t.pct(95) <= GOAL_P95_MS else "**missed**"
        name = f"**{t.name}**" if bold else t.name
        return f"| {name} | {len(t.times_ms)} | {t.pct(50):.1f} | {t.pct(95):.1f} | {max(t.times_ms):.1f} | {verdict} |"

    lines += [row(t) for t in mix_groups.values()]
    lines.append(row(mix_all, bold=True))
    lines += [row(t) for t in worst_groups.values()]
    lines.append(row(everything, bold=True))
    slowest: dict[tuple[str, str | None], float] = {}
    for t in [*mix_groups.values(), *worst_groups.values()]:
        for query, ms in zip(t.queries, t.times_ms, strict=True):
            key = (query.text, query.kind)
            slowest[key] = max(slowest.get(key, 0.0), ms)
    top = sorted(slowest.items(), key=lambda kv: -kv[1])[:10]
    worst_words = {name: list(dict.fromkeys(q.text for q in t.queries)) for name, t in worst_groups.items()}
    lines += [
        "",
        "Sample mix queries: " + ", ".join(f"`{q.text}`" for q in sample_queries[:10]) + ".",
        "Worst-case queries: "
        + "; ".join(f"{name}: " + " ".join(f"`{w}`" for w in ws) for name, ws in worst_words.items())
        + ".",
        "Slowest calls: "
        + ", ".join(f"`{text}`{f' ({kind})' if kind else ''} {ms:.1f} ms" for (text, kind), ms in top)
        + ".",
        "",
    ]
    return "\n".join(lines)


# Main -----------------------------------------------------------------------------------------


def run(args: argparse.Namespace, path: Path) -> int:
    started = time.perf_counter()
    timings = prepare(path, items=args.items, seed=args.seed, regenerate=args.regenerate)
    index = check_index(path)
    print(
        f"FTS index: {index['indexed']:,} rows, {index['terms']:,} terms, prefix '{index['prefix']}', "
        f"{index['size_mb']:.0f} MB"
    )
    rng = np.random.default_rng(args.seed + 1)
    conn = sqlite3.connect(path)
    try:
        count = conn.execute("SELECT max(id) FROM item").fetchone()[0]
        ids = [int(i) for i in rng.integers(1, count + 1, 2 * (args.samples + WARMUP))]
        by_id = {i: (title, creator) for i, title, creator in conn.execute("SELECT id, title, creator FROM item")}
        all_titles = [title for title, _ in by_id.values()]
    finally:
        conn.close()
    # Random items' titles and creators, in the order drawn.
    titles = [by_id[i] for i in ids]
    queries = search_queries(titles, rng, args.samples + WARMUP)
    warmup, queries = queries[:WARMUP], queries[WARMUP:]
    worst = worst_cases(all_titles, args.repeat)
    # The bench's own 100k titles would make a full garbage collection (tens of ms) land in
    # some timed call: collect now and keep what exists out of later collections.
    del all_titles, by_id, titles
    gc.collect()
    gc.freeze()

    engine = make_engine(sqlite_url(path))
    try:
        measure(engine, warmup, "warm-up")
        # The machine may be shared: the load average says how quiet it was.
        load = [os.getloadavg()[0]]
        mix_times = measure(engine, queries, "mix")
        load.append(os.getloadavg()[0])
        worst_times = measure(engine, worst, "worst cases")
        load.append(os.getloadavg()[0])
    finally:
        engine.dispose()

    mix_groups = group(queries, mix_times, MIX_CLASSES)
    worst_groups = group(worst, worst_times)
    mix_all = Timings("all of the mix", mix_times, queries)
    everything = Timings("everything above", mix_times + worst_times, queries + worst)
    block = render(
        items=args.items,
        seed=args.seed,
        samples=len(queries),
        repeat=args.repeat,
        timings=timings,
        index=index,
        mix_groups=mix_groups,
        worst_groups=worst_groups,
        mix_all=mix_all,
        everything=everything,
        sample_queries=queries,
        elapsed=time.perf_counter() - started,
        load=load,
    )
    print(block)
    if args.write:
        add_run(SECTION, block, before=NEXT_SECTION)
        print(f"Wrote this run to {RESULTS.relative_to(PROJECT_ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_sqlite_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--samples", type=int, default=1000, help="timed queries of the mix (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per worst-case query (default 5)")
    parser.add_argument("--path", type=Path, help="keep the database here and reuse it next time")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data even if a kept one matches")
    parser.add_argument("--no-write", dest="write", action="store_false", help="print results, leave RESULTS.md")
    args = parser.parse_args(argv)
    if args.path:
        return run(args, args.path.resolve())
    with tempfile.TemporaryDirectory(prefix="search_bench_") as tmp:
        return run(args, Path(tmp) / "search_bench.db")


if __name__ == "__main__":
    sys.exit(main())
