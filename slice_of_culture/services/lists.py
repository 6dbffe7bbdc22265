"""Lists: a person's own selections of items, in the order they choose, each item with an
optional note ("Best of Ghibli", "Books that made me cry"). Public, followers-only or private,
seen by the same rule as entries (`visibility.list_visible_to`); only the owner changes one.

A list holds at most MAX_ITEMS items and a person at most MAX_LISTS lists. Positions are 0..n-1
without gaps: adding appends, moving shifts the items between, removing closes the gap. Every
change of a list's items or details bumps its `updated_at` (profiles show recently changed
lists first).

`export_lists_csv` writes all of a person's lists, items in order, as CSV (Settings' download);
`list_for_import` is where a list read from such a file, or from Letterboxd, goes on import
(`services.imports`): a list of the same title the person has already, or a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, select

from slice_of_culture.models import VISIBILITIES, Item, ItemList, ItemListEntry, User, is_row_id, utcnow
from slice_of_culture.services.accounts import normalize_username
from slice_of_culture.services.csv_export import write_csv
from slice_of_culture.services.display import initials
from slice_of_culture.services.errors import NotFound, ValidationError
from slice_of_culture.services.visibility import list_visible_to
from slice_of_culture.text import clean_text

MAX_TITLE = 100
MAX_DESCRIPTION = 2000
MAX_NOTE = 500
MAX_ITEMS = 500
MAX_LISTS = 200
LIST_GONE = "This list does not exist, or you cannot see it."


class TooManyLists(ValidationError):
    """The person has MAX_LISTS lists already (at "title", as create_list's other errors)."""

    def __init__(self) -> None:
        super().__init__({"title": f"You have {MAX_LISTS} lists, the most one person can have. Delete one first."})


@dataclass
class ListSummary:
    """A list as a profile and the "Add to list" dialog show it."""

    list_id: int
    title: str
    visibility: str
    item_count: int
    # Whether it holds the item the dialog is about (False elsewhere).
    has_item: bool = False


@dataclass
class ListMention:
    """A list an item is on, as its page names it ("Start here" by Maria)."""

    list_id: int
    title: str
    owner_username: str
    owner_name: str
    item_count: int


@dataclass
class ListItemView:
    item_id: int
    position: int
    kind: str
    title: str
    creator: str
    year: int | None
    image_url: str
    note: str


@dataclass
class ListPage:
    list_id: int
    title: str
    description: str
    visibility: str
    ranked: bool
    owner_username: str
    owner_name: str
    owner_initials: str
    owner_avatar_url: str
    is_owner: bool
    updated_at: datetime
    items: list[ListItemView]


def _details(title: object, description: object, visibility: object) -> tuple[str, str, str]:
    """Checked list details, or ValidationError with a message per field."""
    try:
        title = clean_text(title, max_length=MAX_TITLE)
        description = clean_text(description, max_length=MAX_DESCRIPTION)
    except TypeError:
        raise ValidationError({"form": "Every field must be text."}) from None
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Give the list a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"A title is at most {MAX_TITLE} characters."
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"A description is at most {MAX_DESCRIPTION:,} characters."
    if visibility not in VISIBILITIES:
        errors["visibility"] = "Choose public, followers or private."
    if errors:
        raise ValidationError(errors)
    return title, description, str(visibility)


def _own_list(session: Session, user: User, list_id: object) -> ItemList:
    """The user's own list, locked for the change; NotFound for anyone else's (or none)."""
    if not is_row_id(list_id):
        raise NotFound(LIST_GONE)
    found = session.exec(
        select(ItemList).where(ItemList.id == list_id, ItemList.user_id == user.id).with_for_update()
    ).first()
    if found is None:
        raise NotFound(LIST_GONE)
    return found


def _touch(session: Session, item_list: ItemList) -> None:
    item_list.updated_at = utcnow()
    session.add(item_list)
    session.flush()


def create_list(
    *,
    session: Session,
    user: User,
    title: object,
    description: object = "",
    visibility: object = "public",
    ranked: object = False,
) -> ItemList:
    """A new, empty list of the user's. Raises ValidationError per field, or at "title" when
    the user has MAX_LISTS lists already."""
    title, description, visibility = _details(title, description, visibility)
    count = session.exec(select(func.count()).select_from(ItemList).where(ItemList.user_id == user.id)).one()
    if count >= MAX_LISTS:
        raise TooManyLists()
    item_list = ItemList(
        user_id=user.id, title=title, description=description, visibility=visibility, ranked=bool(ranked)
    )
    session.add(item_list)
    session.flush()
    return item_list


@dataclass
class ImportTarget:
    """Where an imported list goes: the list, whether it is new, and the items on it already."""

    item_list: ItemList
    created: bool
    item_ids: set[int] = field(default_factory=set)

    @property
    def room(self) -> int:
        """How many more items it takes."""
        return max(0, MAX_ITEMS - len(self.item_ids))


def list_for_import(
    *, session: Session, user: User, title: object, description: object, visibility: object, ranked: object
) -> ImportTarget:
    """Where a list brought from elsewhere goes, so that importing it again adds no second list:
    the user's list of the same title (as create_list would store it; the oldest if several),
    which keeps its own description, visibility and numbering and takes the items it lacks
    (`add_item`), or else a new list with these details (`create_list`, its rules and limits)."""
    clean_title, _, _ = _details(title, description, visibility)
    found = session.exec(
        select(ItemList)
        .where(ItemList.user_id == user.id, ItemList.title == clean_title)
        .order_by(ItemList.id)
        .limit(1)
        .with_for_update()
    ).first()
    if found is None:
        created = create_list(
            session=session, user=user, title=title, description=description, visibility=visibility, ranked=ranked
        )
        return ImportTarget(item_list=created, created=True)
    on_list = session.exec(select(ItemListEntry.item_id).where(ItemListEntry.list_id == found.id)).all()
    return ImportTarget(item_list=found, created=False, item_ids=set(on_list))


def update_list(
    *,
    session: Session,
    user: User,
    list_id: object,
    title: object,
    description: object,
    visibility: object,
    ranked: object,
) -> ItemList:
    """Change a list's details (the owner's only)."""
    item_list = _own_list(session, user, list_id)
    item_list.title, item_list.description, item_list.visibility = _details(title, description, visibility)
    item_list.ranked = bool(ranked)
    _touch(session, item_list)
    return item_list


def delete_list(*, session: Session, user: User, list_id: object) -> None:
    """Delete a list and its items (the owner's only)."""
    session.delete(_own_list(session, user, list_id))
    session.flush()


def _clean_note(note: object) -> str:
    try:
        note = clean_text(note, max_length=MAX_NOTE)
    except TypeError:
        raise ValidationError({"note": "A note must be text."}) from None
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"A note is at most {MAX_NOTE} characters."})
    return note


