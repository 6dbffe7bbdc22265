"""Postcards: entries as others see them, with keyset pagination and no N+1 queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, literal, true, tuple_
from sqlmodel import Session, select

from slice_of_culture.models import ENTRY_STATUSES, ITEM_KINDS, Comment, Entry, Follow, Item, Like, User, is_row_id
from slice_of_culture.services.display import initials, stars_label, stars_text
from slice_of_culture.services.errors import ValidationError
from slice_of_culture.services.social import CommentView, comments_for
from slice_of_culture.services.visibility import entry_visible_to

PAGE_SIZE = 20
# Feeds fold a burst of at least this many entries by one person into one postcard...
GROUP_THRESHOLD = 3
# ...when each came within this long of the previous one.
BURST_GAP = timedelta(hours=1)
# How many titles a grouped postcard lists.
GROUP_PREVIEW = 4
# Rows fetched per card asked for, so a burst folded into one card still fills the page.
OVERFETCH = 3
EXCERPT = 240
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
    liked: bool = False
    # A grouped postcard stands for a burst of entries ("logged 12 books").
    group_count: int = 0
    group_text: str = ""
    group_titles: list[str] = field(default_factory=list)
    rating_label: str = ""
    # Filled on profiles, where each postcard shows its conversation.
    comments: list[CommentView] = field(default_factory=list)


@dataclass
class PostcardPage:
    """A page of postcards and the cursor for the next one ("" = no more)."""

    postcards: list[Postcard]
    next_cursor: str


def encode_cursor(created_at: datetime, entry_id: int) -> str:
    return f"{created_at.isoformat()}|{entry_id}"


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    """The (created_at, id) a page continues after, or None for the first page / a bad cursor."""
    if not cursor or not isinstance(cursor, str):
        return None
    try:
        stamp, raw_id = cursor.rsplit("|", 1)
        after = datetime.fromisoformat(stamp), int(raw_id)
    except ValueError:
        return None
    # An id no row can have is not a place in the feed (and PostgreSQL refuses to compare it).
    return after if is_row_id(after[1]) else None


def _after(cursor: str):
    """Keyset condition: strictly after the last card seen, newest first."""
    after = decode_cursor(cursor)
    if after is None:
        return None
    stamp, last_id = after
    # A row-value comparison, so the database can use it as an index bound (SQLite and PostgreSQL).
    return tuple_(Entry.created_at, Entry.id) < tuple_(stamp, last_id)


def _rows(session: Session, *conditions, cursor: str, limit: int) -> list[tuple[Entry, Item, User]]:
    stmt = select(Entry, Item, User).join(Item, Item.id == Entry.item_id).join(User, User.id == Entry.user_id)
    for condition in conditions:
        stmt = stmt.where(condition)
    if (after := _after(cursor)) is not None:
        stmt = stmt.where(after)
    return list(session.exec(stmt.order_by(Entry.created_at.desc(), Entry.id.desc()).limit(limit)).all())


def _page(
    session: Session,
    rows: list[tuple[Entry, Item, User]],
    *,
    viewer_id: int | None,
    limit: int,
    fetched: int,
    group: bool,
) -> PostcardPage:
    """Cards for up to `limit` postcards from `rows`, which were fetched `fetched` at a time."""
    exhausted = len(rows) < fetched
    runs = _group_runs(rows) if group else [[row] for row in rows]
    if not exhausted and len(runs) > 1:
        # The last run may go on past the rows we fetched: leave it whole for the next page.
        runs.pop()
    more = len(runs) > limit or not exhausted
    runs = runs[:limit]
    shown = [row for run in runs for row in run]
    ids = [entry.id for entry, _, _ in shown]
    likes = _counts(session, Like.entry_id, ids)
    comments = _counts(session, Comment.entry_id, ids)
    liked = _liked(session, viewer_id, ids)
    cards = []
    for run in runs:
        entry, item, user = run[0]
        card = _postcard(entry, item, user, likes.get(entry.id, 0), comments.get(entry.id, 0), entry.id in liked)
        if len(run) > 1:
            card.group_count = len(run)
            card.group_text = _group_text(run)
            card.group_titles = [i.title for _, i, _ in run[:GROUP_PREVIEW]]
        cards.append(card)
    last = shown[-1][0] if shown else None
    next_cursor = encode_cursor(last.created_at, last.id) if more and last else ""
    return PostcardPage(postcards=cards, next_cursor=next_cursor)


def _group_runs(rows: list[tuple[Entry, Item, User]]) -> list[list[tuple[Entry, Item, User]]]:
    """Split newest-first rows into runs; a burst by one person becomes one run.

    A burst is GROUP_THRESHOLD or more consecutive entries by the same person, each within
    BURST_GAP of the previous one (an import, or logging a whole shelf at once).
    """
    runs: list[list] = []
    for row in rows:
        if runs and runs[-1][0][2].id == row[2].id and runs[-1][-1][0].created_at - row[0].created_at <= BURST_GAP:
            runs[-1].append(row)
        else:
            runs.append([row])
    out: list[list] = []
    for run in runs:
        if len(run) >= GROUP_THRESHOLD:
            out.append(run)
        else:
            out.extend([r] for r in run)
    return out


def _group_text(run: list[tuple[Entry, Item, User]]) -> str:
    kinds = {item.kind for _, item, _ in run}
    noun = {"movie": "movies", "book": "books", "music": "albums"}[next(iter(kinds))] if len(kinds) == 1 else "things"
    return f"logged {len(run)} {noun}"


def _liked(session: Session, viewer_id: int | None, ids: list[int]) -> set[int]:
    if not viewer_id or not ids:
        return set()
    return set(session.exec(select(Like.entry_id).where(Like.user_id == viewer_id, Like.entry_id.in_(ids))).all())


def _counts(session: Session, column, ids: list[int]) -> dict[int, int]:  # noqa: ANN001
    if not ids:
        return {}
    return dict(session.exec(select(column, func.count()).where(column.in_(ids)).group_by(column)).all())


def _postcard(entry: Entry, item: Item, user: User, like_count: int, comment_count: int, liked: bool) -> Postcard:
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
        rating_label=stars_label(entry.rating),
        review_excerpt=excerpt,
        visibility=entry.visibility,
        created_at=entry.created_at.isoformat(),
        like_count=like_count,
        comment_count=comment_count,
        liked=liked,
    )


def _limit(limit: int) -> int:
    return max(1, min(int(limit), 100))


def everyone_feed(*, session: Session, viewer_id: int | None, cursor: str = "", limit: int = PAGE_SIZE) -> PostcardPage:
    """Latest public entries from everyone, newest first; bursts folded into one postcard."""
    limit = _limit(limit)
    fetch = limit * OVERFETCH + 1
    rows = _rows(session, Entry.visibility == "public", User.is_active, cursor=cursor, limit=fetch)
    return _page(session, rows, viewer_id=viewer_id, limit=limit, fetched=fetch, group=True)


def following_feed(*, session: Session, viewer_id: int, cursor: str = "", limit: int = PAGE_SIZE) -> PostcardPage:
    """You and the people you follow, newest first, as far as you may see; bursts folded."""
    limit = _limit(limit)
    fetch = limit * OVERFETCH + 1
    people = (
        select(Follow.followee_id.label("uid"))
        .where(Follow.follower_id == viewer_id)
        .union_all(select(literal(viewer_id).label("uid")))
        .subquery("people")
    )
    visible = entry_visible_to(viewer_id)
    if session.get_bind().dialect.name == "postgresql":
        # Per person, the newest `fetch` entries from the (user_id, created_at, id) index, then merged:
        # reads a few rows per followee instead of walking everyone's entries.
        newest = (
            select(Entry.id, Entry.created_at)
            .where(Entry.user_id == people.c.uid, visible)
            .order_by(Entry.created_at.desc(), Entry.id.desc())
            .limit(fetch)
        )
        if (after := _after(cursor)) is not None:
            newest = newest.where(after)
        newest = newest.lateral("newest")
        ids = (
            select(newest.c.id)
            .select_from(people)
            .join(newest, true())
            .order_by(newest.c.created_at.desc(), newest.c.id.desc())
            .limit(fetch)
        )
        rows = _rows(session, Entry.id.in_(ids), User.is_active, cursor="", limit=fetch)
    else:
        rows = _rows(
            session, Entry.user_id.in_(select(people.c.uid)), visible, User.is_active, cursor=cursor, limit=fetch
        )
    return _page(session, rows, viewer_id=viewer_id, limit=limit, fetched=fetch, group=True)


def profile_postcards(
    *,
    session: Session,
    viewer_id: int | None,
    owner_id: int,
    cursor: str = "",
    limit: int = PAGE_SIZE,
    with_comments: bool = False,
    kind: str | None = None,
    status: str | None = None,
) -> PostcardPage:
    """A profile's entries the viewer may see, newest first (never folded: each one can be linked).

    `kind` (movie, book, music) and `status` (want, in_progress, finished, dropped) narrow it to
    one shelf, e.g. the books they want to read; None or "" is any. Anything else raises
    ValidationError.
    """
    errors = {}
    if kind not in (None, "", *ITEM_KINDS):
        errors["kind"] = "Choose movie, book or music."
    if status not in (None, "", *ENTRY_STATUSES):
        errors["status"] = "Choose want, in_progress, finished or dropped."
    if errors:
        raise ValidationError(errors)
    limit = _limit(limit)
    shelf = [Item.kind == kind] if kind else []
    shelf += [Entry.status == status] if status else []
    rows = _rows(
        session, Entry.user_id == owner_id, entry_visible_to(viewer_id), *shelf, cursor=cursor, limit=limit + 1
    )
    page = _page(session, rows, viewer_id=viewer_id, limit=limit, fetched=limit + 1, group=False)
    if with_comments:
        viewer = session.get(User, viewer_id) if viewer_id else None
        threads = comments_for(session=session, viewer=viewer, entry_ids=[c.entry_id for c in page.postcards])
        for card in page.postcards:
            card.comments = threads.get(card.entry_id, [])
    return page
