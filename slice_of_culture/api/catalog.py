"""The catalog: search, item pages, and For you recommendations."""

from __future__ import annotations

from starlette.routing import Route

from slice_of_culture.api.base import ApiError, Call, endpoint
from slice_of_culture.models import ITEM_KINDS
from slice_of_culture.recs import serve
from slice_of_culture.recs.serve import ForYou
from slice_of_culture.services import items, search
from slice_of_culture.services.items import ItemPage

# The For you filter, as on the page: none = the kinds the person chose (all if none), EVERYTHING, one kind.
EVERYTHING = "all"


@endpoint()
def search_items(call: Call) -> dict:
    """Items by title, creator or genre, best first; `kind` narrows to movie, book or music."""
    hits = search.search_items(
        session=call.session, query=call.query("q"), kind=call.query("kind") or None, limit=call.query_int("limit", 20)
    )
    return {"items": hits}


@endpoint()
def read_item(call: Call) -> ItemPage:
    """The item page: ratings, reviews and who you follow that logged it, from entries the caller may see."""
    return items.item_page(session=call.session, item_id=call.path_id("item_id"), viewer_id=call.viewer_id)


@endpoint()
def recommendations(call: Call) -> ForYou:
    """For you, explained, exactly as the page gets it (state/for_you.py): the two-stage
    recommender for a signed-in person, popular items without a token or without a model."""
    kind = call.query("kind")
    if kind == EVERYTHING:
        shown: dict = {"kinds": list(ITEM_KINDS)}
    elif kind in ("", *ITEM_KINDS):
        shown = {"kind": kind or None}
    else:
        raise ApiError(400, "Choose movie, book, music or all.", {"kind": "Choose movie, book, music or all."})
    return serve.for_you_or_popular(session=call.session, user=call.user, **shown)


routes = [
    Route("/items/search", search_items, methods=["GET"]),
    Route("/items/{item_id:int}", read_item, methods=["GET"]),
    Route("/recommendations", recommendations, methods=["GET"]),
]
