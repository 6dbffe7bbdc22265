"""Reporting: the dialog any page opens on a postcard, comment, forum message or person, and the
admins' queue (the rules are in services/reports.py)."""

from __future__ import annotations

import reflex as rx
from reflex.istate.manager import get_state_manager

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.services import reports
from slice_of_culture.services.errors import PermissionDenied, ServiceError, ValidationError
from slice_of_culture.services.reports import Decision, ReportedThing
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.forum_room import forget_account, show_message_change


class ReportState(rx.State):
    """The report dialog: the one whose button reported `target` is open while it is set."""

    target: str = ""
    # What is reported, in words ("this comment", "@ana").
    what: str = ""
    error: str = ""

    @rx.event
    def set_open_for(self, value: bool, target: str, what: str):
        """Open the dialog of `target`'s Report button (`what` names it), or close it."""
        if value:
            self.target, self.what, self.error = target, what, ""
        else:
            self.target = ""

    @rx.event
    async def send(self, form_data: dict):
        """Report the thing as the signed-in person (from the session, never from the page)."""
        session_state = await self.get_state(SessionState)
        try:
            with session_scope() as session:
                user = session_state.current_user(session)
                if user is None:
                    self.target = ""
                    return rx.redirect(routes.login_then(self.router.url.path or routes.HOME))
                created = reports.report(
                    session=session, reporter=user, target=self.target, reason=form_data.get("reason", "")
                )
        except ValidationError as exc:
            self.error = next(iter(exc.errors.values()), "That cannot be reported.")
            return None
        except ServiceError as exc:
            self.error = exc.message
            return None
        # Closed at once (an open dialog would come back with the state on the next page load);
        # the thanks is a toast (a live region).
        self.error, self.target = "", ""
        if created:
            return rx.toast.success("Thank you. An admin will look at it.")
        return rx.toast.info("You reported this already; an admin will look at it.")


class AdminReportsState(rx.State):
    """/admin/reports: reported things, the longest waiting first; remove or dismiss."""

    things: list[ReportedThing] = []
    decisions: list[Decision] = []
    notice: str = ""
    loaded: bool = False

    async def _reload(self) -> None:
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            admin = session_state.current_user(session)
            self.things = reports.open_reports(session=session, admin=admin)
            self.decisions = reports.recent_decisions(session=session, admin=admin)
            session_state.waiting_reports = reports.waiting_count(session=session)
        self.loaded = True

    @rx.event
    async def load(self):
        self.notice = ""
        try:
            await self._reload()
        except PermissionDenied:
            return rx.redirect(routes.HOME, replace=True)
        return None

    @rx.event
    async def resolve(self, target: str, action: str):
        session_state = await self.get_state(SessionState)
        try:
            with session_scope() as session:
                admin = session_state.current_user(session)
                outcome = reports.resolve(session=session, admin=admin, target=target, action=action)
        except ServiceError as exc:
            self.notice = exc.message
            return None
        if outcome.message is not None:
            # People in the room see it go at once, as after any admin's delete there.
            await show_message_change(get_state_manager(), outcome.slug, outcome.message)
        if outcome.rooms:
            # A deactivated account's messages leave the rooms open now, as after a deletion.
            await forget_account(get_state_manager(), outcome.account_id, outcome.account, outcome.rooms)
        closed = f"{outcome.closed} report{'s' if outcome.closed != 1 else ''}"
        if outcome.account:
            self.notice = f"Deactivated @{outcome.account}; {closed} closed."
        else:
            self.notice = f"Removed; {closed} closed." if outcome.removed else f"Kept; {closed} dismissed."
        await self._reload()
        return None
