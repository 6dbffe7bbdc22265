"""History import benchmark: a Goodreads library export and a Letterboxd diary of 5,000 lines
each, read and logged on SQLite and on PostgreSQL with a 100k-item catalog.

Usage:
    .venv/bin/python -m bench.import_bench [--items 100000] [--rows 5000] [--seed 42]
                                           [--backends sqlite,postgresql] [--database soc_import_bench]
                                           [--keep] [--no-write]

It builds two databases migrated with our alembic migrations: a SQLite file in a temporary
directory and the PostgreSQL database `--database` (next to the admin database named by
BENCH_PG_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres). Both get the same
catalog, made by the feed benchmark's item generator (`bench/feed_data.py`: word lists of
`bench/feed_words.py`, Zipf-skewed words, 35% movies / 40% books / 25% music), inserted in one
transaction (SQLite: executemany, the FTS5 triggers index each row; PostgreSQL: COPY, then
VACUUM ANALYZE). The catalog is built in a child process, so the peak RSS reported is that of
the imports alone (plus the modules they load).

Then it writes two files of `--rows` lines (default `imports.MAX_ROWS`), each about 70% items
already in the catalog and 30% items it does not have:

- a Goodreads library export (books matched by title + author + original publication year;
  some titles carry a series suffix, shelves read / to-read / currently-reading, ratings, dates,
  reviews, ISBNs as spreadsheet formulas);
- a Letterboxd diary (movies matched by title + year, no director; ratings in half stars).

For each database and file it times, as the app runs them (`services/imports.py`): `read_file`
(parse), `run_import` for a new person in one transaction with its commit (first import), and
`run_import` of the same rows again (every line already logged, nothing written). Time spent
inside `catalog.match_item` and the SQL statements sent are counted alongside. Finally it runs
EXPLAIN (ANALYZE, BUFFERS) on one `match_item` lookup on PostgreSQL (EXPLAIN QUERY PLAN on
SQLite), prints a table and appends a dated run to the "History import" section of
`bench/RESULTS.md` (unless `--no-write`). Without `--keep` both databases are removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import io
import multiprocessing
import os
import random
import re
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import psycopg
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session
from tqdm import tqdm

from alembic import command
from bench import feed_data
from bench import feed_words as words
from bench.feed_bench import db_url, drop_database, git_commit, machine, recreate_database
from bench.feed_bench import migrate as migrate_pg
from bench.feed_data import DUMMY_PASSWORD_HASH, Generator, Sizes
from bench.results import RESULTS, add_run
from slice_of_culture.config import PROJECT_ROOT
from slice_of_culture.db import make_engine
from slice_of_culture.importers import MAX_ROWS, ImportRow
from slice_of_culture.models import User
from slice_of_culture.services import catalog, imports

SECTION = "## History import (Goodreads and Letterboxd files)"
SECTION_INTRO = (
    "`.venv/bin/python -m bench.import_bench`: `services/imports.py` on a file of `imports.MAX_ROWS` "
    "lines, about 70% items already in the catalog, on SQLite and PostgreSQL. No goal is set yet: the "
    "app runs an import in a background thread with a progress bar."
)
BACKENDS = ("sqlite", "postgresql")
# Rows per executemany call on SQLite; keeps memory flat and the progress bar moving.
CHUNK = 10_000
EXISTING_SHARE = 0.70
GOODREADS_FILE = "goodreads_library_export.csv"
LETTERBOXD_FILE = "diary.csv"
# Headers as Goodreads and Letterboxd write them (as in tests/services/test_imports.py).
GOODREADS_HEADER = (
    "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,"
    "Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,"
    "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies"
).split(",")
LETTERBOXD_HEADER = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date".split(",")
PUBLISHERS = "Penguin,Vintage,Ace,Tor,Scholastic,Bloomsbury,Faber,Picador,Orbit,Harper,Knopf,Gollancz".split(",")
BINDINGS = ("Paperback", "Hardcover", "Kindle Edition", "Mass Market Paperback")


# Catalog --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogItem:
    kind: str
    title: str
    creator: str
    year: int | None
    genres: str  # JSON text
    dedup_key: str
    created_at: str  # COPY text, e.g. 2025-03-01T10:00:00+00

    @property
    def title_prefix(self) -> str:
        """`kind|normalized title|`: what match_item looks up before the creator."""
        kind, title = self.dedup_key.split("|")[:2]
        return f"{kind}|{title}|"


def generated_items(n: int, seed: int) -> list[CatalogItem]:
    """`n` items from feed_data's catalog generator: its COPY writer is swapped for a collector."""
    collected: list[CatalogItem] = []

    def sink(_conn: object, table: str, columns: list[str], rows: Iterator[str], total: int, label: str) -> None:
        assert table == "item", table
        for line in tqdm(rows, total=total, desc=f"generate {label}", unit="item", leave=False):
            v = dict(zip(columns, line.rstrip("\n").split("\t"), strict=True))
            year = None if v["year"] == feed_data.NULL else int(v["year"])
            collected.append(
                CatalogItem(v["kind"], v["title"], v["creator"], year, v["genres"], v["dedup_key"], v["created_at"])
            )

    generator = Generator(conn=None, sizes=Sizes(users=1, items=n, entries=0, follows=0), seed=seed)  # type: ignore[arg-type]
    with mock.patch.object(feed_data, "copy_rows", sink):
        generator.items()
    return collected


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def migrate_sqlite(path: Path) -> None:
    """Apply our alembic migrations to head, as `slice_of_culture.manage migrate` does."""
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = sqlite_url(path)
    cfg.attributes["skip_logging"] = True
    command.upgrade(cfg, "head")