def _size(session: Session, list_id: int) -> int:
    return session.exec(select(func.count()).select_from(ItemListEntry).where(ItemListEntry.list_id == list_id)).one()


def _on_list(session: Session, list_id: int, item_id: object) -> ItemListEntry:
    row = (
        session.exec(
            select(ItemListEntry).where(ItemListEntry.list_id == list_id, ItemListEntry.item_id == item_id)
        ).first()
        if is_row_id(item_id)
        else None
    )
    if row is None:
        raise NotFound("That item is not on this list.")
    return row


def add_item(*, session: Session, user: User, list_id: object, item_id: object, note: object = "") -> ItemListEntry:
    """Put an item at the end of the user's list. Raises NotFound for an unknown item or list,
    ValidationError when it is on the list already, the list is full, or the note is bad."""
    item_list = _own_list(session, user, list_id)
    if not is_row_id(item_id) or session.get(Item, item_id) is None:
        raise NotFound("No such item in the catalog.")
    note = _clean_note(note)
    if session.exec(
        select(ItemListEntry.id).where(ItemListEntry.list_id == item_list.id, ItemListEntry.item_id == item_id)
    ).first():
        raise ValidationError({"item": "That is on this list already."})
    size = _size(session, item_list.id)
    if size >= MAX_ITEMS:
        raise ValidationError({"item": f"A list holds at most {MAX_ITEMS} items."})
    row = ItemListEntry(list_id=item_list.id, item_id=item_id, position=size, note=note)
    session.add(row)
    _touch(session, item_list)
    return row


