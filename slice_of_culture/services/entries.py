"""Entries: log what you watched, read or listened to; edit and delete your own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, delete

from slice_of_culture.models import (
    ENTRY_STATUSES,
    VISIBILITIES,
    Comment,
    Entry,
    Item,
    Notification,
    User,
    is_row_id,
    utcnow,
)
from slice_of_culture.services import rates, social
from slice_of_culture.services.errors import NotFound, PermissionDenied, ValidationError
from slice_of_culture.text import clean_text

MAX_REVIEW = 5000


@dataclass
class EntryInput:
    """What the entry form sends. Rating is in half stars (1–10) or None."""

    status: str = "finished"
    rating: int | None = None
    consumed_on: date | str | None = None
    review: str = ""
    visibility: str = "public"


def _validate(data: EntryInput) -> tuple[dict[str, str], dict]:
    errors: dict[str, str] = {}
    clean: dict = {}
    if data.status not in ENTRY_STATUSES:
        errors["status"] = "Choose want, in progress, finished or dropped."
    clean["status"] = data.status
    rating = data.rating
    if rating in ("", None, 0):
        rating = None
    elif isinstance(rating, bool) or not isinstance(rating, int | str):
        errors["rating"] = "Rating must be between ½ and 5 stars."
    else:
        try:
            rating = int(rating)
        except ValueError:
            errors["rating"] = "Rating must be between ½ and 5 stars."
        else:
            if not 1 <= rating <= 10:
                errors["rating"] = "Rating must be between ½ and 5 stars."
    if data.status == "want" and rating is not None and "rating" not in errors:
        errors["rating"] = "Rate it once you have started it."
    clean["rating"] = rating
    consumed = data.consumed_on
    if consumed in ("", None):
        consumed = None
    elif isinstance(consumed, str):
        try:
            consumed = date.fromisoformat(consumed)
        except ValueError:
            errors["consumed_on"] = "Enter a date like 2026-03-14."
    elif not isinstance(consumed, date):
        errors["consumed_on"] = "Enter a date like 2026-03-14."
    if isinstance(consumed, date):
        if consumed > date.today():
            errors["consumed_on"] = "That date is in the future."
        elif consumed.year < 1900:
            errors["consumed_on"] = "That date is too far in the past."
    clean["consumed_on"] = consumed if isinstance(consumed, date) else None
    try:
        review = clean_text(data.review, max_length=MAX_REVIEW)
    except TypeError:
        errors["review"] = "Review must be text."
        review = ""
    if len(review) > MAX_REVIEW:
        errors["review"] = f"Reviews can be at most {MAX_REVIEW:,} characters (this one has {len(review):,})."
    clean["review"] = review
    if data.visibility not in VISIBILITIES:
        errors["visibility"] = "Choose public, followers or private."
    clean["visibility"] = data.visibility
    return errors, clean


def create_entry(*, session: Session, user: User, item_id: int, data: EntryInput, now: datetime | None = None) -> Entry:
    """Log an item. Raises ValidationError (per field) or NotFound for an unknown item.

    Not flood-controlled: what a person logs by hand goes through `log_entry`; the import and the
    welcome page's favourites (at most onboarding.MAX_PICKS) log many in one action here."""
    if not is_row_id(item_id) or session.get(Item, item_id) is None:
        raise NotFound("That item is not in the catalog.")
    errors, clean = _validate(data)
    if errors:
        raise ValidationError(errors)
    now = now or utcnow()
    entry = Entry(user_id=user.id, item_id=item_id, created_at=now, updated_at=now, **clean)
    session.add(entry)
    session.flush()
    return entry


def log_entry(*, session: Session, user: User, item_id: int, data: EntryInput, now: datetime | None = None) -> Entry:
    """What a person logs by hand (the log dialog, For you's "Loved it" / "Want to", the API):
    `create_entry`, at most rates.ENTRY_RATE (RateLimited, nothing written)."""
    now = now or utcnow()
    rates.note(session, user, rates.ENTRY_RATE, now)
    return create_entry(session=session, user=user, item_id=item_id, data=data, now=now)


def get_own_entry(*, session: Session, user: User, entry_id: int) -> Entry:
    """The caller's own entry. NotFound if it does not exist, PermissionDenied if it is not theirs."""
    entry = session.get(Entry, entry_id) if is_row_id(entry_id) else None
    if entry is None:
        raise NotFound("That entry does not exist.")
    if entry.user_id != user.id:
        raise PermissionDenied("You can only change your own entries.")
    return entry


def update_entry(*, session: Session, user: User, entry_id: int, data: EntryInput) -> Entry:
    """Edit your own entry."""
    entry = get_own_entry(session=session, user=user, entry_id=entry_id)
    errors, clean = _validate(data)
    if errors:
        raise ValidationError(errors)
    for key, value in clean.items():
        setattr(entry, key, value)
    entry.updated_at = utcnow()
    session.add(entry)
    session.flush()
    return entry


def delete_entry(*, session: Session, user: User, entry_id: int) -> None:
    """Delete your own entry (its likes and comments go with it)."""
    remove_entry(session=session, entry=get_own_entry(session=session, user=user, entry_id=entry_id))


def remove_entry(*, session: Session, entry: Entry) -> None:
    """Delete an entry and what points at it (its owner's delete, or a moderator's)."""
    # Likes and comments go by ON DELETE CASCADE; notifications point at it by text, and only
    # its owner's are about it (their index finds them).
    session.exec(
        delete(Notification).where(
            Notification.recipient_id == entry.user_id,
            Notification.target == f"entry:{entry.id}",
            Notification.kind.in_(("like", "comment")),
        )
    )
    # Its comments, with the mentions that led to them.
    social.remove_comments(session=session, where=Comment.entry_id == entry.id)
    session.delete(entry)
    session.flush()
