"""Synthetic community for the feed benchmark, written to PostgreSQL with COPY.

Why synthetic: the feed, profile and search queries must be measured at 100k people and 1M
entries, far beyond the demo seed, and the shape matters more than the content. So activity is
skewed the way social sites are (a few people log thousands of entries, most log a handful),
popular people are followed by tens of thousands, imports arrive as bursts, and titles are
made of real words with a long tail of rare invented names so full-text search has something
to rank. Everything comes from one seed, so two runs build the same database.

Rows are built in numpy / plain Python and streamed with psycopg's `cursor.copy` in COPY text
format; nothing is inserted row by row.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import numpy as np
import psycopg
from tqdm import tqdm

from bench import feed_words as words
from slice_of_culture.services.catalog import dedup_key

# Bump when the generated data changes shape, so a kept database is rebuilt rather than reused.
GENERATOR_VERSION = 1
# Fixed "now" so a given seed always yields the same timestamps.
ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
# Entries are spread over the two years before ANCHOR.
SPAN_SECONDS = 2 * 365 * 24 * 3600
# Every generated account shares this argon2-shaped hash; nobody logs in to the bench database.
DUMMY_PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2hzYWx0YmVuY2g$YmVuY2htYXJrLW5vdC1hLXJlYWwtaGFzaA"
# Rows per COPY write; keeps memory flat and the progress bar moving.
CHUNK = 50_000
NULL = "\\N"

# Share of entries per visibility, status and rating value (ratings 1..10 are half stars).
VISIBILITY_SHARE = {"public": 0.85, "followers": 0.10, "private": 0.05}
STATUS_SHARE = {"finished": 0.82, "in_progress": 0.07, "want": 0.07, "dropped": 0.04}
RATING_SHARE = [0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.18, 0.22, 0.16, 0.13]
# Zipf exponents: how unequal entry activity, follower counts, following counts and item popularity are.
ACTIVITY_SKEW = 0.7
FOLLOWEE_SKEW = 0.8
FOLLOWER_SKEW = 0.5
ITEM_SKEW = 0.8
# Share of entries that arrive as bursts (imports, binge logging) of 3..30 entries minutes apart.
BURST_SHARE = 0.10
# Share of finished / dropped entries that carry a review.
REVIEW_SHARE = 0.30


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind to generate."""

    users: int = 100_000
    items: int = 200_000
    entries: int = 1_000_000
    follows: int = 2_000_000


@dataclass(frozen=True)
class Signature:
    """What a generated database was built from; stored as the database comment."""

    sizes: Sizes
    seed: int
    version: int = GENERATOR_VERSION

    def to_text(self) -> str:
        return json.dumps({"feed_bench": asdict(self)}, sort_keys=True)

    @staticmethod
    def from_text(text: str | None) -> Signature | None:
        try:
            data = json.loads(text or "")["feed_bench"]
            return Signature(sizes=Sizes(**data["sizes"]), seed=data["seed"], version=data["version"])
        except (ValueError, KeyError, TypeError):
            return None


def zipf_weights(order: np.ndarray, skew: float) -> np.ndarray:
    """Probabilities by id (index = id - 1): the id at order[0] is the most likely, then order[1]..."""
    ranked = np.arange(1, len(order) + 1, dtype=np.float64) ** -skew
    weights = np.empty(len(order), dtype=np.float64)
    weights[order] = ranked / ranked.sum()
    return weights


def stamps(epoch_seconds: np.ndarray) -> list[str]:
    """timestamptz literals ('2025-03-01T10:00:00+00') for COPY."""
    text = np.datetime_as_string(epoch_seconds.astype("datetime64[s]"), unit="s")
    return [t + "+00" for t in text.tolist()]


def days(epoch_seconds: np.ndarray) -> list[str]:
    return np.datetime_as_string(epoch_seconds.astype("datetime64[s]").astype("datetime64[D]")).tolist()


