"""Synthetic community for the feed benchmark, written to PostgreSQL with COPY.

Why synthetic: the feed, profile and search queries must be measured at 100k people and 1M
entries, far beyond the demo seed, and the shape matters more than the content. So activity is
skewed the way social sites are (a few people log thousands of entries, most log a handful),
popular people are followed by tens of thousands, imports arrive as bursts, and titles are
made of real words with a long tail of rare invented names so full-text search has something
to rank. Around the entries there is conversation, skewed the same way: likes and comments
gather on recent postcards by much-followed people (the hottest have thousands of likes and
hundreds of comments), and a small share of people block others, a few of them by the thousand.
Everything comes from one seed, so two runs build the same database.

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
# 2: likes, comments and blocks (and the follows a block ends are removed).
GENERATOR_VERSION = 2
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
# How likes and comments pick an entry: its "heat" is (1 + owner's followers) ** FOLLOWER_PULL
# times (1 + age in days / RECENCY_DAYS) ** -RECENCY_DECAY times a log-normal virality factor of
# spread VIRALITY, times the share of its likes that have arrived by ANCHOR (an entry of the last
# hour has few yet); private entries (and followers-only ones of people nobody follows) get none.
FOLLOWER_PULL = 0.85
RECENCY_DAYS = 7.0
RECENCY_DECAY = 1.0
VIRALITY = 1.0
# Comments concentrate a little harder than likes (a few threads take off).
COMMENT_HEAT_POWER = 1.1
# Who likes or comments: one of the owner's followers, else anyone (by activity); followers-only
# entries only hear from followers. Owners answer in their own threads.
FOLLOWER_LIKE_SHARE = 0.6
FOLLOWER_COMMENT_SHARE = 0.5
OWNER_COMMENT_SHARE = 0.2
# Likes and comments come after the entry: exponential delays with these means (capped at ANCHOR).
LIKE_DELAY_SECONDS = 6 * 3600
COMMENT_DELAY_SECONDS = 4 * 3600
# Blocks: BIG_BLOCKERS people block about BIG_BLOCKS each (two of the most followed, two of the
# heaviest followers); HEAVY_BLOCK_SHARE of the rest are by heavy followers (the top
# HEAVY_FOLLOWER_POOL by follows made), 5..50 each, aimed at people they follow and people posting
# lately; the remainder are casual, 1..3 each.
BIG_BLOCKERS = 4
BIG_BLOCKS = 1000
HEAVY_BLOCK_SHARE = 0.6
HEAVY_FOLLOWER_POOL = 5000


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind to generate.

    Likes, comments and blocks default to none, so the benchmarks that reuse the generator for
    other tables (recs_serve_bench, the SQLite benches) keep the data they had; the feed bench
    asks for FEED_SIZES.
    """

    users: int = 100_000
    items: int = 200_000
    entries: int = 1_000_000
    follows: int = 2_000_000
    likes: int = 0
    comments: int = 0
    blocks: int = 0


