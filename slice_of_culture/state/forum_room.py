"""A forum room, live: Reflex shared state linked per room, plus each reader's own view of it.

Why this shape:

- `ForumRoom` is an `rx.SharedState`. `join` (the page's on_load) links it to the token
  "forum-<slug>", so every browser in a room shares one copy: the latest messages, who is here,
  the room's name. A handler that changes it (a message sent, edited, deleted; someone joining or
  leaving) ends with `_broadcast`, which pushes the changed vars to every browser in the room over
  its websocket, through Redis to browsers on other workers, all at once (Reflex's own delivery
  goes reader by reader under the room's lock). No polling, no JavaScript of our own.
- Messages are written to the database first (services/forums.py holds every rule); only then is
  the shared copy changed. The shared copy is a cache of the room's tail: when it is first
  linked, or no longer matches the database (a restart, an expired Redis key, a crash between the
  commit and the push), `join` refills it from the database.
- New messages go into `fresh`, a short list folded into `history` every `FRESH_MAX` messages:
  Reflex sends a changed var whole, so a new message costs a few messages on the wire, not the
  whole window.
- Who a client is comes from its session cookie (SessionState.current_user) and its Reflex client
  token, never from event arguments. The room a handler acts on is the token the client was linked
  to by `join`, which checked that it may read it.
- Presence: `join` adds the client, `leave` (on unmount) removes it; a tab that closes or loads
  another page sends nothing, so `sweep_presence` (a lifespan task on every worker) drops clients
  whose websocket is gone (Reflex's token manager sees every worker's sockets through Redis) or
  whose own state says they are on another page now.
- Older pages ("Load older") are private to the reader (`RoomPage.older`), fetched by cursor.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import random
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.services import blocks, forums
from slice_of_culture.services.display import initials
from slice_of_culture.services.errors import NotFound, RateLimited, ServiceError
from slice_of_culture.services.forums import LoginRequired, MessageView
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.forum_lobby import LOBBY_TOKEN, ForumLobby, lobby_changed
from slice_of_culture.state.live import broadcast, modify_shared

logger = logging.getLogger(__name__)

# Shared-state link tokens may not contain "_"; slugs never do (services/forums.SLUG_RE).
ROOM_TOKEN_PREFIX = "forum-"
# The composer's element id (its label points at it; a refused message is put back into it).
COMPOSER_ID = "message-input"
# Fold `fresh` into `history` after this many new messages ...
FRESH_MAX = 10
# ... keeping at most this many messages in the shared window (older ones are a click away).
LIVE_WINDOW = 60
# How often each worker looks for people whose tab has gone (seconds, plus jitter).
PRESENCE_SWEEP_SECONDS = 10.0


def room_token(slug: str) -> str:
    """The shared-state token of a forum's live room."""
    return ROOM_TOKEN_PREFIX + slug


def worker_id() -> str:
    """A short, stable name for this server process (tests and the benchmark use it to see which
    worker a browser's websocket landed on). Computed per call: workers are forked after import."""
    return hashlib.sha1(f"{socket.gethostname()}:{os.getpid()}".encode()).hexdigest()[:8]


@dataclass
class PresentPerson:
    """Someone with the room open."""

    username: str
    display_name: str
    initials: str


