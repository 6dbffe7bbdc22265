"""Forums: topic rooms, their messages, and who has read how far.

Every forum rule lives here, so the live room (state/forum_room.py), the forums list and any
future API apply the same ones:

- Reading a room needs a login (conversations are for members); the list of open forums is
  public. Archived forums are hidden from the list except for admins and are read-only: their
  history stays readable by link, new messages and edits are refused.
- Posting: text is cleaned, must not be empty, at most 2,000 characters; flood control counts a
  person's messages in the database (so it holds across server workers) and refuses the sixth
  within five seconds until the window has room again.
- You edit and delete your own messages; admins delete anyone's. A deleted message keeps its
  row and place in the conversation and shows as "message deleted" (its text never leaves the
  server again).
- `@username` notifies that person (not across a block); links to an item (/item/<id>) or a public postcard
  (/u/<name>?entry=<id>) become small cards. Cards are the same for every reader, so only
  public postcards get one.
- Unread counts are per member: messages by others, not deleted, after the last one you read.
  You become a member of a forum the first time you open it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, update
from sqlmodel import Session, select

from slice_of_culture.models import Entry, Forum, ForumMembership, Item, Message, Notification, User, is_row_id, utcnow
from slice_of_culture.services import rates
from slice_of_culture.services.blocks import hidden_people
from slice_of_culture.services.display import initials
from slice_of_culture.services.errors import NotFound, PermissionDenied, ValidationError
from slice_of_culture.services.mentions import (
    MAX_MENTIONS,
    TextPart,
    in_mention_order,
    known_usernames,
    mention_notices,
    mentioned_usernames,
    text_parts,
)
from slice_of_culture.services.rates import EDIT_RATE, MESSAGE_RATE, check_rate
from slice_of_culture.services.visibility import closed_accounts, entry_visible_to
from slice_of_culture.text import clean_text

MAX_MESSAGE = 2000
# Messages per page: the latest page on open, then older ones by cursor.
PAGE_SIZE = 50
# Characters of the last message shown on the forums list.
PREVIEW_CHARS = 90
# How many of a forum's latest messages the live forums list keeps (see recent_messages).
RECENT_IDS = 200
# The forums list shows unread counts up to this many ("99+" beyond).
MAX_UNREAD_SHOWN = 99
# At most this many link cards under one message.
MAX_CARDS = 3
MAX_FORUM_NAME = 80
MAX_FORUM_DESCRIPTION = 500
# Slugs are URL parts and live-room link tokens: lower-case words joined by hyphens (no "_").
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 40

# /item/12, optionally as a full URL of any host (people paste what their address bar shows).
ITEM_LINK_RE = re.compile(r"(?:https?://[^\s/]+)?/item/(\d{1,12})(?!\d)")
# /u/maria?entry=34 (and the profile's own #entry-34 anchors).
POSTCARD_LINK_RE = re.compile(r"(?:https?://[^\s/]+)?/u/([A-Za-z0-9_]{3,30})(?:\?entry=|#entry-)(\d{1,12})(?!\d)")


class LoginRequired(PermissionDenied):
    """The action needs a signed-in person."""


@dataclass
class LinkCard:
    """A small card for an item or postcard linked in a message."""

    kind: str  # "item" or "postcard"
    href: str
    title: str
    subtitle: str


@dataclass
class MessageView:
    """A message as every reader of the room sees it (nothing here depends on the viewer)."""

    message_id: int
    username: str
    display_name: str
    initials: str
    avatar_url: str
    # Empty when deleted: a deleted message's text never leaves the server.
    text: str
    created_at: str
    edited: bool = False
    deleted: bool = False
    cards: list[LinkCard] = field(default_factory=list)
    # The text as shown: plain runs and @mentions of real people as profile links.
    parts: list[TextPart] = field(default_factory=list)


@dataclass
class MessagePage:
    """Messages oldest first, and whether there are older ones before them."""

    messages: list[MessageView]
    has_older: bool


@dataclass
class RoomView:
    """A forum as the viewer may use it."""

    forum_id: int
    slug: str
    name: str
    description: str
    archived: bool
    can_post: bool
    # Admins delete anyone's messages.
    can_moderate: bool


@dataclass
class ForumSummary:
    """A row of the forums list."""

    slug: str
    name: str
    description: str
    archived: bool = False
    # People in the room right now (from the live room; 0 when nobody is there).
    present: int = 0
    last_author: str = ""
    last_preview: str = ""
    # ISO time of the last message, "" when the room is quiet.
    last_at: str = ""
    # The viewer's unread messages (0 for visitors and people who never opened the room).
    unread: int = 0
    # Whether the viewer opened the room before (only members have unread messages).
    member: bool = False


# Reading and the list


def _forum_by_slug(session: Session, slug: object) -> Forum:
    forum = session.exec(select(Forum).where(Forum.slug == slug)).first() if isinstance(slug, str) else None
    if forum is None:
        raise NotFound("There is no such forum.")
    return forum


def _active(user: User | None) -> User | None:
    return user if user is not None and user.is_active else None


def room_for(*, session: Session, viewer: User | None, slug: str) -> RoomView:
    """The forum if the viewer may read it. Visitors get LoginRequired; unknown slugs NotFound."""
    viewer = _active(viewer)
    forum = _forum_by_slug(session, slug)
    if viewer is None:
        raise LoginRequired("Log in to read and join the conversation.")
    archived = forum.archived_at is not None
    return RoomView(
        forum_id=forum.id,
        slug=forum.slug,
        name=forum.name,
        description=forum.description,
        archived=archived,
        can_post=not archived,
        can_moderate=viewer.is_admin,
    )


def list_forums(
    *, session: Session, viewer: User | None, presence: Mapping[str, int] | None = None
) -> list[ForumSummary]:
    """Open forums by name (archived ones after them, for admins only), each with its last
    message, how many people are in it now (`presence`, from the live rooms) and the viewer's
    unread count."""
    viewer = _active(viewer)
    stmt = select(Forum).order_by(Forum.archived_at.is_not(None), Forum.name)
    if not (viewer and viewer.is_admin):
        stmt = stmt.where(Forum.archived_at.is_(None))
    forums = session.exec(stmt).all()
    if not forums:
        return []
    forum_ids = [f.id for f in forums]
    last = _last_messages(session, forum_ids)
    unread = _unread_counts(session, viewer, forum_ids) if viewer else {}
    member = (
        set(
            session.exec(
                select(ForumMembership.forum_id).where(
                    ForumMembership.user_id == viewer.id, ForumMembership.forum_id.in_(forum_ids)
                )
            )
        )
        if viewer
        else set()
    )
    presence = presence or {}
    rows = []
    for f in forums:
        summary = ForumSummary(
            slug=f.slug,
            name=f.name,
            description=f.description,
            archived=f.archived_at is not None,
            present=presence.get(f.slug, 0),
            unread=unread.get(f.id, 0),
            member=f.id in member,
        )
        if f.id in last:
            _set_last(summary, *last[f.id])
        rows.append(summary)
    return rows


def forum_summaries(*, session: Session, slugs: list[str]) -> list[ForumSummary]:
    """These forums' rows as anyone sees them (no presence, no unread count; unknown slugs are
    left out): after messages changed, the live forums list shows their new last messages."""
    forums = session.exec(select(Forum).where(Forum.slug.in_(slugs)).order_by(Forum.slug)).all() if slugs else []
    last = _last_messages(session, [f.id for f in forums]) if forums else {}
    rows = []
    for forum in forums:
        summary = ForumSummary(
            slug=forum.slug, name=forum.name, description=forum.description, archived=forum.archived_at is not None
        )
        if forum.id in last:
            _set_last(summary, *last[forum.id])
        rows.append(summary)
    return rows


@dataclass
class RecentMessage:
    """A message's id and its author's username, for the live forums list's unread counts."""

    id: int
    author: str


