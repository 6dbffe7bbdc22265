"""The forums list: each room with who is in it now, its last message and your unread count;
for admins, creating, renaming and archiving forums (the rules are in services/forums.py)."""

from __future__ import annotations

import time
from typing import Any

import reflex as rx
from reflex.istate.manager import get_state_manager

from slice_of_culture.db import session_scope
from slice_of_culture.services import forums
from slice_of_culture.services.errors import ServiceError, ValidationError
from slice_of_culture.services.forums import ForumSummary
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.forum_lobby import ForumLobby, link_lobby, unlink_lobby
from slice_of_culture.state.forum_room import presence_counts, refresh_room_meta


class ForumsState(rx.State):
    # The open rooms come from the shared ForumLobby.rooms (live for everyone); archived ones
    # are listed for admins only, from their own load.
    archived: list[ForumSummary] = []
    # The rooms this reader is a member of (only members have unread messages), and per room the
    # last message they read and their unread messages older than the lobby's recent ones
    # (forums.unread_marks): their count is those plus the room's recent messages after
    # `last_read` by others (ForumLobby.recent, from `recent_from` on), so it follows arrivals
    # and deletions live.
    member: list[str] = []
    last_read: dict[str, int] = {}
    recent_from: dict[str, int] = {}
    unread_before: dict[str, int] = {}
    loaded: bool = False
    # The rows of the last load (start_edit reads names from them).
    _rows: list[ForumSummary] = []
    # Admin forms: errors per field, and a note about the last action.
    create_errors: dict[str, str] = {}
    edit_slug: str = ""
    edit_name: str = ""
    edit_description: str = ""
    edit_errors: dict[str, str] = {}
    notice: str = ""

    async def _reload(self) -> None:
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            viewer = session_state.current_user(session)
            rows = forums.list_forums(session=session, viewer=viewer)
            recent = forums.recent_messages(session=session, slugs=[r.slug for r in rows])
            # After the recent messages: it counts only unread messages older than those.
            marks = forums.unread_marks(session=session, viewer=viewer, recent=recent)
        # Who is in each room now comes from the live rooms, not the database.
        stamp = time.time_ns()
        present = await presence_counts([r.slug for r in rows])
        for row in rows:
            row.present = present.get(row.slug, 0)
        # From here on the live columns come from the shared lobby, pushed as rooms change.
        await link_lobby(await self.get_state(ForumLobby), self.router.session.client_token, rows, recent, stamp)
        # Only rooms they are a member of have unread messages for them.
        self.member = [row.slug for row in rows if row.slug in marks]
        self.last_read = {slug: mark.last_read_id for slug, mark in marks.items()}
        self.recent_from = {slug: mark.recent_from for slug, mark in marks.items()}
        self.unread_before = {slug: mark.before_recent for slug, mark in marks.items() if mark.before_recent}
        self.archived = [row for row in rows if row.archived]
        self._rows = rows
        self.loaded = True

    @rx.event
    async def load(self):
        self.notice, self.create_errors, self.edit_slug = "", {}, ""
        await self._reload()

    @rx.event
    async def leave(self):
        """on_unmount of /forums: no more live updates of the list for this tab."""
        await unlink_lobby(await self.get_state(ForumLobby), self.router.session.client_token)

    async def _admin_action(self, action: Any) -> forums.RoomView:
        """Run an admin service call (it checks the caller is an admin); returns the forum."""
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            admin = session_state.current_user(session)
            forum = action(session, admin)
            return forums.room_for(session=session, viewer=admin, slug=forum.slug)

    @rx.event
    async def create(self, form_data: dict[str, Any]):
        try:
            room = await self._admin_action(
                lambda session, admin: forums.create_forum(
                    session=session,
                    admin=admin,
                    slug=form_data.get("new-slug", ""),
                    name=form_data.get("new-name", ""),
                    description=form_data.get("new-description", ""),
                )
            )
        except ValidationError as exc:
            self.create_errors = exc.errors
            return None
        except ServiceError as exc:
            self.create_errors = {"form": exc.message}
            return None
        self.create_errors = {}
        self.notice = f"Created {room.name}."
        await self._reload()
        return None

    @rx.event
    def start_edit(self, slug: str):
        row = next((f for f in self._rows if f.slug == slug), None)
        if row is not None:
            self.edit_slug, self.edit_name, self.edit_description, self.edit_errors = (
                slug,
                row.name,
                row.description,
                {},
            )

    @rx.event
    def cancel_edit(self):
        self.edit_slug, self.edit_errors = "", {}

    @rx.event
    async def save_edit(self, form_data: dict[str, Any]):
        slug = self.edit_slug
        try:
            room = await self._admin_action(
                lambda session, admin: forums.update_forum(
                    session=session,
                    admin=admin,
                    slug=slug,
                    name=form_data.get("edit-name", ""),
                    description=form_data.get("edit-description", ""),
                )
            )
        except ValidationError as exc:
            self.edit_errors = exc.errors
            return
        except ServiceError as exc:
            self.edit_errors = {"name": exc.message}
            return
        self.edit_slug, self.edit_errors = "", {}
        await refresh_room_meta(get_state_manager(), room)
        self.notice = f"Saved {room.name}."
        await self._reload()

    @rx.event
    async def set_archived(self, slug: str, archived: bool):
        try:
            room = await self._admin_action(
                lambda session, admin: forums.set_archived(session=session, admin=admin, slug=slug, archived=archived)
            )
        except ServiceError as exc:
            self.notice = exc.message
            return
        # People in the room see the archive banner (and lose the composer) at once.
        await refresh_room_meta(get_state_manager(), room)
        self.notice = f"{room.name} is {'archived' if room.archived else 'open again'}."
        await self._reload()
