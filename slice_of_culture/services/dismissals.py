"""Dismissals: the items a person pressed "Not interested" on, never to be recommended again.

A dismissed item is left out of everything For you shows that person (its personal results,
their nearest-items fallback and the popular cold start: `recs.serve.history` counts it as met)
until they bring it back, from Settings or the API. Dismissing twice or bringing back what is not
hidden changes nothing. Every For you request reads the person's dismissals, so a person hides at
most MAX_DISMISSED items.

Settings and the API list them a page at a time, newest hidden first, by keyset on (hidden at,
item id): bringing an item back between two pages moves nothing on the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from slice_of_culture.models import Item, ItemDismissal, User, is_row_id
from slice_of_culture.services.errors import NotFound, ValidationError
from slice_of_culture.services.paging import decode_cursor, encode_cursor

MAX_DISMISSED = 5_000
# Hidden items a page shows (Settings' "Show more" and the API's `limit` default), and at most.
HIDDEN_PAGE = 20
MAX_HIDDEN_PAGE = 100
NO_SUCH_ITEM = "No such item in the catalog."
BAD_CURSOR = "Not a place in your hidden items: pass the next_cursor of the previous page, or none."


@dataclass
class DismissedItem:
    """A hidden item as Settings lists it, with when it was hidden."""

    item_id: int
    kind: str
    title: str
    creator: str
    year: int | None
    dismissed_at: datetime


@dataclass
class DismissedPage:
    """A page of hidden items, how many are hidden in all, and the cursor for the next page
    ("" = no more)."""

    items: list[DismissedItem]
    total: int
    next_cursor: str


def _catalog_item(session: Session, item_id: object) -> int:
    """`item_id` if it is an item of the catalog; NotFound otherwise (also for a non-id)."""
    if not is_row_id(item_id) or session.exec(select(Item.id).where(Item.id == item_id)).first() is None:
        raise NotFound(NO_SUCH_ITEM)
    return item_id


def dismiss(*, session: Session, user: User, item_id: object) -> bool:
    """Hide an item from the user's recommendations. Returns False if it was hidden already.
    Raises NotFound for an unknown item, ValidationError when MAX_DISMISSED are hidden already."""
    item_id = _catalog_item(session, item_id)
    if session.get(ItemDismissal, (user.id, item_id)) is not None:
        return False
    if count_dismissed(session, user.id) >= MAX_DISMISSED:
        raise ValidationError(
            {"item": f"You have hidden {MAX_DISMISSED:,} items, the most one person can. Show some again first."}
        )
    try:
        with session.begin_nested():
            session.add(ItemDismissal(user_id=user.id, item_id=item_id))
    except IntegrityError:
        return False  # a double click raced us; the dismissal exists
    session.flush()
    return True


def bring_back(*, session: Session, user: User, item_id: object) -> bool:
    """Let a hidden item be recommended again. Returns False if it was not hidden. Raises
    NotFound for an unknown item."""
    item_id = _catalog_item(session, item_id)
    gone = session.exec(delete(ItemDismissal).where(ItemDismissal.user_id == user.id, ItemDismissal.item_id == item_id))
    session.flush()
    return gone.rowcount > 0


def dismissed_item_ids(session: Session, user_id: int) -> set[int]:
    """The ids of the items `user_id` hid."""
    return set(session.exec(select(ItemDismissal.item_id).where(ItemDismissal.user_id == user_id)).all())


def count_dismissed(session: Session, user_id: int) -> int:
    """How many items `user_id` hid."""
    return session.exec(select(func.count()).select_from(ItemDismissal).where(ItemDismissal.user_id == user_id)).one()


def dismissed_page(*, session: Session, user: User, cursor: str = "", limit: int = HIDDEN_PAGE) -> DismissedPage:
    """What the user hid, most recently hidden first (Settings, the API): `limit` items (1 to
    MAX_HIDDEN_PAGE) after `cursor` ("" = from the newest; else a `next_cursor` of this list),
    and how many are hidden now. Raises ValidationError at "cursor" for anything else."""
    after = decode_cursor(cursor) if cursor else None
    if cursor and after is None:
        raise ValidationError({"cursor": BAD_CURSOR})
    limit = max(1, min(int(limit), MAX_HIDDEN_PAGE))
    query = (
        select(Item.id, Item.kind, Item.title, Item.creator, Item.year, ItemDismissal.created_at)
        .join(ItemDismissal, ItemDismissal.item_id == Item.id)
        .where(ItemDismissal.user_id == user.id)
    )
    if after is not None:
        query = query.where(tuple_(ItemDismissal.created_at, ItemDismissal.item_id) < tuple_(*after))
    rows = session.exec(
        query.order_by(ItemDismissal.created_at.desc(), ItemDismissal.item_id.desc()).limit(limit + 1)
    ).all()
    items = [DismissedItem(*row) for row in rows[:limit]]
    return DismissedPage(
        items=items,
        total=count_dismissed(session, user.id),
        next_cursor=encode_cursor(items[-1].dismissed_at, items[-1].item_id) if len(rows) > limit else "",
    )
