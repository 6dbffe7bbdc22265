"""The postcards feed: Following (you and the people you follow) and Everyone."""

from __future__ import annotations

from starlette.routing import Route

from slice_of_culture.api.base import ApiError, Call, endpoint
from slice_of_culture.services import postcards
from slice_of_culture.services.postcards import PostcardPage

TABS = ("following", "everyone")


@endpoint()
def read_feed(call: Call) -> PostcardPage:
    """`tab` defaults as on the home page: following with a token, everyone without one."""
    tab = call.query("tab") or ("following" if call.user else "everyone")
    if tab not in TABS:
        raise ApiError(400, "Choose the following or everyone tab.", {"tab": "Choose following or everyone."})
    cursor = call.cursor()
    limit = call.query_int("limit", postcards.PAGE_SIZE)
    if tab == "following":
        viewer = call.require_user()
        return postcards.following_feed(session=call.session, viewer_id=viewer.id, cursor=cursor, limit=limit)
    return postcards.everyone_feed(session=call.session, viewer_id=call.viewer_id, cursor=cursor, limit=limit)


routes = [Route("/feed", read_feed, methods=["GET"])]
