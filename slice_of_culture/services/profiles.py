"""Profiles: the header a person sees at /u/<username>."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, literal
from sqlmodel import Session, select

from slice_of_culture.models import Entry, User
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
    # One statement for the counts and how the viewer and the owner stand with each other.
    entries = (
        select(func.count()).select_from(Entry).where(Entry.user_id == user.id, entry_visible_to(viewer_id))
    ).scalar_subquery()
    followers, following = social.follow_count_columns(user.id, viewer_id)
    if viewer_id and viewer_id != user.id:
        relations = [
            social.follows_clause(viewer_id, user.id),
            social.follows_clause(user.id, viewer_id),
            blocks.blocked_clause(viewer_id, user.id),
            blocks.blocked_clause(user.id, viewer_id),
        ]
    else:
        relations = [literal(False)] * 4
    row = session.exec(select(entries, followers, following, *relations)).one()
    entry_count, follower_count, following_count = row[:3]
    viewer_follows, follows_viewer, viewer_blocked, blocked_viewer = (bool(v) for v in row[3:])

    return ProfileHeader(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name or user.username,
        bio=user.bio,
        avatar_url=user.avatar_url,
        initials=initials(user.display_name or user.username),
        joined=user.created_at.strftime("%B %Y"),
        entry_count=entry_count,
        follower_count=follower_count,
        following_count=following_count,
        is_self=viewer_id == user.id,
        viewer_follows=viewer_follows,
        follows_viewer=follows_viewer,
        viewer_blocked=viewer_blocked,
        blocked_viewer=blocked_viewer,
    )