class ForumRoom(rx.SharedState):
    """The live part of one room, shared by everyone who has it open (token "forum-<slug>")."""

    name: str = ""
    description: str = ""
    archived: bool = False
    # The room's latest messages, oldest first: `history` then `fresh`.
    history: list[MessageView] = []
    fresh: list[MessageView] = []
    # Whether the database has messages before the first one in `history`.
    more_before: bool = False
    # Bumped whenever messages leave the front of the window (trim or refill): a reader's
    # privately loaded older pages no longer join up with it then.
    epoch: int = 0
    here: list[PresentPerson] = []

    # Backend only (never sent to browsers): the forum's id and, per client token, who it is.
    _forum_id: int = 0
    _present: dict[str, dict[str, Any]] = {}

    # Helpers on the linked instance

    def _slug(self) -> str:
        return self._linked_to.removeprefix(ROOM_TOKEN_PREFIX) if self._linked_to.startswith(ROOM_TOKEN_PREFIX) else ""

    def _live(self) -> list[MessageView]:
        return self.history + self.fresh

    def _newest_id(self) -> int | None:
        live = self._live()
        return max(m.message_id for m in live) if live else None

    def _refill(self, page: forums.MessagePage) -> None:
        self.history, self.fresh = page.messages, []
        self.more_before = page.has_older
        self.epoch += 1

    def _add(self, message: MessageView) -> None:
        if any(m.message_id == message.message_id for m in self._live()):
            return
        self.fresh = [*self.fresh, message]
        if len(self.fresh) >= FRESH_MAX:
            live = self.history + self.fresh
            if len(live) > LIVE_WINDOW:
                live = live[-LIVE_WINDOW:]
                self.more_before = True
                self.epoch += 1
            self.history, self.fresh = live, []

    def _replace(self, message: MessageView) -> None:
        # Assign only the list that holds the message, so only that one is sent again.
        for name in ("fresh", "history"):
            items: list[MessageView] = getattr(self, name)
            for i, m in enumerate(items):
                if m.message_id == message.message_id:
                    setattr(self, name, [*items[:i], message, *items[i + 1 :]])
                    return

    def _set_meta(self, room: forums.RoomView) -> None:
        # Only assign what changed: every assignment is sent to every browser in the room.
        if self.name != room.name:
            self.name = room.name
        if self.description != room.description:
            self.description = room.description
        if self.archived != room.archived:
            self.archived = room.archived

    def _refresh_here(self) -> None:
        people: dict[str, PresentPerson] = {}
        for p in self._present.values():
            people.setdefault(p["username"], PresentPerson(p["username"], p["display_name"], p["initials"]))
        here = sorted(people.values(), key=lambda p: p.display_name.lower())
        if here != self.here:
            self.here = here

    def _drop(self, client_token: str) -> None:
        if self._present.pop(client_token, None) is not None:
            self._refresh_here()
            lobby_changed(self._slug(), present=len(self.here))

    def _forget(self, user_id: int, username: str) -> None:
        # A deleted or deactivated account: its messages leave the window, its tabs the room.
        for name in ("history", "fresh"):
            items: list[MessageView] = getattr(self, name)
            kept = [m for m in items if m.username != username]
            if len(kept) != len(items):
                setattr(self, name, kept)
        for token in [t for t, p in self._present.items() if p["user_id"] == user_id]:
            self._drop(token)

    def _present_user_ids(self) -> set[int]:
        return {p["user_id"] for p in self._present.values()}

    async def _broadcast(self, sender: str = "") -> None:
        """Send what changed in the room to everyone else who has it open (live.broadcast)."""
        await broadcast(self, (token for token in self._present if token != sender))

    # Events

    @rx.event
    async def join(self):
        """on_load of /forums/[slug]: check the reader may read it, link, fill, say hello."""
        page = await self.get_state(RoomPage)
        session_state = await self.get_state(SessionState)
        client = self.router.session.client_token
        # /forums/<slug>: the last part of the path this browser is on.
        slug = routes.route_arg(self.router.url.path).lower()
        page._reset()
        redirect: EventSpec | None = None
        with session_scope() as session:
            user = session_state.current_user(session)
            try:
                room = forums.room_for(session=session, viewer=user, slug=slug)
            except LoginRequired:
                room = None
                redirect = rx.redirect(routes.login_then(self.router.url.path or routes.FORUMS), replace=True)
            except NotFound:
                room = None
            if room is not None and user is not None:
                forums.mark_read(session=session, user=user, slug=room.slug)
                page.hidden_authors = blocks.blocked_usernames(session=session, user_id=user.id)
                newest = forums.newest_message_id(session=session, forum_id=room.forum_id)
                name = user.display_name or user.username
                person = {
                    "user_id": user.id,
                    "username": user.username,
                    "display_name": name,
                    "initials": initials(name),
                }
        if room is None or user is None:
            await self._leave_room(client)
            page.not_found, page.loaded = redirect is None, redirect is None
            return redirect
        token = room_token(room.slug)
        if self._linked_to and self._linked_to != token:
            self._drop(client)  # moving from another room: say goodbye there first
            await self._broadcast(client)
        # No database transaction is open across this await (it may wait for the room's lock).
        linked = await self._link_to(token)
        if linked._forum_id != room.forum_id or linked._newest_id() != newest:
            # First reader since a start, or the cache missed something: the database decides.
            with session_scope() as session:
                linked._refill(forums.list_messages(session=session, viewer=user, slug=room.slug))
            linked._forum_id = room.forum_id
        linked._set_meta(room)
        linked._present[client] = person
        linked._refresh_here()
        lobby_changed(room.slug, present=len(linked.here))
        await linked._broadcast(client)
        page._show(room)
        page.epoch_seen = linked.epoch
        target = str(self.router.url.query_parameters.get("message", ""))
        if target.isdigit():
            return rx.scroll_to(f"message-{target}")
        return None

    async def _leave_room(self, client: str) -> None:
        if self._linked_to:
            self._drop(client)
            await self._broadcast(client)
            # The returned rehydrate events are not needed: this page is going away, and the
            # next `join` links with a full update.
            await self._unlink()

    @rx.event
    async def leave(self):
        """on_unmount of the room page: no longer here."""
        await self._leave_room(self.router.session.client_token)

    @rx.event
    async def send(self, form_data: dict[str, Any]):
        """Post the composer's text: database first, then everyone in the room sees it."""
        page = await self.get_state(RoomPage)
        text = form_data.get("text", "")
        slug = self._slug()
        if not slug:
            page.composer_error = "Open a forum to post."
            return None
        session_state = await self.get_state(SessionState)
        try:
            with session_scope() as session:
                user = session_state.current_user(session)
                message = forums.post_message(session=session, user=user, slug=slug, text=text)
                forums.mark_delivered(
                    session=session, slug=slug, user_ids=self._present_user_ids(), message_id=message.message_id
                )
        except ServiceError as exc:
            page.composer_error = exc.message
            if isinstance(exc, RateLimited) or isinstance(text, str) and text.strip():
                # Give the person their words back (the form cleared itself on submit).
                return rx.set_value(COMPOSER_ID, text if isinstance(text, str) else "")
            return None
        page.composer_error = ""
        self._add(message)
        await self._broadcast(page.router.session.client_token)
        lobby_changed(slug, reread=True)
        return None

    @rx.event
    async def save_edit(self, form_data: dict[str, Any]):
        """Save the message being edited (which one is kept on the server, in RoomPage)."""
        page = await self.get_state(RoomPage)
        if not page.editing_id:
            return
        session_state = await self.get_state(SessionState)
        try:
            with session_scope() as session:
                user = session_state.current_user(session)
                message = forums.edit_message(
                    session=session,
                    user=user,
                    slug=self._slug(),
                    message_id=page.editing_id,
                    text=form_data.get("text", ""),
                )
        except ServiceError as exc:
            page.edit_error = exc.message
            return
        page.editing_id, page.edit_error = 0, ""
        self._replace(message)
        page._replace_older(message)
        await self._broadcast(page.router.session.client_token)
        lobby_changed(self._slug(), reread=True)

    @rx.event
    async def delete(self, message_id: int):
        """Delete a message (your own; any, for admins). The service decides who may."""
        page = await self.get_state(RoomPage)
        session_state = await self.get_state(SessionState)
        try:
            with session_scope() as session:
                user = session_state.current_user(session)
                message = forums.delete_message(session=session, user=user, slug=self._slug(), message_id=message_id)
        except ServiceError as exc:
            page.notice = exc.message
            return
        page.notice = ""
        self._replace(message)
        page._replace_older(message)
        await self._broadcast(page.router.session.client_token)
        lobby_changed(self._slug(), reread=True)