def remove_item(*, session: Session, user: User, list_id: object, item_id: object) -> None:
    """Take an item off the user's list; the items after it move up."""
    item_list = _own_list(session, user, list_id)
    row = _on_list(session, item_list.id, item_id)
    position = row.position
    session.delete(row)
    session.flush()
    session.exec(
        update(ItemListEntry)
        .where(ItemListEntry.list_id == item_list.id, ItemListEntry.position > position)
        .values(position=ItemListEntry.position - 1)
    )
    _touch(session, item_list)


def move_item(*, session: Session, user: User, list_id: object, item_id: object, position: object) -> None:
    """Move an item to `position` (0 = first; clamped to the list), shifting those between."""
    item_list = _own_list(session, user, list_id)
    row = _on_list(session, item_list.id, item_id)
    if not isinstance(position, int) or isinstance(position, bool):
        raise ValidationError({"position": "A position is a whole number."})
    target = max(0, min(position, _size(session, item_list.id) - 1))
    old = row.position
    if target == old:
        return
    if target < old:
        shift = ItemListEntry.position + 1
        between = (ItemListEntry.position >= target, ItemListEntry.position < old)
    else:
        shift = ItemListEntry.position - 1
        between = (ItemListEntry.position > old, ItemListEntry.position <= target)
    session.exec(
        update(ItemListEntry)
        .where(ItemListEntry.list_id == item_list.id, ItemListEntry.id != row.id, *between)
        .values(position=shift)
    )
    row.position = target
    session.add(row)
    _touch(session, item_list)


def set_note(*, session: Session, user: User, list_id: object, item_id: object, note: object) -> None:
    """Change the note of an item on the user's list ("" = none)."""
    item_list = _own_list(session, user, list_id)
    row = _on_list(session, item_list.id, item_id)
    row.note = _clean_note(note)
    session.add(row)
    _touch(session, item_list)


def put_item(
    *, session: Session, user: User, list_id: object, item_id: object, note: object = None, position: object = None
) -> None:
    """Add an item to the user's list (with `note`) or, when it is there already, change its
    note (None: keep it); then move it to `position` if one is given. (The API's PUT.)"""
    item_list = _own_list(session, user, list_id)
    on_list = (
        is_row_id(item_id)
        and session.exec(
            select(ItemListEntry.id).where(ItemListEntry.list_id == item_list.id, ItemListEntry.item_id == item_id)
        ).first()
    )
    if not on_list:
        add_item(session=session, user=user, list_id=list_id, item_id=item_id, note=note or "")
    elif note is not None:
        set_note(session=session, user=user, list_id=list_id, item_id=item_id, note=note)
    if position is not None:
        move_item(session=session, user=user, list_id=list_id, item_id=item_id, position=position)


def list_page(*, session: Session, list_id: object, viewer_id: int | None) -> ListPage:
    """A list and its items in order, if the viewer may see it; NotFound otherwise (a private
    list is as unknown to others as a missing one)."""
    if not is_row_id(list_id):
        raise NotFound(LIST_GONE)
    found = session.exec(
        select(ItemList, User)
        .join(User, User.id == ItemList.user_id)
        .where(ItemList.id == list_id, User.is_active, list_visible_to(viewer_id))
    ).first()
    if found is None:
        raise NotFound(LIST_GONE)
    item_list, owner = found
    rows = session.exec(
        select(ItemListEntry, Item)
        .join(Item, Item.id == ItemListEntry.item_id)
        .where(ItemListEntry.list_id == item_list.id)
        .order_by(ItemListEntry.position)
    ).all()
    name = owner.display_name or owner.username
    return ListPage(
        list_id=item_list.id,
        title=item_list.title,
        description=item_list.description,
        visibility=item_list.visibility,
        ranked=item_list.ranked,
        owner_username=owner.username,
        owner_name=name,
        owner_initials=initials(name),
        owner_avatar_url=owner.avatar_url,
        is_owner=owner.id == viewer_id,
        updated_at=item_list.updated_at,
        items=[
            ListItemView(
                item_id=item.id,
                position=row.position,
                kind=item.kind,
                title=item.title,
                creator=item.creator,
                year=item.year,
                image_url=item.image_url,
                note=row.note,
            )
            for row, item in rows
        ],
    )


