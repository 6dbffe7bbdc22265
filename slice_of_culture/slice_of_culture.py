"""The Reflex app: the site map. Every page is registered here, with its title and on_load."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.api import backend_app
from slice_of_culture.heap import freeze_startup_heap
from slice_of_culture.pages.admin import admin_recs_page, admin_reports_page
from slice_of_culture.pages.auth import (
    confirm_email_page,
    forgot_password_page,
    login_page,
    reset_password_page,
    signup_page,
    unsubscribe_page,
    verify_email_page,
)
from slice_of_culture.pages.for_you import for_you_page
from slice_of_culture.pages.forum_room import forum_room_page
from slice_of_culture.pages.forums import forums_page
from slice_of_culture.pages.home import home_page
from slice_of_culture.pages.imports import import_page
from slice_of_culture.pages.item import item_page
from slice_of_culture.pages.lists import list_page
from slice_of_culture.pages.notifications import notifications_page
from slice_of_culture.pages.profile import profile_page
from slice_of_culture.pages.rules import rules_page
from slice_of_culture.pages.search import search_page
from slice_of_culture.pages.settings import settings_page
from slice_of_culture.pages.welcome import welcome_page
from slice_of_culture.recs.jobs import start_in_app
from slice_of_culture.schedule import start_digests
from slice_of_culture.state.admin import AdminState
from slice_of_culture.state.auth import (
    ConfirmEmailState,
    ForgotPasswordState,
    LoginState,
    ResetPasswordState,
    SignupState,
    UnsubscribeState,
    VerifyEmailState,
)
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.for_you import ForYouState
from slice_of_culture.state.forum_room import ForumRoom, sweep_presence
from slice_of_culture.state.forums import ForumsState
from slice_of_culture.state.home import HomeState
from slice_of_culture.state.imports import ImportState
from slice_of_culture.state.item import ItemState
from slice_of_culture.state.lists import ListState
from slice_of_culture.state.notifications import NotificationsState
from slice_of_culture.state.profile import ProfileState
from slice_of_culture.state.report import AdminReportsState
from slice_of_culture.state.search import SearchState
from slice_of_culture.state.settings import SettingsState
from slice_of_culture.state.welcome import WelcomeState

# assets/theme.css: the accent's text and button colours darkened to meet WCAG AA contrast.
app = rx.App(api_transformer=backend_app(), stylesheets=["/theme.css"])

app.add_page(
    home_page, route=routes.HOME, title="Postcards · Slice of Culture", on_load=[SessionState.sync_user, HomeState.load]
)
app.add_page(
    signup_page,
    route=routes.SIGNUP,
    title="Sign up · Slice of Culture",
    on_load=[SessionState.sync_user, SignupState.load],
)
app.add_page(
    welcome_page,
    route=routes.WELCOME,
    title="Welcome · Slice of Culture",
    on_load=[SessionState.require_login, WelcomeState.load],
)
app.add_page(
    login_page, route=routes.LOGIN, title="Log in · Slice of Culture", on_load=[SessionState.sync_user, LoginState.load]
)
app.add_page(
    forgot_password_page,
    route=routes.FORGOT_PASSWORD,
    title="Forgot your password · Slice of Culture",
    on_load=[SessionState.sync_user, ForgotPasswordState.load],
)
app.add_page(
    reset_password_page,
    route=routes.RESET_PASSWORD,
    title="Choose a new password · Slice of Culture",
    on_load=[SessionState.sync_user, ResetPasswordState.load],
)
app.add_page(
    confirm_email_page,
    route=routes.CONFIRM_EMAIL,
    title="Confirm your new email · Slice of Culture",
    on_load=[SessionState.sync_user, ConfirmEmailState.load],
)
app.add_page(
    verify_email_page,
    route=routes.VERIFY_EMAIL,
    title="Confirm your email · Slice of Culture",
    on_load=[SessionState.sync_user, VerifyEmailState.load],
)
app.add_page(
    unsubscribe_page,
    route=routes.UNSUBSCRIBE,
    title="Stop the notification digest · Slice of Culture",
    on_load=[SessionState.sync_user, UnsubscribeState.load],
)
app.add_page(
    list_page,
    route=routes.LIST,
    title="List · Slice of Culture",
    on_load=[SessionState.sync_user, ListState.load],
)
app.add_page(
    settings_page,
    route=routes.SETTINGS,
    title="Settings · Slice of Culture",
    on_load=[SessionState.require_login, SettingsState.load],
)
app.add_page(
    forums_page,
    route=routes.FORUMS,
    title="Forums · Slice of Culture",
    on_load=[SessionState.sync_user, ForumsState.load],
)
app.add_page(
    for_you_page,
    route=routes.FOR_YOU,
    title="For you · Slice of Culture",
    on_load=[SessionState.sync_user, ForYouState.load],
)
app.add_page(
    profile_page,
    route=routes.PROFILE,
    title="Profile · Slice of Culture",
    on_load=[SessionState.sync_user, ProfileState.load],
)
app.add_page(
    item_page,
    route=routes.ITEM,
    title="Item · Slice of Culture",
    on_load=[SessionState.sync_user, ItemState.load],
)
app.add_page(
    notifications_page,
    route=routes.NOTIFICATIONS,
    title="Notifications · Slice of Culture",
    on_load=[SessionState.require_login, NotificationsState.load],
)
app.add_page(rules_page, route=routes.RULES, title="Community rules · Slice of Culture", on_load=SessionState.sync_user)
app.add_page(
    admin_reports_page,
    route=routes.ADMIN_REPORTS,
    title="Reports · Slice of Culture",
    on_load=[SessionState.require_login, AdminReportsState.load],
)
app.add_page(
    admin_recs_page,
    route=routes.ADMIN_RECS,
    title="Recommender · Slice of Culture",
    on_load=[SessionState.require_login, AdminState.load],
)
app.add_page(
    import_page,
    route=routes.IMPORT,
    title="Import · Slice of Culture",
    on_load=[SessionState.require_login, ImportState.load],
)
app.add_page(
    search_page,
    route=routes.SEARCH,
    title="Search · Slice of Culture",
    on_load=[SessionState.sync_user, SearchState.load],
)
app.add_page(
    forum_room_page,
    route=routes.FORUM,
    title="Forum · Slice of Culture",
    on_load=[SessionState.sync_user, ForumRoom.join],
)
# Live rooms forget tabs that closed without saying goodbye (see state/forum_room.py).
app.register_lifespan_task(sweep_presence)


def _scheduled(start: Callable[[], Any], about: str) -> Callable[[], contextlib.AbstractAsyncContextManager[None]]:
    """A lifespan task that runs the scheduler `start()` returns (None: nothing scheduled)."""

    @contextlib.asynccontextmanager
    async def task():
        scheduler = start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)

    task.__doc__ = about
    task.__name__ = task.__qualname__ = f"{start.__name__}_task"
    return task


# The recommender's refresh (RECS_SCHEDULER=app, the default): it trains in a child process, so
# this process never imports TensorFlow; with several workers each schedules it and the refresh
# lock lets only one train.
app.register_lifespan_task(_scheduled(start_in_app, "the recommender's scheduled refresh"))
# The notification digests on DIGEST_CRON (slice_of_culture/schedule.py).
app.register_lifespan_task(_scheduled(start_digests, "the notification digests"))


@contextlib.asynccontextmanager
async def frozen_startup_heap():
    """Once the worker has started, keep what it holds out of the garbage collector's full
    passes (slice_of_culture/heap.py: ~100 ms pauses on ~4% of For you requests otherwise)."""
    freeze_startup_heap()
    yield


app.register_lifespan_task(frozen_startup_heap)