class RoomPage(rx.State):
    """One reader's own view of a room: older pages they loaded, their composer and edit box."""

    slug: str = ""
    can_post: bool = False
    can_moderate: bool = False
    not_found: bool = False
    loaded: bool = False
    # Pages before the shared window, loaded by "Load older"; oldest first.
    older: list[MessageView] = []
    older_has_more: bool = False
    # The room's epoch when `older` was loaded; when it moved on, `older` no longer joins up.
    epoch_seen: int = 0
    composer_error: str = ""
    notice: str = ""
    editing_id: int = 0
    editing_text: str = ""
    edit_error: str = ""
    # Which server process this browser's websocket talks to (shown hidden, for tests and ops).
    worker: str = ""
    # People this reader blocked: their messages show folded. (Rooms are shared, so this is a
    # courtesy of the view, not a secret: anyone logged in may read the room.)
    hidden_authors: list[str] = []

    def _reset(self) -> None:
        self.slug, self.can_post, self.can_moderate = "", False, False
        self.not_found, self.loaded = False, False
        self.older, self.older_has_more = [], False
        self.composer_error = self.notice = self.edit_error = self.editing_text = ""
        self.editing_id = 0
        self.worker = worker_id()
        self.hidden_authors = []

    def _show(self, room: forums.RoomView) -> None:
        self.slug, self.can_post, self.can_moderate = room.slug, room.can_post, room.can_moderate
        self.loaded = True

    def _replace_older(self, message: MessageView) -> None:
        if any(m.message_id == message.message_id for m in self.older):
            self.older = [message if m.message_id == message.message_id else m for m in self.older]

    @rx.var
    def room_path(self) -> str:
        return f"{routes.FORUMS}/{self.slug}" if self.slug else routes.FORUMS

    @rx.event
    async def load_older(self):
        """The page before the oldest message this reader has."""
        room = await self.get_state(ForumRoom)
        if self.older and self.epoch_seen != room.epoch:
            self.older, self.older_has_more = [], False  # the window moved on: start again from it
        self.epoch_seen = room.epoch
        first = self.older[0] if self.older else (room.history + room.fresh or [None])[0]
        if first is None or not self.slug:
            return
        session_state = await self.get_state(SessionState)
        try:
            with session_scope() as session:
                page = forums.list_messages(
                    session=session,
                    viewer=session_state.current_user(session),
                    slug=self.slug,
                    before_id=first.message_id,
                )
        except ServiceError as exc:
            self.notice = exc.message
            return
        self.older = page.messages + self.older
        self.older_has_more = page.has_older

    @rx.event
    def start_edit(self, message_id: int, text: str):
        """Open the edit box on a message (the server checks ownership when saving)."""
        self.editing_id, self.editing_text, self.edit_error = message_id, text, ""

    @rx.event
    def cancel_edit(self):
        self.editing_id, self.editing_text, self.edit_error = 0, "", ""