def recent_messages(*, session: Session, slugs: list[str]) -> dict[str, list[RecentMessage]]:
    """Each forum's latest messages that are not deleted (at most RECENT_IDS, oldest first). The
    live forums list counts a reader's new messages with them: those with an id above the newest
    one the reader's list was loaded with, by someone else (your own message, sent from another
    tab, is not news to you)."""
    forums = session.exec(select(Forum.id, Forum.slug).where(Forum.slug.in_(slugs))).all() if slugs else []
    recent = {}
    for forum_id, slug in forums:
        rows = session.exec(
            select(Message.id, User.username)
            .join(User, User.id == Message.user_id)
            .where(Message.forum_id == forum_id, Message.deleted_at.is_(None), User.is_active)
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(RECENT_IDS)
        ).all()
        recent[slug] = [RecentMessage(id=message_id, author=author) for message_id, author in reversed(rows)]
    return recent


@dataclass
class UnreadMark:
    """Where a member's unread messages in a forum start, for the live forums list."""

    # The newest message they read (0: none yet).
    last_read_id: int
    # The oldest of the recent messages the list was given (0: none), and their unread messages
    # older than it (a room with more than RECENT_IDS messages they have not read).
    recent_from: int
    before_recent: int


def unread_marks(
    *, session: Session, viewer: User | None, recent: Mapping[str, list[RecentMessage]]
) -> dict[str, UnreadMark]:
    """For each forum in `recent` (recent_messages' result, read before this) that the viewer is a
    member of: the last message they read and their unread messages older than those recent
    ones. The live list's count is `before_recent` plus the recent messages from `recent_from`
    on, after `last_read_id`, by someone else, so it follows messages as they arrive and as they
    are deleted, including those that were already unread when the list was loaded. (Older
    messages that slide into the recent ones after a deletion were counted in `before_recent`;
    recent ones pushed out by new arrivals leave the count short, which only happens past
    RECENT_IDS unread, more than the list shows.)"""
    viewer = _active(viewer)
    if viewer is None or not recent:
        return {}
    memberships = session.exec(
        select(Forum.id, Forum.slug, ForumMembership.last_read_message_id)
        .join(ForumMembership, ForumMembership.forum_id == Forum.id)
        .where(ForumMembership.user_id == viewer.id, Forum.slug.in_(list(recent)))
    ).all()
    # Only messages below each forum's oldest recent one; with no recent messages, there are none.
    below = {forum_id: min(m.id for m in recent[slug]) for forum_id, slug, _ in memberships if recent[slug]}
    older: dict[int, int] = {}
    if below:
        older = dict(
            session.exec(
                select(Message.forum_id, func.count())
                .join(
                    ForumMembership,
                    and_(ForumMembership.forum_id == Message.forum_id, ForumMembership.user_id == viewer.id),
                )
                .where(
                    or_(*(and_(Message.forum_id == fid, Message.id < low) for fid, low in below.items())),
                    Message.id > func.coalesce(ForumMembership.last_read_message_id, 0),
                    Message.user_id != viewer.id,
                    Message.deleted_at.is_(None),
                    _by_open_account(),
                )
                .group_by(Message.forum_id)
            ).all()
        )
    return {
        slug: UnreadMark(
            last_read_id=last_read or 0,
            recent_from=below.get(forum_id, 0),
            before_recent=older.get(forum_id, 0),
        )
        for forum_id, slug, last_read in memberships
    }


