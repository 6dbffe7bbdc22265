"""Lists: a person's own ordered selections of items, each with a note (services/lists.py)."""

from __future__ import annotations

from dataclasses import asdict

from starlette.routing import Route

from slice_of_culture.api.base import Call, endpoint, read_fields
from slice_of_culture.services import lists
from slice_of_culture.services.lists import ListPage

# The details of a list a client sends; the title only is required when creating one.
LIST_FIELDS = {"title": "text", "description": "text", "visibility": "text", "ranked": "bool"}


@endpoint()
def lists_of(call: Call) -> dict:
    """A person's lists the caller may see, most recently changed first."""
    found = lists.lists_of(session=call.session, username=call.path("username"), viewer_id=call.viewer_id)
    # `has_item` is the "Add to list" dialog's (whether a list holds the item it is about): no
    # item here, so it would always say False.
    return {"lists": [{key: value for key, value in asdict(s).items() if key != "has_item"} for s in found]}


@endpoint(auth="required", body=True, status=201)
def create_list(call: Call) -> ListPage:
    me = call.require_user()
    fields = read_fields(call.body, LIST_FIELDS, required=("title",))
    item_list = lists.create_list(session=call.session, user=me, **fields)
    return lists.list_page(session=call.session, list_id=item_list.id, viewer_id=me.id)


@endpoint()
def read_list(call: Call) -> ListPage:
    """A list and its items in order; 404 for a list the caller may not see."""
    return lists.list_page(session=call.session, list_id=call.path_id("list_id"), viewer_id=call.viewer_id)


@endpoint(auth="required", body=True)
def update_list(call: Call) -> ListPage:
    """Change some details of your own list; the others keep their values."""
    me = call.require_user()
    fields = read_fields(call.body, LIST_FIELDS)
    page = lists.list_page(session=call.session, list_id=call.path_id("list_id"), viewer_id=me.id)
    current = {
        "title": page.title,
        "description": page.description,
        "visibility": page.visibility,
        "ranked": page.ranked,
    }
    lists.update_list(session=call.session, user=me, list_id=page.list_id, **{**current, **fields})
    return lists.list_page(session=call.session, list_id=page.list_id, viewer_id=me.id)


@endpoint(auth="required")
def delete_list(call: Call) -> None:
    lists.delete_list(session=call.session, user=call.require_user(), list_id=call.path_id("list_id"))


@endpoint(auth="required", body=True)
def put_item(call: Call) -> ListPage:
    """Put an item on your list: added at the end (with its note) if it is not there yet, else
    its note changes if one is sent; then, if `position` is sent, it moves there. The body is a
    JSON object even when neither field is sent: `{}`."""
    me = call.require_user()
    fields = read_fields(call.body, {"note": "text", "position": "int"})
    list_id = call.path_id("list_id")
    lists.put_item(
        session=call.session,
        user=me,
        list_id=list_id,
        item_id=call.path_id("item_id"),
        note=fields.get("note"),
        position=fields.get("position"),
    )
    return lists.list_page(session=call.session, list_id=list_id, viewer_id=me.id)


@endpoint(auth="required")
def remove_item(call: Call) -> None:
    """Take an item off your list; the items after it move up."""
    lists.remove_item(
        session=call.session,
        user=call.require_user(),
        list_id=call.path_id("list_id"),
        item_id=call.path_id("item_id"),
    )


routes = [
    Route("/users/{username}/lists", lists_of, methods=["GET"]),
    Route("/lists", create_list, methods=["POST"]),
    Route("/lists/{list_id:int}", read_list, methods=["GET"]),
    Route("/lists/{list_id:int}", update_list, methods=["PATCH"]),
    Route("/lists/{list_id:int}", delete_list, methods=["DELETE"]),
    Route("/lists/{list_id:int}/items/{item_id:int}", put_item, methods=["PUT"]),
    Route("/lists/{list_id:int}/items/{item_id:int}", remove_item, methods=["DELETE"]),
]
