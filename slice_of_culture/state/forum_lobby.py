"""The forums list's live parts: the open rooms themselves, who is in each now, its last
message, and which messages arrived since a reader opened the list.

`ForumLobby` is an `rx.SharedState` linked to one token, "forums-lobby", by everyone on /forums
(ForumsState.load). Rooms change it when a message is sent, edited or deleted and when people
join or leave (`lobby_changed`), and the change goes to every browser on the list, on every
worker, at once (`live.broadcast`), as a room's does. The database stays the truth: each reader who opens the
list refills the shared copy from it, so a lost update heals at the next visit.

Room handlers never wait for the lobby: `lobby_changed` only notes the change, and each worker
sends what it gathered to the list a quarter of a second later, in a task of its own, so a busy
room costs the sender nothing, the list one update per quarter second, and the two locks are
never nested.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import reflex as rx

from slice_of_culture.db import session_scope
from slice_of_culture.services import forums
from slice_of_culture.services.forums import ForumSummary, RecentMessage
from slice_of_culture.state.live import broadcast, modify_shared

logger = logging.getLogger(__name__)

# Shared-state link tokens may not contain "_".
LOBBY_TOKEN = "forums-lobby"
# Changes in rooms reach the list together, this many seconds after the first of them.
LOBBY_DELAY = 0.25


@dataclass
class LobbyRoom:
    """An open room as everyone's list shows it (archived rooms are for admins, in their own list)."""

    slug: str
    name: str
    description: str


class ForumLobby(rx.SharedState):
    """Live columns of the forums list, per forum slug (token "forums-lobby")."""

    # The open rooms, in the list's order: a room an admin creates, renames, archives or reopens
    # changes on every open list (the admin's own reload refills it).
    rooms: list[LobbyRoom] = []
    present: dict[str, int] = {}
    last_author: dict[str, str] = {}
    last_preview: dict[str, str] = {}
    last_at: dict[str, str] = {}
    # Each room's latest messages that are not deleted (id and author), read from the database
    # (oldest first, at most forums.RECENT_IDS). A member's unread count is those after the last
    # message they read (ForumsState.last_read) that someone else wrote, plus older unread ones
    # counted at load. Ids, not a running count: the list and a reader's load then agree
    # whichever saw a message first, and a deleted message leaves the count at once.
    recent: dict[str, list[RecentMessage]] = {}
    # Backend only: when each room's count was taken (time.time_ns()), and the client tokens of
    # the tabs on the list (live.broadcast sends changes to them).
    _present_stamp: dict[str, int] = {}
    _readers: set[str] = set()

    def _set(self, name: str, slug: str, value: Any) -> None:
        # Only assign what changed: each assignment is sent to everyone on the list.
        values: dict[str, Any] = getattr(self, name)
        if values.get(slug) != value:
            values[slug] = value

    def _fill(self, row: ForumSummary, recent: list[RecentMessage], stamp: int) -> None:
        # Counts the lobby already has come from the rooms' own events and the presence sweep,
        # which are never older than a count read from outside the room (as `row.present` is).
        if row.slug not in self.present:
            self._set_present(row.slug, row.present, stamp)
        self._set_last(row)
        self._set("recent", row.slug, recent)

    def _set_last(self, row: ForumSummary) -> None:
        self._set("last_author", row.slug, row.last_author)
        self._set("last_preview", row.slug, row.last_preview)
        self._set("last_at", row.slug, row.last_at)

    def _set_present(self, slug: str, count: int, stamp: int) -> None:
        # Updates run in tasks of their own and may land out of order: the newest count wins.
        if stamp >= self._present_stamp.get(slug, 0):
            self._present_stamp[slug] = stamp
            self._set("present", slug, count)


async def link_lobby(
    lobby: ForumLobby,
    client: str,
    rows: list[ForumSummary],
    recent: dict[str, list[RecentMessage]],
    stamp: int,
) -> ForumLobby:
    """Link a reader of /forums (client token `client`) to the lobby and make it agree with what
    they just read (the presence counts in `rows` were taken at `stamp`, time.time_ns())."""
    linked = await lobby._link_to(LOBBY_TOKEN)
    rooms = [LobbyRoom(slug=r.slug, name=r.name, description=r.description) for r in rows if not r.archived]
    if rooms != linked.rooms:
        linked.rooms = rooms
    for row in rows:
        linked._fill(row, recent.get(row.slug, []), stamp)
    await broadcast(linked, linked._readers - {client})
    linked._readers.add(client)
    return linked


async def unlink_lobby(lobby: ForumLobby, client: str) -> None:
    """A reader left /forums: no more updates of the list for them."""
    if lobby._linked_to:
        lobby._readers.discard(client)
        await lobby._unlink()


@dataclass
class _Change:
    """What happened in one room since this worker last told the list."""

    # (count, time.time_ns() when it was taken), the newest one.
    present: tuple[int, int] | None = None
    reread: bool = False


# Per worker process: rooms changed since the last flush, and whether a flush is on its way.
_changes: dict[str, _Change] = {}
_flush_task: asyncio.Task | None = None


def lobby_changed(slug: str, *, present: int | None = None, reread: bool = False) -> None:
    """Tell the forums list about a change in a room: `present` people are in it now (call it
    while holding the room, so that the time stamps follow the room's own order), or (`reread`)
    its messages changed (one sent, edited or deleted).

    Nothing is done here beyond noting it: changes are gathered and sent to the list together
    LOBBY_DELAY seconds later (`_flush`), after the room's own update, so a busy room costs the
    list one update per LOBBY_DELAY, and the sender nothing. Last messages are read from the
    database at that point, so updates from several workers may land in any order."""
    global _flush_task
    if not slug:
        return
    change = _changes.setdefault(slug, _Change())
    change.reread = change.reread or reread
    if present is not None:
        stamped = (present, time.time_ns())
        if change.present is None or stamped[1] >= change.present[1]:
            change.present = stamped
    if _flush_task is None or _flush_task.done():
        _flush_task = asyncio.get_running_loop().create_task(_flush_later())


async def _flush_later() -> None:
    while True:
        await asyncio.sleep(LOBBY_DELAY)
        changes = dict(_changes)
        _changes.clear()
        try:
            await _flush(changes)
        except Exception:  # noqa: BLE001 - the list heals at its next load; rooms must not fail
            logger.exception("forums list update failed for %s", ", ".join(changes))
        # Changes noted while this flush ran go out with the next one; with none, this task ends
        # here, with no await in between, so the next change starts a new one.
        if not _changes:
            return


async def _flush(changes: dict[str, _Change]) -> None:
    from reflex.istate.manager import get_state_manager

    reread = [slug for slug, change in changes.items() if change.reread]
    rows, recent = [], {}
    if reread:
        with session_scope() as session:
            rows = forums.forum_summaries(session=session, slugs=reread)
            recent = forums.recent_messages(session=session, slugs=reread)
    async with modify_shared(get_state_manager(), LOBBY_TOKEN, ForumLobby) as lobby:
        for slug, change in changes.items():
            if change.present is not None:
                lobby._set_present(slug, *change.present)
        for row in rows:
            lobby._set_last(row)
            lobby._set("recent", row.slug, recent.get(row.slug, []))
        await broadcast(lobby, lobby._readers)
