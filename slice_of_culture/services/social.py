"""Follows, likes, comments and the notifications they cause.

Permissions live here: you can only like or comment on entries you may see; you edit and
delete your own comments; an entry's owner may delete comments on it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import (
    Exists,
    Row,
    ScalarSelect,
    String,
    and_,
    case,
    cast,
    delete,
    distinct,
    exists,
    func,
    literal,
    or_,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from slice_of_culture import routes
from slice_of_culture.models import (
    MAX_NOTE,
    MODERATION_KINDS,
    Comment,
    Entry,
    Follow,
    Item,
    Like,
    Notification,
    User,
    is_row_id,
    utcnow,
)
from slice_of_culture.routes import RULES
from slice_of_culture.services import blocks, rates
from slice_of_culture.services.display import initials
from slice_of_culture.services.errors import NotFound, PermissionDenied, ValidationError
from slice_of_culture.services.forums import MentionTarget, mention_targets
from slice_of_culture.services.mentions import (
    MAX_MENTIONS,
    TextPart,
    in_mention_order,
    known_usernames,
    mention_notices,
    mentioned_usernames,
    text_parts,
)
from slice_of_culture.services.paging import decode_cursor, encode_cursor
from slice_of_culture.services.rates import COMMENT_RATE, EDIT_RATE, FOLLOW_RATE, LIKE_RATE, check_rate
from slice_of_culture.services.visibility import by_shown_people, comment_visible_to, entry_visible_to
from slice_of_culture.text import clean_text

MAX_COMMENT = 2000
# Notifications that say nothing new when repeated: the same person liking the same postcard (or
# following the same person) again within a day notifies once. Each comment and mention notifies.
ONCE_A_DAY = frozenset({"like", "follow"})


def _notify(session: Session, *, recipient_id: int, actor_id: int, kind: str, target: str) -> None:
    if recipient_id == actor_id:
        return
    if kind in ONCE_A_DAY:
        # Like, unlike, like again (or follow, unfollow, follow): one notification, not a stream.
        since = utcnow() - timedelta(days=1)
        already = session.exec(
            select(Notification.id).where(
                Notification.recipient_id == recipient_id,
                Notification.created_at > since,
                Notification.actor_id == actor_id,
                Notification.kind == kind,
                Notification.target == target,
            )
        ).first()
        if already is not None:
            return
    session.add(Notification(recipient_id=recipient_id, actor_id=actor_id, kind=kind, target=target))


def _user_by_id(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if is_row_id(user_id) else None
    if user is None or not user.is_active:
        raise NotFound("No such person.")
    return user


def visible_entry(*, session: Session, viewer: User | None, entry_id: int) -> Entry:
    """The entry if the viewer may see it; NotFound otherwise (hidden entries do not exist for them)."""
    if not is_row_id(entry_id):
        raise NotFound("That postcard does not exist.")
    entry = session.exec(
        select(Entry).where(Entry.id == entry_id, entry_visible_to(viewer.id if viewer else None))
    ).first()
    if entry is None:
        raise NotFound("That postcard does not exist.")
    return entry


# Follows


def follow(*, session: Session, follower: User, followee_id: int, now: datetime | None = None) -> bool:
    """Follow someone. Returns False if you already did. Never yourself; at most FOLLOW_RATE
    (counted as actions: unfollow deletes the row, and a follow / unfollow loop still counts)."""
    followee = _user_by_id(session, followee_id)
    if followee.id == follower.id:
        raise ValidationError({"follow": "You cannot follow yourself."})
    if blocks.has_blocked(session=session, blocker_id=follower.id, blocked_id=followee.id):
        raise PermissionDenied("You blocked this person. Unblock them first to follow them.")
    if blocks.has_blocked(session=session, blocker_id=followee.id, blocked_id=follower.id):
        raise PermissionDenied("You cannot follow this person.")
    exists = session.exec(
        select(Follow.id).where(Follow.follower_id == follower.id, Follow.followee_id == followee.id)
    ).first()
    if exists:
        return False
    now = now or utcnow()
    rates.note(session, follower, FOLLOW_RATE, now)
    try:
        with session.begin_nested():
            session.add(Follow(follower_id=follower.id, followee_id=followee.id, created_at=now))
    except IntegrityError:
        return False  # a double click raced us; the follow exists
    _notify(session, recipient_id=followee.id, actor_id=follower.id, kind="follow", target=f"user:{follower.id}")
    session.flush()
    return True


def unfollow(*, session: Session, follower: User, followee_id: int) -> bool:
    """Stop following. Returns False if you were not following."""
    row = session.exec(
        select(Follow).where(Follow.follower_id == follower.id, Follow.followee_id == followee_id)
    ).first()
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def set_following(*, session: Session, follower: User, followee_id: int, following: bool) -> bool:
    """Follow (`following`) or unfollow: what every Follow / Unfollow button calls. Returns False
    when it was so already."""
    change = follow if following else unfollow
    return change(session=session, follower=follower, followee_id=followee_id)


@dataclass
class PersonRow:
    username: str
    display_name: str
    initials: str
    avatar_url: str


# Followers and following lists show this many people at a time ("Show more" for the next).
PEOPLE_PAGE = 50


@dataclass
class ListedPerson(PersonRow):
    """Someone in a followers or following list, and how they stand with the viewer."""

    user_id: int
    you_follow: bool
    follows_you: bool


@dataclass
class PeoplePage:
    """A page of a followers or following list and the cursor for the next one ("" = no more)."""

    people: list[ListedPerson]
    next_cursor: str


def _people_page(
    session: Session,
    viewer_id: int | None,
    *,
    mine: ColumnElement[int],
    other: ColumnElement[int],
    user_id: int,
    cursor: str,
    limit: int,
) -> PeoplePage:
    """The people at the `other` end of `user_id`'s follows (`mine`), newest follow first, as
    the viewer sees them: open accounts without a block either way with the viewer. Keyset on
    (followed at, their id): an index range however long the list."""
    limit = max(1, min(int(limit), 200))
    if viewer_id:
        you_follow, follows_you = follows_clause(viewer_id, User.id), follows_clause(User.id, viewer_id)
    else:
        you_follow = follows_you = literal(False)
    statement = (
        select(User, Follow.created_at, you_follow, follows_you)
        .join(Follow, other == User.id)
        .where(mine == user_id, by_shown_people(other, viewer_id))
    )
    after = decode_cursor(cursor)
    if after is not None:
        statement = statement.where(tuple_(Follow.created_at, other) < tuple_(*after))
    rows = session.exec(statement.order_by(Follow.created_at.desc(), other.desc()).limit(limit + 1)).all()
    more, rows = len(rows) > limit, rows[:limit]
    return PeoplePage(
        people=[
            ListedPerson(**asdict(person_row(user)), user_id=user.id, you_follow=bool(yes), follows_you=bool(back))
            for user, _, yes, back in rows
        ],
        next_cursor=encode_cursor(rows[-1][1], rows[-1][0].id) if more else "",
    )


def followers(
    *, session: Session, user_id: int, viewer_id: int | None = None, cursor: str = "", limit: int = PEOPLE_PAGE
) -> PeoplePage:
    """People who follow `user_id`, newest first, as `viewer_id` (None: logged out) sees them."""
    return _people_page(
        session,
        viewer_id,
        mine=Follow.followee_id,
        other=Follow.follower_id,
        user_id=user_id,
        cursor=cursor,
        limit=limit,
    )


def following(
    *, session: Session, user_id: int, viewer_id: int | None = None, cursor: str = "", limit: int = PEOPLE_PAGE
) -> PeoplePage:
    """People `user_id` follows, newest first, as `viewer_id` (None: logged out) sees them."""
    return _people_page(
        session,
        viewer_id,
        mine=Follow.follower_id,
        other=Follow.followee_id,
        user_id=user_id,
        cursor=cursor,
        limit=limit,
    )


def follow_count_columns(user_id: int, viewer_id: int | None) -> tuple[ScalarSelect[int], ScalarSelect[int]]:
    """(followers, following) of `user_id` as the viewer sees them, as scalar subqueries to read in
    one statement with others (the profile header): the lengths of the two lists above. Counted
    from the follow indexes alone (closed accounts and blocks are short lists read once)."""

    def count(mine: ColumnElement[int], other: ColumnElement[int]) -> ScalarSelect[int]:
        shown = select(func.count()).select_from(Follow).where(mine == user_id, by_shown_people(other, viewer_id))
        return shown.scalar_subquery()

    return count(Follow.followee_id, Follow.follower_id), count(Follow.follower_id, Follow.followee_id)


def follows_clause(follower_id: int | ColumnElement[int], followee_id: int | ColumnElement[int]) -> Exists:
    """EXISTS: `follower_id` follows `followee_id` (either may be a column of the outer query; the
    follow table is aliased, so a query that already reads follows does not swallow it)."""
    edge = aliased(Follow)
    return exists().where(edge.follower_id == follower_id, edge.followee_id == followee_id)


def person_row(user: User | Row) -> PersonRow:
    """A person as lists show them, from a `User` or a row with its username, display_name and
    avatar_url."""
    name = user.display_name or user.username
    return PersonRow(username=user.username, display_name=name, initials=initials(name), avatar_url=user.avatar_url)


# People to follow

# Authors of this many of the newest public postcards are the candidates for "people to follow".
ACTIVE_POOL = 300
# Who follows fewer than this many people gets suggestions above the Following feed.
FEW_FOLLOWS = 3


@dataclass
class SuggestedPerson(PersonRow):
    """Someone to follow and why ("You both loved Dune", "Followed by 12 people")."""

    user_id: int
    reason: str


def suggestion(user: User | Row, reason: str) -> SuggestedPerson:
    return SuggestedPerson(**asdict(person_row(user)), user_id=user.id, reason=reason)


def follows_count(*, session: Session, user_id: int) -> int:
    """How many people `user_id` follows (active or not: the Following feed hides the inactive)."""
    return session.exec(select(func.count()).where(Follow.follower_id == user_id)).one()


def active_people_to_follow(
    *, session: Session, viewer_id: int, n: int = 6, exclude: Collection[int] = ()
) -> list[SuggestedPerson]:
    """People who posted publicly lately and whom the viewer does not follow, most followed first.

    Only active people who let themselves be suggested (`discoverable`); never the viewer, anyone
    they follow or anyone in `exclude`. Cheap at any size: the candidates are the authors of the
    ACTIVE_POOL newest public postcards, and only their followers are counted.
    """
    recent = (
        select(Entry.user_id, Entry.created_at)
        .where(Entry.visibility == "public")
        .order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(ACTIVE_POOL)
        .subquery()
    )
    latest = session.exec(select(recent.c.user_id, func.max(recent.c.created_at)).group_by(recent.c.user_id)).all()
    skip = set(exclude) | {viewer_id}
    skip |= set(session.exec(select(Follow.followee_id).where(Follow.follower_id == viewer_id)).all())
    skip |= set(session.execute(blocks.hidden_people(viewer_id)).scalars().all())
    ids = [uid for uid, _ in latest if uid not in skip]
    if not ids:
        return []
    people = {
        u.id: u for u in session.exec(select(User).where(User.id.in_(ids), User.is_active, User.discoverable)).all()
    }
    counts = dict(
        session.exec(
            select(Follow.followee_id, func.count())
            .where(Follow.followee_id.in_(list(people)), by_shown_people(Follow.follower_id, viewer_id))
            .group_by(Follow.followee_id)
        ).all()
    )
    last = dict(latest)
    ranked = sorted(people, key=lambda uid: (-counts.get(uid, 0), -last[uid].timestamp(), uid))[:n]
    out = []
    for uid in ranked:
        followers_n = counts.get(uid, 0)
        if followers_n:
            reason = f"Followed by {followers_n} {'person' if followers_n == 1 else 'people'}"
        else:
            reason = "Posting lately"
        out.append(suggestion(people[uid], reason))
    return out


# Likes


def like(*, session: Session, user: User, entry_id: int, now: datetime | None = None) -> bool:
    """Like a postcard you can see. Returns False if you already liked it. At most LIKE_RATE
    (counted as actions: unlike deletes the row, and a like / unlike loop still counts)."""
    entry = visible_entry(session=session, viewer=user, entry_id=entry_id)
    if session.exec(select(Like.id).where(Like.user_id == user.id, Like.entry_id == entry.id)).first():
        return False
    now = now or utcnow()
    rates.note(session, user, LIKE_RATE, now)
    try:
        with session.begin_nested():
            session.add(Like(user_id=user.id, entry_id=entry.id, created_at=now))
    except IntegrityError:
        return False
    _notify(session, recipient_id=entry.user_id, actor_id=user.id, kind="like", target=f"entry:{entry.id}")
    session.flush()
    return True


def unlike(*, session: Session, user: User, entry_id: int) -> bool:
    """Take back a like. Returns False if there was none."""
    row = session.exec(select(Like).where(Like.user_id == user.id, Like.entry_id == entry_id)).first()
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def liked_entry_ids(*, session: Session, user_id: int | None, entry_ids: list[int]) -> set[int]:
    """Which of these entries the user has liked (for the Like / Unlike button state)."""
    if not user_id or not entry_ids:
        return set()
    return set(session.exec(select(Like.entry_id).where(Like.user_id == user_id, Like.entry_id.in_(entry_ids))))


# Comments


def _clean_comment(text: object) -> str:
    try:
        text = clean_text(text, max_length=MAX_COMMENT)
    except TypeError:
        raise ValidationError({"comment": "A comment must be text."}) from None
    if not text:
        raise ValidationError({"comment": "Write something first."})
    if len(text) > MAX_COMMENT:
        raise ValidationError({"comment": f"Comments can be at most {MAX_COMMENT:,} characters."})
    return text


def add_comment(*, session: Session, user: User, entry_id: int, text: str, now: datetime | None = None) -> Comment:
    """Comment on a postcard you can see (at most COMMENT_RATE: each one notifies its owner)."""
    entry = visible_entry(session=session, viewer=user, entry_id=entry_id)
    text = _clean_comment(text)
    now = now or utcnow()
    check_rate(session, user, COMMENT_RATE, now)
    comment = Comment(user_id=user.id, entry_id=entry.id, text=text, created_at=now, updated_at=now)
    session.add(comment)
    session.flush()
    _notify(session, recipient_id=entry.user_id, actor_id=user.id, kind="comment", target=f"entry:{entry.id}")
    _notify_comment_mentions(session, comment, entry, author=user, usernames=mentioned_usernames(text))
    session.flush()
    return comment


def _notify_comment_mentions(
    session: Session, comment: Comment, entry: Entry, *, author: User, usernames: list[str]
) -> None:
    """@username in a comment notifies that person if they can see the postcard and the comment:
    not its author, not the postcard's owner (told of every comment already), nobody blocked
    either way with the author; each once, MAX_MENTIONS people at most (`mention_notices`)."""
    usernames = [u for u in usernames if u != author.username][:MAX_MENTIONS]
    if not usernames:
        return
    rows = session.exec(
        select(User.id, User.username).where(
            User.username.in_(usernames),
            User.is_active,
            User.id != entry.user_id,
            User.id.not_in(blocks.hidden_people(author.id)),
        )
    ).all()
    candidates = in_mention_order(rows, usernames)
    allowed = [
        recipient_id
        for recipient_id in candidates
        if session.exec(select(Entry.id).where(Entry.id == entry.id, entry_visible_to(recipient_id))).first()
    ]
    session.add_all(
        mention_notices(session, author_id=author.id, target=f"comment:{comment.id}", recipient_ids=allowed)
    )


def _comment(session: Session, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id) if is_row_id(comment_id) else None
    if comment is None:
        raise NotFound("That comment does not exist.")
    return comment


def edit_comment(*, session: Session, user: User, comment_id: int, text: str, now: datetime | None = None) -> Comment:
    """Edit your own comment on a postcard you can still see (NotFound otherwise, as for adding).
    Edits are flood-controlled (EDIT_RATE, with forum message edits); saving the same text
    is no edit."""
    comment = _comment(session, comment_id)
    if comment.user_id != user.id:
        raise PermissionDenied("You can only edit your own comments.")
    entry = visible_entry(session=session, viewer=user, entry_id=comment.entry_id)
    text = _clean_comment(text)
    if text == comment.text:
        return comment
    now = now or utcnow()
    rates.note(session, user, EDIT_RATE, now)
    before = set(mentioned_usernames(comment.text))
    comment.text = text
    comment.updated_at = now
    session.add(comment)
    session.flush()
    # Only the people it newly names hear of it.
    fresh = [u for u in mentioned_usernames(text) if u not in before]
    _notify_comment_mentions(session, comment, entry, author=user, usernames=fresh)
    session.flush()
    return comment


def delete_comment(*, session: Session, user: User, comment_id: int) -> None:
    """Delete a comment: your own, or any comment on your entry."""
    comment = _comment(session, comment_id)
    entry_owner = session.exec(select(Entry.user_id).where(Entry.id == comment.entry_id)).one()
    if user.id not in (comment.user_id, entry_owner):
        raise PermissionDenied("You can only delete your own comments or comments on your entries.")
    remove_comments(session=session, where=Comment.id == comment.id)


def remove_comments(*, session: Session, where: ColumnElement[bool]) -> None:
    """Delete the comments `where` picks and the mentions that lead to them: an author's, a
    postcard owner's or a moderator's delete, and a postcard's removal (all its comments). The
    mentions are found by their actor, each comment's author (an index)."""
    session.exec(
        delete(Notification).where(
            Notification.kind == "mention",
            Notification.actor_id.in_(select(Comment.user_id).where(where)),
            Notification.target.in_(select(literal("comment:") + cast(Comment.id, String)).where(where)),
        )
    )
    session.exec(delete(Comment).where(where))
    session.flush()


