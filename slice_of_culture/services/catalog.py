"""The catalog: items (movies, books, music), their validation and duplicate detection."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, or_
from sqlmodel import Session, select

from slice_of_culture.models import ITEM_KINDS, MAX_CREATOR, MAX_TITLE, Item, User, utcnow
from slice_of_culture.services import rates
from slice_of_culture.services.errors import ValidationError
from slice_of_culture.text import clean_text, normalize_for_key

MAX_GENRES = 10
MAX_GENRE = 40


class DuplicateItem(ValidationError):
    """The item is already in the catalog; `existing` is offered instead."""

    def __init__(self, existing: Item) -> None:
        by = f" by {existing.creator}" if existing.creator else ""
        super().__init__({"title": f"Already in the catalog: {existing.title}{by} ({existing.year or 'no year'})."})
        self.existing = existing


def dedup_key(kind: str, title: str, creator: str, year: int | None) -> str:
    """The identity of an item: same kind + normalized title + creator + year is the same item."""
    return "|".join((kind, normalize_for_key(title), normalize_for_key(creator), str(year or "")))


def find_duplicate(*, session: Session, kind: str, title: str, creator: str, year: int | None) -> Item | None:
    """The existing item that this one would duplicate, if any."""
    return session.exec(select(Item).where(Item.dedup_key == dedup_key(kind, title, creator, year))).first()


# Catalog items a title lookup looks at, at most (same kind and title, any creator and year).
MATCH_CANDIDATES = 50


def match_item(*, session: Session, kind: str, title: str, creator: str = "", year: int | None = None) -> Item | None:
    """The catalog item an imported line means, or None to add it. Same kind and normalized
    title (as in `dedup_key`); the same creator when the line names one. With a year, the item
    of that year (then one without a year; with a creator, one a year off: first edition vs.
    release); without a year, the first with that creator, or the only one with that title.

    One indexed prefix lookup on `dedup_key` (kind|title|creator|year): a range on SQLite,
    whose comparisons are bytewise; LIKE on PostgreSQL, served by the text_pattern_ops index
    `ix_item_dedup_key_prefix` under any collation."""
    norm = normalize_for_key(title)
    if not norm:
        return None
    prefix = f"{kind}|{norm}|" + (f"{normalize_for_key(creator)}|" if creator else "")
    if session.get_bind().dialect.name == "sqlite":
        stmt = select(Item).where(Item.dedup_key >= prefix, Item.dedup_key < prefix + "\U0010ffff")
    else:
        # The pattern goes into the SQL as a literal (escaped by SQLAlchemy): a prepared
        # statement's generic plan cannot use the prefix index for a parameter (13.8 ms a
        # lookup, bench/RESULTS.md).
        pattern = prefix.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
        stmt = select(Item).where(Item.dedup_key.like(bindparam("prefix", pattern, literal_execute=True), escape="/"))
    if year is not None:
        # Only the years that can match: a common title ("Hamlet") has more than MATCH_CANDIDATES.
        stmt = stmt.where(or_(Item.year.is_(None), Item.year.between(year - 1, year + 1)))
    found = session.exec(stmt.order_by(Item.id).limit(MATCH_CANDIDATES)).all()
    if year is None:
        return found[0] if found and (creator or len(found) == 1) else None
    for accept in (
        lambda item: item.year == year,
        lambda item: item.year is None,
        lambda item: bool(creator) and item.year is not None and abs(item.year - year) == 1,
    ):
        match = next((item for item in found if accept(item)), None)
        if match is not None:
            return match
    return None


def create_item(
    *,
    session: Session,
    kind: str,
    title: str,
    creator: str = "",
    year: int | str | None = None,
    genres: list[str] | str | None = None,
    description: str = "",
    image_url: str = "",
    external_ids: dict[str, str] | None = None,
    created_by_id: int | None = None,
) -> Item:
    """Validate and add an item. A duplicate raises DuplicateItem naming the existing item.
    Not flood-controlled: what a person adds by hand goes through `add_item`; an import adds
    its missing items here.

    Form input is accepted as typed: `year` may be text ("1999"), `genres` a comma-separated string.
    """
    errors: dict[str, str] = {}
    if isinstance(year, str):
        year = year.strip()
        if not year:
            year = None
        elif year.isdigit():
            year = int(year)
        else:
            errors["year"] = "Year must be a number like 1999."
            year = None
    if isinstance(genres, str):
        genres = genres.split(",")
    try:
        title = clean_text(title, max_length=MAX_TITLE)
        creator = clean_text(creator, max_length=MAX_CREATOR)
        description = clean_text(description, max_length=5000)
        genres = [clean_text(g, max_length=MAX_GENRE).lower() for g in (genres or [])]
    except TypeError:
        raise ValidationError({"form": "Every field must be text."}) from None
    if kind not in ITEM_KINDS:
        errors["kind"] = "Choose movie, book or music."
    if not title:
        errors["title"] = "Title cannot be empty."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Title must be at most {MAX_TITLE} characters."
    if len(creator) > MAX_CREATOR:
        errors["creator"] = f"Creator must be at most {MAX_CREATOR} characters."
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= date.today().year + 1
    ):
        errors["year"] = f"Year must be between 1000 and {date.today().year + 1}."
    genres = [g for g in dict.fromkeys(genres) if g]
    if len(genres) > MAX_GENRES or any(len(g) > MAX_GENRE for g in genres):
        errors["genres"] = f"At most {MAX_GENRES} genres of at most {MAX_GENRE} characters."
    if errors:
        raise ValidationError(errors)
    existing = find_duplicate(session=session, kind=kind, title=title, creator=creator, year=year)
    if existing is not None:
        raise DuplicateItem(existing)
    item = Item(
        kind=kind,
        title=title,
        creator=creator,
        year=year,
        genres=genres,
        description=description,
        image_url=image_url,
        external_ids=external_ids or {},
        dedup_key=dedup_key(kind, title, creator, year),
        created_by_id=created_by_id,
    )
    session.add(item)
    session.flush()
    return item


def add_item(
    *,
    session: Session,
    user: User,
    kind: str,
    title: str,
    creator: str = "",
    year: int | str | None = None,
    genres: list[str] | str | None = None,
    now: datetime | None = None,
) -> Item:
    """A person adds a missing item to the catalog by hand (the log dialog's form), as
    `create_item`, recording them as its creator; at most rates.ITEM_RATE (RateLimited, nothing
    written)."""
    rates.note(session, user, rates.ITEM_RATE, now or utcnow())
    return create_item(
        session=session, kind=kind, title=title, creator=creator, year=year, genres=genres, created_by_id=user.id
    )
