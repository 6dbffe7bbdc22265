"""Notifications: likes, comments, new followers and @mentions."""

from __future__ import annotations

from starlette.routing import Route

from slice_of_culture.api.base import Call, endpoint
from slice_of_culture.services import social


@endpoint(auth="required")
def list_notifications(call: Call) -> dict:
    """Notifications, newest first, alike ones grouped (`actor_count` people), a page at a time
    (`cursor`), and how many are unread. Reading them here does not mark them read (POST
    /notifications/read does), so a client can show the badge first."""
    me = call.require_user()
    page = social.notification_page(session=call.session, user=me, cursor=call.cursor())
    return {
        "unread": social.unread_count(session=call.session, user=me),
        "notifications": page.notifications,
        "next_cursor": page.next_cursor,
    }


@endpoint(auth="required")
def mark_read(call: Call) -> dict:
    return {"marked": social.mark_all_read(session=call.session, user=call.require_user())}


routes = [
    Route("/notifications", list_notifications, methods=["GET"]),
    Route("/notifications/read", mark_read, methods=["POST"]),
]
