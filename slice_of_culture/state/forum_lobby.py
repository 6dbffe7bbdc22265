"""The forums list's live columns: who is in each room now, its last message, and how many
messages were posted since a reader opened the list.

`ForumLobby` is an `rx.SharedState` linked to one token, "forums-lobby", by everyone on /forums
(ForumsState.load). Rooms change it when a message is sent, edited or deleted and when people
join or leave (`lobby_changed`), and Reflex pushes the change to every browser on the list, on
every worker, as it does for a room. The database stays the truth: each reader who opens the
list refills the shared copy from it, so a lost update heals at the next visit.

Room handlers never wait for the lobby: `lobby_changed` runs in a task of its own after the
room's change, so a busy list costs the sender nothing and the two locks are never nested.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from slice_of_culture.db import session_scope
from slice_of_culture.services import forums
from slice_of_culture.services.errors import NotFound
from slice_of_culture.services.forums import ForumSummary

logger = logging.getLogger(__name__)

# Shared-state link tokens may not contain "_".
LOBBY_TOKEN = "forums-lobby"


class ForumLobby(rx.SharedState):
    """Live columns of the forums list, per forum slug (token "forums-lobby")."""

    present: dict[str, int] = {}
    last_author: dict[str, str] = {}
    last_preview: dict[str, str] = {}
    last_at: dict[str, str] = {}
    # Messages posted minus messages deleted per room since this shared copy was made; a reader's
    # unread count moves by the change since they opened the list (ForumsState.posted_seen). It
    # counts everyone's messages, so a reader's own, sent from another tab, count too, and a
    # deleted message they had already read counts off: the list reads exact counts on load.
    posted: dict[str, int] = {}
    # Backend only: when each room's count was taken (time.time_ns()).
    _present_stamp: dict[str, int] = {}

    def _set(self, name: str, slug: str, value: Any) -> None:
        # Only assign what changed: each assignment is sent to everyone on the list.
        values: dict[str, Any] = getattr(self, name)
        if values.get(slug) != value:
            values[slug] = value

    def _fill(self, row: ForumSummary, stamp: int) -> None:
        # Counts the lobby already has come from the rooms' own events and the presence sweep,
        # which are never older than a count read from outside the room (as `row.present` is).
        if row.slug not in self.present:
            self._set_present(row.slug, row.present, stamp)
        self._set_last(row)
        if row.slug not in self.posted:
            self.posted[row.slug] = 0

    def _set_last(self, row: ForumSummary) -> None:
        self._set("last_author", row.slug, row.last_author)
        self._set("last_preview", row.slug, row.last_preview)
        self._set("last_at", row.slug, row.last_at)

    def _set_present(self, slug: str, count: int, stamp: int) -> None:
        # Updates run in tasks of their own and may land out of order: the newest count wins.
        if stamp >= self._present_stamp.get(slug, 0):
            self._present_stamp[slug] = stamp
            self._set("present", slug, count)


@contextlib.asynccontextmanager
async def modify_shared(state_manager: Any, token: str, cls: type[rx.SharedState]) -> AsyncIterator[Any]:
    """Change a shared state directly (not as one of its readers); Reflex then pushes the change
    to everyone linked to it, as it does after a reader's event."""
    async with state_manager.modify_state_with_links(rx.BaseStateToken(ident=token, cls=cls)) as root:
        shared = await root.get_state(cls)
        yield shared
        # What app.modify_state does after its block, minus emitting to the token itself (no
        # browser has that token): resolve the delta and record the dirty vars, which the links
        # context above sends to every linked browser on exit.
        await root._get_resolved_delta()
        root._clean()


async def link_lobby(lobby: ForumLobby, rows: list[ForumSummary], stamp: int) -> ForumLobby:
    """Link a reader of /forums to the lobby and make it agree with what they just read (the
    presence counts in `rows` were taken at `stamp`, time.time_ns())."""
    linked = await lobby._link_to(LOBBY_TOKEN)
    for row in rows:
        linked._fill(row, stamp)
    return linked


async def _apply(slug: str, *, present: tuple[int, int] | None, posted: int, reread: bool) -> None:
    from reflex.istate.manager import get_state_manager

    row = None
    if reread:
        with session_scope() as session:
            try:
                row = forums.forum_summary(session=session, slug=slug)
            except NotFound:
                return
    async with modify_shared(get_state_manager(), LOBBY_TOKEN, ForumLobby) as lobby:
        if present is not None:
            lobby._set_present(slug, *present)
        if posted:
            lobby.posted[slug] = lobby.posted.get(slug, 0) + posted
        if row is not None:
            lobby._set_last(row)


# Running updates, kept so that they are not garbage-collected before they finish.
_pending: set[asyncio.Task] = set()


def lobby_changed(slug: str, *, present: int | None = None, posted: int = 0, reread: bool = False) -> None:
    """Tell the forums list about a change in a room, without waiting for it: `present` people
    are in it now (call it while holding the room, so that the time stamps follow the room's own
    order), `posted` messages more (1 sent, -1 deleted), or (`reread`) its last message may have
    changed. The last message is read from the database when the update runs, so updates may
    land in any order."""
    if not slug:
        return
    stamped = (present, time.time_ns()) if present is not None else None

    async def run() -> None:
        try:
            await _apply(slug, present=stamped, posted=posted, reread=reread or bool(posted))
        except Exception:  # noqa: BLE001 - the list heals at its next load; the room must not fail
            logger.exception("forums list update for %s failed", slug)

    task = asyncio.get_running_loop().create_task(run())
    _pending.add(task)
    task.add_done_callback(_pending.discard)