def fill_sqlite(path: Path, items: list[CatalogItem]) -> float:
    """Insert the catalog in one transaction (the FTS5 triggers index each row); seconds taken."""
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    statement = (
        "INSERT INTO item (kind, title, creator, year, genres, description, image_url, external_ids, "
        "dedup_key, created_at) VALUES (?, ?, ?, ?, ?, '', '', '{}', ?, ?)"
    )
    conn.execute("BEGIN")
    with tqdm(total=len(items), desc="SQLite: insert items (+ FTS triggers)", unit="item") as bar:
        for start in range(0, len(items), CHUNK):
            batch = items[start : start + CHUNK]
            conn.executemany(
                statement,
                [
                    # SQLAlchemy's SQLite DATETIME text for '2025-03-01T10:00:00+00'.
                    (i.kind, i.title, i.creator, i.year, i.genres, i.dedup_key, i.created_at[:19].replace("T", " "))
                    for i in batch
                ],
            )
            bar.update(len(batch))
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return time.perf_counter() - started


def fill_postgres(name: str, items: list[CatalogItem]) -> float:
    """COPY the catalog in one transaction, then VACUUM ANALYZE; seconds taken."""
    started = time.perf_counter()
    columns = "kind, title, creator, year, genres, description, image_url, external_ids, dedup_key, created_at"
    with psycopg.connect(db_url(name)) as conn:
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY item ({columns}) FROM STDIN") as copy,
            tqdm(total=len(items), desc="PostgreSQL: COPY items", unit="item") as bar,
        ):
            for start in range(0, len(items), CHUNK):
                batch = items[start : start + CHUNK]
                copy.write(
                    "".join(
                        f"{i.kind}\t{i.title}\t{i.creator}\t{feed_data.NULL if i.year is None else i.year}\t"
                        f"{i.genres}\t\t\t{{}}\t{i.dedup_key}\t{i.created_at}\n"
                        for i in batch
                    )
                )
                bar.update(len(batch))
        conn.commit()
    with psycopg.connect(db_url(name), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE item")
    return time.perf_counter() - started


# Import files ---------------------------------------------------------------------------------


@dataclass
class ImportFileSpec:
    name: str
    label: str
    data: bytes
    existing: int
    new: int
    # The first line naming a catalog item: its lookup is the one EXPLAINed.
    sample_line: int
    # Lines naming a catalog item whose match_item prefix (kind|title| or kind|title|creator|)
    # is shared by more than catalog.MATCH_CANDIDATES items: the one meant may not be looked at.
    crowded: int


def new_items(kind: str, wanted: int, taken: set[str], seed: int) -> list[CatalogItem]:
    """`wanted` items of `kind` whose normalized title is nowhere in `taken` (the catalog's
    title prefixes), so match_item cannot find them whatever their creator and year."""
    out: list[CatalogItem] = []
    attempt = 0
    while len(out) < wanted:
        attempt += 1
        for item in generated_items(20_000, seed + 1000 * attempt):
            if item.kind == kind and item.title_prefix not in taken:
                taken.add(item.title_prefix)
                out.append(item)
                if len(out) == wanted:
                    break
        if attempt > 50:
            raise SystemExit(f"could not invent {wanted} new {kind} titles")
    return out


def lookup_prefix(item: CatalogItem, *, with_creator: bool) -> str:
    """The prefix match_item looks up for a line naming `item` (with or without its creator)."""
    kind, title, creator = item.dedup_key.split("|")[:3]
    return f"{kind}|{title}|" + (f"{creator}|" if with_creator and creator else "")


def split_rows(
    catalog_items: list[CatalogItem], kind: str, rows: int, rng: random.Random, seed: int, *, with_creator: bool
) -> tuple[list[tuple[CatalogItem, bool]], int, int, int]:
    """About 70% distinct catalog items of `kind` and 30% new ones, shuffled; also how many of
    the existing ones share their lookup prefix with more than MATCH_CANDIDATES items."""
    existing_count = round(rows * EXISTING_SHARE)
    of_kind = [i for i in catalog_items if i.kind == kind]
    existing = rng.sample(of_kind, existing_count)
    sharing = Counter(lookup_prefix(i, with_creator=with_creator) for i in of_kind)
    crowded = sum(sharing[lookup_prefix(i, with_creator=with_creator)] > catalog.MATCH_CANDIDATES for i in existing)
    taken = {i.title_prefix for i in catalog_items}
    fresh = new_items(kind, rows - existing_count, taken, seed)
    picked = [(i, True) for i in existing] + [(i, False) for i in fresh]
    rng.shuffle(picked)
    return picked, existing_count, len(fresh), crowded


def past_day(rng: random.Random, today: date, years: int = 8) -> date:
    return today - timedelta(days=rng.randint(1, years * 365))


def review(rng: random.Random) -> str:
    parts = [rng.choice(words.REVIEW_OPENERS), rng.choice(words.REVIEW_MIDDLES) + "."]
    return " ".join(parts) + ("<br/><br/>" if rng.random() < 0.5 else " ") + rng.choice(words.REVIEW_CLOSERS)


def goodreads_file(catalog_items: list[CatalogItem], rows: int, seed: int) -> ImportFileSpec:
    rng = random.Random(seed + 1)
    today = date.today()
    picked, existing, new, crowded = split_rows(catalog_items, "book", rows, rng, seed + 10, with_creator=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GOODREADS_HEADER)
    for book_id, (item, _known) in enumerate(picked, start=1):
        title = item.title
        if rng.random() < 0.10:  # Goodreads appends the series: "Title (Series, #2)"
            title = f"{title} ({rng.choice(words.NOUNS).title()} Cycle, #{rng.randint(1, 7)})"
        first, _, last = item.creator.partition(" ")
        shelf = rng.choices(("read", "to-read", "currently-reading"), (80, 15, 5))[0]
        read = shelf == "read"
        read_on = past_day(rng, today) if read and rng.random() < 0.85 else None
        added = (read_on or past_day(rng, today)) - timedelta(days=rng.randint(0, 400))
        isbn10 = "".join(rng.choice("0123456789") for _ in range(10))
        has_isbn = rng.random() < 0.6
        edition = min(today.year, (item.year or 2000) + rng.choice((0, 0, 0, 1, 5, 20)))
        writer.writerow(
            [
                book_id,
                title,
                item.creator,
                f"{last}, {first}" if last else first,
                "",
                f'="{isbn10}"' if has_isbn else '=""',
                f'="978{isbn10}"' if has_isbn else '=""',
                rng.choice((0, 1, 2, 3, 3, 4, 4, 4, 5, 5)) if read else 0,
                f"{rng.uniform(3, 4.6):.2f}",
                rng.choice(PUBLISHERS),
                rng.choice(BINDINGS),
                rng.randint(90, 900),
                edition,
                item.year or "",
                read_on.strftime("%Y/%m/%d") if read_on else "",
                added.strftime("%Y/%m/%d"),
                "" if shelf == "read" else shelf,
                "" if shelf == "read" else f"{shelf} (#{book_id})",
                shelf,
                review(rng) if read and rng.random() < 0.2 else "",
                "",
                "",
                1 if read else 0,
                rng.choice((0, 0, 1)),
            ]
        )
    sample = 2 + next(n for n, (_item, known) in enumerate(picked) if known)
    return ImportFileSpec(GOODREADS_FILE, "Goodreads library", out.getvalue().encode(), existing, new, sample, crowded)


def letterboxd_file(catalog_items: list[CatalogItem], rows: int, seed: int) -> ImportFileSpec:
    rng = random.Random(seed + 2)
    today = date.today()
    picked, existing, new, crowded = split_rows(catalog_items, "movie", rows, rng, seed + 20, with_creator=False)
    picked_rows = []
    for number, (item, _known) in enumerate(picked):
        watched = past_day(rng, today, years=6)
        logged = min(today, watched + timedelta(days=rng.choice((0, 0, 0, 1, 2, 7))))
        picked_rows.append((watched, logged, number, item))
    picked_rows.sort(key=lambda r: (r[1], r[2]))  # a diary lists entries by log date
    sample = 2 + next(n for n, row in enumerate(picked_rows) if picked[row[2]][1])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LETTERBOXD_HEADER)
    for watched, logged, number, item in picked_rows:
        rating = "" if rng.random() < 0.15 else f"{rng.randint(1, 10) / 2:g}"
        writer.writerow(
            [
                logged.isoformat(),
                item.title,
                item.year or "",
                f"https://boxd.it/{number + 46656:x}",
                rating,
                "Yes" if rng.random() < 0.05 else "",
                "cinema" if rng.random() < 0.1 else "",
                watched.isoformat(),
            ]
        )
    return ImportFileSpec(LETTERBOXD_FILE, "Letterboxd diary", out.getvalue().encode(), existing, new, sample, crowded)