def copy_rows(
    conn: psycopg.Connection, table: str, columns: list[str], rows: Iterator[str], total: int, label: str
) -> None:
    """Stream tab-separated lines into `table` with COPY, with a progress bar."""
    statement = f'COPY "{table}" ({", ".join(columns)}) FROM STDIN'
    with conn.cursor() as cur, cur.copy(statement) as copy, tqdm(total=total, desc=label, unit="row") as bar:
        batch: list[str] = []
        for line in rows:
            batch.append(line)
            if len(batch) >= CHUNK:
                copy.write("".join(batch))
                bar.update(len(batch))
                batch = []
        if batch:
            copy.write("".join(batch))
            bar.update(len(batch))


class Generator:
    """Builds the four tables in dependency order on one psycopg connection."""

    def __init__(self, *, conn: psycopg.Connection, sizes: Sizes, seed: int) -> None:
        self.conn = conn
        self.sizes = sizes
        self.np = np.random.default_rng(seed)
        self.py = random.Random(seed)
        self.anchor = int(ANCHOR.timestamp())
        # One popularity order for people: the busiest loggers are also the most followed.
        self.people_order = self.np.permutation(sizes.users)

    def run(self, report: Callable[[str, float], None]) -> None:
        for name, step in (
            ("users", self.users),
            ("items", self.items),
            ("entries", self.entries),
            ("follows", self.follows),
        ):
            started = time.perf_counter()
            step()
            report(name, time.perf_counter() - started)
        for table in ("user", "item", "entry", "follow"):
            self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"
            )
        self.conn.commit()

    # People -----------------------------------------------------------------------------------

    def users(self) -> None:
        n = self.sizes.users
        rng = self.np
        first = rng.integers(0, len(words.FIRST_NAMES), n)
        last = rng.integers(0, len(words.LAST_NAMES), n)
        visibility = rng.choice(list(VISIBILITY_SHARE), n, p=[0.9, 0.08, 0.02])
        active = rng.random(n) >= 0.005
        created = stamps(self.anchor - SPAN_SECONDS - rng.integers(0, 365 * 86400, n))

        def rows() -> Iterator[str]:
            for i in range(n):
                f, la = words.FIRST_NAMES[first[i]], words.LAST_NAMES[last[i]]
                username = f"{f}_{la}{i + 1}"
                yield (
                    f"{i + 1}\t{username}\t{username}@example.com\t{DUMMY_PASSWORD_HASH}\t"
                    f"{f.title()} {la.title()}\t\t\t{visibility[i]}\tt\tf\t{'t' if active[i] else 'f'}\t{created[i]}\n"
                )

        columns = "id username email password_hash display_name bio avatar_url default_visibility "
        columns += "discoverable is_admin is_active created_at"
        copy_rows(self.conn, "user", columns.split(), rows(), n, "users")

    # Catalog ----------------------------------------------------------------------------------

    def _word_picker(self, vocabulary: list[str], skew: float) -> Callable[[], str]:
        vocabulary = list(dict.fromkeys(vocabulary))
        weights = [(rank + 1) ** -skew for rank in range(len(vocabulary))]
        self.py.shuffle(vocabulary)
        cumulative = list(np.cumsum(weights))
        return lambda: self.py.choices(vocabulary, cum_weights=cumulative)[0]

    def items(self) -> None:
        n = self.sizes.items
        py = self.py
        adjective = self._word_picker(words.ADJECTIVES, 0.9)
        noun = self._word_picker(words.NOUNS, 0.9)
        places = list(
            dict.fromkeys(
                "".join(py.choice(words.SYLLABLES) for _ in range(py.choice((2, 2, 3)))).title() for _ in range(6000)
            )
        )
        place = self._word_picker(places, 0.6)
        person = lambda: f"{py.choice(words.FIRST_NAMES).title()} {py.choice(words.LAST_NAMES).title()}"  # noqa: E731
        small = {"of", "and", "in", "to", "a", "the"}

        def title_case(text: str) -> str:
            parts = text.split()
            return " ".join(p if (k and p in small) else p[:1].upper() + p[1:] for k, p in enumerate(parts))

        patterns: list[tuple[float, Callable[[], str]]] = [
            (14, lambda: f"the {adjective()} {noun()}"),
            (12, lambda: f"{adjective()} {noun()}"),
            (10, lambda: f"the {noun()} of {noun()}"),
            (6, lambda: f"{noun()} and {noun()}"),
            (6, lambda: place()),
            (8, lambda: f"the {noun()} of {place()}"),
            (6, lambda: f"{py.choice(words.FIRST_NAMES)}'s {noun()}"),
            (5, lambda: noun()),
            (6, lambda: f"a {adjective()} {noun()} in {place()}"),
            (5, lambda: f"{adjective()} {noun()}, {adjective()} {noun()}"),
            (4, lambda: f"return to {place()}"),
            (4, lambda: f"{noun()} {py.choice(('II', 'III', 'IV', 'Reprise', 'Redux', 'Live'))}"),
            (6, lambda: f"{adjective()} {noun()} {noun()}"),
            (8, lambda: f"{noun()} of the {adjective()} {noun()}"),
        ]
        weights = [w for w, _ in patterns]
        makers = [m for _, m in patterns]
        kinds = self.np.choice(["movie", "book", "music"], n, p=[0.35, 0.40, 0.25])
        created = stamps(self.anchor - SPAN_SECONDS - self.np.integers(0, 3 * 365 * 86400, n))
        first_year = {"movie": 1920, "book": 1850, "music": 1955}
        seen: set[str] = set()

        def rows() -> Iterator[str]:
            for i in range(n):
                kind = str(kinds[i])
                title = title_case(py.choices(makers, weights)[0]())
                if kind == "music" and py.random() < 0.5:
                    creator = title_case(f"the {adjective()} {noun()}")
                else:
                    creator = person()
                # Recent years are the most common; the catalog's tail reaches back decades.
                year = max(first_year[kind], 2026 - int(py.expovariate(1 / 18)))
                key = dedup_key(kind, title, creator, year)
                while key in seen:
                    year -= 1
                    key = dedup_key(kind, title, creator, year)
                seen.add(key)
                genres = json.dumps(py.sample(words.GENRES[kind], py.choice((1, 1, 2, 2, 3))))
                yield f"{i + 1}\t{kind}\t{title}\t{creator}\t{year}\t{genres}\t\t\t{{}}\t{key}\t{NULL}\t{created[i]}\n"

        columns = "id kind title creator year genres description image_url external_ids dedup_key"
        columns += " created_by_id created_at"
        copy_rows(self.conn, "item", columns.split(), rows(), n, "items")

    # Entries ----------------------------------------------------------------------------------

    def _seconds_ago(self, k: int) -> np.ndarray:
        # Growth: the density of entries rises towards ANCHOR (sqrt of a uniform).
        return (SPAN_SECONDS * (1 - np.sqrt(self.np.random(k)))).astype(np.int64)

    def entries(self) -> None:
        n = self.sizes.entries
        rng = self.np
        activity = zipf_weights(self.people_order, ACTIVITY_SKEW)
        popularity = zipf_weights(rng.permutation(self.sizes.items), ITEM_SKEW)

        # Bursts: one person logs 3..30 things a minute or so apart.
        burst_total = int(n * BURST_SHARE)
        sizes = rng.integers(3, 31, burst_total // 3 + 1)
        sizes = sizes[np.cumsum(sizes) <= burst_total]
        sizes = np.append(sizes, burst_total - sizes.sum()) if sizes.sum() < burst_total else sizes
        sizes = sizes[sizes > 0]
        burst_users = rng.choice(self.sizes.users, len(sizes), p=activity) + 1
        burst_start = self._seconds_ago(len(sizes))
        burst_of = np.repeat(np.arange(len(sizes)), sizes)
        step = rng.integers(5, 120, burst_total)
        # Seconds since the burst began: a running sum of steps that restarts with each burst.
        running = np.cumsum(step)
        offsets = running - np.repeat(running[np.cumsum(sizes) - sizes] - step[np.cumsum(sizes) - sizes], sizes)
        burst_ago = np.maximum(burst_start[burst_of] - offsets, 0)

        single = n - burst_total
        user_id = np.concatenate([rng.choice(self.sizes.users, single, p=activity) + 1, burst_users[burst_of]])
        ago = np.concatenate([self._seconds_ago(single), burst_ago])
        item_id = rng.choice(self.sizes.items, n, p=popularity) + 1
        # Ids grow with time, as they would in production.
        order = np.argsort(-ago, kind="stable")
        user_id, ago = user_id[order], ago[order]
        created_epoch = self.anchor - ago
        created = stamps(created_epoch)
        consumed = days(created_epoch - rng.integers(0, 4, n) * 86400)

        status = rng.choice(list(STATUS_SHARE), n, p=list(STATUS_SHARE.values()))
        visibility = rng.choice(list(VISIBILITY_SHARE), n, p=list(VISIBILITY_SHARE.values()))
        rating = rng.choice(np.arange(1, 11), n, p=RATING_SHARE)
        done = (status == "finished") | (status == "dropped")
        rated = np.where(done, rng.random(n) < 0.85, (status == "in_progress") & (rng.random(n) < 0.3))
        reviews = self._review_pool(4000)
        review_pick = np.where(done & (rng.random(n) < REVIEW_SHARE), rng.integers(0, len(reviews), n), -1)

        def rows() -> Iterator[str]:
            for i in range(n):
                r = str(rating[i]) if rated[i] else NULL
                c = consumed[i] if done[i] else NULL
                text = reviews[review_pick[i]] if review_pick[i] >= 0 else ""
                ts = created[i]
                head = f"{i + 1}\t{user_id[i]}\t{item_id[i]}\t{status[i]}\t{r}\t{c}"
                yield f"{head}\t{text}\t{visibility[i]}\t{ts}\t{ts}\n"

        columns = "id user_id item_id status rating consumed_on review visibility created_at updated_at"
        copy_rows(self.conn, "entry", columns.split(), rows(), n, "entries")

    def _review_pool(self, k: int) -> list[str]:
        py = self.py
        pool = []
        for _ in range(k):
            parts = [f"{py.choice(words.REVIEW_OPENERS)}, {py.choice(words.REVIEW_MIDDLES)}"]
            for _ in range(py.choice((0, 0, 1, 2, 4))):
                parts.append(f"{py.choice(words.REVIEW_MIDDLES).capitalize()}, and {py.choice(words.REVIEW_MIDDLES)}")
            pool.append(". ".join(parts) + ". " + py.choice(words.REVIEW_CLOSERS))
        return pool

    # Follows ----------------------------------------------------------------------------------

    def follows(self) -> None:
        n = self.sizes.follows
        rng = self.np
        users = self.sizes.users
        # Pairs are packed into one int64 (follower << 20 | followee) to deduplicate with numpy.
        assert users < 1 << 20, "follow pair packing supports fewer than 1,048,576 users"
        followee_weights = zipf_weights(self.people_order, FOLLOWEE_SKEW)
        follower_weights = zipf_weights(rng.permutation(users), FOLLOWER_SKEW)
        pairs = np.empty(0, dtype=np.int64)
        with tqdm(total=n, desc="follow pairs", unit="pair") as bar:
            while len(pairs) < n:
                k = int((n - len(pairs)) * 1.3) + 1000
                follower = rng.choice(users, k, p=follower_weights).astype(np.int64) + 1
                followee = rng.choice(users, k, p=followee_weights).astype(np.int64) + 1
                fresh = (follower << 20 | followee)[follower != followee]
                pairs = np.unique(np.concatenate([pairs, fresh]))
                bar.update(min(len(pairs), n) - bar.n)
        pairs = rng.permutation(pairs)[:n]
        follower, followee = pairs >> 20, pairs & ((1 << 20) - 1)
        created = stamps(np.sort(self.anchor - self._seconds_ago(n)))

        def rows() -> Iterator[str]:
            for i in range(n):
                yield f"{i + 1}\t{follower[i]}\t{followee[i]}\t{created[i]}\n"

        copy_rows(self.conn, "follow", ["id", "follower_id", "followee_id", "created_at"], rows(), n, "follows")