def _by_open_account() -> ColumnElement[bool]:
    """Messages by open accounts: a closed (deactivated) account's messages leave the rooms with
    it, as its postcards and comments leave the feeds (a deleted account's are deleted)."""
    return Message.user_id.not_in(closed_accounts())


def _last_messages(session: Session, forum_ids: list[int]) -> dict[int, tuple[Message, User]]:
    """Each forum's newest message that is not deleted, with its author."""
    last_ids = session.exec(
        select(func.max(Message.id))
        .where(Message.forum_id.in_(forum_ids), Message.deleted_at.is_(None), _by_open_account())
        .group_by(Message.forum_id)
    ).all()
    return {
        m.forum_id: (m, u)
        for m, u in session.exec(
            select(Message, User).join(User, User.id == Message.user_id).where(Message.id.in_(last_ids))
        )
    }


def _set_last(summary: ForumSummary, message: Message, author: User) -> None:
    summary.last_author = author.display_name or author.username
    summary.last_preview = preview(message.text)
    summary.last_at = message.created_at.isoformat()


def preview(text: str) -> str:
    """A message on one line, cut to PREVIEW_CHARS."""
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1].rstrip() + "…"


def _unread_counts(session: Session, viewer: User, forum_ids: list[int]) -> dict[int, int]:
    rows = session.exec(
        select(Message.forum_id, func.count())
        .join(
            ForumMembership,
            and_(ForumMembership.forum_id == Message.forum_id, ForumMembership.user_id == viewer.id),
        )
        .where(
            Message.forum_id.in_(forum_ids),
            Message.id > func.coalesce(ForumMembership.last_read_message_id, 0),
            Message.user_id != viewer.id,
            Message.deleted_at.is_(None),
            _by_open_account(),
        )
        .group_by(Message.forum_id)
    ).all()
    return dict(rows)