# Reading and changing rooms from outside a room (the forums list, admin actions, the sweeper)


async def presence_counts(slugs: list[str]) -> dict[str, int]:
    """People in each room now, read from the live rooms without locking them."""
    from reflex.istate.manager import get_state_manager

    manager = get_state_manager()
    counts: dict[str, int] = {}
    for slug in slugs:
        root = await manager.get_state(rx.BaseStateToken(ident=room_token(slug), cls=ForumRoom))
        room = await root.get_state(ForumRoom)
        counts[slug] = len(room.here)
    return counts


@contextlib.asynccontextmanager
async def modify_room(state_manager: Any, slug: str) -> AsyncIterator[ForumRoom]:
    """Change a room's shared state directly (not as one of its readers); everyone in it sees
    the change."""
    async with modify_shared(state_manager, room_token(slug), ForumRoom) as room:
        yield room
        await room._broadcast()


def refold_for(user_id: int) -> None:
    """After `user_id` blocked or unblocked someone: their tabs open in rooms fold (or unfold)
    that person's messages at once, as the next visit would. Runs as a task of its own once the
    calling event is done: it changes other tabs' states, and an event that waited for another
    tab's lock while holding its own could wait forever for a tab doing the same."""
    task = asyncio.get_running_loop().create_task(_refold(user_id))
    _REFOLDS.add(task)
    task.add_done_callback(_REFOLDS.discard)


# Running refolds (a task nobody holds may be collected before it ran).
_REFOLDS: set[asyncio.Task] = set()


async def _refold(user_id: int) -> None:
    from reflex_base.registry import RegistrationContext

    app = RegistrationContext.get().app
    with session_scope() as session:
        slugs = forums.forum_slugs(session=session)
        hidden = blocks.blocked_usernames(session=session, user_id=user_id)
    tabs: list[str] = []
    for slug in slugs:
        root = await app.state_manager.get_state(rx.BaseStateToken(ident=room_token(slug), cls=ForumRoom))
        room = await root.get_state(ForumRoom)
        tabs += [token for token, person in room._present.items() if person["user_id"] == user_id]
    for token in tabs:
        # Each tab's own page state; the change goes to that browser as a delta.
        try:
            async with app.modify_state(rx.BaseStateToken(ident=token, cls=RoomPage)) as root:
                page = await root.get_state(RoomPage)
                page.hidden_authors = hidden
        except Exception:  # noqa: BLE001 - one tab's failure must not keep the others unfolded
            logger.exception("refolding a forum tab failed")