# What the feed benchmark generates.
FEED_SIZES = Sizes(likes=3_000_000, comments=300_000, blocks=20_000)


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
    """Builds the tables in dependency order on one psycopg connection."""

    def __init__(self, *, conn: psycopg.Connection, sizes: Sizes, seed: int) -> None:
        self.conn = conn
        self.sizes = sizes
        self.np = np.random.default_rng(seed)
        self.py = random.Random(seed)
        self.anchor = int(ANCHOR.timestamp())
        # One popularity order for people: the busiest loggers are also the most followed.
        self.people_order = self.np.permutation(sizes.users)
        # Filled by the later steps from the earlier ones' arrays.
        self.heat: np.ndarray | None = None
        self.followers_of: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def run(self, report: Callable[[str, float], None]) -> None:
        for name, step in (
            ("users", self.users),
            ("items", self.items),
            ("entries", self.entries),
            ("follows", self.follows),
            ("likes", self.likes),
            ("comments", self.comments),
            ("blocks", self.blocks),
        ):
            started = time.perf_counter()
            step()
            report(name, time.perf_counter() - started)
        for table in ("user", "item", "entry", "follow", "like", "comment", "block"):
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
        # Kept for likes, comments and blocks (index = entry id - 1).
        self.entry_owner = user_id.astype(np.int64)
        self.entry_created = created_epoch.astype(np.int64)
        self.entry_visibility = visibility

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
        # Kept for likes, comments and blocks.
        self.follower, self.followee = follower.astype(np.int64), followee.astype(np.int64)

    # Likes and comments -----------------------------------------------------------------------

    def _entry_heat(self) -> np.ndarray:
        """How likely each entry (index = id - 1) is to draw a like or a comment; computed once,
        so the same postcards are hot for both."""
        if self.heat is None:
            followers = np.bincount(self.followee, minlength=self.sizes.users + 1)[self.entry_owner]
            age_days = (self.anchor - self.entry_created) / 86400
            heat = (1.0 + followers) ** FOLLOWER_PULL * (1.0 + age_days / RECENCY_DAYS) ** -RECENCY_DECAY
            heat *= self.np.lognormal(0.0, VIRALITY, len(heat))
            heat *= 1.0 - np.exp(-(self.anchor - self.entry_created) / LIKE_DELAY_SECONDS)
            heat[self.entry_visibility == "private"] = 0.0
            # Only followers see these: nobody can react when nobody follows.
            heat[(self.entry_visibility == "followers") & (followers == 0)] = 0.0
            self.heat = heat
        return self.heat

    def _followers_of(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(members, start, count): the followers of user u are members[start[u] : start[u] + count[u]]."""
        order = np.argsort(self.followee, kind="stable")
        count = np.bincount(self.followee, minlength=self.sizes.users + 1)
        return self.follower[order], np.cumsum(count) - count, count

    def _following_of(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(members, start, count): the people u follows are members[start[u] : start[u] + count[u]]."""
        order = np.argsort(self.follower, kind="stable")
        count = np.bincount(self.follower, minlength=self.sizes.users + 1)
        return self.followee[order], np.cumsum(count) - count, count

    def _members(self, lists: tuple[np.ndarray, np.ndarray, np.ndarray], of: np.ndarray) -> np.ndarray:
        """One random member of each `of` person's list (0 where the list is empty)."""
        members, start, count = lists
        if not len(members):
            return np.zeros(len(of), dtype=np.int64)
        k = start[of] + (self.np.random(len(of)) * count[of]).astype(np.int64)
        return np.where(count[of] > 0, members[np.minimum(k, len(members) - 1)], 0)

    def _anyone(self, k: int) -> np.ndarray:
        """`k` people drawn by activity: the busy are the ones who like, comment and block."""
        return self.np.choice(self.sizes.users, k, p=zipf_weights(self.people_order, ACTIVITY_SKEW)) + 1

    def _actors(self, entry: np.ndarray, follower_share: float, owner_share: float = 0.0) -> np.ndarray:
        """Who reacts to each of `entry` (indexes): the owner, one of their followers, or anyone."""
        owner = self.entry_owner[entry]
        followers = self._members(self.followers_of, owner)
        anyone = self._anyone(len(entry))
        roll = self.np.random(len(entry))
        by_owner = roll < owner_share
        only_followers = self.entry_visibility[entry] == "followers"
        by_follower = ~by_owner & (followers > 0) & ((roll < owner_share + follower_share) | only_followers)
        return np.where(by_owner, owner, np.where(by_follower, followers, anyone))

    def _after_entry(self, entry: np.ndarray, mean_delay: float) -> np.ndarray:
        """A moment after each entry was logged (exponential delay), never past ANCHOR."""
        created = self.entry_created[entry]
        return created + np.minimum(self.np.exponential(mean_delay, len(entry)).astype(np.int64), self.anchor - created)

    def likes(self) -> None:
        n = self.sizes.likes
        if not n:
            return
        rng = self.np
        if self.followers_of is None:
            self.followers_of = self._followers_of()
        heat = self._entry_heat()
        p = heat / heat.sum()
        # (user, entry) pairs packed into one int64 to deduplicate with numpy.
        base = len(p) + 1
        pairs = np.empty(0, dtype=np.int64)
        with tqdm(total=n, desc="like pairs", unit="pair") as bar:
            # Bounded: on tiny sizes the hot entries' possible likers run out.
            for _ in range(20):
                if len(pairs) >= n:
                    break
                k = int((n - len(pairs)) * 1.3) + 1000
                entry = rng.choice(len(p), k, p=p)
                liker = self._actors(entry, FOLLOWER_LIKE_SHARE)
                pairs = np.unique(np.concatenate([pairs, liker * base + entry + 1]))
                bar.update(min(len(pairs), n) - bar.n)
        pairs = rng.permutation(pairs)[:n]
        user_id, entry_id = pairs // base, pairs % base
        at = self._after_entry(entry_id - 1, LIKE_DELAY_SECONDS)
        # Ids grow with time.
        order = np.argsort(at, kind="stable")
        user_id, entry_id, created = user_id[order], entry_id[order], stamps(at[order])

        def rows() -> Iterator[str]:
            for i in range(len(pairs)):
                yield f"{i + 1}\t{user_id[i]}\t{entry_id[i]}\t{created[i]}\n"

        copy_rows(self.conn, "like", ["id", "user_id", "entry_id", "created_at"], rows(), len(pairs), "likes")

    def comments(self) -> None:
        n = self.sizes.comments
        if not n:
            return
        rng = self.np
        if self.followers_of is None:
            self.followers_of = self._followers_of()
        heat = self._entry_heat() ** COMMENT_HEAT_POWER
        entry = rng.choice(len(heat), n, p=heat / heat.sum())
        author = self._actors(entry, FOLLOWER_COMMENT_SHARE, OWNER_COMMENT_SHARE)
        at = self._after_entry(entry, COMMENT_DELAY_SECONDS)
        # A few are edited minutes later.
        edited = np.where(rng.random(n) < 0.05, np.minimum(rng.integers(60, 3600, n), self.anchor - at), 0)
        order = np.argsort(at, kind="stable")
        entry, author, at, edited = entry[order], author[order], at[order], edited[order]
        created, updated = stamps(at), stamps(at + edited)
        pool = self._comment_pool(3000)
        text = rng.integers(0, len(pool), n)

        def rows() -> Iterator[str]:
            for i in range(n):
                yield f"{i + 1}\t{author[i]}\t{entry[i] + 1}\t{pool[text[i]]}\t{created[i]}\t{updated[i]}\n"

        columns = ["id", "user_id", "entry_id", "text", "created_at", "updated_at"]
        copy_rows(self.conn, "comment", columns, rows(), n, "comments")

    def _comment_pool(self, k: int) -> list[str]:
        py = self.py
        shapes: list[Callable[[], str]] = [
            lambda: py.choice(words.REVIEW_CLOSERS),
            lambda: f"{py.choice(words.REVIEW_OPENERS)}, {py.choice(words.REVIEW_MIDDLES)}.",
            lambda: f"Agreed, {py.choice(words.REVIEW_MIDDLES)}.",
            lambda: f"Really? I thought {py.choice(words.REVIEW_MIDDLES)}.",
            lambda: f"{py.choice(words.REVIEW_MIDDLES).capitalize()}! {py.choice(words.REVIEW_CLOSERS)}",
            lambda: f"Is it as {py.choice(words.ADJECTIVES)} as they say?",
            lambda: f"Adding this to my list. {py.choice(words.REVIEW_CLOSERS)}",
            lambda: f"The {py.choice(words.NOUNS)} part! {py.choice(words.REVIEW_OPENERS)}.",
        ]
        return [py.choice(shapes)() for _ in range(k)]

    # Blocks -----------------------------------------------------------------------------------

    def blocks(self) -> None:
        n = self.sizes.blocks
        if not n:
            return
        rng = self.np
        users = self.sizes.users
        if self.followers_of is None:
            self.followers_of = self._followers_of()
        following_of = self._following_of()
        followers = self.followers_of[2]
        following = following_of[2]
        blocker_parts: list[np.ndarray] = []
        blocked_parts: list[np.ndarray] = []

        # A few block by the thousand: two of the most followed (among their followers: trolls)
        # and two of the heaviest followers (anyone).
        big_each = min(BIG_BLOCKS, max(1, users // 50))
        most_followed = np.argsort(-followers[1:], kind="stable")[:BIG_BLOCKERS] + 1
        heaviest = np.argsort(-following[1:], kind="stable")[:BIG_BLOCKERS] + 1
        big = list(dict.fromkeys(int(u) for pair in zip(most_followed, heaviest, strict=True) for u in pair))
        big = big[: min(BIG_BLOCKERS, n // (2 * big_each))]
        for blocker in big:
            m = int(rng.integers(int(big_each * 0.9), int(big_each * 1.1) + 1))
            from_followers = m // 2 if blocker in most_followed and followers[blocker] else 0
            targets = np.concatenate(
                [self._members(self.followers_of, np.full(from_followers, blocker)), self._anyone(m - from_followers)]
            )
            blocker_parts.append(np.full(m, blocker))
            blocked_parts.append(targets)
        big_total = sum(len(part) for part in blocker_parts)

        # Heavy followers, 5..50 each: half people they follow, a quarter people posting lately
        # (in the Everyone feed's first pages), a quarter anyone.
        budget = int((n - big_total) * HEAVY_BLOCK_SHARE)
        pool = np.setdiff1d(np.argsort(-following[1:], kind="stable")[:HEAVY_FOLLOWER_POOL] + 1, big)
        counts = rng.integers(5, 51, len(pool))
        counts = counts[np.cumsum(counts) <= budget]
        heavy = rng.choice(pool, len(counts), replace=False)
        blocker = np.repeat(heavy, counts)
        public = np.flatnonzero(self.entry_visibility == "public")
        recent_posters = self.entry_owner[public[-5000:]]  # ids, like times, grow
        roll = rng.random(len(blocker))
        targets = np.where(
            roll < 0.5,
            self._members(following_of, blocker),
            np.where(roll < 0.75, rng.choice(recent_posters, len(blocker)), self._anyone(len(blocker))),
        )
        blocker_parts.append(blocker)
        blocked_parts.append(targets)

        # Everyone else: a busy person blocks one to three others.
        rest = n - big_total - len(blocker)
        counts = rng.integers(1, 4, rest)
        counts = counts[np.cumsum(counts) <= rest]
        blocker = np.repeat(self._anyone(len(counts)), counts)
        blocker_parts.append(blocker)
        blocked_parts.append(self._anyone(len(blocker)))

        blocker, blocked = np.concatenate(blocker_parts), np.concatenate(blocked_parts)
        keep = (blocker != blocked) & (blocked > 0)
        pairs = np.unique(blocker[keep] * (users + 1) + blocked[keep])
        pairs = rng.permutation(pairs)
        blocker, blocked = pairs // (users + 1), pairs % (users + 1)
        # Blocks are recent: within the last year, ids growing with time.
        created = stamps(np.sort(self.anchor - rng.integers(0, 365 * 86400, len(pairs))))

        def rows() -> Iterator[str]:
            for i in range(len(pairs)):
                yield f"{i + 1}\t{blocker[i]}\t{blocked[i]}\t{created[i]}\n"

        copy_rows(self.conn, "block", ["id", "blocker_id", "blocked_id", "created_at"], rows(), len(pairs), "blocks")
        # A block ends follows both ways (services/blocks.py); likes and comments made before it stay.
        removed = 0
        for one, other in (("follower_id", "followee_id"), ("followee_id", "follower_id")):
            cur = self.conn.execute(
                f"DELETE FROM follow f USING block b WHERE f.{one} = b.blocker_id AND f.{other} = b.blocked_id"
            )
            removed += cur.rowcount
        print(f"removed {removed:,} follows that the blocks ended")