def forum_slugs(*, session: Session) -> list[str]:
    """Every forum's slug, archived ones too (the presence sweep visits each live room)."""
    return list(session.exec(select(Forum.slug).order_by(Forum.slug)))


def forums_posted_in(*, session: Session, user: User) -> list[str]:
    """The slugs of the forums holding messages by `user`, deleted ones too (before their account
    goes, so that open rooms can let their messages go with it)."""
    return list(
        session.exec(select(Forum.slug).where(Forum.id.in_(select(Message.forum_id).where(Message.user_id == user.id))))
    )


def unread_count(*, session: Session, viewer: User, slug: str) -> int:
    """The viewer's unread messages in one forum."""
    forum = _forum_by_slug(session, slug)
    return _unread_counts(session, viewer, [forum.id]).get(forum.id, 0)


def list_messages(
    *, session: Session, viewer: User | None, slug: str, before_id: int | None = None, limit: int = PAGE_SIZE
) -> MessagePage:
    """A page of the room's messages, oldest first: the latest `limit`, or the `limit` before
    message `before_id` (the cursor is the oldest message the reader already has)."""
    room = room_for(session=session, viewer=viewer, slug=slug)
    limit = max(1, min(int(limit), 200))
    stmt = (
        select(Message, User)
        .join(User, User.id == Message.user_id)
        .where(Message.forum_id == room.forum_id, User.is_active)
    )
    if before_id is not None:
        cursor = session.get(Message, before_id) if is_row_id(before_id) else None
        if cursor is None or cursor.forum_id != room.forum_id:
            raise NotFound("That message is not in this forum.")
        # Keyset on the (forum_id, created_at, id) index: stable however many messages arrive.
        stmt = stmt.where(
            or_(
                Message.created_at < cursor.created_at,
                and_(Message.created_at == cursor.created_at, Message.id < cursor.id),
            )
        )
    rows = session.exec(stmt.order_by(Message.created_at.desc(), Message.id.desc()).limit(limit + 1)).all()
    has_older = len(rows) > limit
    rows = list(reversed(rows[:limit]))
    return MessagePage(messages=_views(session, rows), has_older=has_older)


def newest_message_id(*, session: Session, forum_id: int) -> int | None:
    """The id of the room's newest message as `list_messages` shows them (deleted ones
    included), or None for a quiet room. The live room compares it with what it holds, to notice
    messages it missed."""
    return session.exec(select(func.max(Message.id)).where(Message.forum_id == forum_id, _by_open_account())).one()


def message_view(*, session: Session, message_id: int) -> MessageView:
    """One message as readers see it."""
    row = session.exec(
        select(Message, User).join(User, User.id == Message.user_id).where(Message.id == message_id)
    ).first()
    if row is None:
        raise NotFound("That message does not exist.")
    return _views(session, [row])[0]


