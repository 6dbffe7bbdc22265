"""Dismissed items: what the caller said "Not interested" to, never recommended to them again
until they bring it back (services/dismissals.py)."""

from __future__ import annotations

from starlette.routing import Route

from slice_of_culture.api.base import Call, endpoint
from slice_of_culture.services import dismissals
from slice_of_culture.services.dismissals import DismissedPage


@endpoint(auth="required")
def list_dismissed(call: Call) -> DismissedPage:
    """The items the caller hid, most recently hidden first, a page at a time (`cursor`, `limit`),
    and how many are hidden in all."""
    return dismissals.dismissed_page(
        session=call.session,
        user=call.require_user(),
        cursor=call.cursor(),
        limit=call.query_int("limit", dismissals.HIDDEN_PAGE),
    )


@endpoint(auth="required")
def dismiss(call: Call) -> None:
    """Hide an item from the caller's recommendations (again: no change); 404 for an unknown item."""
    dismissals.dismiss(session=call.session, user=call.require_user(), item_id=call.path_id("item_id"))


@endpoint(auth="required")
def bring_back(call: Call) -> None:
    """Let a hidden item be recommended again (not hidden: no change); 404 for an unknown item."""
    dismissals.bring_back(session=call.session, user=call.require_user(), item_id=call.path_id("item_id"))


routes = [
    Route("/me/dismissed-items", list_dismissed, methods=["GET"]),
    Route("/me/dismissed-items/{item_id:int}", dismiss, methods=["PUT"]),
    Route("/me/dismissed-items/{item_id:int}", bring_back, methods=["DELETE"]),
]
