"""The signed-in person, resolved on the server from the session cookie on every action.

The browser keeps only the random session token. `username` and friends are for display;
permissions never trust them: handlers call `current_user()` which asks the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from slice_of_culture import mail, routes
from slice_of_culture.config import get_settings
from slice_of_culture.db import session_scope
from slice_of_culture.models import User
from slice_of_culture.services import accounts, reports, social
from slice_of_culture.services.display import initials
from slice_of_culture.services.errors import ServiceError

log = logging.getLogger(__name__)


class SessionState(rx.State):
    """Who is signed in (display only) and the session cookie."""

    auth_token: str = rx.Cookie(
        "", name="soc_session", max_age=get_settings().session_days * 86400, same_site="lax", path="/"
    )
    username: str = ""
    display_name: str = ""
    user_initials: str = ""
    avatar_url: str = ""
    is_admin: bool = False
    # Unread notifications, for the navbar badge.
    unread: int = 0
    # For admins: reported things waiting for a decision (the badge on "Admin").
    waiting_reports: int = 0
    # False until the server has looked at the cookie once for this page.
    auth_checked: bool = False

    @rx.var
    def logged_in(self) -> bool:
        return self.username != ""

    def current_user(self, session: Session) -> User | None:
        """The user the cookie's token belongs to, looked up now (never cached in the browser)."""
        return accounts.user_for_token(session=session, token=self.auth_token)

    def _show(self, user: User | None, session: Session | None = None) -> None:
        self.username = user.username if user else ""
        self.display_name = (user.display_name or user.username) if user else ""
        self.user_initials = initials(self.display_name) if user else ""
        self.avatar_url = user.avatar_url if user else ""
        self.is_admin = bool(user and user.is_admin)
        self.auth_checked = True
        if user is None:
            self.unread = self.waiting_reports = 0
        elif session is not None:
            self.unread = social.unread_count(session=session, user=user)
            self.waiting_reports = reports.waiting_count(session=session) if user.is_admin else 0

    def sign_in(self, token: str, user: User) -> None:
        self.auth_token = token
        self._show(user)

    @rx.event
    def sync_user(self):
        """on_load of every page: refresh the navbar from the server's view of the cookie."""
        with session_scope() as session:
            user = self.current_user(session)
            self._show(user, session)
        if user is None and self.auth_token:
            # Expired or logged out elsewhere: forget the stale token.
            self.auth_token = ""

    @rx.event
    def require_login(self):
        """on_load guard for pages that need a login: redirect to /login and come back after."""
        with session_scope() as session:
            user = self.current_user(session)
            self._show(user, session)
        if user is None:
            self.auth_token = ""
            return rx.redirect(routes.login_then(self.router.url.path or routes.HOME), replace=True)
        return None

    @rx.event
    def logout(self):
        with session_scope() as session:
            accounts.logout(session=session, token=self.auth_token)
        self.auth_token = ""
        self._show(None)
        return rx.redirect(routes.HOME)


async def act_as_viewer(state: rx.State, act: Callable[[Session, User], object], *, back_to: str) -> bool | EventSpec:
    """Run `act(session, viewer)` in one transaction as the person signed in to `state`'s browser
    (resolved from the session token now, never from event arguments).

    Returns True when it ran; False when the services refused (their message is `state.notice`,
    nothing changed); with nobody signed in, the redirect to log in and come back to `back_to`.
    Handlers end with `if done is not True: return done or None`."""
    session_state = await state.get_state(SessionState)
    try:
        with session_scope() as session:
            viewer = session_state.current_user(session)
            if viewer is None:
                return rx.redirect(routes.login_then(back_to))
            act(session, viewer)
    except ServiceError as exc:
        state.notice = exc.message
        return False
    return True


async def send_link(message: accounts.LinkMail, *, what: str) -> bool:
    """Send a mail with a link after the commit (`mail.send_async`). When the server refuses it,
    what asking for it recorded is taken back in a transaction of its own (`message.not_sent`),
    so that a link that never went out uses up no limit. Whether it went."""
    if await mail.send_async(message, what=what):
        return True
    try:
        with session_scope() as session:
            message.not_sent(session)
    except Exception:
        # The person still hears it was not sent; at worst they wait out the limit.
        log.exception("taking back %s, which was not sent, failed", what)
    return False