def _views(session: Session, rows: Iterable[tuple[Message, User]]) -> list[MessageView]:
    rows = list(rows)
    cards = _cards(session, [m.text for m, _ in rows if m.deleted_at is None])
    known = known_usernames(session, (m.text for m, _ in rows if m.deleted_at is None))
    views = []
    for message, author in rows:
        name = author.display_name or author.username
        deleted = message.deleted_at is not None
        views.append(
            MessageView(
                message_id=message.id,
                username=author.username,
                display_name=name,
                initials=initials(name),
                avatar_url=author.avatar_url,
                text="" if deleted else message.text,
                created_at=message.created_at.isoformat(),
                edited=message.edited_at is not None and not deleted,
                deleted=deleted,
                cards=[] if deleted else [cards[key] for key in _link_keys(message.text) if key in cards][:MAX_CARDS],
                parts=[] if deleted else text_parts(message.text, known),
            )
        )
    return views


# Link cards


def _link_keys(text: str) -> list[tuple[str, int]]:
    """("item", id) and ("postcard", id) in the order they appear, without repeats."""
    found: list[tuple[int, tuple[str, int]]] = []
    found += [(m.start(), ("item", int(m.group(1)))) for m in ITEM_LINK_RE.finditer(text)]
    found += [(m.start(), ("postcard", int(m.group(2)))) for m in POSTCARD_LINK_RE.finditer(text)]
    keys: list[tuple[str, int]] = []
    for _, key in sorted(found):
        if key not in keys:
            keys.append(key)
    return keys


def _cards(session: Session, texts: list[str]) -> dict[tuple[str, int], LinkCard]:
    """Cards for every link in `texts`, looked up in two queries. Items are public; postcards
    only when public, because a message's card is the same for every reader."""
    keys = {key for text in texts for key in _link_keys(text)}
    item_ids = [i for kind, i in keys if kind == "item"]
    entry_ids = [i for kind, i in keys if kind == "postcard"]
    cards: dict[tuple[str, int], LinkCard] = {}
    if item_ids:
        for item in session.exec(select(Item).where(Item.id.in_(item_ids))):
            bits = [item.kind.capitalize(), item.creator, str(item.year or "")]
            cards[("item", item.id)] = LinkCard(
                kind="item",
                href=f"/item/{item.id}",
                title=item.title,
                subtitle=" · ".join(b for b in bits if b),
            )
    if entry_ids:
        rows = session.exec(
            select(Entry, Item, User)
            .join(Item, Item.id == Entry.item_id)
            .join(User, User.id == Entry.user_id)
            .where(Entry.id.in_(entry_ids), entry_visible_to(None), User.is_active)
        )
        for entry, item, owner in rows:
            cards[("postcard", entry.id)] = LinkCard(
                kind="postcard",
                href=f"/u/{owner.username}?entry={entry.id}",
                title=item.title,
                subtitle=f"Postcard by {owner.display_name or owner.username}",
            )
    return cards


# Writing


def _clean_message(text: object) -> str:
    try:
        text = clean_text(text, max_length=MAX_MESSAGE)
    except TypeError:
        raise ValidationError({"text": "A message must be text."}) from None
    if not text:
        raise ValidationError({"text": "Write something first."})
    if len(text) > MAX_MESSAGE:
        raise ValidationError(
            {"text": f"Messages can be at most {MAX_MESSAGE:,} characters; this one has {len(text):,}."}
        )
    return text


def _require_poster(user: User | None) -> User:
    user = _active(user)
    if user is None:
        raise LoginRequired("Log in to post in the forums.")
    return user


def _writable(session: Session, user: User | None, slug: str) -> tuple[User, Forum]:
    user = _require_poster(user)
    forum = _forum_by_slug(session, slug)
    if forum.archived_at is not None:
        raise PermissionDenied("This forum is archived: it keeps its history but takes no new messages.")
    return user, forum


