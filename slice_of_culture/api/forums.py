"""Forums, read-only: the list of rooms (the live conversation itself runs over Reflex's websocket)."""

from __future__ import annotations

from starlette.routing import Route

from slice_of_culture.api.base import Call, endpoint
from slice_of_culture.services import forums


@endpoint()
def list_forums(call: Call) -> dict:
    """Open rooms by name with their last message and the caller's unread count. `present`
    is always 0 here: who is in a room is known only to the live rooms."""
    return {"forums": forums.list_forums(session=call.session, viewer=call.user)}


routes = [Route("/forums", list_forums, methods=["GET"])]
