"""Sign-up and log-in forms. Passwords arrive in the submit event and are never stored in state."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import mail, routes
from slice_of_culture.db import session_scope
from slice_of_culture.services import accounts, digests
from slice_of_culture.services.errors import ValidationError
from slice_of_culture.state.base import SessionState, send_link


class SignupState(rx.State):
    """Errors shown next to each sign-up field."""

    username_error: str = ""
    email_error: str = ""
    password_error: str = ""
    form_error: str = ""
    # Keep what was typed (except the password) when the form comes back with errors.
    username: str = ""
    email: str = ""

    def _clear(self) -> None:
        self.username_error = self.email_error = self.password_error = self.form_error = ""

    @rx.event
    def load(self):
        self._clear()

    @rx.event
    async def submit(self, form_data: dict):
        self._clear()
        self.username = str(form_data.get("username", ""))[:100]
        self.email = str(form_data.get("email", ""))[:300]
        try:
            with session_scope() as session:
                user = accounts.create_user(
                    session=session,
                    username=form_data.get("username", ""),
                    email=form_data.get("email", ""),
                    password=form_data.get("password", ""),
                )
                token = accounts.create_session(session=session, user=user)
                confirmation = accounts.email_confirmation_mail(session=session, user=user)
        except ValidationError as exc:
            self.username_error = exc.errors.get("username", "")
            self.email_error = exc.errors.get("email", "")
            self.password_error = exc.errors.get("password", "")
            self.form_error = exc.errors.get("form", "")
            return None
        (await self.get_state(SessionState)).sign_in(token, user)
        self.username = self.email = ""
        # Not sent: the account stands; Settings shows the email unconfirmed and sends it again at once.
        await send_link(confirmation, what="a sign-up confirmation mail")
        return rx.redirect(routes.WELCOME)


class LoginState(rx.State):
    """The log-in form's message (wrong password, rate limited, deactivated)."""

    error: str = ""
    username: str = ""

    @rx.event
    async def load(self):
        self.error = ""
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            if session_state.current_user(session) is not None:
                return rx.redirect(self._next(), replace=True)
        return None

    def _next(self) -> str:
        return routes.safe_next(self.router.url.query_parameters.get("next"))

    @rx.event
    async def submit(self, form_data: dict):
        self.username = str(form_data.get("username", ""))[:100]
        with session_scope() as session:
            result = accounts.login(
                session=session,
                username=form_data.get("username", ""),
                password=form_data.get("password", ""),
                client=self.router.session.client_ip or "unknown",
            )
        if result.error:
            self.error = result.error
            return None
        self.error = ""
        (await self.get_state(SessionState)).sign_in(result.token, result.user)
        return rx.redirect(self._next())


class ForgotPasswordState(rx.State):
    """ "Forgot your password?": the field's message, and whether the page says a link went out."""

    who_error: str = ""
    sent: bool = False
    who: str = ""

    @rx.event
    def load(self):
        self.who_error, self.sent = "", False

    @rx.event
    async def submit(self, form_data: dict):
        self.who_error, self.sent = "", False
        self.who = str(form_data.get("who", ""))[:300]
        try:
            with session_scope() as session:
                message = accounts.request_password_reset(
                    session=session, who=form_data.get("who", ""), client=self.router.session.client_ip or "unknown"
                )
        except ValidationError as exc:
            self.who_error = exc.message
            return
        # Not sent: the link is forgotten, and counts against no limit.
        if message is not None and not await send_link(message, what="a password reset mail"):
            self.who_error = mail.NOT_SENT
            return
        # The same words whether or not an account matched: the page tells nobody who has one.
        self.sent = True