def post_message(
    *, session: Session, user: User | None, slug: str, text: str, now: datetime | None = None
) -> MessageView:
    """Post to an open forum. Notifies people mentioned; the poster has read up to here."""
    user, forum = _writable(session, user, slug)
    text = _clean_message(text)
    now = now or utcnow()
    check_rate(session, user, MESSAGE_RATE, now)
    message = Message(forum_id=forum.id, user_id=user.id, text=text, created_at=now)
    session.add(message)
    session.flush()
    _notify_mentions(session, message, author=user, usernames=mentioned_usernames(text))
    _advance_read(session, forum_id=forum.id, user_ids=[user.id], message_id=message.id)
    return _views(session, [(message, user)])[0]


def _message_in(session: Session, slug: str, message_id: object) -> tuple[Message, Forum]:
    forum = _forum_by_slug(session, slug)
    message = session.get(Message, message_id) if is_row_id(message_id) else None
    if message is None or message.forum_id != forum.id:
        raise NotFound("That message does not exist.")
    return message, forum


def edit_message(
    *, session: Session, user: User | None, slug: str, message_id: int, text: str, now: datetime | None = None
) -> MessageView:
    """Edit your own message in an open forum. Newly mentioned people are notified. Edits are
    flood-controlled (EDIT_RATE, with comment edits); saving the same text is no edit."""
    user, _forum = _writable(session, user, slug)
    message, _ = _message_in(session, slug, message_id)
    if message.user_id != user.id:
        raise PermissionDenied("You can only edit your own messages.")
    if message.deleted_at is not None:
        raise PermissionDenied("A deleted message cannot be edited.")
    text = _clean_message(text)
    if text != message.text:
        now = now or utcnow()
        rates.note(session, user, EDIT_RATE, now)
        before = set(mentioned_usernames(message.text))
        message.text = text
        message.edited_at = now
        session.add(message)
        session.flush()
        _notify_mentions(
            session, message, author=user, usernames=[u for u in mentioned_usernames(text) if u not in before]
        )
    return _views(session, [(message, user)])[0]


def delete_message(*, session: Session, user: User | None, slug: str, message_id: int) -> MessageView:
    """Delete a message: your own, or anyone's if you are an admin. It stays as "message deleted"."""
    user = _require_poster(user)
    message, _ = _message_in(session, slug, message_id)
    if message.user_id != user.id and not user.is_admin:
        raise PermissionDenied("You can only delete your own messages.")
    if message.deleted_at is None:
        message.deleted_at = utcnow()
        session.add(message)
        # Mentions in a deleted message should not lead anyone to it any more.
        # Found by their actor, the message's author (an index; the target has none).
        for n in session.exec(
            select(Notification).where(
                Notification.actor_id == message.user_id,
                Notification.kind == "mention",
                Notification.target == f"message:{message.id}",
            )
        ):
            session.delete(n)
        session.flush()
    author = session.get(User, message.user_id)
    return _views(session, [(message, author)])[0]


# Mentions


def _notify_mentions(session: Session, message: Message, *, author: User, usernames: list[str]) -> None:
    usernames = [u for u in usernames if u != author.username][:MAX_MENTIONS]
    if not usernames:
        return
    rows = session.exec(
        select(User.id, User.username).where(
            User.username.in_(usernames), User.is_active, User.id.not_in(hidden_people(author.id))
        )
    ).all()
    recipients = in_mention_order(rows, usernames)
    session.add_all(
        mention_notices(session, author_id=author.id, target=f"message:{message.id}", recipient_ids=recipients)
    )
    session.flush()


@dataclass
class MentionTarget:
    """Where a mention notification leads: "mentioned you in <place>" and its link."""

    place: str
    href: str


def mention_targets(*, session: Session, message_ids: list[int]) -> dict[int, MentionTarget]:
    """For notifications: the forum and room link of each (not deleted) message, by target
    ("message:7")."""
    if not message_ids:
        return {}
    rows = session.exec(
        select(Message.id, Forum.slug, Forum.name)
        .join(Forum, Forum.id == Message.forum_id)
        .where(Message.id.in_(message_ids), Message.deleted_at.is_(None))
    ).all()
    return {
        f"message:{mid}": MentionTarget(place=name, href=f"/forums/{slug}?message={mid}") for mid, slug, name in rows
    }


# Reading progress


