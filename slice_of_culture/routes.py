"""Every URL of the app, in one place: route patterns and small builders."""

from __future__ import annotations

from urllib.parse import quote

HOME = "/"
LOGIN = "/login"
SIGNUP = "/signup"
# "Forgot your password?": ask for a link by email; the link opens RESET_PASSWORD.
FORGOT_PASSWORD = "/forgot-password"
RESET_PASSWORD = "/reset-password"
# The link mailed to a new email address: opening it (and confirming) makes the change.
CONFIRM_EMAIL = "/confirm-email"
# The link mailed at sign-up: opening it (and confirming) proves the account's email.
VERIFY_EMAIL = "/verify-email"
# Right after sign-up: choose kinds and a few favourites.
WELCOME = "/welcome"
SETTINGS = "/settings"
# Bring a history from Goodreads, Letterboxd or a CSV.
IMPORT = "/import"
FORUMS = "/forums"
# People by name and the catalog by title or creator (`?q=` fills the search box).
SEARCH = "/search"
FOR_YOU = "/for-you"
PROFILE = "/u/[profile_name]"


def reset_password(token: str) -> str:
    return f"{RESET_PASSWORD}?token={quote(token, safe='')}"


# Turn the notification digest off from the link in it (no login), and the API's one-click
# equivalent that mail programs call (RFC 8058).
UNSUBSCRIBE = "/unsubscribe"
API_PREFIX = "/api/v1"
API_UNSUBSCRIBE = f"{API_PREFIX}/unsubscribe"


def unsubscribe(token: str) -> str:
    return f"{UNSUBSCRIBE}?token={quote(token, safe='')}"


def confirm_email(token: str) -> str:
    return f"{CONFIRM_EMAIL}?token={quote(token, safe='')}"


def verify_email(token: str) -> str:
    return f"{VERIFY_EMAIL}?token={quote(token, safe='')}"


def profile(username: str, entry_id: int | None = None) -> str:
    return f"/u/{username}" + (f"#entry-{entry_id}" if entry_id else "")


def profile_section(username: str, section: str) -> str:
    """A profile opened at one of its tabs (lists, followers, ...)."""
    return f"/u/{username}?section={section}"


# A person's list of items, in their order.
LIST = "/lists/[list_id]"


def item_list(list_id: int) -> str:
    return f"/lists/{list_id}"


def route_arg(path: str) -> str:
    """The last part of a URL path: the [arg] of PROFILE, ITEM and FORUM ("/u/ana/" -> "ana")."""
    return path.rstrip("/").rsplit("/", 1)[-1]


def login_then(next_path: str) -> str:
    """The login page that comes back to `next_path` afterwards."""
    return f"{LOGIN}?next={quote(next_path, safe='/')}"


def safe_next(next_path: str | None) -> str:
    """Only local paths are followed after login (no open redirect to other sites)."""
    if not next_path or not next_path.startswith("/") or next_path.startswith("//") or "\\" in next_path:
        return HOME
    return next_path


ITEM = "/item/[item_id]"
NOTIFICATIONS = "/notifications"
# What the moderators go by; their notices and the report dialog link here.
RULES = "/rules"


def item(item_id: int) -> str:
    return f"/item/{item_id}"


ADMIN_RECS = "/admin/recs"
ADMIN_REPORTS = "/admin/reports"

FORUM = "/forums/[slug]"


def forum(slug: str, message_id: int | None = None) -> str:
    return f"/forums/{slug}" + (f"?message={message_id}" if message_id else "")