# Preparation (in a child process, so its memory does not count in the imports' peak RSS) ------


def prepare(*, items: int, rows: int, seed: int, backends: list[str], sqlite_path: str, database: str) -> dict:
    """Migrate and fill the databases, write the import files; returns files and timings."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    catalog_items = generated_items(items, seed)
    timings["generate catalog"] = time.perf_counter() - started
    if "sqlite" in backends:
        started = time.perf_counter()
        migrate_sqlite(Path(sqlite_path))
        timings["SQLite migrate"] = time.perf_counter() - started
        timings["SQLite insert + ANALYZE"] = fill_sqlite(Path(sqlite_path), catalog_items)
    if "postgresql" in backends:
        started = time.perf_counter()
        recreate_database(database)
        migrate_pg(database)
        timings["PostgreSQL create + migrate"] = time.perf_counter() - started
        timings["PostgreSQL COPY + VACUUM ANALYZE"] = fill_postgres(database, catalog_items)
    started = time.perf_counter()
    files = [goodreads_file(catalog_items, rows, seed), letterboxd_file(catalog_items, rows, seed)]
    timings["write import files"] = time.perf_counter() - started
    kinds = {k: sum(i.kind == k for i in catalog_items) for k in ("movie", "book", "music")}
    return {"files": files, "timings": timings, "kinds": kinds}


# Measuring ------------------------------------------------------------------------------------


@dataclass
class Step:
    backend: str
    file: str
    step: str
    rows: int
    seconds: float
    match_seconds: float | None = None
    match_calls: int = 0
    new_items: int = 0
    statements: int | None = None
    outcome: str = ""
    peak_rss_mib: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else float("inf")

    @property
    def ms_per_row(self) -> float:
        return 1000 * self.seconds / self.rows if self.rows else float("nan")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def current_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Counters:
    """SQL statements sent and seconds inside catalog.match_item while `on`."""

    statements: int = 0
    match_seconds: float = 0.0
    match_calls: int = 0
    on: bool = False


def instrument(engine: Engine, counters: Counters) -> None:
    def count(_conn, _cursor, statement, parameters, _context, _executemany) -> None:  # noqa: ANN001
        if counters.on:
            counters.statements += 1

    event.listen(engine, "before_cursor_execute", count)


def timed_match_item(counters: Counters) -> Callable[..., Any]:
    original = catalog.match_item

    def wrapper(**kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(**kwargs)
        finally:
            counters.match_seconds += time.perf_counter() - started
            counters.match_calls += 1

    return wrapper


def new_user(engine: Engine, username: str) -> int:
    with Session(engine) as session:
        user = User(username=username, email=f"{username}@bench.invalid", password_hash=DUMMY_PASSWORD_HASH)
        session.add(user)
        session.commit()
        return user.id


def import_once(
    engine: Engine, user_id: int, rows: list[ImportRow], progress: Callable[[int, int], None]
) -> imports.ImportResult:
    """One import as the app runs it: one session, one transaction, commit at the end."""
    with Session(engine) as session:
        user = session.get(User, user_id)
        result = imports.run_import(session=session, user=user, rows=rows, visibility="public", progress=progress)
        session.commit()
    return result


def measure_backend(backend: str, engine: Engine, files: list[ImportFileSpec]) -> list[Step]:
    counters = Counters()
    instrument(engine, counters)
    steps: list[Step] = []
    for spec in files:
        user_id = new_user(engine, f"importer_{spec.name.split('_')[0].split('.')[0]}")
        started = time.perf_counter()
        parsed = imports.read_file(spec.name, spec.data)
        parse_seconds = time.perf_counter() - started
        steps.append(
            Step(
                backend,
                spec.label,
                "read_file (parse)",
                parsed.lines,
                parse_seconds,
                outcome=f"{len(parsed.rows):,} rows, {len(parsed.problems)} problems",
                peak_rss_mib=peak_rss_mib(),
            )
        )
        if parsed.problems:
            print(f"warning: {spec.name}: {parsed.problems[:5]}")
        for step in ("first import", "re-import"):
            counters.statements, counters.match_seconds, counters.match_calls, counters.on = 0, 0.0, 0, True
            with mock.patch.object(catalog, "match_item", timed_match_item(counters)):
                with tqdm(desc=f"{backend}: {spec.label}, {step}", total=len(parsed.rows), unit="row") as bar:
                    started = time.perf_counter()
                    result = import_once(engine, user_id, parsed.rows, lambda done, _total: bar.update(done - bar.n))
                    seconds = time.perf_counter() - started
            counters.on = False
            if step == "first import":
                matched = len(parsed.rows) - result.new_items
                outcome = (
                    f"{result.imported:,} entries; {matched:,} matched (of {spec.existing:,} in the catalog), "
                    f"{result.new_items:,} new items"
                )
            else:
                outcome = f"{result.already_logged:,} already logged, {result.imported} imported"
            if result.problems:
                outcome += f"; {len(result.problems)} problems"
                print(f"warning: {spec.name} {step}: {result.problems[:5]}")
            steps.append(
                Step(
                    backend,
                    spec.label,
                    step,
                    len(parsed.rows),
                    seconds,
                    match_seconds=counters.match_seconds,
                    match_calls=counters.match_calls,
                    new_items=result.new_items,
                    statements=counters.statements,
                    outcome=outcome,
                    peak_rss_mib=peak_rss_mib(),
                )
            )
            print(f"{backend}: {spec.label}, {step}: {seconds:.2f} s ({outcome})")
    return steps


@dataclass
class Plan:
    statement: str
    plan: list[str]
    # PostgreSQL: the same lookup as a prepared statement under its generic plan.
    generic: list[str] | None = None


def _literal(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def explain_match(engine: Engine, row: ImportRow) -> Plan:
    """The SQL match_item sends for `row`, and its plan: EXPLAIN (ANALYZE, BUFFERS) on
    PostgreSQL, EXPLAIN QUERY PLAN on SQLite.

    On PostgreSQL the lookup is also explained as a prepared statement under its generic plan:
    psycopg prepares a statement after a few executions (prepare_threshold), and after 5 custom
    plans PostgreSQL's plan cache switches to the generic one unless it is estimated dearer; so
    most of an import's 5,000 lookups may run that plan rather than the one EXPLAIN shows."""
    captured: list[tuple[str, Any]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _executemany) -> None:  # noqa: ANN001
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        with Session(engine) as session:
            catalog.match_item(session=session, kind=row.kind, title=row.title, creator=row.creator, year=row.year)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    statement, parameters = next((s, p) for s, p in reversed(captured) if "FROM item" in s)
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    generic = None
    with engine.connect() as conn:
        if postgres:
            conn.exec_driver_sql(statement, parameters).all()  # warm, as the 5,000th lookup is
        result = conn.exec_driver_sql(prefix + statement, parameters).all()
        if postgres:
            numbered = statement  # "%%" stays: psycopg still reads placeholders
            for n, name in enumerate(parameters, start=1):
                numbered = numbered.replace(f"%({name})s", f"${n}")
            arguments = ", ".join(_literal(v) for v in parameters.values())
            conn.exec_driver_sql("PREPARE bench_match AS " + numbered)
            conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
            rows = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_match({arguments})").all()
            generic = [r[0] for r in rows]
            conn.exec_driver_sql("RESET plan_cache_mode")
            conn.exec_driver_sql("DEALLOCATE bench_match")
        conn.rollback()
    plan = [r[0] for r in result] if postgres else [str(r[-1]) for r in result]
    shown = statement.replace("\n", " ")
    for name, value in parameters.items() if isinstance(parameters, dict) else []:
        shown = shown.replace(f"%({name})s", repr(value)).replace("%%", "%")
    if not isinstance(parameters, dict):
        shown += f"  -- parameters {list(parameters)!r}"
    return Plan(shown, plan, generic)


