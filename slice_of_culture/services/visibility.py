"""Who may see which entry (and which list): the one place this rule lives.

Private entries are seen by their owner only; followers-only entries by the owner and
their followers; public entries by everyone, logged in or not, except people who blocked the
owner or were blocked by them (services/blocks.py). Every query that returns entries, counts or
stats applies `entry_visible_to`. Lists (services/lists.py) follow the same rule by their own
visibility: `list_visible_to`.
"""

from __future__ import annotations

from sqlalchemy import Select, and_, exists, not_, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from slice_of_culture.models import Comment, Entry, Follow, ItemList, Like, User
from slice_of_culture.services.blocks import hidden_people


def entry_visible_to(viewer_id: int | BindParameter[int] | None) -> ColumnElement[bool]:
    """A WHERE clause: entries the viewer (None = logged out) may see. `viewer_id` may be a bound
    parameter, for statements built once and run for many viewers."""
    return _visible_by(Entry.visibility, Entry.user_id, viewer_id)


def list_visible_to(viewer_id: int | None) -> ColumnElement[bool]:
    """A WHERE clause: lists the viewer (None = logged out) may see, by the entries' rule."""
    return _visible_by(ItemList.visibility, ItemList.user_id, viewer_id)


def _visible_by(
    visibility: ColumnElement[str], owner: ColumnElement[int], viewer_id: int | BindParameter[int] | None
) -> ColumnElement[bool]:
    """The rule, for any row with a visibility and an owner."""
    if viewer_id is None:
        return visibility == "public"
    # An alias of its own, so the subquery stays correct inside queries that also join follow.
    f = aliased(Follow)
    follows_owner = exists(select(f.id).where(f.follower_id == viewer_id, f.followee_id == owner).correlate_except(f))
    # Evaluated once per statement (a hashed subplan on PostgreSQL): blocks are few per person.
    return and_(
        or_(
            visibility == "public",
            owner == viewer_id,
            and_(visibility == "followers", follows_owner),
        ),
        owner.not_in(hidden_people(viewer_id)),
    )


def owner_not_blocked(viewer_id: int | BindParameter[int]) -> ColumnElement[bool]:
    """A WHERE clause: entries whose owner and the viewer have not blocked each other (part of
    `entry_visible_to`; on its own where a query already keeps to public entries)."""
    return Entry.user_id.not_in(hidden_people(viewer_id))


def closed_accounts() -> Select:
    """A SELECT of the ids of closed (deactivated) accounts, for NOT IN: they are few, and read
    once per statement from a partial index (`ix_user_closed`), where checking each comment's or
    like's author cost a lookup per row (thousands on a much-liked postcard)."""
    return select(User.id).where(not_(User.is_active))


def comment_visible_to(viewer_id: int | BindParameter[int] | None) -> ColumnElement[bool]:
    """A WHERE clause on comments (of entries the viewer may see): written by an active person
    whom the viewer has not blocked, nor been blocked by. Comment lists and counts agree on it."""
    return by_shown_people(Comment.user_id, viewer_id)


def like_counted_for(viewer_id: int | BindParameter[int] | None) -> ColumnElement[bool]:
    """A WHERE clause on likes (of entries the viewer may see): those counted in what the viewer
    is shown, the same people as `comment_visible_to`."""
    return by_shown_people(Like.user_id, viewer_id)


def by_shown_people(author: ColumnElement[int], viewer_id: int | BindParameter[int] | None) -> ColumnElement[bool]:
    """A WHERE clause: the person in `author` has an open account and no block either way with
    the viewer. Comments, likes and follows are shown and counted by it."""
    active = author.not_in(closed_accounts())
    return active if viewer_id is None else and_(active, author.not_in(hidden_people(viewer_id)))
