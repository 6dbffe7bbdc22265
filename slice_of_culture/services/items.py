"""The item page: details, ratings as the viewer may see them, who they follow that logged it, reviews."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from slice_of_culture.models import Entry, Follow, Item, User, is_row_id
from slice_of_culture.services.display import count_of, initials, stars_number, stars_text
from slice_of_culture.services.errors import NotFound
from slice_of_culture.services.postcards import KIND_VERBS
from slice_of_culture.services.visibility import entry_visible_to


@dataclass
class RatingBar:
    label: str
    count: int


@dataclass
class ItemReview:
    entry_id: int
    username: str
    display_name: str
    initials: str
    stars: str
    review: str
    created_at: str


@dataclass
class FollowedLogger:
    username: str
    display_name: str
    initials: str
    action: str
    stars: str


@dataclass
class ItemPage:
    item_id: int
    kind: str
    title: str
    creator: str
    year: str
    genres: list[str]
    description: str
    image_url: str
    entry_count: int
    rating_count: int
    # "3 ratings (4 entries)"
    counts_text: str
    average: str
    distribution: list[RatingBar] = field(default_factory=list)
    followed: list[FollowedLogger] = field(default_factory=list)
    reviews: list[ItemReview] = field(default_factory=list)


def item_page(*, session: Session, item_id: int, viewer_id: int | None, reviews: int = 20) -> ItemPage:
    """Everything the item page shows, counting only entries the viewer may see."""
    item = session.get(Item, item_id) if is_row_id(item_id) else None
    if item is None:
        raise NotFound("That item is not in the catalog.")
    visible = entry_visible_to(viewer_id)
    ratings = session.exec(
        select(Entry.rating)
        .join(User, User.id == Entry.user_id)
        .where(Entry.item_id == item.id, visible, User.is_active)
    ).all()
    rated = [r for r in ratings if r]
    counts = [0] * 10
    for r in rated:
        counts[r - 1] += 1
    distribution = [RatingBar(label=stars_number(i + 1), count=counts[i]) for i in range(10)]
    average = f"{sum(rated) / len(rated) / 2:.1f}" if rated else ""

    followed: list[FollowedLogger] = []
    if viewer_id:
        rows = session.exec(
            select(Entry, User)
            .join(User, User.id == Entry.user_id)
            .join(Follow, (Follow.followee_id == Entry.user_id) & (Follow.follower_id == viewer_id))
            .where(Entry.item_id == item.id, visible, User.is_active)
            .order_by(Entry.created_at.desc())
            .limit(50)
        ).all()
        seen: set[int] = set()
        for entry, user in rows:
            if user.id in seen:
                continue
            seen.add(user.id)
            name = user.display_name or user.username
            followed.append(
                FollowedLogger(
                    username=user.username,
                    display_name=name,
                    initials=initials(name),
                    action=KIND_VERBS[item.kind][entry.status],
                    stars=stars_text(entry.rating),
                )
            )

    review_rows = session.exec(
        select(Entry, User)
        .join(User, User.id == Entry.user_id)
        .where(Entry.item_id == item.id, visible, Entry.review != "", User.is_active)
        .order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(reviews)
    ).all()
    return ItemPage(
        item_id=item.id,
        kind=item.kind,
        title=item.title,
        creator=item.creator,
        year=str(item.year or ""),
        genres=list(item.genres or []),
        description=item.description,
        image_url=item.image_url,
        entry_count=len(ratings),
        rating_count=len(rated),
        counts_text=f"{count_of(len(rated), 'rating', 'ratings')} ({count_of(len(ratings), 'entry', 'entries')})",
        average=average,
        distribution=distribution,
        followed=followed,
        reviews=[
            ItemReview(
                entry_id=e.id,
                username=u.username,
                display_name=u.display_name or u.username,
                initials=initials(u.display_name or u.username),
                stars=stars_text(e.rating),
                review=e.review,
                created_at=e.created_at.isoformat(),
            )
            for e, u in review_rows
        ],
    )
