"""Finding people by name: "@maria", "maria", "Maria Lopez" or part of either.

Matches the username and the display name, case and accents aside ("zoe" finds "Zoé"), anywhere
in them. Best first: the username itself, then usernames starting with the query, then display
names with a word starting with it, then any other match; among equals, the most followed first.
Deactivated accounts are never found. Anyone may search (profiles are public pages); for a
signed-in viewer each person says whether they follow each other.

On PostgreSQL a trigram index serves the match (migration a41c7d2e9b53); SQLite scans the user
table. At most CANDIDATES rows are read per search, so a very common fragment ("an") ranks an
arbitrary few hundred of its matches, but an exact username is always found.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass

from sqlalchemy import func, literal, or_
from sqlmodel import Session, select

from slice_of_culture.models import Follow, User
from slice_of_culture.services.search import MAX_QUERY, words_of
from slice_of_culture.services.social import PersonRow, person_row
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
    name = func.search_fold(User.username + literal(" ") + User.display_name)
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    exact = session.exec(select(User).where(User.username == needle, User.is_active)).all()
    matches = session.exec(select(User).where(User.is_active, name.like(pattern, escape="\\")).limit(CANDIDATES)).all()
    people = {user.id: user for user in [*exact, *matches]}
    if not people:
        return []
    ids = list(people)
    followers = dict(
        session.exec(
            select(Follow.followee_id, func.count()).where(Follow.followee_id.in_(ids)).group_by(Follow.followee_id)
        ).all()
    )
    you_follow: set[int] = set()
    follows_you: set[int] = set()
    if viewer_id is not None:
        for follower, followee in session.exec(
            select(Follow.follower_id, Follow.followee_id).where(
                or_(
                    (Follow.follower_id == viewer_id) & Follow.followee_id.in_(ids),
                    (Follow.followee_id == viewer_id) & Follow.follower_id.in_(ids),
                )
            )
        ).all():
            if follower == viewer_id:
                you_follow.add(followee)
            else:
                follows_you.add(follower)
    ranked = sorted(people.values(), key=lambda u: (_tier(u, needle), -followers.get(u.id, 0), u.username))[:limit]
    return [
        FoundPerson(
            **asdict(person_row(user)),
            user_id=user.id,
            followers=followers.get(user.id, 0),
            you_follow=user.id in you_follow,
            follows_you=user.id in follows_you,
        )
        for user in ranked
    ]


def search_text(query: object) -> str:
    """The folded query: at most MAX_QUERY characters, leading "@" and outer spaces dropped."""
    if not isinstance(query, str):
        return ""
    # Control characters (NUL included, which PostgreSQL refuses in text) are not part of names.
    query = "".join(ch for ch in query[:MAX_QUERY] if unicodedata.category(ch) != "Cc")
    return " ".join(fold(query).lstrip().lstrip("@").split())


def _tier(user: User, needle: str) -> int:
    if user.username == needle:
        return 0
    if user.username.startswith(needle):
        return 1
    display = fold(user.display_name)
    if display.startswith(needle) or any(word.startswith(needle) for word in words_of(display)):
        return 2
    return 3
