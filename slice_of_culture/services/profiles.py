"""Profiles: the header a person sees at /u/<username>."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from slice_of_culture.models import Entry, Follow, User
from slice_of_culture.services import blocks, social
from slice_of_culture.services.accounts import normalize_username
from slice_of_culture.services.display import initials
from slice_of_culture.services.errors import NotFound
from slice_of_culture.services.visibility import entry_visible_to


@dataclass
class ProfileHeader:
    """Who the profile belongs to and their counts, as the viewer may see them."""

    user_id: int
    username: str
    display_name: str
    bio: str
    avatar_url: str
    initials: str
    joined: str
    entry_count: int
    follower_count: int
    following_count: int
    is_self: bool
    viewer_follows: bool
    # They follow the viewer ("Follows you").
    follows_viewer: bool = False
    # The viewer blocked them (the profile offers Unblock), or they blocked the viewer (no Follow).
    viewer_blocked: bool = False
    blocked_viewer: bool = False


def profile_header(*, session: Session, username: str, viewer_id: int | None) -> ProfileHeader:
    """The profile header for `username`. Raises NotFound for unknown or deactivated users."""
    user = session.exec(select(User).where(User.username == normalize_username(username))).first()
    if user is None or not user.is_active:
        raise NotFound("No one here goes by that name.")
    entries = session.exec(
        select(func.count()).select_from(Entry).where(Entry.user_id == user.id, entry_visible_to(viewer_id))
    ).one()
    followers, following = social.follow_counts(session=session, user_id=user.id, viewer_id=viewer_id)

    def follows(follower_id: int | None, followee_id: int | None) -> bool:
        return bool(
            follower_id
            and followee_id
            and session.exec(
                select(Follow.id).where(Follow.follower_id == follower_id, Follow.followee_id == followee_id)
            ).first()
        )

    return ProfileHeader(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name or user.username,
        bio=user.bio,
        avatar_url=user.avatar_url,
        initials=initials(user.display_name or user.username),
        joined=user.created_at.strftime("%B %Y"),
        entry_count=entries,
        follower_count=followers,
        following_count=following,
        is_self=viewer_id == user.id,
        viewer_follows=follows(viewer_id, user.id),
        follows_viewer=viewer_id != user.id and follows(user.id, viewer_id),
        viewer_blocked=blocks.has_blocked(session=session, blocker_id=viewer_id, blocked_id=user.id),
        blocked_viewer=blocks.has_blocked(session=session, blocker_id=user.id, blocked_id=viewer_id),
    )
