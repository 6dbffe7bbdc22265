"""Postcards: entries as others see them, with keyset pagination and no N+1 queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import Integer, Row, Select, bindparam, exists, func, literal, true, tuple_
from sqlmodel import Session, select

from slice_of_culture.models import ENTRY_STATUSES, ITEM_KINDS, Comment, Entry, Follow, Item, Like, User
from slice_of_culture.services.display import initials, stars_label, stars_text
from slice_of_culture.services.errors import ValidationError
from slice_of_culture.services.paging import decode_cursor, encode_cursor
from slice_of_culture.services.social import CommentView, comments_for
from slice_of_culture.services.visibility import (
    comment_visible_to,
    entry_visible_to,
    like_counted_for,
    owner_not_blocked,
)

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


# Feed statements are built once per shape (which feed, cursor or not, page size) and take
# their values as bound parameters: building them anew cost about as much as running them.
_VIEWER = bindparam("viewer_id", type_=Integer)
_OWNER = bindparam("owner_id", type_=Integer)
# Keyset condition: strictly after the last card seen, newest first. A row-value comparison, so
# the database can use it as an index bound (SQLite and PostgreSQL).
_AFTER = tuple_(Entry.created_at, Entry.id) < tuple_(
    bindparam("after_at", type_=Entry.__table__.c.created_at.type), bindparam("after_id", type_=Integer)
)


def _cursor_params(cursor: str) -> dict[str, object]:
    """The bound values of `_AFTER` for `cursor`; empty for the first page (or a bad cursor)."""
    after = decode_cursor(cursor)
    return {} if after is None else {"after_at": after[0], "after_id": after[1]}


# The columns a postcard shows, as plain rows: building ORM objects (with every column of the
# item and the person, password hash included) cost more than the queries themselves.
_COLUMNS = (
    Entry.id.label("entry_id"),
    Entry.user_id,
    Entry.status,
    Entry.rating,
    # One character past the excerpt is enough to know whether to cut it.
    func.substr(Entry.review, 1, EXCERPT + 1).label("review"),
    Entry.visibility,
    Entry.created_at,
    Entry.item_id,
    Item.kind,
    Item.title,
    Item.creator,
    Item.year,
    Item.image_url,
    User.username,
    User.display_name,
    User.avatar_url,
)


def _rows_statement(*conditions, after: bool, limit: int) -> Select:
    stmt = select(*_COLUMNS).join(Item, Item.id == Entry.item_id).join(User, User.id == Entry.user_id)
    for condition in (*conditions, *([_AFTER] if after else [])):
        stmt = stmt.where(condition)
    return stmt.order_by(Entry.created_at.desc(), Entry.id.desc()).limit(limit)


@lru_cache(maxsize=64)
def _everyone_statement(*, signed_in: bool, after: bool, limit: int) -> Select:
    # Public entries, as entry_visible_to(None), spelled out so the (visibility, created_at, id)
    # index serves the order; a signed-in viewer's blocks apply as well.
    blocked = [owner_not_blocked(_VIEWER)] if signed_in else []
    return _rows_statement(Entry.visibility == "public", *blocked, User.is_active, after=after, limit=limit)


@lru_cache(maxsize=64)
def _following_statement(*, dialect: str, after: bool, limit: int) -> Select:
    people = (
        select(Follow.followee_id.label("uid"))
        .where(Follow.follower_id == _VIEWER)
        .union_all(select(_VIEWER.label("uid")))
        .subquery("people")
    )
    visible = entry_visible_to(_VIEWER)
    if dialect != "postgresql":
        return _rows_statement(
            Entry.user_id.in_(select(people.c.uid)), visible, User.is_active, after=after, limit=limit
        )
    # Per person, the newest `limit` entries from the (user_id, created_at, id) index, then merged:
    # reads a few rows per followee instead of walking everyone's entries.
    newest = (
        select(Entry.id, Entry.created_at)
        .where(Entry.user_id == people.c.uid, visible, *([_AFTER] if after else []))
        .order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(limit)
        .lateral("newest")
    )
    ids = (
        select(newest.c.id)
        .select_from(people)
        .join(newest, true())
        .order_by(newest.c.created_at.desc(), newest.c.id.desc())
        .limit(limit)
    )
    return _rows_statement(Entry.id.in_(ids), User.is_active, after=False, limit=limit)


@lru_cache(maxsize=256)
def _profile_statement(*, signed_in: bool, kind: bool, status: bool, after: bool, limit: int) -> Select:
    shelf = [Item.kind == bindparam("kind")] if kind else []
    shelf += [Entry.status == bindparam("status")] if status else []
    visible = entry_visible_to(_VIEWER if signed_in else None)
    return _rows_statement(Entry.user_id == _OWNER, visible, *shelf, after=after, limit=limit)


def _page(
    session: Session,
    rows: list[Row],
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
    # A burst's card shows its first entry's likes and comments: only those are counted.
    counts = _social_counts(session, viewer_id, [run[0].entry_id for run in runs])
    cards = []
    for run in runs:
        card = _postcard(run[0], *counts.get(run[0].entry_id, (0, 0, False)))
        if len(run) > 1:
            card.group_count = len(run)
            card.group_text = _group_text(run)
            card.group_titles = [row.title for row in run[:GROUP_PREVIEW]]
        cards.append(card)
    last = shown[-1] if shown else None
    next_cursor = encode_cursor(last.created_at, last.entry_id) if more and last else ""
    return PostcardPage(postcards=cards, next_cursor=next_cursor)


def _group_runs(rows: list[Row]) -> list[list[Row]]:
    """Split newest-first rows into runs; a burst by one person becomes one run.

    A burst is GROUP_THRESHOLD or more consecutive entries by the same person, each within
    BURST_GAP of the previous one (an import, or logging a whole shelf at once).
    """
    runs: list[list[Row]] = []
    for row in rows:
        if runs and runs[-1][0].user_id == row.user_id and runs[-1][-1].created_at - row.created_at <= BURST_GAP:
            runs[-1].append(row)
        else:
            runs.append([row])
    out: list[list[Row]] = []
    for run in runs:
        if len(run) >= GROUP_THRESHOLD:
            out.append(run)
        else:
            out.extend([r] for r in run)
    return out


def _group_text(run: list[Row]) -> str:
    kinds = {row.kind for row in run}
    noun = {"movie": "movies", "book": "books", "music": "albums"}[next(iter(kinds))] if len(kinds) == 1 else "things"
    return f"logged {len(run)} {noun}"


@lru_cache(maxsize=2)
def _social_counts_statement(*, signed_in: bool) -> Select:
    # Likes and comments by closed accounts, or by people the viewer blocked or was blocked by,
    # are not counted; both counts come from their indexes alone (ix_like_entry_user,
    # ix_comment_entry_created_user), the people left out read once per statement.
    viewer = _VIEWER if signed_in else None
    likes = select(func.count()).where(Like.entry_id == Entry.id, like_counted_for(viewer)).scalar_subquery()
    # The comments the viewer is shown (social.comments_for), not every row.
    shown = comment_visible_to(viewer)
    comments = select(func.count()).where(Comment.entry_id == Entry.id, shown).scalar_subquery()
    liked = exists().where(Like.entry_id == Entry.id, Like.user_id == _VIEWER) if signed_in else literal(False)
    return select(Entry.id, likes, comments, liked).where(Entry.id.in_(bindparam("ids", expanding=True)))


def _social_counts(session: Session, viewer_id: int | None, ids: list[int]) -> dict[int, tuple[int, int, bool]]:
    """entry id -> (likes, comments, liked by the viewer), in one statement."""
    if not ids:
        return {}
    statement = _social_counts_statement(signed_in=bool(viewer_id))
    rows = session.execute(statement, {"ids": ids, **({"viewer_id": viewer_id} if viewer_id else {})})
    return {entry_id: (likes, comments, bool(liked)) for entry_id, likes, comments, liked in rows}


def _postcard(row: Row, like_count: int, comment_count: int, liked: bool) -> Postcard:
    review = row.review or ""
    excerpt = review if len(review) <= EXCERPT else review[: EXCERPT - 1].rstrip() + "…"
    return Postcard(
        entry_id=row.entry_id,
        username=row.username,
        display_name=row.display_name or row.username,
        avatar_url=row.avatar_url,
        initials=initials(row.display_name or row.username),
        item_id=row.item_id,
        kind=row.kind,
        title=row.title,
        creator=row.creator,
        year=str(row.year or ""),
        image_url=row.image_url,
        status=row.status,
        action=KIND_VERBS[row.kind][row.status],
        rating=row.rating or 0,
        stars=stars_text(row.rating),
        rating_label=stars_label(row.rating),
        review_excerpt=excerpt,
        visibility=row.visibility,
        created_at=row.created_at.isoformat(),
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
    after = _cursor_params(cursor)
    statement = _everyone_statement(signed_in=viewer_id is not None, after=bool(after), limit=fetch)
    params = {**after, "viewer_id": viewer_id} if viewer_id is not None else after
    rows = list(session.execute(statement, params).all())
    return _page(session, rows, viewer_id=viewer_id, limit=limit, fetched=fetch, group=True)


def following_feed(*, session: Session, viewer_id: int, cursor: str = "", limit: int = PAGE_SIZE) -> PostcardPage:
    """You and the people you follow, newest first, as far as you may see; bursts folded."""
    limit = _limit(limit)
    fetch = limit * OVERFETCH + 1
    after = _cursor_params(cursor)
    statement = _following_statement(dialect=session.get_bind().dialect.name, after=bool(after), limit=fetch)
    rows = list(session.execute(statement, {"viewer_id": viewer_id, **after}).all())
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
    after = _cursor_params(cursor)
    statement = _profile_statement(
        signed_in=viewer_id is not None, kind=bool(kind), status=bool(status), after=bool(after), limit=limit + 1
    )
    params = {"owner_id": owner_id, "viewer_id": viewer_id, "kind": kind or None, "status": status or None, **after}
    rows = list(session.execute(statement, {k: v for k, v in params.items() if v is not None}).all())
    page = _page(session, rows, viewer_id=viewer_id, limit=limit, fetched=limit + 1, group=False)
    if with_comments:
        viewer = session.get(User, viewer_id) if viewer_id else None
        threads = comments_for(session=session, viewer=viewer, entry_ids=[c.entry_id for c in page.postcards])
        for card in page.postcards:
            card.comments = threads.get(card.entry_id, [])
    return page
