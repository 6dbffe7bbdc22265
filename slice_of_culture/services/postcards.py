"""Postcards: entries as others see them, with keyset pagination and no N+1 queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from slice_of_culture.models import Comment, Entry, Item, Like, User
from slice_of_culture.services.visibility import entry_visible_to

PAGE_SIZE = 20
EXCERPT = 240
STATUS_LABELS = {"want": "wants to", "in_progress": "in progress", "finished": "finished", "dropped": "dropped"}
KIND_VERBS = {
    "movie": {
        "want": "Wants to watch",
        "in_progress": "Watching",
        "finished": "Watched",
        "dropped": "Stopped watching",
    },
    "book": {"want": "Wants to read", "in_progress": "Reading", "finished": "Read", "dropped": "Stopped reading"},
    "music": {
        "want": "Wants to hear",
        "in_progress": "Listening to",
        "finished": "Listened to",
        "dropped": "Stopped listening to",
    },
}


@dataclass
class Postcard:
    """One entry as a card in a feed or on a profile."""

    entry_id: int
    username: str
    display_name: str
    avatar_url: str
    initials: str
    item_id: int
    kind: str
    title: str
    creator: str
    year: str
    image_url: str
    status: str
    action: str
    rating: int
    stars: str
    review_excerpt: str
    visibility: str
    created_at: str
    like_count: int = 0
    comment_count: int = 0


@dataclass
class PostcardPage:
    """A page of postcards and the cursor for the next one ("" = no more)."""

    postcards: list[Postcard]
    next_cursor: str


def initials(name: str) -> str:
    """Up to two initials for a locally drawn avatar."""
    parts = [p for p in name.replace("_", " ").split() if p]
    letters = "".join(p[0] for p in parts[:2]) or "?"
    return letters.upper()


def stars_text(rating: int | None) -> str:
    """Half-star rating (1–10) as text, e.g. 9 -> '★★★★½'."""
    if not rating:
        return ""
    return "★" * (rating // 2) + ("½" if rating % 2 else "")


def encode_cursor(created_at: datetime, entry_id: int) -> str:
    return f"{created_at.isoformat()}|{entry_id}"


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    """The (created_at, id) a page continues after, or None for the first page / a bad cursor."""
    if not cursor or not isinstance(cursor, str):
        return None
    try:
        stamp, entry_id = cursor.rsplit("|", 1)
        return datetime.fromisoformat(stamp), int(entry_id)
    except ValueError:
        return None


def _page(session: Session, *conditions, cursor: str, limit: int) -> PostcardPage:
    limit = max(1, min(int(limit), 100))
    stmt = select(Entry, Item, User).join(Item, Item.id == Entry.item_id).join(User, User.id == Entry.user_id)
    for condition in conditions:
        stmt = stmt.where(condition)
    if after := decode_cursor(cursor):
        # Keyset pagination: continue strictly after the last card seen, newest first.
        stamp, last_id = after
        stmt = stmt.where(or_(Entry.created_at < stamp, and_(Entry.created_at == stamp, Entry.id < last_id)))
    rows = session.exec(stmt.order_by(Entry.created_at.desc(), Entry.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [entry.id for entry, _, _ in rows]
    likes = _counts(session, Like.entry_id, ids)
    comments = _counts(session, Comment.entry_id, ids)
    cards = [
        _postcard(entry, item, user, likes.get(entry.id, 0), comments.get(entry.id, 0)) for entry, item, user in rows
    ]
    next_cursor = encode_cursor(rows[-1][0].created_at, rows[-1][0].id) if more and rows else ""
    return PostcardPage(postcards=cards, next_cursor=next_cursor)


def _counts(session: Session, column, ids: list[int]) -> dict[int, int]:  # noqa: ANN001
    if not ids:
        return {}
    return dict(session.exec(select(column, func.count()).where(column.in_(ids)).group_by(column)).all())


def _postcard(entry: Entry, item: Item, user: User, like_count: int, comment_count: int) -> Postcard:
    review = entry.review or ""
    excerpt = review if len(review) <= EXCERPT else review[: EXCERPT - 1].rstrip() + "…"
    return Postcard(
        entry_id=entry.id,
        username=user.username,
        display_name=user.display_name or user.username,
        avatar_url=user.avatar_url,
        initials=initials(user.display_name or user.username),
        item_id=item.id,
        kind=item.kind,
        title=item.title,
        creator=item.creator,
        year=str(item.year or ""),
        image_url=item.image_url,
        status=entry.status,
        action=KIND_VERBS[item.kind][entry.status],
        rating=entry.rating or 0,
        stars=stars_text(entry.rating),
        review_excerpt=excerpt,
        visibility=entry.visibility,
        created_at=entry.created_at.isoformat(),
        like_count=like_count,
        comment_count=comment_count,
    )


def everyone_feed(*, session: Session, viewer_id: int | None, cursor: str = "", limit: int = PAGE_SIZE) -> PostcardPage:
    """Latest public entries from everyone, newest first."""
    return _page(session, Entry.visibility == "public", User.is_active, cursor=cursor, limit=limit)


def profile_postcards(
    *, session: Session, viewer_id: int | None, owner_id: int, cursor: str = "", limit: int = PAGE_SIZE
) -> PostcardPage:
    """A profile's entries the viewer may see, newest first."""
    return _page(session, Entry.user_id == owner_id, entry_visible_to(viewer_id), cursor=cursor, limit=limit)
