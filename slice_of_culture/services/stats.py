"""Profile statistics for charts: per month by kind, rating distribution, top genres and creators.

Only entries the viewer may see are counted (the visibility rule applies to stats too).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from slice_of_culture.models import Entry, Item
from slice_of_culture.services.display import stars_number
from slice_of_culture.services.visibility import entry_visible_to

MONTHS = 12
TOP = 8


@dataclass
class MonthCount:
    month: str
    movie: int = 0
    book: int = 0
    music: int = 0


@dataclass
class NamedCount:
    name: str
    count: int


@dataclass
class ProfileStats:
    per_month: list[MonthCount] = field(default_factory=list)
    ratings: list[NamedCount] = field(default_factory=list)
    genres: list[NamedCount] = field(default_factory=list)
    creators: list[NamedCount] = field(default_factory=list)
    total: int = 0


def _month_starts(today: date, months: int) -> list[date]:
    out, y, m = [], today.year, today.month
    for _ in range(months):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(out))


def profile_stats(*, session: Session, owner_id: int, viewer_id: int | None, today: date | None = None) -> ProfileStats:
    """Chart data for a profile: the last 12 months, ratings ½–5★, top genres and creators."""
    rows = session.exec(
        select(Entry.created_at, Entry.consumed_on, Entry.rating, Item.kind, Item.genres, Item.creator)
        .join(Item, Item.id == Entry.item_id)
        .where(Entry.user_id == owner_id, entry_visible_to(viewer_id))
    ).all()
    today = today or date.today()
    months = {d.strftime("%Y-%m"): MonthCount(month=d.strftime("%b '%y")) for d in _month_starts(today, MONTHS)}
    ratings = Counter()
    genres: Counter[str] = Counter()
    creators: Counter[str] = Counter()
    for created_at, consumed_on, rating, kind, item_genres, creator in rows:
        when = consumed_on or created_at.date()
        bucket = months.get(when.strftime("%Y-%m"))
        if bucket is not None:
            setattr(bucket, kind, getattr(bucket, kind) + 1)
        if rating:
            ratings[rating] += 1
        genres.update(item_genres or [])
        if creator:
            creators[creator] += 1
    return ProfileStats(
        per_month=list(months.values()),
        ratings=[NamedCount(name=stars_number(r), count=ratings[r]) for r in range(1, 11)],
        genres=[NamedCount(name=g, count=c) for g, c in genres.most_common(TOP)],
        creators=[NamedCount(name=n, count=c) for n, c in creators.most_common(TOP)],
        total=len(rows),
    )
