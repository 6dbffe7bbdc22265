"""@mentions: finding them in forum messages and comments, and cutting text into parts so that
each @username of a real person shows as a link to their profile (the rest stays plain text:
nothing typed is ever read as markup)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from slice_of_culture.models import Notification, User

# "@maria" but not "mail@maria" or "@@maria"; usernames are 3–30 of a-z 0-9 _.
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,30})(?![\w])")
# At most this many people are notified by one message or comment (a wall of @names is spam).
MAX_MENTIONS = 10


def mentioned_usernames(text: str) -> list[str]:
    """Lower-cased usernames mentioned with @, in order, without repeats."""
    names: list[str] = []
    for match in MENTION_RE.finditer(text):
        name = match.group(1).lower()
        if name not in names:
            names.append(name)
    return names


@dataclass
class TextPart:
    """A run of text; `username` is set when it is an @mention of someone with an open account
    (the text keeps the case it was typed in: "@Maria" links to /u/maria)."""

    text: str
    username: str = ""


def known_usernames(session: Session, texts: Iterable[str]) -> set[str]:
    """The usernames mentioned in `texts` that belong to open accounts (one query)."""
    names = {name for text in texts for name in mentioned_usernames(text)}
    if not names:
        return set()
    return set(session.exec(select(User.username).where(User.username.in_(names), User.is_active)))


def text_parts(text: str, known: set[str]) -> list[TextPart]:
    """`text` as plain runs and links to the `known` people it mentions."""
    parts: list[TextPart] = []
    start = 0
    for match in MENTION_RE.finditer(text):
        name = match.group(1).lower()
        if name not in known:
            continue
        if match.start() > start:
            parts.append(TextPart(text[start : match.start()]))
        parts.append(TextPart(match.group(0), username=name))
        start = match.end()
    if start < len(text):
        parts.append(TextPart(text[start:]))
    return parts


def in_mention_order(rows: Iterable[tuple[int, str]], usernames: list[str]) -> list[int]:
    """The ids of (id, username) rows in the order their usernames were mentioned, so that the
    MAX_MENTIONS limit keeps the first people named, not whichever the database returned first."""
    place = {name: i for i, name in enumerate(usernames)}
    return [user_id for user_id, name in sorted(rows, key=lambda row: place.get(row[1], len(place)))]


def mention_notices(
    session: Session, *, author_id: int, target: str, recipient_ids: Iterable[int]
) -> list[Notification]:
    """The notifications to add for a mention in `target` ("comment:<id>" or "message:<id>") by
    `author_id`, of `recipient_ids` (already cleared to see it): each person once per message or
    comment however often it is edited (removing an @name and putting it back does not notify
    again), and MAX_MENTIONS people at most over all its edits. Found by the author's index."""
    told = set(
        session.exec(
            select(Notification.recipient_id).where(
                Notification.actor_id == author_id, Notification.kind == "mention", Notification.target == target
            )
        )
    )
    fresh = [r for r in dict.fromkeys(recipient_ids) if r not in told and r != author_id]
    return [
        Notification(recipient_id=r, actor_id=author_id, kind="mention", target=target)
        for r in fresh[: max(0, MAX_MENTIONS - len(told))]
    ]
