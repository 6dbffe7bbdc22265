"""A small, believable demo community for an empty database.

Why: a fresh install should show postcards, profiles, forums and recommendations at once,
and the recommender needs taste structure to find. Every demo person belongs to one or two
taste clusters of `demo_catalog.CLUSTERS` and mostly loves that cluster's movies, books and
albums, so "people with similar taste" and "because you loved X" have real answers.

Demo logins (every demo account shares one password):

    username: maria    password: culture-demo    (a regular member; sci-fi and jazz)
    username: admin    password: culture-demo    (the demo administrator)

The seed is deterministic: `random.Random(seed)` is the only source of randomness and all
dates are offsets from the moment of seeding, so the same seed gives the same community.
Nothing is fetched from the internet; avatars stay empty and the UI draws initials.
`seed_demo` never commits: the caller owns the transaction (e.g. one `session_scope()`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select
from tqdm import tqdm

from slice_of_culture.models import (
    Comment,
    Entry,
    Follow,
    Forum,
    Item,
    ItemList,
    ItemListEntry,
    Like,
    Message,
    Notification,
    User,
    utcnow,
)
from slice_of_culture.services.accounts import hash_password
from slice_of_culture.services.catalog import dedup_key
from slice_of_culture.services.demo_catalog import CATALOG, CatalogItem

DEMO_PASSWORD = "culture-demo"
DEMO_LOGIN = "maria"
DEMO_ADMIN = "admin"
DEMO_EMAIL_DOMAIN = "example.com"

# How far back the community's history reaches: entries spread over ~8 months.
HISTORY_DAYS = 240
# Forum chatter is recent, so the rooms look alive.
FORUM_DAYS = 7
# Only recent activity notifies; older notifications are already read.
NOTIFY_DAYS = 30
READ_AFTER_DAYS = 2


@dataclass(frozen=True)
class DemoPerson:
    """A demo account and the taste clusters (keys of CLUSTERS) that drive what it logs."""

    username: str
    display_name: str
    bio: str
    clusters: tuple[str, ...]
    is_admin: bool = False


# One person per line reads like a table.
# fmt: off
DEMO_PEOPLE: list[DemoPerson] = [
    # Science fiction and electronic.
    DemoPerson("maria", "María José", "Sci-fi on the bus, jazz at home. Dune is my comfort book.", ("scifi", "classic")),
    DemoPerson("kenji", "Kenji Watanabe", "Synths, cyberpunk and anything with a spaceship on the cover.", ("scifi",)),
    DemoPerson("zoe", "Zoë Kowalczyk", "Astrophysics student. I rate films by how good the spaceships sound.", ("scifi",)),
    DemoPerson("oskar_b", "Oskar Bäckström", "Modular synth hobbyist. Kraftwerk ruined all other music for me.", ("scifi",)),
    DemoPerson("priya_n", "Priya Nair", "Software engineer and Le Guin evangelist.", ("scifi",)),
    DemoPerson("dmitri", "Dmitri Volkov", "Lem, Tarkovsky and long train rides.", ("scifi",)),
    DemoPerson("ada_l", "Ada Lindqvist", "Retro-futurism collector. Blade Runner is my weather forecast.", ("scifi",)),
    DemoPerson("malik", "Malik Haddad", "Ambient records while I read about the end of the world.", ("scifi", "indie")),
    # Classic literature, jazz and arthouse.
    DemoPerson("giulia", "Giulia Marchetti", "Italian cinema, Russian novels, Blue Note records.", ("classic",)),
    DemoPerson("theo", "Théo Lefèvre", "Cinéphile from Lyon. Bergman on Sundays.", ("classic",)),
    DemoPerson("amara", "Amara Okafor", "Literature teacher. Morrison, Woolf, and Coltrane while marking.", ("classic",)),
    DemoPerson("henrik", "Henrik Sørensen", "Jazz record collector, slow reader, fast walker.", ("classic",)),
    DemoPerson("celine", "Céline Dubois", "Nouvelle vague forever. Also, too many Proust volumes.", ("classic",)),
    DemoPerson("ruth_b", "Ruth Abernathy", "Retired librarian, still reading the Russians.", ("classic",)),
    DemoPerson("samuel", "Samuel Mensah", "Saxophone player. Kind of Blue on repeat since 1998.", ("classic", "indie")),
    # Horror and metal.
    DemoPerson("nik", "Nikolai Petrov", "Midnight movies and doom metal.", ("horror",)),
    DemoPerson("roisin", "Róisín Byrne", "Folk horror enthusiast. If there's a maypole, I'm watching.", ("horror",)),
    DemoPerson("mort", "Morten Halvorsen", "Black metal, black coffee, Black Sabbath.", ("horror",)),
    DemoPerson("kasia", "Kasia Wiśniewska", "Stephen King completist (almost).", ("horror",)),
    DemoPerson("jonas_m", "Jonas Müller", "Thrash drummer. Horror films with the lights off.", ("horror",)),
    DemoPerson("lucia", "Lucía Vargas", "Gothic novels and giallo. The creepier the better.", ("horror",)),
    DemoPerson("vlad", "Vlad Ionescu", "Yes, I have heard all the Dracula jokes.", ("horror",)),
    DemoPerson("tariq", "Tariq Hassan", "Cosmic horror and hard sci-fi: the universe does not care.", ("horror", "scifi")),
    # Romance, pop and feel-good.
    DemoPerson("mei", "Mei Tanaka", "Rom-coms, pop girlies and Studio Ghibli.", ("feelgood",)),
    DemoPerson("chloe_r", "Chloé Rousseau", "Happy endings only, please.", ("feelgood",)),
    DemoPerson("jamal", "Jamal Washington", "Soul, pop and movies you can quote with friends.", ("feelgood",)),
    DemoPerson("ines", "Inês Costa", "Austen re-reader. ABBA in the kitchen.", ("feelgood",)),
    DemoPerson("bella", "Isabella Romano", "Reading romance in the bath since 2009.", ("feelgood",)),
    DemoPerson("fatima", "Fatima Zahra", "Musicals, karaoke and comfort reads.", ("feelgood",)),
    DemoPerson("olivia_p", "Olivia Park", "Swiftie. Emily Henry fan. No apologies.", ("feelgood",)),
    DemoPerson("marco", "Marco Giordano", "Feel-good films, indie records and long dinners.", ("feelgood", "indie")),
    # Indie, folk and literary fiction.
    DemoPerson("wren", "Wren Holloway", "Folk songs, small bookshops, festival films.", ("indie",)),
    DemoPerson("elif", "Elif Yıldız", "Literary fiction and shoegaze. Istanbul → Berlin.", ("indie",)),
    DemoPerson("noah_f", "Noah Fischer", "Record store clerk. Ask me about Sufjan.", ("indie",)),
    DemoPerson("sigrid", "Sigrid Åberg", "I cry at Linklater films and I'm not sorry.", ("indie",)),
    DemoPerson("pablo", "Pablo Núñez", "Wes Anderson palettes, Murakami cats.", ("indie",)),
    DemoPerson("hannah_k", "Hannah Kim", "Rooney, Ishiguro, Phoebe Bridgers. In that order.", ("indie",)),
    DemoPerson("yuki", "Yuki Sato", "Film photographer. Slow movies, quiet albums.", ("indie", "classic")),
    DemoPerson("aoife", "Aoife Ní Bhriain", "Dublin. Books about sad people, songs about sadder ones.", ("indie",)),
    # The one administrator, so moderation screens have someone to show.
    DemoPerson("admin", "Demo Admin", "Looks after Slice of Culture. Say hi in the forums!", ("feelgood",), is_admin=True),
]
# fmt: on

# Words that differ by kind, so one template fits a film, a book and an album.
_NOUN = {"movie": "film", "book": "book", "music": "album"}
_AGAIN = {"movie": "rewatch it", "book": "reread it", "music": "put it on again"}

_REVIEWS_LOVED = [
    "Loved every minute of {title}.",
    "{creator} at their absolute best.",
    "This one stayed with me for days.",
    "An instant favourite. I'll be coming back to it.",
    "Exactly what I needed this week.",
    "Why did nobody tell me {title} was this good?",
    "Second time through and it's even better.",
    "Gorgeous from start to finish.",
    "I get the hype now. Completely.",
    "Couldn't stop thinking about the ending.",
    "Everything I love in one {noun}.",
    "Recommended {title} to three friends already.",
]
_REVIEWS_LOVED_BY_KIND = {
    "movie": ["The cinematography alone is worth it.", "Watched it twice in one weekend."],
    "book": ["Read it in two sittings.", "I underlined half the pages."],
    "music": ["On repeat all week.", "Best headphones album I've heard in ages."],
}
_REVIEWS_MIXED = [
    "Some brilliant moments, some slow stretches.",
    "Good, not great. I expected more from {creator}.",
    "I admired {title} more than I enjoyed it.",
    "The first half is stronger than the second.",
    "Worth it for a few unforgettable moments.",
    "Fine for a rainy evening.",
    "Not really my thing, but I see why people love it.",
    "Uneven, but the good parts are very good.",
    "Took me a while to get into.",
]
_REVIEWS_DISLIKED = [
    "Sorry, this one just didn't land for me.",
    "I tried. I really tried.",
    "Overrated, in my humble opinion.",
    "Too slow for me, and I like slow.",
    "Not for me. Maybe I'll try again in a few years.",
    "Can't see what everyone else sees in {title}.",
    "Felt much longer than it was.",
    "Gave up on {title} more than once before finishing.",
]
_COMMENTS = [
    "Totally agree!",
    "Adding this to my list.",
    "Great review, you've convinced me.",
    "Now I want to {again}.",
    "Same! That ending.",
    "Interesting take. I felt the opposite.",
    "One of my all-time favourites too.",
    "Couldn't agree more.",
    "Ha, I knew you'd love this one.",
    "You have to try more {creator} next.",
    "This is why I follow you.",
    "Okay, it's next on my list.",
    "I need to talk to you about this in person.",
    "Fair. Not everything works for everyone.",
]
_FORUM_MESSAGES = [
    "Just finished {title}. Still processing.",
    "Anyone else think {title} is underrated?",
    "If you liked {title}, try {other}. Trust me.",
    "Hot take: {other} is better than {title}.",
    "What should I start next? Torn between {title} and {other}.",
    "Revisited {title} last night and it holds up.",
    "Finally got round to {title}. Why did I wait so long?",
    "Can we talk about {creator} for a second? What a body of work.",
    "I'd put {other} in my top five, easily.",
    "Has anyone here tried {title}? Worth it?",
    "Good morning, everyone! What are you all on this week?",
    "Welcome to the newcomers 👋",
]
# Answers to the message before, about the same title, so a room reads like a conversation.
_FORUM_REPLIES = [
    "Agreed, {title} is the perfect place to start.",
    "Haha, exactly.",
    "Adding {title} to my list, thanks!",
    "Ooh, {title} is so good. Enjoy!",
    "I bounced off {title} the first time, but it grew on me.",
    "Strong disagree, but I respect it 😄",
]
# Each forum: a test for which items fit the room, the clusters of people who talk there
# (None = everyone), and a few openers only that room would hear.
_FORUMS: dict[str, tuple[Callable[[CatalogItem], bool], tuple[str, ...] | None, list[str]]] = {
    "movies": (lambda i: i.kind == "movie", None, ["Movie night tonight: {title} or {other}?"]),
    "books": (lambda i: i.kind == "book", None, ["Reading {title} on the train and I keep missing my stop."]),
    "music": (lambda i: i.kind == "music", None, ["{title} on vinyl is a different experience."]),
    "science-fiction": (
        lambda i: "scifi" in i.clusters,
        ("scifi",),
        ["Which has aged better: {title} or {other}?", "{title} predicted so much of now."],
    ),
    "jazz": (
        lambda i: i.kind == "music" and any("jazz" in g for g in i.genres),
        ("classic",),
        ["Side two of {title} at 1 a.m. is unbeatable.", "Best pressing of {title}? Mine crackles."],
    ),
    "horror": (
        lambda i: "horror" in i.clusters,
        ("horror",),
        ["Did {title} alone with the lights off. Big mistake.", "{title} is the scariest thing I know."],
    ),
}

_SEED_STEPS = (
    "people",
    "catalog",
    "entries",
    "follows",
    "likes and comments",
    "notifications",
    "forum messages",
    "lists",
)
# What people call the lists of their favourites (a kind's plural fills {noun}).
_LIST_TITLES = (
    "The {noun} I press on everyone",
    "Desert-island {noun}",
    "Start here",
    "Ten {noun} I would save from a fire",
    "Comfort {noun}",
)


def database_is_empty(*, session: Session) -> bool:
    """Whether nobody has an account yet: the condition for seeding the demo community."""
    return session.exec(select(User.id).limit(1)).first() is None


def seed_demo(*, session: Session, seed: int = 7, progress: bool = True) -> dict[str, int]:
    """Fill an empty database with the demo community; returns how many rows of each kind it added.

    Deterministic for a given `seed`. Flushes but never commits, so the caller decides.
    The six default forums come from the migrations; missing ones are skipped, not created.
    """
    seeder = _Seeder(session=session, rng=random.Random(seed))
    steps: list[Callable[[], None]] = [
        seeder.add_people,
        seeder.add_catalog,
        seeder.add_entries,
        seeder.add_follows,
        seeder.add_likes_and_comments,
        seeder.add_notifications,
        seeder.add_forum_messages,
        seeder.add_lists,
    ]
    with tqdm(total=len(steps), desc="Demo community", unit="step", disable=not progress) as bar:
        for name, step in zip(_SEED_STEPS, steps, strict=True):
            bar.set_postfix_str(name)
            step()
            bar.update()
    return dict(seeder.counts)


def _weighted_sample(rng: random.Random, population: Sequence[Any], weights: Sequence[float], k: int) -> list[Any]:
    """`k` distinct elements, likelier the heavier they are (Efraimidis–Spirakis keys)."""
    keyed = [(rng.random() ** (1.0 / w), n) for n, w in enumerate(weights)]
    keyed.sort(reverse=True)
    return [population[n] for _, n in keyed[:k]]


@dataclass
class _Activity:
    """A like, comment or follow waiting to be inserted, and who should hear about it."""

    created_at: datetime
    actor_id: int
    recipient_id: int
    kind: str
    target: str


class _Seeder:
    """The seed's working state; each public method is one step of the progress bar."""

    def __init__(self, *, session: Session, rng: random.Random) -> None:
        self.session = session
        self.rng = rng
        # One anchor for every date, so a seed is the same community whenever it runs.
        self.now = utcnow().replace(microsecond=0)
        self.counts: dict[str, int] = {}
        self.users: list[User] = []
        self.people: list[DemoPerson] = DEMO_PEOPLE
        self.items: list[Item] = []
        # Popularity inside a cluster: some titles are the ones everyone in it has met.
        self.popularity: list[float] = []
        self.entries: list[Entry] = []
        self.entry_owner: dict[int, int] = {}  # entry id -> index into people
        self.entry_item: dict[int, int] = {}  # entry id -> index into CATALOG
        self.activity: list[_Activity] = []

    # -- helpers -------------------------------------------------------------------------

    def _ago(self, *, max_days: float, min_days: float = 0.0) -> datetime:
        seconds = self.rng.uniform(min_days * 86400, max_days * 86400)
        return self.now - timedelta(seconds=int(seconds))

    def _after(self, moment: datetime, *, max_hours: float) -> datetime:
        """A moment shortly after `moment`, never in the future."""
        later = moment + timedelta(seconds=int(self.rng.uniform(300, max_hours * 3600)))
        return min(later, self.now)

    def _shares_taste(self, a: int, b: int) -> bool:
        return bool(set(self.people[a].clusters) & set(self.people[b].clusters))

    def _fill(self, template: str, item: CatalogItem, other: CatalogItem | None = None) -> str:
        return template.format(
            title=item.title,
            creator=item.creator,
            noun=_NOUN[item.kind],
            again=_AGAIN[item.kind],
            other=(other or item).title,
        )

    # -- steps ---------------------------------------------------------------------------

    def add_people(self) -> None:
        # argon2 is deliberately slow: hash the shared demo password once for everyone.
        password_hash = hash_password(DEMO_PASSWORD)
        for person in self.people:
            joined = self._ago(min_days=HISTORY_DAYS + 5, max_days=HISTORY_DAYS + 60)
            self.users.append(
                User(
                    username=person.username,
                    email=f"{person.username}@{DEMO_EMAIL_DOMAIN}",
                    password_hash=password_hash,
                    display_name=person.display_name,
                    bio=person.bio,
                    is_admin=person.is_admin,
                    created_at=joined,
                    # The demo people confirmed their addresses when they joined.
                    email_confirmed_at=joined,
                )
            )
        self.session.add_all(self.users)
        self.session.flush()
        self.counts["users"] = len(self.users)

    def add_catalog(self) -> None:
        keys = [dedup_key(c.kind, c.title, c.creator, c.year) for c in CATALOG]
        # Reuse items someone already added, so the catalog's no-duplicates rule holds.
        existing = {i.dedup_key: i for i in self.session.exec(select(Item).where(Item.dedup_key.in_(keys)))}
        admin_id = next(u.id for u in self.users if u.is_admin)
        added: list[Item] = []
        for key, c in zip(keys, CATALOG, strict=True):
            item = existing.get(key)
            if item is None:
                item = Item(
                    kind=c.kind,
                    title=c.title,
                    creator=c.creator,
                    year=c.year,
                    genres=list(c.genres),
                    description=c.description,
                    dedup_key=key,
                    created_by_id=admin_id,
                    created_at=self.now - timedelta(days=HISTORY_DAYS + 70),
                )
                added.append(item)
            self.items.append(item)
        self.session.add_all(added)
        self.session.flush()
        self.popularity = [self.rng.uniform(0.2, 1.0) ** 2 for _ in CATALOG]
        self.counts["items"] = len(added)

    def add_entries(self) -> None:
        drafts: list[tuple[datetime, int, int, Entry]] = []
        for p, person in enumerate(self.people):
            taste = set(person.clusters)
            own = [n for n, c in enumerate(CATALOG) if taste & set(c.clusters)]
            other = [n for n, c in enumerate(CATALOG) if not taste & set(c.clusters)]
            total = self.rng.randint(15, 40)
            n_own = round(total * self.rng.uniform(0.7, 0.85))
            picks = [(n, True) for n in _weighted_sample(self.rng, own, [self.popularity[n] for n in own], n_own)]
            picks += [(n, False) for n in self.rng.sample(other, total - n_own)]
            for n, loved in picks:
                entry = self._entry(user=self.users[p], c=CATALOG[n], item=self.items[n], loved=loved)
                drafts.append((entry.created_at, p, n, entry))
        # Insert oldest first, so ids grow with time like real activity.
        drafts.sort(key=lambda d: (d[0], d[1], d[2]))
        self.entries = [d[3] for d in drafts]
        self.session.add_all(self.entries)
        self.session.flush()
        for _, p, n, entry in drafts:
            self.entry_owner[entry.id] = p
            self.entry_item[entry.id] = n
        self.counts["entries"] = len(self.entries)

    def _entry(self, *, user: User, c: CatalogItem, item: Item, loved: bool) -> Entry:
        rng = self.rng
        # People finish what they like and drop more of what they don't.
        weights = [76, 12, 8, 4] if loved else [62, 10, 8, 20]
        status = rng.choices(["finished", "want", "in_progress", "dropped"], weights=weights)[0]
        rating: int | None = None
        if status == "finished":
            if loved:
                rating = rng.choices([10, 9, 8, 7, 6], weights=[30, 30, 25, 10, 5])[0]
            else:
                rating = rng.choices([7, 6, 5, 4, 3, 2], weights=[15, 25, 25, 15, 12, 8])[0]
        elif status == "dropped" and rng.random() < 0.5:
            rating = rng.randint(2, 5)
        created_at = self._ago(max_days=HISTORY_DAYS)
        consumed_on = None
        if status in ("finished", "dropped"):
            consumed_on = (created_at - timedelta(days=rng.randint(0, 3))).date()
        review = ""
        # About a third of all entries carry a few words.
        if rating is not None and rng.random() < 0.42:
            review = self._fill(rng.choice(self._review_pool(rating, c.kind)), c)
        visibility = rng.choices(["public", "followers", "private"], weights=[86, 9, 5])[0]
        return Entry(
            user_id=user.id,
            item_id=item.id,
            status=status,
            rating=rating,
            consumed_on=consumed_on,
            review=review,
            visibility=visibility,
            created_at=created_at,
            updated_at=created_at,
        )

    @staticmethod
    def _review_pool(rating: int, kind: str) -> list[str]:
        if rating >= 8:
            return _REVIEWS_LOVED + _REVIEWS_LOVED_BY_KIND[kind]
        if rating >= 5:
            return _REVIEWS_MIXED
        return _REVIEWS_DISLIKED

    def add_follows(self) -> None:
        rng = self.rng
        pairs: set[tuple[int, int]] = set()
        rows: list[dict[str, Any]] = []
        everyone = range(len(self.people))
        for a in everyone:
            alike = [b for b in everyone if b != a and self._shares_taste(a, b)]
            unlike = [b for b in everyone if b != a and not self._shares_taste(a, b)]
            # Mostly people with the same taste, plus a few from elsewhere.
            chosen = rng.sample(alike, min(len(alike), rng.randint(3, 7))) + rng.sample(unlike, rng.randint(0, 3))
            for b in chosen:
                if (a, b) in pairs:
                    continue
                pairs.add((a, b))
                since = max(self.users[a].created_at, self.users[b].created_at)
                created_at = self._after(since, max_hours=(self.now - since).total_seconds() / 3600)
                follower, followee = self.users[a].id, self.users[b].id
                rows.append({"follower_id": follower, "followee_id": followee, "created_at": created_at})
                self.activity.append(_Activity(created_at, follower, followee, "follow", f"user:{follower}"))
        self._bulk_insert(Follow, rows)
        self.counts["follows"] = len(rows)

    def add_likes_and_comments(self) -> None:
        rng = self.rng
        public = [e for e in self.entries if e.visibility == "public"]
        likes: list[dict[str, Any]] = []
        for p, user in enumerate(self.users):
            candidates = [e for e in public if self.entry_owner[e.id] != p]
            weights = [
                (4.0 if self._shares_taste(p, self.entry_owner[e.id]) else 1.0)
                * (2.0 if (e.rating or 0) >= 8 else 1.0)
                * (1.5 if e.review else 1.0)
                for e in candidates
            ]
            for e in _weighted_sample(rng, candidates, weights, rng.randint(5, 30)):
                created_at = self._after(e.created_at, max_hours=96)
                likes.append({"user_id": user.id, "entry_id": e.id, "created_at": created_at})
                self.activity.append(_Activity(created_at, user.id, e.user_id, "like", f"entry:{e.id}"))
        comments: list[dict[str, Any]] = []
        reviewed = [e for e in public if e.review]
        for e in rng.sample(reviewed, min(len(reviewed), 70)):
            owner = self.entry_owner[e.id]
            friends = [p for p in range(len(self.people)) if p != owner and self._shares_taste(p, owner)]
            commenter = self.users[rng.choice(friends)]
            created_at = self._after(e.created_at, max_hours=72)
            text = self._fill(rng.choice(_COMMENTS), CATALOG[self.entry_item[e.id]])
            comments.append(
                {
                    "user_id": commenter.id,
                    "entry_id": e.id,
                    "text": text,
                    "created_at": created_at,
                    "updated_at": created_at,
                }
            )
            self.activity.append(_Activity(created_at, commenter.id, e.user_id, "comment", f"entry:{e.id}"))
        self._bulk_insert(Like, likes)
        self._bulk_insert(Comment, comments)
        self.counts["likes"] = len(likes)
        self.counts["comments"] = len(comments)

    def add_notifications(self) -> None:
        recent = self.now - timedelta(days=NOTIFY_DAYS)
        read_before = self.now - timedelta(days=READ_AFTER_DAYS)
        rows = [
            {
                "recipient_id": a.recipient_id,
                "actor_id": a.actor_id,
                "kind": a.kind,
                "target": a.target,
                "created_at": a.created_at,
                # Older news has been seen; the last couple of days are still unread.
                "read_at": self._after(a.created_at, max_hours=24) if a.created_at < read_before else None,
            }
            for a in self.activity
            if a.created_at >= recent and a.actor_id != a.recipient_id
        ]
        self._bulk_insert(Notification, rows)
        self.counts["notifications"] = len(rows)

    def add_forum_messages(self) -> None:
        rng = self.rng
        forums = {f.slug: f for f in self.session.exec(select(Forum).where(Forum.slug.in_(list(_FORUMS))))}
        rows: list[dict[str, Any]] = []
        for slug, (fits, clusters, openers) in _FORUMS.items():
            forum = forums.get(slug)
            if forum is None:
                continue
            voices = [
                p for p, person in enumerate(self.people) if clusters is None or set(clusters) & set(person.clusters)
            ]
            # Dealt like cards, so a room rarely repeats itself.
            deck = _FORUM_MESSAGES + openers * 2
            rng.shuffle(deck)
            room = [c for c in CATALOG if fits(c)]
            times = sorted(self._ago(max_days=FORUM_DAYS) for _ in range(rng.randint(10, 20)))
            previous: CatalogItem | None = None  # the title the last message was about
            last_author = -1
            for n, created_at in enumerate(times):
                p = rng.choice([v for v in voices if v != last_author])
                if previous is not None and rng.random() < 0.35:
                    text = self._fill(rng.choice(_FORUM_REPLIES), previous)
                else:
                    # Talk about what this person likes, when the room has any of it.
                    liked = [c for c in room if set(c.clusters) & set(self.people[p].clusters)] or room
                    item, other = rng.sample(liked, 2)
                    template = deck[n % len(deck)]
                    text = self._fill(template, item, other)
                    previous = item if "{title}" in template else other if "{other}" in template else None
                last_author = p
                rows.append({"forum_id": forum.id, "user_id": self.users[p].id, "text": text, "created_at": created_at})
        rows.sort(key=lambda r: (r["created_at"], r["forum_id"]))
        self._bulk_insert(Message, rows)
        self.counts["messages"] = len(rows)

    def add_lists(self) -> None:
        """About a third of the people keep a public list of what they loved most of one kind."""
        rng = self.rng
        made = 0
        for p, user in enumerate(self.users):
            loved: dict[str, list[Entry]] = {}
            for entry in self.entries:
                if self.entry_owner[entry.id] == p and (entry.rating or 0) >= 8 and entry.visibility == "public":
                    loved.setdefault(CATALOG[self.entry_item[entry.id]].kind, []).append(entry)
            kinds = sorted(kind for kind, found in loved.items() if len(found) >= 4)
            if not kinds or rng.random() > 0.35:
                continue
            kind = rng.choice(kinds)
            chosen = rng.sample(loved[kind], min(len(loved[kind]), rng.randint(4, 8)))
            noun = {"movie": "films", "book": "books", "music": "albums"}[kind]
            changed = self._ago(max_days=60)
            item_list = ItemList(
                user_id=user.id,
                title=rng.choice(_LIST_TITLES).format(noun=noun),
                description=f"What {user.display_name} would hand you first.",
                ranked=rng.random() < 0.5,
                created_at=changed,
                updated_at=changed,
            )
            self.session.add(item_list)
            self.session.flush()
            self.session.add_all(
                ItemListEntry(list_id=item_list.id, item_id=entry.item_id, position=n, added_at=changed)
                for n, entry in enumerate(chosen)
            )
            made += 1
        self.session.flush()
        self.counts["lists"] = made

    def _bulk_insert(self, model: type, rows: list[dict[str, Any]]) -> None:
        # Rows nobody needs as objects afterwards go in as one executemany: seconds, not minutes.
        # Oldest first, so ids grow with time like real activity (the sort is stable).
        rows.sort(key=lambda r: r["created_at"])
        if rows:
            self.session.execute(insert(model), rows)