@dataclass
class CommentView:
    comment_id: int
    entry_id: int
    username: str
    display_name: str
    initials: str
    text: str
    created_at: str
    edited: bool
    can_edit: bool
    can_delete: bool
    # The text as shown: plain runs and @mentions of real people as profile links.
    parts: list[TextPart] = field(default_factory=list)


def comments_for(*, session: Session, viewer: User | None, entry_ids: list[int]) -> dict[int, list[CommentView]]:
    """Comments on the given entries (only entries the viewer may see), oldest first."""
    if not entry_ids:
        return {}
    viewer_id = viewer.id if viewer else None
    rows = session.exec(
        select(Comment, User, Entry.user_id)
        .join(User, User.id == Comment.user_id)
        .join(Entry, Entry.id == Comment.entry_id)
        .where(Comment.entry_id.in_(entry_ids), entry_visible_to(viewer_id), comment_visible_to(viewer_id))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    out: dict[int, list[CommentView]] = {}
    known = known_usernames(session, (comment.text for comment, _, _ in rows))
    for comment, author, owner_id in rows:
        name = author.display_name or author.username
        out.setdefault(comment.entry_id, []).append(
            CommentView(
                comment_id=comment.id,
                entry_id=comment.entry_id,
                username=author.username,
                display_name=name,
                initials=initials(name),
                text=comment.text,
                created_at=comment.created_at.isoformat(),
                edited=comment.updated_at > comment.created_at,
                can_edit=viewer_id == comment.user_id,
                can_delete=viewer_id in (comment.user_id, owner_id),
                parts=text_parts(comment.text, known),
            )
        )
    return out


# Notifications


@dataclass
class NotificationView:
    """One row of the notifications page: one notice, or several alike grouped ("Ana, Bo and 3
    others liked your postcard about Dune"). The actor fields are the newest actor's."""

    notification_id: int
    kind: str
    actor_username: str
    # Who did it, as shown in bold: "Ana", "Ana and Bo", "Ana, Bo and 3 others".
    actor_name: str
    actor_initials: str
    text: str
    href: str
    created_at: str
    unread: bool
    # How many different people it is about (1 unless grouped).
    actor_count: int = 1


@dataclass
class NotificationPage:
    """A page of notifications, newest first, and the cursor for older ones ("" = no more)."""

    notifications: list[NotificationView]
    next_cursor: str


# Likes and comments on one postcard, and new followers, group into one row per day (UTC) and
# read state: a postcard liked by 40 people is one line, not 40. Mentions and the moderators'
# notices each stand alone.
GROUPED_KINDS = frozenset({"like", "comment", "follow"})
# Rows per page, and the notifications read per statement while filling one.
NOTIFICATION_PAGE = 30
_NOTIFICATION_BATCH = 200
# A page reads at most this many notifications (a day of thousands of likes is still one page).
_NOTIFICATION_READ_MAX = 2000

# Who moderation notices come from, as people see it: the team, not the admin by name. They lead
# to the community rules (the thing itself may be gone).
MODERATORS = "The moderators"


def moderation_notice(*, session: Session, recipient_id: int, admin_id: int, kind: str, target: str, note: str) -> None:
    """Tell a reporter what became of what they reported ("removed", "kept"), or an owner that
    their thing was taken down ("taken_down"). `note` says what the thing was (it may be gone)."""
    if kind not in MODERATION_KINDS:
        raise ValueError(f"not a moderation notice: {kind}")
    if recipient_id != admin_id:
        session.add(
            Notification(recipient_id=recipient_id, actor_id=admin_id, kind=kind, target=target, note=clip_note(note))
        )


def clip_note(note: str) -> str:
    """A note that fits its column (MAX_NOTE characters)."""
    return note if len(note) <= MAX_NOTE else note[: MAX_NOTE - 1] + "…"


def _comment_mention_targets(session: Session, viewer: User, comment_ids: list[int]) -> dict[str, MentionTarget]:
    """For mention notifications: where each comment is ("comment:12" -> a comment on @ana's
    postcard about Dune, linked at that postcard), if the viewer may still see it."""
    if not comment_ids:
        return {}
    rows = session.exec(
        select(Comment.id, Entry.id, User.username, Item.title)
        .join(Entry, Entry.id == Comment.entry_id)
        .join(User, User.id == Entry.user_id)
        .join(Item, Item.id == Entry.item_id)
        .where(Comment.id.in_(comment_ids), entry_visible_to(viewer.id), comment_visible_to(viewer.id))
    ).all()
    return {
        f"comment:{comment_id}": MentionTarget(
            place=f"a comment on {'your' if owner == viewer.username else f'@{owner}’s'} postcard about {title}",
            href=f"/u/{owner}?entry={entry_id}#entry-{entry_id}",
        )
        for comment_id, entry_id, owner, title in rows
    }


def _shown_to(user: User) -> ColumnElement[bool]:
    """A WHERE clause on notifications joined with their actor: what `user` is shown. Nothing
    from people blocked either way or no longer active; the moderators' notices always."""
    return and_(
        Notification.recipient_id == user.id,
        or_(
            Notification.kind.in_(MODERATION_KINDS),
            and_(User.is_active, Notification.actor_id.not_in(blocks.hidden_people(user.id))),
        ),
    )


def _group_sql() -> ColumnElement[str]:
    """`_group_key` of an unread notification, in SQL (the date as the database's UTC day)."""
    about = case((Notification.kind == "follow", literal("")), else_=Notification.target)
    day = cast(func.date(Notification.created_at), String)
    return case(
        (Notification.kind.in_(GROUPED_KINDS), Notification.kind + ":" + about + ":" + day),
        else_="one:" + cast(Notification.id, String),
    )


def unread_count(*, session: Session, user: User) -> int:
    """How many unread rows the notifications page shows the user: alike notifications grouped
    as there (forty likes on one postcard today are one), so the badge matches the "new" rows."""
    return session.exec(
        select(func.count(distinct(_group_sql())))
        .select_from(Notification)
        .join(User, User.id == Notification.actor_id)
        .where(_shown_to(user), Notification.read_at.is_(None))
    ).one()


def _text(n: Notification, about: str, mention: MentionTarget | None) -> str:
    match n.kind:
        case "like":
            return f"liked your postcard about {about}"
        case "comment":
            return f"commented on your postcard about {about}"
        case "follow":
            return "started following you"
        case "mention" if mention:
            return f"mentioned you in {mention.place}"
        case "mention":
            return "mentioned you in a comment" if n.target.startswith("comment:") else "mentioned you in a forum"
        case "removed":
            return f"removed {n.note}, which you reported. Thank you."
        case "kept":
            return f"looked at {n.note}, which you reported, and kept it: we found it within the rules."
        case "taken_down":
            return f"removed {n.note} after a report: it broke the rules."
    return n.kind


def notifications(*, session: Session, user: User) -> list[NotificationView]:
    """The first page of the user's notifications (see `notification_page`)."""
    return notification_page(session=session, user=user).notifications


def _is_new(n: Notification, read_since: datetime | None) -> bool:
    return n.read_at is None or (read_since is not None and n.read_at >= read_since)


def _group_key(n: Notification, read_since: datetime | None) -> tuple:
    if n.kind not in GROUPED_KINDS:
        return ("one", n.id)
    # Each follow has its own target (the follower); they group by kind alone.
    return (n.kind, "" if n.kind == "follow" else n.target, n.created_at.date(), _is_new(n, read_since))


def notification_page(
    *, session: Session, user: User, cursor: str = "", read_since: datetime | None = None
) -> NotificationPage:
    """The user's notifications, newest first, alike ones grouped (GROUPED_KINDS), at most
    NOTIFICATION_PAGE rows, continuing after `cursor` (a `next_cursor`; "" or a bad one = the
    first page). Unread ones show as new, and so do those read at or after `read_since`: the
    page that opened and marked them all read pages on to older ones it has not shown yet.

    A page reads notifications in (created_at, id) order by keyset and stops before a row that
    would be its NOTIFICATION_PAGE + 1st, so the next page continues exactly there; a group cut
    by the page's end goes on as its own row on the next page.
    """
    after = decode_cursor(cursor)
    groups: dict[tuple, list[tuple[Notification, User]]] = {}
    last: tuple[datetime, int] | None = after
    more, full, read = True, False, 0
    while more and not full and read < _NOTIFICATION_READ_MAX:
        query = select(Notification, User).join(User, User.id == Notification.actor_id).where(_shown_to(user))
        if last is not None:
            query = query.where(tuple_(Notification.created_at, Notification.id) < tuple_(*last))
        batch = session.exec(
            query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(_NOTIFICATION_BATCH)
        ).all()
        more = len(batch) == _NOTIFICATION_BATCH
        for n, actor in batch:
            key = _group_key(n, read_since)
            if key not in groups and len(groups) == NOTIFICATION_PAGE:
                more, full = True, True
                break
            groups.setdefault(key, []).append((n, actor))
            last = (n.created_at, n.id)
            read += 1
    return NotificationPage(
        notifications=_notification_views(session, user, list(groups.values()), read_since),
        next_cursor=encode_cursor(*last) if more and groups and last is not None else "",
    )


def unread_since(*, session: Session, user: User, since: datetime | None, rows: int = 10) -> tuple[list[str], int]:
    """What a mail may tell the user they have not seen: their unread notifications created
    after `since` (None: all), grouped and worded as on the notifications page, as lines of
    text ("Ana, Bo and 3 others liked your postcard about Dune"), the newest first, at most
    `rows` of them, and how many rows there are in all."""
    query = (
        select(Notification, User)
        .join(User, User.id == Notification.actor_id)
        .where(_shown_to(user), Notification.read_at.is_(None))
    )
    if since is not None:
        query = query.where(Notification.created_at > since)
    groups: dict[tuple, list[tuple[Notification, User]]] = {}
    found = session.exec(
        query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(_NOTIFICATION_READ_MAX)
    ).all()
    for n, actor in found:
        groups.setdefault(_group_key(n, None), []).append((n, actor))
    views = _notification_views(session, user, list(groups.values())[:rows], None)
    return [f"{view.actor_name} {view.text}" for view in views], len(groups)


def _actor_phrase(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    others = len(names) - 2
    return f"{names[0]}, {names[1]} and {others} other{'' if others == 1 else 's'}"


def _notification_views(
    session: Session, user: User, groups: list[list[tuple[Notification, User]]], read_since: datetime | None
) -> list[NotificationView]:
    """Each group (newest first within it) as one row, worded and linked."""
    social_rows = [group[0] for group in groups if group[0][0].kind not in MODERATION_KINDS]
    entry_ids = [int(n.target.split(":")[1]) for n, _ in social_rows if n.target.startswith("entry:")]
    titles = dict(
        session.exec(
            select(Entry.id, Item.title).join(Item, Item.id == Entry.item_id).where(Entry.id.in_(entry_ids))
        ).all()
    )
    # Mentions lead to the message in its forum (the forums service knows where that is), or to
    # the comment's postcard on its owner's profile.
    mentions = mention_targets(
        session=session,
        message_ids=[int(n.target.split(":")[1]) for n, _ in social_rows if n.target.startswith("message:")],
    )
    mentions |= _comment_mention_targets(
        session,
        user,
        [int(n.target.split(":")[1]) for n, _ in social_rows if n.target.startswith("comment:")],
    )
    views = []
    for group in groups:
        n, actor = group[0]
        # Everyone in the group once, newest first.
        actors = list({a.id: a for _, a in group}.values())
        if n.kind in MODERATION_KINDS:
            name, href = MODERATORS, RULES
            about, mention = "", None
        else:
            name = _actor_phrase([a.display_name or a.username for a in actors])
            about = titles.get(int(n.target.split(":")[1]), "") if n.target.startswith("entry:") else ""
            mention = mentions.get(n.target) if n.kind == "mention" else None
            if about:
                href = f"/u/{user.username}#entry-{n.target.split(':')[1]}"
            elif n.kind == "follow" and len(actors) > 1:
                href = routes.profile_section(user.username, "followers")
            else:
                href = f"/u/{actor.username}"
            if mention:
                href = mention.href
        views.append(
            NotificationView(
                notification_id=n.id,
                kind=n.kind,
                actor_username="" if n.kind in MODERATION_KINDS else actor.username,
                actor_name=name,
                actor_initials=initials(name if n.kind in MODERATION_KINDS else actor.display_name or actor.username),
                text=_text(n, about, mention),
                href=href,
                created_at=n.created_at.isoformat(),
                unread=_is_new(n, read_since),
                actor_count=len(actors),
            )
        )
    return views


def mark_all_read(
    *, session: Session, user: User, at: datetime | None = None, created_until: datetime | None = None
) -> int:
    """Mark the user's unread notifications read (at `at`, default now), in one statement;
    returns how many. With `created_until`, only those created by then: what a page read then
    could have shown, so one that arrives while the page is being read stays new."""
    query = update(Notification).where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
    if created_until is not None:
        query = query.where(Notification.created_at <= created_until)
    return session.exec(query.values(read_at=at or utcnow())).rowcount


@dataclass
class OpenedNotifications:
    """The notifications page as opened: its first page (unread ones shown as new), the moment
    it was read (older pages show what it marked read as new), and what is still unread."""

    page: NotificationPage
    opened_at: datetime
    unread: int


def open_notifications(*, session: Session, user: User) -> OpenedNotifications:
    """Read the first page of the user's notifications and mark read everything that existed
    when it was read; a notification created meanwhile stays unread (and counts in `unread`)."""
    opened_at = utcnow()
    page = notification_page(session=session, user=user)
    mark_all_read(session=session, user=user, at=opened_at, created_until=opened_at)
    return OpenedNotifications(page=page, opened_at=opened_at, unread=unread_count(session=session, user=user))
