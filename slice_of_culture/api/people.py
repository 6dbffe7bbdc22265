"""People: profiles, their postcards, finding people by name, following and blocking."""

from __future__ import annotations

from collections.abc import Callable

from starlette.routing import Route

from slice_of_culture.api.base import Call, endpoint
from slice_of_culture.models import User
from slice_of_culture.services import blocks, people, postcards, profiles, social
from slice_of_culture.services.postcards import PostcardPage
from slice_of_culture.services.profiles import ProfileHeader


@endpoint()
def read_profile(call: Call) -> ProfileHeader:
    """A profile's header: counts as the caller may see them, and whether they follow."""
    return profiles.profile_header(session=call.session, username=call.path("username"), viewer_id=call.viewer_id)


@endpoint()
def list_profile_entries(call: Call) -> PostcardPage:
    """A profile's postcards the caller may see, newest first, each with its comments; `kind`
    and `status` narrow it to one shelf (e.g. ?kind=book&status=want)."""
    header = profiles.profile_header(session=call.session, username=call.path("username"), viewer_id=call.viewer_id)
    return postcards.profile_postcards(
        session=call.session,
        viewer_id=call.viewer_id,
        owner_id=header.user_id,
        cursor=call.cursor(),
        limit=call.query_int("limit", postcards.PAGE_SIZE),
        with_comments=True,
        kind=call.query("kind") or None,
        status=call.query("status") or None,
    )


@endpoint()
def find_people(call: Call) -> dict:
    found = people.find_people(
        session=call.session, query=call.query("q"), viewer_id=call.viewer_id, limit=call.query_int("limit", 20)
    )
    return {"people": found}


def _act_on(call: Call, action: Callable[[User, int], object]) -> ProfileHeader:
    """Do `action(me, their user id)` as the caller on the person in the path; answers with the
    profile header as it is after it."""
    me = call.require_user()
    header = profiles.profile_header(session=call.session, username=call.path("username"), viewer_id=me.id)
    action(me, header.user_id)
    return profiles.profile_header(session=call.session, username=header.username, viewer_id=me.id)


@endpoint(auth="required")
def follow(call: Call) -> ProfileHeader:
    """The caller follows this person (again: no change); answers with the updated profile header."""
    return _act_on(call, lambda me, uid: social.follow(session=call.session, follower=me, followee_id=uid))


@endpoint(auth="required")
def unfollow(call: Call) -> ProfileHeader:
    return _act_on(call, lambda me, uid: social.unfollow(session=call.session, follower=me, followee_id=uid))


@endpoint(auth="required")
def block(call: Call) -> ProfileHeader:
    """The caller blocks this person (again: no change); answers with the updated profile header."""
    return _act_on(call, lambda me, uid: blocks.block(session=call.session, blocker=me, blocked_id=uid))


@endpoint(auth="required")
def unblock(call: Call) -> ProfileHeader:
    return _act_on(call, lambda me, uid: blocks.unblock(session=call.session, blocker=me, blocked_id=uid))


@endpoint(auth="required")
def list_blocks(call: Call) -> dict:
    """The people the caller blocked, most recent first."""
    return {"blocked": blocks.blocked_people(session=call.session, user=call.require_user())}


routes = [
    Route("/users/{username}", read_profile, methods=["GET"]),
    Route("/users/{username}/entries", list_profile_entries, methods=["GET"]),
    Route("/users/{username}/follow", follow, methods=["PUT"]),
    Route("/users/{username}/follow", unfollow, methods=["DELETE"]),
    Route("/users/{username}/block", block, methods=["PUT"]),
    Route("/users/{username}/block", unblock, methods=["DELETE"]),
    Route("/blocks", list_blocks, methods=["GET"]),
    Route("/people", find_people, methods=["GET"]),
]