def _advance_read(session: Session, *, forum_id: int, user_ids: Iterable[int], message_id: int) -> None:
    """Move these members' read marker forward to `message_id` (never backwards)."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return
    session.exec(
        update(ForumMembership)
        .where(
            ForumMembership.forum_id == forum_id,
            ForumMembership.user_id.in_(user_ids),
            or_(ForumMembership.last_read_message_id.is_(None), ForumMembership.last_read_message_id < message_id),
        )
        .values(last_read_message_id=message_id)
    )


def mark_read(*, session: Session, user: User, slug: str) -> None:
    """The person has read the room up to its newest message; opening a room makes you a member."""
    forum = _forum_by_slug(session, slug)
    newest = newest_message_id(session=session, forum_id=forum.id)
    membership = session.exec(
        select(ForumMembership).where(ForumMembership.forum_id == forum.id, ForumMembership.user_id == user.id)
    ).first()
    if membership is None:
        session.add(ForumMembership(user_id=user.id, forum_id=forum.id, last_read_message_id=newest))
        session.flush()
    elif newest is not None:
        _advance_read(session, forum_id=forum.id, user_ids=[user.id], message_id=newest)


def mark_delivered(*, session: Session, slug: str, user_ids: Iterable[int], message_id: int) -> None:
    """A message shown live to people in the room counts as read by them."""
    forum = _forum_by_slug(session, slug)
    _advance_read(session, forum_id=forum.id, user_ids=user_ids, message_id=message_id)


# Administration


def _require_admin(user: User | None) -> User:
    user = _active(user)
    if user is None or not user.is_admin:
        raise PermissionDenied("Only admins can manage forums.")
    return user


def _clean_forum_fields(name: object, description: object) -> tuple[str, str]:
    errors: dict[str, str] = {}
    try:
        name = clean_text(name, max_length=MAX_FORUM_NAME)
        description = clean_text(description, max_length=MAX_FORUM_DESCRIPTION)
    except TypeError:
        raise ValidationError({"name": "Name and description must be text."}) from None
    name = " ".join(name.split())
    if not name:
        errors["name"] = "Give the forum a name."
    elif len(name) > MAX_FORUM_NAME:
        errors["name"] = f"Names can be at most {MAX_FORUM_NAME} characters."
    if len(description) > MAX_FORUM_DESCRIPTION:
        errors["description"] = f"Descriptions can be at most {MAX_FORUM_DESCRIPTION} characters."
    if errors:
        raise ValidationError(errors)
    return name, description


def create_forum(*, session: Session, admin: User | None, slug: str, name: str, description: str = "") -> Forum:
    """Create a forum (admins only). The slug is its address: /forums/<slug>."""
    _require_admin(admin)
    slug = slug.strip().lower() if isinstance(slug, str) else ""
    errors: dict[str, str] = {}
    if not SLUG_RE.match(slug) or len(slug) > MAX_SLUG:
        errors["slug"] = f"Use lower-case letters, digits and hyphens (at most {MAX_SLUG}), e.g. film-noir."
    elif session.exec(select(Forum.id).where(Forum.slug == slug)).first():
        errors["slug"] = "A forum with that address exists."
    try:
        name, description = _clean_forum_fields(name, description)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    forum = Forum(slug=slug, name=name, description=description)
    session.add(forum)
    session.flush()
    return forum


def update_forum(*, session: Session, admin: User | None, slug: str, name: str, description: str) -> Forum:
    """Rename a forum or change its description (admins only). The address stays."""
    _require_admin(admin)
    forum = _forum_by_slug(session, slug)
    forum.name, forum.description = _clean_forum_fields(name, description)
    session.add(forum)
    session.flush()
    return forum


def set_archived(*, session: Session, admin: User | None, slug: str, archived: bool) -> Forum:
    """Archive a forum (read-only, hidden from the list) or bring it back (admins only)."""
    _require_admin(admin)
    forum = _forum_by_slug(session, slug)
    if archived and forum.archived_at is None:
        forum.archived_at = utcnow()
    elif not archived:
        forum.archived_at = None
    session.add(forum)
    session.flush()
    return forum
