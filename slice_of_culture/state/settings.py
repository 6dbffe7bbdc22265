"""Settings: edit your profile. Every save resolves the user from the session token."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import reflex as rx
from reflex.istate.manager import get_state_manager
from sqlmodel import Session

from slice_of_culture import mail, routes
from slice_of_culture.db import session_scope
from slice_of_culture.models import User
from slice_of_culture.services import accounts, avatars, blocks, digests, dismissals, forums, imports, lists, onboarding
from slice_of_culture.services.blocks import BlockedPerson
from slice_of_culture.services.dismissals import DismissedItem, DismissedPage
from slice_of_culture.services.errors import ServiceError, ValidationError
from slice_of_culture.state.base import SessionState, send_link
from slice_of_culture.state.forum_room import forget_account, refold_for


class SettingsState(rx.State):
    display_name: str = ""
    bio: str = ""
    avatar_url: str = ""
    default_visibility: str = "public"
    discoverable: bool = True
    email_digest: bool = True
    # The IANA zone whose morning the digest comes in, and the line saying when (as saved).
    time_zone: str = "UTC"
    digest_arrives: str = ""
    preferred_kinds: list[str] = []
    errors: dict[str, str] = {}
    saved: bool = False
    password_errors: dict[str, str] = {}
    password_notice: str = ""
    # Bumped after a change so the password fields are emptied (they are uncontrolled).
    password_form_key: int = 0
    delete_errors: dict[str, str] = {}
    # The picture's upload message, and a key bumped after a new picture so that the profile
    # form's Avatar URL field shows it.
    avatar_error: str = ""
    profile_form_key: int = 0
    # The account's email (password reset links go there) and its change form's messages.
    email: str = ""
    email_errors: dict[str, str] = {}
    email_notice: str = ""
    email_form_key: int = 0
    # Whether the address is proven (the link mailed at sign-up), and "Send the link again"'s
    # outcome: what went out, or why not.
    email_confirmed: bool = False
    confirmation_notice: str = ""
    confirmation_error: str = ""
    # A new email waiting for the link mailed to it ("" when none), and until when the link works.
    pending_email: str = ""
    pending_until: str = ""
    blocked: list[BlockedPerson] = []
    # What the person said "Not interested" to on For you, most recently first, a page at a time:
    # the pages shown so far, how many are hidden in all, and where "Show more" goes on ("" = no more).
    hidden_items: list[DismissedItem] = []
    hidden_total: int = 0
    hidden_cursor: str = ""

    @rx.event
    async def load(self):
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                return
            self.display_name, self.bio, self.avatar_url = user.display_name, user.bio, user.avatar_url
            self.default_visibility, self.discoverable = user.default_visibility, user.discoverable
            self.email_digest = user.email_digest
            self._show_time_zone(user.time_zone)
            self.preferred_kinds = onboarding.preferred_kinds(user)
            self.email = user.email
            self.email_confirmed = user.email_confirmed_at is not None
            self._show_pending(accounts.pending_email(session=session, user=user))
            self.blocked = blocks.blocked_people(session=session, user=user)
            self._show_hidden(dismissals.dismissed_page(session=session, user=user), more=False)
        self.errors, self.saved = {}, False
        self.password_errors, self.password_notice, self.delete_errors = {}, "", {}
        self.email_errors, self.email_notice, self.avatar_error = {}, "", ""
        self.confirmation_notice = self.confirmation_error = ""

    @rx.event
    def set_default_visibility(self, value: str):
        self.default_visibility = value

    @rx.event
    def set_discoverable(self, value: bool):
        self.discoverable = bool(value)

    @rx.event
    def set_email_digest(self, value: bool):
        self.email_digest = bool(value)

    @rx.event
    def set_time_zone(self, value: str):
        self.time_zone = value

    def _show_time_zone(self, time_zone: str) -> None:
        self.time_zone, self.digest_arrives = time_zone, digests.arrival(time_zone)

    @rx.event
    def choose_kind(self, kind: str, checked: bool):
        self.preferred_kinds = onboarding.toggle_kind(self.preferred_kinds, kind, bool(checked))

    @rx.event
    async def save(self, form_data: dict):
        session_state = await self.get_state(SessionState)
        self.saved = False
        try:
            with session_scope() as session:
                user = session_state.current_user(session)
                if user is None:
                    self.errors = {"form": "Your session has ended. Log in again."}
                    return
                picture = user.avatar_url
                accounts.update_profile(
                    session=session,
                    user=user,
                    display_name=form_data.get("display_name", ""),
                    bio=form_data.get("bio", ""),
                    avatar_url=form_data.get("avatar_url", ""),
                    default_visibility=self.default_visibility,
                    discoverable=self.discoverable,
                    preferred_kinds=self.preferred_kinds,
                    email_digest=self.email_digest,
                    time_zone=self.time_zone,
                )
        except ValidationError as exc:
            self.errors = exc.errors
            return
        self.display_name = user.display_name
        self.bio, self.avatar_url = user.bio, user.avatar_url
        self._show_time_zone(user.time_zone)
        self.errors, self.saved = {}, True
        session_state._show(user)
        if user.avatar_url != picture:
            avatars.discard(picture, user_id=user.id)

    @rx.event
    async def upload_avatar(self, files: list[rx.UploadFile]):
        """The picture chosen or dropped becomes the profile picture (redrawn by services/avatars)."""
        # Nothing accepted (the browser refused the file: `picture_refused` says why).
        if not files:
            return
        self.avatar_error = ""
        # One byte past the limit is enough to know it is too large.
        data = await files[0].read(avatars.MAX_UPLOAD_BYTES + 1)
        await self._change_picture(lambda session, user: avatars.set_avatar(session=session, user=user, data=data))

    @rx.event
    def picture_refused(self, rejected: list[dict]):
        """The browser refused the file before sending it (react-dropzone's error codes)."""
        codes = {
            e.get("code") for r in rejected if isinstance(r, dict) for e in r.get("errors", []) if isinstance(e, dict)
        }
        self.avatar_error = avatars.refusal_message(codes)

    @rx.event
    async def remove_avatar(self):
        """Back to initials."""
        self.avatar_error = ""
        await self._change_picture(lambda session, user: avatars.remove_avatar(session=session, user=user))

    async def _change_picture(self, change) -> None:  # noqa: ANN001
        session_state = await self.get_state(SessionState)
        token = session_state.auth_token

        def in_transaction() -> User | None:
            # Decoding a photo takes a good fraction of a second: off the event loop, which
            # serves every other tab of this worker meanwhile.
            with session_scope() as session:
                user = accounts.user_for_token(session=session, token=token)
                if user is None:
                    return None
                previous = change(session, user)
            avatars.discard(previous, user_id=user.id)
            return user

        try:
            user = await asyncio.to_thread(in_transaction)
        except ValidationError as exc:
            self.avatar_error = exc.errors.get("avatar", exc.message)
            return
        if user is None:
            self.avatar_error = "Your session has ended. Log in again."
            return
        self.avatar_url = user.avatar_url
        session_state._show(user)
        # The profile form's Avatar URL field shows the new address (it is uncontrolled).
        self.profile_form_key += 1

    @rx.event
    async def unblock(self, user_id: int):
        """Lift a block from the list (the service checks it is this person's own block)."""
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                return
            blocks.unblock(session=session, blocker=user, blocked_id=user_id)
            self.blocked = blocks.blocked_people(session=session, user=user)
            blocker_id = user.id
        refold_for(blocker_id)

    def _show_hidden(self, page: DismissedPage, *, more: bool) -> None:
        """List a page of hidden items: after those shown (`more`), or instead of them."""
        self.hidden_items = (self.hidden_items if more else []) + page.items
        self.hidden_total, self.hidden_cursor = page.total, page.next_cursor

    def _next_hidden(self, session: Session, user: User) -> None:
        try:
            page = dismissals.dismissed_page(session=session, user=user, cursor=self.hidden_cursor)
        except ValidationError:
            # Not a cursor the service gave: start again from the newest.
            self._show_hidden(dismissals.dismissed_page(session=session, user=user), more=False)
            return
        self._show_hidden(page, more=True)

    @rx.event
    async def more_hidden(self):
        """ "Show more" under the hidden items: the next page."""
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is not None and self.hidden_cursor:
                self._next_hidden(session, user)

    @rx.event
    async def show_again(self, item_id: int):
        """Let a hidden item be recommended again (the service checks the item exists). It leaves
        the list in place; the pages after it do not move (the cursor is a keyset)."""
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                return
            try:
                dismissals.bring_back(session=session, user=user, item_id=item_id)
            except ServiceError:
                pass  # gone from the catalog, and its dismissal with it: it leaves the list all the same
            self.hidden_items = [item for item in self.hidden_items if item.item_id != item_id]
            self.hidden_total = dismissals.count_dismissed(session, user.id)
            # The last one shown went back while more are hidden: show the next ones.
            if not self.hidden_items and self.hidden_cursor:
                self._next_hidden(session, user)

    @rx.event
    async def change_password(self, form_data: dict):
        """Check the current password, set the new one, end every other login of this account."""
        session_state = await self.get_state(SessionState)
        self.password_notice = ""
        # The failure of a wrong current password is committed (rate limit); nothing else changes.
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                self.password_errors = {"form": "Your session has ended. Log in again."}
                return
            try:
                ended = accounts.change_password(
                    session=session,
                    user=user,
                    current=form_data.get("current_password", ""),
                    new=form_data.get("new_password", ""),
                    keep_token=session_state.auth_token,
                )
            except ValidationError as exc:
                self.password_errors = exc.errors
                return
        self.password_errors = {}
        self.password_form_key += 1
        others = f" You were logged out on {ended} other device{'s' if ended != 1 else ''}." if ended else ""
        self.password_notice = "Password changed." + others

    def _show_pending(self, pending: accounts.PendingEmail | None) -> None:
        self.pending_email = pending.email if pending else ""
        until = pending.expires_at if pending else None
        # The day without a leading zero, portably ("%-d" is glibc's).
        self.pending_until = f"{until.day} {until:%b %Y, %H:%M} UTC" if until else ""

    @rx.event
    async def change_email(self, form_data: dict):
        """Check the password and mail a link to the new address (after the commit); the email
        changes when that link is opened."""
        session_state = await self.get_state(SessionState)
        self.email_notice = ""
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                self.email_errors = {"form": "Your session has ended. Log in again."}
                return
            try:
                message = accounts.request_email_change(
                    session=session,
                    user=user,
                    password=form_data.get("email_password", ""),
                    email=form_data.get("new_email", ""),
                )
            except ValidationError as exc:
                self.email_errors = exc.errors
                return
            pending = accounts.pending_email(session=session, user=user)
        self.email_errors = {}
        self.email_form_key += 1
        # Not sent: nothing waits for that link, and the change it replaced waits again.
        if not await send_link(message, what="an email change's link"):
            self.email_errors = {"form": mail.NOT_SENT}
            return
        self._show_pending(pending)
        self.email_notice = f"We sent a link to {message.to}. Open it to make that your email."

    @rx.event
    async def resend_confirmation(self):
        """Mail the link that confirms the account's email again (after the commit)."""
        session_state = await self.get_state(SessionState)
        self.confirmation_notice = self.confirmation_error = ""
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                self.confirmation_error = "Your session has ended. Log in again."
                return
            try:
                message = accounts.resend_confirmation(session=session, user=user)
            except ValidationError as exc:
                # Too soon, or confirmed meanwhile in another tab (then the page says so).
                self.confirmation_error = exc.message
                self.email_confirmed = user.email_confirmed_at is not None
                return
        # Not sent: it does not count against the two minutes between links.
        if not await send_link(message, what="a sign-up confirmation mail, sent again,"):
            self.confirmation_error = mail.NOT_SENT
            return
        self.confirmation_notice = (
            f"We sent a new link to {message.to}. It works for {accounts.EMAIL_CONFIRMATION_TTL.days} days."
        )

    @rx.event
    async def cancel_email_change(self):
        """Forget the pending new email: its link stops working."""
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                self.email_errors = {"form": "Your session has ended. Log in again."}
                return
            accounts.cancel_email_change(session=session, user=user)
        self.email_errors = {}
        self._show_pending(None)
        self.email_notice = f"Your email stays {self.email}."

    async def _download_csv(self, export: Callable[..., str], name: str):
        """`export(session=, user=)` for the signed-in person, offered as `<name>-<username>.csv`."""
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                self.errors = {"form": "Your session has ended. Log in again."}
                return None
            data = export(session=session, user=user)
            filename = f"{name}-{user.username}.csv"
        return rx.download(data=data, filename=filename, mime_type="text/csv")

    @rx.event
    async def download_export(self):
        """Every entry of the signed-in person as our CSV (services/imports.py)."""
        return await self._download_csv(imports.export_csv, "slice-of-culture")

    @rx.event
    async def download_lists(self):
        """Every list of the signed-in person, items in order, as CSV (services/lists.py)."""
        return await self._download_csv(lists.export_lists_csv, "slice-of-culture-lists")

    @rx.event
    async def delete_account(self, form_data: dict):
        """Delete the signed-in person's account after checking their password, then log out."""
        session_state = await self.get_state(SessionState)
        # A wrong password's failure record is committed (rate limit); nothing else changes.
        with session_scope() as session:
            user = session_state.current_user(session)
            if user is None:
                self.delete_errors = {"form": "Your session has ended. Log in again."}
                return None
            user_id, username, picture = user.id, user.username, user.avatar_url
            rooms = forums.forums_posted_in(session=session, user=user)
            try:
                accounts.delete_account(session=session, user=user, password=form_data.get("delete_password", ""))
            except ValidationError as exc:
                self.delete_errors = {"delete_password" if k == "password" else k: v for k, v in exc.errors.items()}
                return None
        avatars.discard(picture, user_id=user_id)
        # Their messages go from rooms open now, as they went from the database.
        await forget_account(get_state_manager(), user_id, username, rooms)
        self.delete_errors = {}
        session_state.auth_token = ""
        session_state._show(None)
        return rx.redirect(routes.HOME)
