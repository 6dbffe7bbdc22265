"""Finding people by name: "@maria", "maria", "Maria Lopez" or part of either.

Matches the username and the display name, case and accents aside ("zoe" finds "Zoé"), anywhere
in them. Best first: the username itself, then usernames starting with the query, then display
names with a word starting with it, then any other match; among equals, the most followed first.
Deactivated accounts are never found. Anyone may search (profiles are public pages); for a
signed-in viewer each person says whether they follow each other.

On PostgreSQL a trigram index serves the match (migration a41c7d2e9b53); two letters, too short
for trigrams, match usernames and display-name words starting with them, by two indexes of their
own (migration e6a1b5c9d027). SQLite scans the user table. At most CANDIDATES rows are
read per search, so a very common fragment ("an") ranks an arbitrary few hundred of its matches,
but an exact username is always found.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass

from sqlalchemy import Row, Select, bindparam, exists, func, literal, or_, text, union
from sqlmodel import Session, select

from slice_of_culture.models import Follow, User
from slice_of_culture.services.search import MAX_QUERY, MIN_TRIGRAM_QUERY, words_of
from slice_of_culture.services.social import PersonRow, person_row
from slice_of_culture.services.visibility import by_shown_people
from slice_of_culture.text import fold

# Matches read from the database before ranking.
CANDIDATES = 200
MAX_LIMIT = 50


@dataclass
class FoundPerson(PersonRow):
    user_id: int
    followers: int
    you_follow: bool
    follows_you: bool


def find_people(*, session: Session, query: str, viewer_id: int | None = None, limit: int = 20) -> list[FoundPerson]:
    """People whose username or display name holds `query`, best first (see the module doc).

    An empty query (or only "@" and spaces) finds nobody; any text is accepted and matched as
    text (`%` and `_` are not wildcards).
    """
    needle = search_text(query)
    limit = min(max(limit, 0), MAX_LIMIT)
    if not needle or not limit:
        return []
    matches = _matches(session, needle).limit(CANDIDATES).subquery()
    # The username itself is always a candidate, however many others hold the text.
    candidates = union(select(User.id).where(User.username == needle, User.is_active), select(matches.c.id))
    # One statement: the candidates' names, follower counts and relationship to the viewer
    # (plain rows; counted per candidate by an index-only scan of ix_follow_followee_created, as
    # their profiles count them for this viewer).
    followers = (
        select(func.count())
        .where(Follow.followee_id == User.id, by_shown_people(Follow.follower_id, viewer_id))
        .scalar_subquery()
    )
    if viewer_id is None:
        you_follow = follows_you = literal(False)
    else:
        you_follow = exists().where(Follow.follower_id == viewer_id, Follow.followee_id == User.id)
        follows_you = exists().where(Follow.follower_id == User.id, Follow.followee_id == viewer_id)
    rows = session.execute(
        select(
            User.id,
            User.username,
            User.display_name,
            User.avatar_url,
            followers.label("followers"),
            you_follow.label("you_follow"),
            follows_you.label("follows_you"),
        ).where(User.id.in_(candidates))
    ).all()
    ranked = sorted(rows, key=lambda row: (_tier(row, needle), -row.followers, row.username))[:limit]
    return [
        FoundPerson(
            **asdict(person_row(row)),
            user_id=row.id,
            followers=row.followers,
            you_follow=bool(row.you_follow),
            follows_you=bool(row.follows_you),
        )
        for row in ranked
    ]


def _matches(session: Session, needle: str) -> Select:
    """Active people whose folded "username display name" holds `needle`; on PostgreSQL, for two
    letters (too short for trigrams: a pair in few names scanned every person, 100k people, random
    pairs p95 80 ms), those whose username or a word of whose display name starts with it (the
    ones ranked first anyway; p95 4 ms). One letter is in most names, so the scan stops at
    CANDIDATES early (p95 7 ms), sooner than the GIN index lists every word starting with it."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if session.get_bind().dialect.name != "postgresql" or len(needle) != MIN_TRIGRAM_QUERY - 1:
        name = func.search_fold(User.username + literal(" ") + User.display_name)
        return select(User.id).where(User.is_active, name.like("%" + escaped + "%", escape="\\"))
    # The pattern is written into the SQL, so that every plan (also a generic one) can use the
    # prefix index; usernames are lower-case already.
    prefix = bindparam("username_prefix", escaped + "%", literal_execute=True)
    conditions = [User.username.like(prefix, escape="\\")]
    if needle.isalnum():
        # Word prefixes of the display name, from the GIN index (`needle` is a plain word here).
        words = "to_tsvector('simple', search_fold(\"user\".display_name)) @@ to_tsquery('simple', :name_prefix)"
        conditions.append(text(words).bindparams(name_prefix=needle + ":*"))
    return select(User.id).where(User.is_active, or_(*conditions))


def search_text(query: object) -> str:
    """The folded query: at most MAX_QUERY characters, leading "@" and outer spaces dropped."""
    if not isinstance(query, str):
        return ""
    # Control characters (NUL included, which PostgreSQL refuses in text) are not part of names.
    query = "".join(ch for ch in query[:MAX_QUERY] if unicodedata.category(ch) != "Cc")
    return " ".join(fold(query).lstrip().lstrip("@").split())


def _tier(user: Row, needle: str) -> int:
    if user.username == needle:
        return 0
    if user.username.startswith(needle):
        return 1
    display = fold(user.display_name)
    if display.startswith(needle) or any(word.startswith(needle) for word in words_of(display)):
        return 2
    return 3
