"""Blocking: the one place its rules live.

A person blocks someone who bothers them. From then on, both ways (whoever blocked whom):

- neither sees the other's postcards anywhere (feeds, profile, item page, stats), their
  comments, or the notifications they caused before the block; `visibility.entry_visible_to`,
  `social.comments_for` and `social.notifications` apply `hidden_people`;
- neither can follow the other (a block ends both follows), like or comment on the other's
  postcards (they no longer exist for them), or notify the other by a mention;
- neither is suggested to the other as a person with similar taste;
- in forum rooms, the blocker sees the blocked person's messages folded away (rooms are open
  to everyone logged in; the blocked person sees the room as before: a block is silent).

Blocking is silent: the blocked person is not notified; they see a profile with nothing on it
and cannot follow. Unblocking restores visibility, not the follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Exists, Select, and_, delete, exists, func, or_, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, select

from slice_of_culture.models import Block, Follow, User, is_row_id
from slice_of_culture.services.display import initials
from slice_of_culture.services.errors import NotFound, ValidationError

# Blocks one person keeps at most: enough for any real use, bounded for every query that reads them.
MAX_BLOCKS = 10_000


def hidden_people(viewer_id: int | BindParameter[int]) -> Select:
    """A SELECT of the user ids hidden from `viewer_id` by a block either way (for NOT IN)."""
    return union(
        select(Block.blocked_id).where(Block.blocker_id == viewer_id),
        select(Block.blocker_id).where(Block.blocked_id == viewer_id),
    )


def blocked_between(*, session: Session, a_id: int | None, b_id: int | None) -> bool:
    """Whether either of the two people blocked the other."""
    if not a_id or not b_id or a_id == b_id:
        return False
    row = session.exec(
        select(Block.id).where(
            or_(
                and_(Block.blocker_id == a_id, Block.blocked_id == b_id),
                and_(Block.blocker_id == b_id, Block.blocked_id == a_id),
            )
        )
    ).first()
    return row is not None


def blocked_clause(blocker_id: int, blocked_id: int) -> Exists:
    """EXISTS: `blocker_id` blocked `blocked_id` (one way)."""
    return exists().where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id)


def has_blocked(*, session: Session, blocker_id: int | None, blocked_id: int | None) -> bool:
    """Whether `blocker_id` blocked `blocked_id` (one way)."""
    if not blocker_id or not blocked_id:
        return False
    return bool(session.exec(select(blocked_clause(blocker_id, blocked_id))).one())


def _target(session: Session, user_id: object) -> User:
    user = session.get(User, user_id) if is_row_id(user_id) else None
    if user is None or not user.is_active:
        raise NotFound("No such person.")
    return user


def block(*, session: Session, blocker: User, blocked_id: int) -> bool:
    """Block someone: ends follows both ways. Returns False if they were blocked already."""
    target = _target(session, blocked_id)
    if target.id == blocker.id:
        raise ValidationError({"block": "You cannot block yourself."})
    if has_blocked(session=session, blocker_id=blocker.id, blocked_id=target.id):
        return False
    if session.exec(select(func.count()).where(Block.blocker_id == blocker.id)).one() >= MAX_BLOCKS:
        raise ValidationError({"block": f"You can block at most {MAX_BLOCKS:,} people."})
    try:
        with session.begin_nested():
            session.add(Block(blocker_id=blocker.id, blocked_id=target.id))
    except IntegrityError:
        return False  # a double click raced us; the block exists
    session.exec(
        delete(Follow).where(
            or_(
                and_(Follow.follower_id == blocker.id, Follow.followee_id == target.id),
                and_(Follow.follower_id == target.id, Follow.followee_id == blocker.id),
            )
        )
    )
    session.flush()
    return True


def unblock(*, session: Session, blocker: User, blocked_id: int) -> bool:
    """Lift a block. Returns False if there was none."""
    row = session.exec(select(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked_id)).first()
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


@dataclass
class BlockedPerson:
    user_id: int
    username: str
    display_name: str
    initials: str
    avatar_url: str


def blocked_people(*, session: Session, user: User) -> list[BlockedPerson]:
    """The people `user` blocked, most recent first (for Settings)."""
    rows = session.exec(
        select(User)
        .join(Block, Block.blocked_id == User.id)
        .where(Block.blocker_id == user.id)
        .order_by(Block.created_at.desc(), Block.id.desc())
        .limit(MAX_BLOCKS)
    ).all()
    return [
        BlockedPerson(
            user_id=u.id,
            username=u.username,
            display_name=u.display_name or u.username,
            initials=initials(u.display_name or u.username),
            avatar_url=u.avatar_url,
        )
        for u in rows
    ]


def blocked_usernames(*, session: Session, user_id: int | None) -> list[str]:
    """Usernames of the people `user_id` blocked (their forum messages show folded to them)."""
    if not user_id:
        return []
    return list(
        session.exec(select(User.username).join(Block, Block.blocked_id == User.id).where(Block.blocker_id == user_id))
    )
