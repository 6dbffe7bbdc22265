"""Onboarding: a newcomer says which kinds they care about and picks a few favourites, in one go.

The kinds are kept on the user (`preferred_kinds`, e.g. "book,music"; "" means everything); For
you shows them by default, popular items at first and personal ones once it knows your taste.
Each favourite becomes a finished, 5-star entry made by `entries.create_entry`, so every entry
rule applies; all of it is saved, or none of it.
"""

from __future__ import annotations

from sqlmodel import Session, select

from slice_of_culture.models import ITEM_KINDS, Entry, Item, User
from slice_of_culture.services import entries
from slice_of_culture.services.entries import EntryInput
from slice_of_culture.services.errors import ValidationError

# Enough to say what you like; more is a bulk import, not a first step.
MAX_PICKS = 30


def preferred_kinds(user: User | None) -> list[str]:
    """The kinds this person chose, in catalog order ([] when they chose none: everything)."""
    chosen = set((user.preferred_kinds or "").split(",")) if user is not None else set()
    return [kind for kind in ITEM_KINDS if kind in chosen]


def toggle_kind(kinds: list[str], kind: str, on: bool) -> list[str]:
    """`kinds` with `kind` ticked or unticked, in catalog order (anything unknown is dropped)."""
    chosen = set(kinds) | {kind} if on else set(kinds) - {kind}
    return [k for k in ITEM_KINDS if k in chosen]


def _kinds_error(kinds: object) -> str | None:
    if isinstance(kinds, str) or not isinstance(kinds, list | tuple | set | frozenset):
        return "Choose kinds from movies, books and music."
    if not all(isinstance(kind, str) and kind in ITEM_KINDS for kind in kinds):
        return "Choose kinds from movies, books and music."
    if len(set(kinds)) != len(kinds):
        return "Choose each kind once."
    return None


def clean_kinds(kinds: object) -> list[str]:
    """Validated kinds in catalog order; ValidationError ({"kinds": ...}) on anything else."""
    if message := _kinds_error(kinds):
        raise ValidationError({"kinds": message})
    return [kind for kind in ITEM_KINDS if kind in kinds]  # type: ignore[operator]


def _picks_error(session: Session, item_ids: object) -> str | None:
    if isinstance(item_ids, str) or not isinstance(item_ids, list | tuple):
        return "Favourites must be a list of catalog items."
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in item_ids):
        return "Favourites must be a list of catalog items."
    if len(item_ids) > MAX_PICKS:
        return f"Pick at most {MAX_PICKS} favourites for now (you picked {len(item_ids)}); log more later."
    if len(set(item_ids)) != len(item_ids):
        return "Each favourite can be picked once."
    if item_ids:
        known = set(session.exec(select(Item.id).where(Item.id.in_(item_ids))).all())
        if known != set(item_ids):
            return "Some of those favourites are not in the catalog any more. Reload the page and pick again."
    return None


def save_onboarding(*, session: Session, user: User, kinds: object, item_ids: object) -> list[Entry]:
    """Keep the chosen kinds and log each picked item as loved (finished, 5 stars, the person's
    default visibility). Items the person has already logged are skipped, not logged twice.

    Returns the new entries. Raises ValidationError (fields "kinds" and "items") and then
    changes nothing.
    """
    errors = {
        field: message
        for field, message in (("kinds", _kinds_error(kinds)), ("items", _picks_error(session, item_ids)))
        if message
    }
    if errors:
        raise ValidationError(errors)
    chosen = clean_kinds(kinds)
    picks: list[int] = list(item_ids)  # type: ignore[call-overload]
    met = set(
        session.exec(select(Entry.item_id).where(Entry.user_id == user.id, Entry.item_id.in_(picks))).all()
        if picks
        else []
    )
    loved = EntryInput(status="finished", rating=10, visibility=user.default_visibility)
    # A savepoint: should any entry be refused, the kinds and the earlier entries go with it.
    with session.begin_nested():
        user.preferred_kinds = ",".join(chosen)
        session.add(user)
        created = [
            entries.create_entry(session=session, user=user, item_id=item_id, data=loved)
            for item_id in picks
            if item_id not in met
        ]
    return created
