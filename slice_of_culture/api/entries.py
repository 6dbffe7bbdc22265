"""Entries (log, edit, delete your own), likes and comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from starlette.routing import Route

from slice_of_culture.api.base import Call, endpoint, read_fields
from slice_of_culture.models import Entry, User
from slice_of_culture.services import entries, social
from slice_of_culture.services.entries import EntryInput
from slice_of_culture.services.social import CommentView

# The fields of an entry a client sends (see entries.EntryInput); item_id only when logging.
ENTRY_FIELDS = {"status": "text", "rating": "int?", "consumed_on": "text?", "review": "text", "visibility": "text"}


@dataclass
class EntryView:
    """An entry as its owner wrote it (feeds and profiles show entries as postcards)."""

    entry_id: int
    username: str
    item_id: int
    status: str
    rating: int | None
    consumed_on: date | None
    review: str
    visibility: str
    created_at: datetime
    updated_at: datetime


def entry_view(entry: Entry, owner: User) -> EntryView:
    return EntryView(
        entry_id=entry.id,
        username=owner.username,
        item_id=entry.item_id,
        status=entry.status,
        rating=entry.rating,
        consumed_on=entry.consumed_on,
        review=entry.review,
        visibility=entry.visibility,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
    )


@endpoint(auth="required", body=True, status=201)
def create_entry(call: Call) -> EntryView:
    """Log an item. Visibility defaults to the person's default, as in the log form."""
    me = call.require_user()
    fields = read_fields(call.body, {"item_id": "int", **ENTRY_FIELDS}, required=("item_id",))
    item_id = fields.pop("item_id")
    data = EntryInput(**{"visibility": me.default_visibility, **fields})
    entry = entries.log_entry(session=call.session, user=me, item_id=item_id, data=data)
    return entry_view(entry, me)


@endpoint(auth="required", body=True)
def update_entry(call: Call) -> EntryView:
    """Change some fields of your own entry; the others keep their values."""
    me = call.require_user()
    fields = read_fields(call.body, ENTRY_FIELDS)
    entry = entries.get_own_entry(session=call.session, user=me, entry_id=call.path_id("entry_id"))
    current = {
        "status": entry.status,
        "rating": entry.rating,
        "consumed_on": entry.consumed_on,
        "review": entry.review,
        "visibility": entry.visibility,
    }
    data = EntryInput(**{**current, **fields})
    entry = entries.update_entry(session=call.session, user=me, entry_id=entry.id, data=data)
    return entry_view(entry, me)


@endpoint(auth="required")
def delete_entry(call: Call) -> None:
    entries.delete_entry(session=call.session, user=call.require_user(), entry_id=call.path_id("entry_id"))


@endpoint(auth="required")
def like(call: Call) -> dict:
    """Like a postcard you can see (liking twice changes nothing)."""
    entry_id = call.path_id("entry_id")
    social.like(session=call.session, user=call.require_user(), entry_id=entry_id)
    return {"entry_id": entry_id, "liked": True}


@endpoint(auth="required")
def unlike(call: Call) -> dict:
    entry_id = call.path_id("entry_id")
    social.unlike(session=call.session, user=call.require_user(), entry_id=entry_id)
    return {"entry_id": entry_id, "liked": False}


@endpoint(auth="required", body=True, status=201)
def add_comment(call: Call) -> CommentView:
    """Comment on a postcard you can see; answers with the comment as profiles show it."""
    me = call.require_user()
    fields = read_fields(call.body, {"text": "text"}, required=("text",))
    comment = social.add_comment(session=call.session, user=me, entry_id=call.path_id("entry_id"), text=fields["text"])
    thread = social.comments_for(session=call.session, viewer=me, entry_ids=[comment.entry_id])
    return next(view for view in thread[comment.entry_id] if view.comment_id == comment.id)


@endpoint(auth="required", body=True)
def edit_comment(call: Call) -> CommentView:
    """Edit your own comment; answers with it as profiles show it (marked edited)."""
    me = call.require_user()
    fields = read_fields(call.body, {"text": "text"}, required=("text",))
    comment = social.edit_comment(
        session=call.session, user=me, comment_id=call.path_id("comment_id"), text=fields["text"]
    )
    thread = social.comments_for(session=call.session, viewer=me, entry_ids=[comment.entry_id])
    return next(view for view in thread[comment.entry_id] if view.comment_id == comment.id)


@endpoint(auth="required")
def delete_comment(call: Call) -> None:
    """Delete your own comment, or any comment on your entry."""
    social.delete_comment(session=call.session, user=call.require_user(), comment_id=call.path_id("comment_id"))


routes = [
    Route("/entries", create_entry, methods=["POST"]),
    Route("/entries/{entry_id:int}", update_entry, methods=["PATCH"]),
    Route("/entries/{entry_id:int}", delete_entry, methods=["DELETE"]),
    Route("/entries/{entry_id:int}/like", like, methods=["PUT"]),
    Route("/entries/{entry_id:int}/like", unlike, methods=["DELETE"]),
    Route("/entries/{entry_id:int}/comments", add_comment, methods=["POST"]),
    Route("/comments/{comment_id:int}", edit_comment, methods=["PATCH"]),
    Route("/comments/{comment_id:int}", delete_comment, methods=["DELETE"]),
]