async def refresh_room_meta(state_manager: Any, room: forums.RoomView) -> None:
    """After an admin renames or archives a forum, open rooms show it at once."""
    async with modify_room(state_manager, room.slug) as shared:
        if shared._forum_id:
            shared._set_meta(room)


async def show_message_change(state_manager: Any, slug: str, message: MessageView) -> None:
    """A message changed outside its room (an admin removed it from the reports queue): rooms
    open now show it as it reads now, and the forums list rereads the room."""
    async with modify_room(state_manager, slug) as shared:
        if shared._forum_id:
            shared._replace(message)
    lobby_changed(slug, reread=True)


async def forget_account(state_manager: Any, user_id: int, username: str, slugs: list[str]) -> None:
    """After an account was deleted or deactivated: rooms open now drop its messages (`slugs`, the
    forums it posted in, from forums.forums_posted_in) and its tabs, and the forums list rereads
    them."""
    for slug in slugs:
        async with modify_room(state_manager, slug) as shared:
            if shared._forum_id:
                shared._forget(user_id, username)
        lobby_changed(slug, reread=True)


async def _connected(app: Any, client_token: str) -> bool:
    namespace = getattr(app, "event_namespace", None)
    token_manager = getattr(namespace, "_token_manager", None)
    if token_manager is not None:
        # Sees sockets on every worker (through Redis when it is configured).
        return await token_manager.is_token_connected(client_token)
    return namespace is None or client_token in namespace.token_to_sid


async def _on_page(app: Any, client_token: str, path: str) -> bool:
    # A tab that went to another page with a full page load sent no "leave"; its own state says
    # where it is now.
    root = await app.state_manager.get_state(rx.BaseStateToken(ident=client_token, cls=RoomPage))
    return root.router.url.path.rstrip("/").lower() == path


async def sweep_presence_once(app: Any) -> int:
    """Drop people whose websocket is gone from every room; returns how many were dropped."""
    with session_scope() as session:
        slugs = forums.forum_slugs(session=session)
    dropped = 0
    here: dict[str, int] = {}
    for slug in slugs:
        root = await app.state_manager.get_state(rx.BaseStateToken(ident=room_token(slug), cls=ForumRoom))
        room = await root.get_state(ForumRoom)
        here[slug] = len(room.here)
        gone = set()
        for token in list(room._present):
            if not await _connected(app, token) or not await _on_page(app, token, f"{routes.FORUMS}/{slug}"):
                gone.add(token)
        if not gone:
            continue
        async with modify_room(app.state_manager, slug) as shared:
            for token in gone:
                if token in shared._present:
                    dropped += 1
                # No more pushes to a closed tab; if it comes back, its on_load links it again.
                shared._drop(token)
            here[slug] = len(shared.here)
    await _sweep_lobby(app, here)
    return dropped


async def _sweep_lobby(app: Any, here: dict[str, int]) -> None:
    """The forums list's side of the sweep: forget tabs that left /forums, and heal any count
    that an update lost (a worker stopped between a room's change and the lobby's)."""
    root = await app.state_manager.get_state(rx.BaseStateToken(ident=LOBBY_TOKEN, cls=ForumLobby))
    lobby = await root.get_state(ForumLobby)
    for slug, count in here.items():
        if lobby.present.get(slug, 0) != count:
            lobby_changed(slug, present=count)
    gone = set()
    for token in list(lobby._readers):
        if not await _connected(app, token) or not await _on_page(app, token, routes.FORUMS):
            gone.add(token)
    if gone:
        async with modify_shared(app.state_manager, LOBBY_TOKEN, ForumLobby) as shared:
            shared._readers.difference_update(gone)


async def sweep_presence(app: Any) -> None:
    """Lifespan task: every few seconds, forget tabs that closed without saying goodbye."""
    while True:
        await asyncio.sleep(PRESENCE_SWEEP_SECONDS + random.uniform(0, 2))
        try:
            await sweep_presence_once(app)
        except Exception:  # noqa: BLE001 - a failed sweep must not end the task; the next one retries
            logger.exception("forum presence sweep failed")