def postgres_facts(name: str) -> dict[str, Any]:
    with psycopg.connect(db_url(name)) as conn:
        facts: dict[str, Any] = {"version": conn.execute("SHOW server_version").fetchone()[0]}
        for setting in ("shared_buffers", "work_mem", "lc_collate"):
            facts[setting] = conn.execute(f"SHOW {setting}").fetchone()[0]
        facts["size"] = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
        facts["dedup_indexes"] = [
            r[0]
            for r in conn.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'item' AND indexdef LIKE '%dedup_key%'"
            )
        ]
    return facts


# Report ---------------------------------------------------------------------------------------


def table(steps: list[Step]) -> list[str]:
    lines = [
        "| database | file | step | rows | s | rows/s | ms/row | in match_item s | SQL statements "
        "| outcome | peak RSS MiB |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for s in steps:
        match = "" if s.match_seconds is None else f"{s.match_seconds:.2f}"
        statements = "" if s.statements is None else f"{s.statements:,}"
        lines.append(
            f"| {s.backend} | {s.file} | {s.step} | {s.rows:,} | {s.seconds:.2f} | {s.rows_per_second:,.0f} "
            f"| {s.ms_per_row:.2f} | {match} | {statements} | {s.outcome} | {s.peak_rss_mib:.0f} |"
        )
    return lines


def _scan(plan: list[str]) -> str:
    line = next((line for line in plan if "Scan" in line), "?")
    return re.sub(r"^\s*(->)?\s*|\s*\(cost=.*$", "", line)


def _execution_ms(plan: list[str]) -> float:
    line = next((line for line in plan if line.startswith("Execution Time")), "")
    found = re.search(r"([0-9.]+) ms", line)
    return float(found.group(1)) if found else float("nan")


def _ms(value: float) -> str:
    return f"{value:.3f}" if value < 1 else f"{value:.1f}"


def interpretation(steps: list[Step], plans: dict[str, Plan], files: list[ImportFileSpec], collation: str) -> list[str]:
    by = {(s.backend, s.file, s.step): s for s in steps}
    notes: list[str] = []
    imports_only = [s for s in steps if s.step != "read_file (parse)"]
    for backend in BACKENDS:
        mine = [s for s in imports_only if s.backend == backend]
        if not mine:
            continue
        share = sum(s.match_seconds or 0 for s in mine) / sum(s.seconds for s in mine)
        per_lookup = 1000 * sum(s.match_seconds or 0 for s in mine) / max(1, sum(s.match_calls for s in mine))
        slowest = max(mine, key=lambda s: s.seconds)
        notes.append(
            f"{'SQLite' if backend == 'sqlite' else 'PostgreSQL'}: the slowest import step was {slowest.file}, "
            f"{slowest.step}, {slowest.seconds:.1f} s ({slowest.ms_per_row:.2f} ms per row); "
            f"{share:.0%} of all import time was spent inside `catalog.match_item`, {per_lookup:.2f} ms per lookup."
        )
    pairs = [
        (by[("sqlite", f, st)], by[("postgresql", f, st)])
        for (b, f, st) in by
        if b == "sqlite" and st != "read_file (parse)" and ("postgresql", f, st) in by
    ]
    if pairs:
        ratios = ", ".join(f"{p.file} {p.step} {p.seconds / s.seconds:.1f}x" for s, p in pairs)
        notes.append(f"PostgreSQL against SQLite, same rows and catalog: {ratios}.")
    if "postgresql" in plans:
        found = plans["postgresql"]
        scan, custom_ms = _scan(found.plan), _execution_ms(found.plan)
        note = f"The PostgreSQL lookup plan: `{scan}`, {_ms(custom_ms)} ms in the server"
        pg_steps = [s for s in imports_only if s.backend == "postgresql"]
        measured = 1000 * sum(s.match_seconds or 0 for s in pg_steps) / max(1, sum(s.match_calls for s in pg_steps))
        if found.generic:
            generic_scan, generic_ms = _scan(found.generic), _execution_ms(found.generic)
            note += (
                f"; as a prepared statement under its generic plan, `{generic_scan}`, {_ms(generic_ms)} ms. "
                "psycopg prepares a statement after a few executions (prepare_threshold, 5 by default), and after "
                "five custom plans PostgreSQL's plan cache switches to the generic plan unless it is estimated "
                "dearer"
            )
            if pg_steps and generic_ms < 1:
                note += (
                    f". Both are index lookups; the import's lookups averaged {_ms(measured)} ms, client round "
                    "trip, parsing and planning included (match_item sends the pattern as a literal, so a "
                    "prepared statement's generic plan knows it too)"
                )
            elif pg_steps and measured >= generic_ms / 2:
                note += f". The import's lookups averaged {_ms(measured)} ms, near the generic plan: most ran it"
                if "Index Scan" in generic_scan:
                    note += (
                        " (not knowing the pattern, the planner expects many matches and walks the primary key in "
                        "id order to stop at the 50th; a title matches one or a few rows, so it walks the whole "
                        "table and evaluates like_escape($1 || '%') on every row)"
                    )
            elif pg_steps:
                note += (
                    f". The import's lookups averaged {_ms(measured)} ms, client round trip included, far below the "
                    "generic plan: the plan cache kept custom plans, which it does when they are estimated much "
                    "cheaper than the generic one"
                )
        note += "."
        if "Seq Scan" in scan:
            note += (
                " `match_item` filters with `dedup_key LIKE 'prefix%'`; PostgreSQL turns that into an index "
                'range only on a b-tree whose comparisons are bytewise (the "C" collation or text_pattern_ops). '
                f'The database collation, {collation}, does not count as "C" to the planner, so the unique '
                "index on dedup_key is no use and, without a text_pattern_ops index, every imported line reads "
                "the whole item table."
            )
        notes.append(note)
    if "sqlite" in plans:
        notes.append(f"The SQLite lookup plan: `{'; '.join(plans['sqlite'].plan)}` (a range on the unique index).")
    for spec in files:
        first = [s for s in steps if s.file == spec.label and s.step == "first import"]
        missed = max((spec.existing - (s.rows - s.new_items) for s in first), default=0)
        if missed or spec.crowded:
            notes.append(
                f"{spec.label}: {missed:,} of the {spec.existing:,} lines naming a catalog item were not matched "
                f"and added a second item instead. {spec.crowded:,} of those {spec.existing:,} lines name a "
                f"lookup prefix (kind, title{', creator' if spec.label.startswith('Goodreads') else ''}) shared by "
                f"more than {catalog.MATCH_CANDIDATES} catalog items; `match_item` reads only the items of the "
                f"years that can match (the year, a year off, or none), at most {catalog.MATCH_CANDIDATES}."
            )
    parse = [s for s in steps if s.step == "read_file (parse)"]
    if parse:
        notes.append(
            f"Parsing is not the cost: read_file takes {min(s.seconds for s in parse):.3f}–"
            f"{max(s.seconds for s in parse):.3f} s for a whole file."
        )
    return notes


def render(
    *,
    args: argparse.Namespace,
    prepared: dict,
    steps: list[Step],
    plans: dict[str, Plan],
    pg: dict | None,
    baseline_rss: float,
    load: float,
    sqlite_size_mb: float | None,
    elapsed: float,
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    kinds = prepared["kinds"]
    files = prepared["files"]
    databases = []
    if sqlite_size_mb is not None:
        databases.append(f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL, file {sqlite_size_mb:.0f} MB)")
    if pg:
        databases.append(
            f"PostgreSQL {pg['version']} with default settings (shared_buffers {pg['shared_buffers']}, work_mem "
            f"{pg['work_mem']}, jit off as the app sets it; lc_collate {pg['lc_collate']}; database {pg['size']}); "
            f"indexes on item.dedup_key: {'; '.join(f'`{d}`' for d in pg['dedup_indexes']) or 'none'}"
        )
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in prepared["timings"].items())
    lines = [
        f"### {now} (commit {git_commit()} plus uncommitted work in the checkout)",
        "",
        f"- Machine: {machine()}, Python {sys.version.split()[0]}, load average {load:.1f} at the start "
        "(shared with other work); " + "; ".join(databases) + ".",
        f"- Data: {sum(kinds.values()):,} catalog items ({kinds['movie']:,} movies, {kinds['book']:,} books, "
        f"{kinds['music']:,} music; feed_data's generator, seed {args.seed}), the same in both databases, inserted "
        f"in one transaction each ({timings}). Two files of {args.rows:,} lines: "
        + "; ".join(
            f"{f.label} ({len(f.data) / 1024:.0f} KiB, {f.existing:,} lines for catalog items, "
            f"{f.new:,} for titles not in it)"
            for f in files
        )
        + ". Goodreads lines: books by title + author + original publication year, 10% with a series suffix, "
        "shelves 80% read / 15% to-read / 5% currently-reading, reviews on 20% of read books. Letterboxd lines: "
        "movies by title + year only (a diary has no director), all watched, 85% rated.",
        "- Method: for each database and file, a new person; `imports.read_file` timed alone, then "
        "`imports.run_import` (visibility public) in one SQLModel Session with its commit, as the app's "
        "import thread runs it (first import), then the same rows again (re-import: every line already "
        "logged). One run each, warm cache; time.perf_counter around the calls. `in match_item s` is time "
        "inside `catalog.match_item`; SQL statements are all those sent through the engine (SAVEPOINT "
        "and RELEASE included). Peak RSS is the bench process's high-water mark after the step "
        f"(ru_maxrss; {baseline_rss:.0f} MiB before the first import; the catalog was built in a child process). "
        f"Whole run {elapsed / 60:.1f} min.",
        "",
        *table(steps),
        "",
    ]
    for backend, found in plans.items():
        what = "EXPLAIN (ANALYZE, BUFFERS)" if backend == "postgresql" else "EXPLAIN QUERY PLAN"
        lines += [
            f"{what} of one `match_item` lookup on {'PostgreSQL' if backend == 'postgresql' else 'SQLite'} "
            "(the first line of the Goodreads file that names a book in the catalog):",
            "",
            "```",
            found.statement,
            "",
            *found.plan,
            "```",
            "",
        ]
        if found.generic:
            lines += [
                "The same lookup as a prepared statement under its generic plan (`PREPARE`, "
                "`SET plan_cache_mode = force_generic_plan`, `EXPLAIN (ANALYZE, BUFFERS) EXECUTE`):",
                "",
                "```",
                *found.generic,
                "```",
                "",
            ]
    notes = interpretation(steps, plans, files, pg["lc_collate"] if pg else "?")
    lines += [*(f"- {note}" for note in notes), ""]
    return "\n".join(lines)


# Main -----------------------------------------------------------------------------------------


def run(args: argparse.Namespace, workdir: Path) -> int:
    started = time.perf_counter()
    load = os.getloadavg()[0]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        raise SystemExit(f"unknown backends: {', '.join(sorted(unknown))}")
    sqlite_path = workdir / "import_bench.db"
    print(f"Building {args.items:,} catalog items and two files of {args.rows:,} lines ({', '.join(backends)}).")
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        prepared = pool.submit(
            prepare,
            items=args.items,
            rows=args.rows,
            seed=args.seed,
            backends=backends,
            sqlite_path=str(sqlite_path),
            database=args.database,
        ).result()
    print("Prepared: " + ", ".join(f"{k} {v:.1f} s" for k, v in prepared["timings"].items()))
    files: list[ImportFileSpec] = prepared["files"]
    for spec in files:
        (workdir / spec.name).write_bytes(spec.data)

    baseline_rss = current_rss_mib()
    steps: list[Step] = []
    plans: dict[str, Plan] = {}
    sample = files[0]
    first_book = next(r for r in imports.read_file(sample.name, sample.data).rows if r.line == sample.sample_line)
    for backend in backends:
        url = sqlite_url(sqlite_path) if backend == "sqlite" else db_url(args.database, driver=True)
        engine = make_engine(url)
        steps += measure_backend(backend, engine, files)
        plans[backend] = explain_match(engine, first_book)
        engine.dispose()
    pg = postgres_facts(args.database) if "postgresql" in backends else None
    sqlite_size = sqlite_path.stat().st_size / 1e6 if "sqlite" in backends else None

    block = render(
        args=args,
        prepared=prepared,
        steps=steps,
        plans=plans,
        pg=pg,
        baseline_rss=baseline_rss,
        load=load,
        sqlite_size_mb=sqlite_size,
        elapsed=time.perf_counter() - started,
    )
    print()
    print(block)
    if args.write:
        add_run(SECTION, block, intro=SECTION_INTRO)
        print(f"Wrote this run to {RESULTS.relative_to(PROJECT_ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="catalog items (default 100,000)")
    parser.add_argument("--rows", type=int, default=MAX_ROWS, help="lines per import file (default 5,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--backends", default=",".join(BACKENDS), help="sqlite,postgresql (default both)")
    parser.add_argument("--database", default="soc_import_bench", help="name of the PostgreSQL bench database")
    parser.add_argument("--keep", action="store_true", help="keep the databases and files (paths are printed)")
    parser.add_argument("--no-write", dest="write", action="store_false", help="print results, leave RESULTS.md")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="soc_import_bench_"))
    try:
        return run(args, workdir)
    finally:
        if args.keep:
            print(f"Kept {workdir} and PostgreSQL database {args.database}.")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            if "postgresql" in args.backends:
                drop_database(args.database)


if __name__ == "__main__":
    sys.exit(main())