def _summaries(session: Session, where, item_id: int | None = None) -> list[ListSummary]:  # noqa: ANN001
    count = (
        select(func.count())
        .select_from(ItemListEntry)
        .where(ItemListEntry.list_id == ItemList.id)
        .correlate(ItemList)
        .scalar_subquery()
    )
    has = (
        select(func.count())
        .select_from(ItemListEntry)
        .where(ItemListEntry.list_id == ItemList.id, ItemListEntry.item_id == (item_id or 0))
        .correlate(ItemList)
        .scalar_subquery()
    )
    rows = session.exec(
        select(ItemList.id, ItemList.title, ItemList.visibility, count, has)
        .where(where)
        .order_by(ItemList.updated_at.desc(), ItemList.id.desc())
        .limit(MAX_LISTS)
    ).all()
    return [ListSummary(list_id, title, visibility, n, bool(h)) for list_id, title, visibility, n, h in rows]


def lists_of(*, session: Session, username: str, viewer_id: int | None) -> list[ListSummary]:
    """The lists of `username` the viewer may see, most recently changed first."""
    owner = session.exec(select(User).where(User.username == normalize_username(username))).first()
    if owner is None or not owner.is_active:
        raise NotFound("No one here goes by that name.")
    return _summaries(session, (ItemList.user_id == owner.id) & list_visible_to(viewer_id))


def my_lists_for_item(*, session: Session, user: User, item_id: int) -> list[ListSummary]:
    """The user's lists, each saying whether it holds `item_id` (the "Add to list" dialog)."""
    return _summaries(session, ItemList.user_id == user.id, item_id=item_id)


# Lists named on an item's page.
ITEM_PAGE_LISTS = 6


def lists_with_item(*, session: Session, item_id: int, viewer_id: int | None) -> list[ListMention]:
    """Lists the viewer may see that hold `item_id`, the most recently changed first (at most
    ITEM_PAGE_LISTS): how an item's page leads to people's selections."""
    count = (
        select(func.count())
        .select_from(ItemListEntry)
        .where(ItemListEntry.list_id == ItemList.id)
        .correlate(ItemList)
        .scalar_subquery()
    )
    rows = session.exec(
        select(ItemList.id, ItemList.title, User.username, User.display_name, count)
        .join(ItemListEntry, ItemListEntry.list_id == ItemList.id)
        .join(User, User.id == ItemList.user_id)
        .where(ItemListEntry.item_id == item_id, User.is_active, list_visible_to(viewer_id))
        .order_by(ItemList.updated_at.desc(), ItemList.id.desc())
        .limit(ITEM_PAGE_LISTS)
    ).all()
    return [ListMention(list_id, title, username, name or username, n) for list_id, title, username, name, n in rows]


EXPORT_COLUMNS = (
    "list",
    "description",
    "visibility",
    "numbered",
    "position",
    "kind",
    "title",
    "creator",
    "year",
    "note",
    "added",
)


def export_lists_csv(*, session: Session, user: User) -> str:
    """Every list of `user`, private ones too (it is their own data), in the order their profile
    shows them (most recently changed first), as CSV: one line per item in list order, with the
    list's title, description, visibility and "numbered" ("yes" or "no") repeated on each; the
    position counts from 1; "added" is the UTC date the item went on the list. A list with no
    items is one line with the item columns empty, so nothing is lost. One query."""
    rows = session.exec(
        select(ItemList, ItemListEntry, Item)
        .outerjoin(ItemListEntry, ItemListEntry.list_id == ItemList.id)
        .outerjoin(Item, Item.id == ItemListEntry.item_id)
        .where(ItemList.user_id == user.id)
        .order_by(ItemList.updated_at.desc(), ItemList.id.desc(), ItemListEntry.position)
    ).all()
    return write_csv(EXPORT_COLUMNS, (_export_row(*found) for found in rows))


def _export_row(item_list: ItemList, row: ItemListEntry | None, item: Item | None) -> tuple:
    details = (item_list.title, item_list.description, item_list.visibility, "yes" if item_list.ranked else "no")
    if row is None or item is None:
        return details + ("",) * (len(EXPORT_COLUMNS) - len(details))
    added = row.added_at.date().isoformat()
    return details + (row.position + 1, item.kind, item.title, item.creator, item.year or "", row.note, added)