class MailedLinkMixin(rx.State, mixin=True):
    """A page a link in a mail opens (no login needed): whose account it is for, why it does not
    work, whether its one button did it, and the link's token (kept on the server)."""

    username: str = ""
    error: str = ""
    confirmed: bool = False
    _token: str = ""

    def _open_link(self) -> None:
        """Take the token from the URL and start afresh (opening the page does nothing else: a
        mail scanner fetching the link must not confirm anything)."""
        self._token = str(self.router.url.query_parameters.get("token", ""))[:200]
        self.username, self.error, self.confirmed = "", "", False


class VerifyEmailState(MailedLinkMixin, rx.State):
    """The page the link mailed at sign-up opens: whose address it confirms, and the outcome."""

    email: str = ""

    @rx.event
    def load(self):
        self._open_link()
        try:
            with session_scope() as session:
                self.username, self.email = accounts.account_for_confirmation(session=session, token=self._token)
        except ValidationError as exc:
            self.error = exc.message

    @rx.event
    def confirm(self):
        self.error = ""
        try:
            with session_scope() as session:
                accounts.confirm_email(session=session, token=self._token)
        except ValidationError as exc:
            self.error = exc.message
            self.username = ""
            return
        self.confirmed = True


class ResetPasswordState(rx.State):
    """The page a reset link opens: whether the link still works, and the new password's message."""

    link_works: bool = True
    token_error: str = ""
    password_error: str = ""
    # The link's token, from the URL (kept on the server).
    _token: str = ""

    @rx.event
    def load(self):
        self._token = str(self.router.url.query_parameters.get("token", ""))[:200]
        self.token_error = self.password_error = ""
        with session_scope() as session:
            self.link_works = accounts.reset_link_works(session=session, token=self._token)
        if not self.link_works:
            self.token_error = accounts.RESET_LINK_GONE

    @rx.event
    async def submit(self, form_data: dict):
        self.token_error = self.password_error = ""
        try:
            with session_scope() as session:
                user = accounts.reset_password(session=session, token=self._token, password=form_data.get("password"))
                token = accounts.create_session(session=session, user=user)
        except ValidationError as exc:
            self.token_error = exc.errors.get("token", "")
            self.password_error = exc.errors.get("password", "")
            self.link_works = not self.token_error
            return None
        self._token = ""
        # Every other login of the account ended; this browser is signed in with the new password.
        (await self.get_state(SessionState)).sign_in(token, user)
        return rx.redirect(routes.HOME)


class ConfirmEmailState(MailedLinkMixin, rx.State):
    """The page the link mailed to a new address opens: whose email becomes what, and the outcome."""

    new_email: str = ""

    @rx.event
    def load(self):
        self._open_link()
        with session_scope() as session:
            found = accounts.email_change_for_link(session=session, token=self._token)
        self.username, self.new_email = found or ("", "")
        if found is None:
            self.error = accounts.EMAIL_LINK_GONE

    @rx.event
    async def confirm(self):
        self.error = ""
        try:
            with session_scope() as session:
                user, notice = accounts.confirm_email_change(session=session, token=self._token)
                self.new_email = user.email
        except ValidationError as exc:
            self.error = exc.message
            return
        self._token = ""
        self.confirmed = True
        # Not sent: the change stands; only the courtesy notice to the old address is lost.
        await mail.send_async(notice, what="the email-changed notice")


class UnsubscribeState(rx.State):
    """The page a digest's "stop these mails" link opens: whose digest, and whether it stopped."""

    username: str = ""
    error: str = ""
    done: bool = False
    # The link's token, from the URL (kept on the server).
    _token: str = ""

    @rx.event
    def load(self):
        self._token = str(self.router.url.query_parameters.get("token", ""))[:100]
        self.error, self.done = "", False
        with session_scope() as session:
            self.username = digests.unsubscribe_account(session=session, token=self._token) or ""
        if not self.username:
            self.error = digests.UNSUBSCRIBE_LINK_BAD

    @rx.event
    def stop(self):
        try:
            with session_scope() as session:
                digests.unsubscribe(session=session, token=self._token)
        except ValidationError as exc:
            self.error = exc.message
            return
        self.done = True
