"""Tokens and the signed-in person: log in, log out, who am I."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session
from starlette.responses import Response
from starlette.routing import Route

from slice_of_culture.api.base import Call, endpoint, error_response, read_fields
from slice_of_culture.config import get_settings
from slice_of_culture.models import User, utcnow
from slice_of_culture.services import accounts, avatars, digests, onboarding, social
from slice_of_culture.services.display import initials
from slice_of_culture.services.errors import ValidationError


@dataclass
class Me:
    """The signed-in person as the API shows them to themselves (never the password hash)."""

    user_id: int
    username: str
    display_name: str
    email: str
    # Whether the address is proven (the link mailed at sign-up); digests go only to confirmed ones.
    email_confirmed: bool
    # A new email waiting for the link mailed to it (PUT /me/email), or None.
    pending_email: str | None
    bio: str
    avatar_url: str
    initials: str
    default_visibility: str
    discoverable: bool
    preferred_kinds: list[str]
    # The daily mail of notifications not seen yet (services/digests.py).
    email_digest: bool
    # The IANA zone whose morning the digest comes in ("Europe/Lisbon"; "UTC" until chosen).
    time_zone: str
    is_admin: bool
    joined: datetime
    unread_notifications: int


def me_view(session: Session, user: User) -> Me:
    name = user.display_name or user.username
    return Me(
        user_id=user.id,
        username=user.username,
        display_name=name,
        email=user.email,
        email_confirmed=user.email_confirmed_at is not None,
        pending_email=pending.email if (pending := accounts.pending_email(session=session, user=user)) else None,
        bio=user.bio,
        avatar_url=user.avatar_url,
        initials=initials(name),
        default_visibility=user.default_visibility,
        discoverable=user.discoverable,
        preferred_kinds=onboarding.preferred_kinds(user),
        email_digest=user.email_digest,
        time_zone=user.time_zone,
        is_admin=user.is_admin,
        joined=user.created_at,
        unread_notifications=social.unread_count(session=session, user=user),
    )


@endpoint(auth="none", body=True, status=201)
def create_token(call: Call) -> dict | Response:
    """Log in: the same rate limits and messages as the login page; deactivated accounts are refused."""
    fields = read_fields(call.body, {"username": "text", "password": "text"}, required=("username", "password"))
    result = accounts.login(
        session=call.session, username=fields["username"], password=fields["password"], client=call.client
    )
    if result.error or result.user is None:
        # Returned, not raised: the failed attempt must be committed for the rate limit to count it.
        message = result.error or "Wrong username or password."
        if result.reason == "limited":
            retry = str(get_settings().login_window_minutes * 60)
            return error_response(429, message, headers={"Retry-After": retry})
        return error_response(403 if result.reason == "deactivated" else 401, message)
    # A login lasts session_days from its last use (accounts.user_for_token slides it).
    expires_at = utcnow() + timedelta(days=get_settings().session_days)
    return {"token": result.token, "expires_at": expires_at, "user": me_view(call.session, result.user)}


@endpoint(auth="none", body=True, status=202)
def request_password_reset(call: Call) -> dict:
    """Forgot your password: a link goes by mail if an account matches; the answer is the same either way."""
    fields = read_fields(call.body, {"who": "text"}, required=("who",))
    message = accounts.request_password_reset(session=call.session, who=fields["who"], client=call.client)
    if message is not None:
        call.mails.append(message)
        # Not sent (503): the link is forgotten, and counts against no limit.
        call.unless_mailed.append(message.not_sent)
    return {"message": accounts.RESET_SENT}


@endpoint(auth="none", body=True)
def reset_password(call: Call) -> dict:
    """Set a new password with the token from a reset link; every other login ends; answers as POST /tokens."""
    fields = read_fields(call.body, {"token": "text", "password": "text"}, required=("token", "password"))
    user = accounts.reset_password(session=call.session, token=fields["token"], password=fields["password"])
    expires_at = utcnow() + timedelta(days=get_settings().session_days)
    token = accounts.create_session(session=call.session, user=user)
    return {"token": token, "expires_at": expires_at, "user": me_view(call.session, user)}


@endpoint(auth="required")
def delete_current_token(call: Call) -> None:
    """Log out: the token of this request stops working."""
    accounts.logout(session=call.session, token=call.token)


@endpoint(auth="required")
def read_me(call: Call) -> Me:
    return me_view(call.session, call.require_user())


PROFILE_FIELDS = {
    "display_name": "text",
    "bio": "text",
    "avatar_url": "text",
    "default_visibility": "text",
    "discoverable": "bool",
    "preferred_kinds": "texts",
    "email_digest": "bool",
    "time_zone": "text",
}


@endpoint(auth="required", body=True)
def update_me(call: Call) -> Me:
    """Edit your profile as Settings does: only the fields sent change."""
    fields = read_fields(call.body, PROFILE_FIELDS)
    user = call.require_user()
    picture = user.avatar_url
    try:
        accounts.update_profile(
            session=call.session,
            user=user,
            display_name=fields.get("display_name", user.display_name or user.username),
            bio=fields.get("bio", user.bio),
            avatar_url=fields.get("avatar_url", user.avatar_url),
            default_visibility=fields.get("default_visibility", user.default_visibility),
            discoverable=fields.get("discoverable", user.discoverable),
            preferred_kinds=fields.get("preferred_kinds"),
            email_digest=fields.get("email_digest"),
            time_zone=fields.get("time_zone"),
        )
    except ValidationError as exc:
        # The kinds' message belongs to the field the API calls preferred_kinds.
        errors = {("preferred_kinds" if name == "kinds" else name): text for name, text in exc.errors.items()}
        raise ValidationError(errors) from None
    if user.avatar_url != picture:
        call.after_commit.append(lambda: avatars.discard(picture, user_id=user.id))
    return me_view(call.session, user)


@endpoint(auth="required", file_limit=avatars.MAX_UPLOAD_BYTES)
def upload_avatar(call: Call) -> Me:
    """Your profile picture: the body is the image itself (JPEG, PNG, WebP or GIF, up to 8 MB),
    redrawn as the Settings page does."""
    user = call.require_user()
    previous = avatars.set_avatar(session=call.session, user=user, data=call.raw)
    call.after_commit.append(lambda: avatars.discard(previous, user_id=user.id))
    return me_view(call.session, user)


@endpoint(auth="required")
def remove_avatar(call: Call) -> Me:
    """Back to initials."""
    user = call.require_user()
    previous = avatars.remove_avatar(session=call.session, user=user)
    call.after_commit.append(lambda: avatars.discard(previous, user_id=user.id))
    return me_view(call.session, user)


@endpoint(auth="required", body=True, status=202)
def change_email(call: Call) -> dict | Response:
    """Ask to change your email (your password confirms it): a link goes to the new address, and
    the email changes when it is confirmed (POST /email-changes/confirm); the old one is told then."""
    fields = read_fields(call.body, {"email": "text", "password": "text"}, required=("email", "password"))
    user = call.require_user()
    try:
        message = accounts.request_email_change(
            session=call.session, user=user, password=fields["password"], email=fields["email"]
        )
    except ValidationError as exc:
        # Returned, not raised: a wrong password's failure must be committed for the rate limit.
        return error_response(400, exc.message, exc.errors)
    call.mails.append(message)
    # A link that never went out leaves no change waiting for it (as the Settings page does).
    call.unless_mailed.append(message.not_sent)
    pending = accounts.pending_email(session=call.session, user=user)
    return {
        "message": f"We sent a link to {pending.email}. Open it to make that your email.",
        "pending_email": pending.email,
        "expires_at": pending.expires_at,
    }


@endpoint(auth="required")
def cancel_email_change(call: Call) -> None:
    """Forget your pending new email: its link stops working."""
    accounts.cancel_email_change(session=call.session, user=call.require_user())


@endpoint(auth="none", body=True)
def confirm_email_change(call: Call) -> dict:
    """Confirm a new email with the token from the link mailed to it (no login needed)."""
    fields = read_fields(call.body, {"token": "text"}, required=("token",))
    user, notice = accounts.confirm_email_change(session=call.session, token=fields["token"])
    # The change stands even if the old address cannot be told.
    call.notices.append(notice)
    return {"username": user.username, "email": user.email}


@endpoint(auth="required", status=202)
def resend_confirmation(call: Call) -> dict:
    """Mail the link that confirms your email again (at most one per two minutes: 429)."""
    message = accounts.resend_confirmation(session=call.session, user=call.require_user())
    call.mails.append(message)
    # Not sent (503): it does not count against the two minutes between links.
    call.unless_mailed.append(message.not_sent)
    return {"message": f"We sent a new link to {message.to}.", "email": message.to}


@endpoint(auth="none", body=True)
def confirm_email(call: Call) -> dict:
    """Confirm the account's email with the token from the link mailed at sign-up (no login needed)."""
    fields = read_fields(call.body, {"token": "text"}, required=("token",))
    user = accounts.confirm_email(session=call.session, token=fields["token"])
    return {"username": user.username, "email": user.email}


@endpoint(auth="none")
def unsubscribe(call: Call) -> None:
    """Turn the notification digest off: the one-click link of the digest's List-Unsubscribe
    header (RFC 8058: mail programs POST to it), token in the query."""
    digests.unsubscribe(session=call.session, token=call.query("token"))


routes = [
    Route("/tokens", create_token, methods=["POST"]),
    Route("/tokens/current", delete_current_token, methods=["DELETE"]),
    Route("/me", read_me, methods=["GET"]),
    Route("/me", update_me, methods=["PATCH"]),
    Route("/me/avatar", upload_avatar, methods=["PUT"]),
    Route("/me/avatar", remove_avatar, methods=["DELETE"]),
    Route("/me/email", change_email, methods=["PUT"]),
    Route("/me/email/pending", cancel_email_change, methods=["DELETE"]),
    Route("/me/email/confirmation", resend_confirmation, methods=["POST"]),
    Route("/email-changes/confirm", confirm_email_change, methods=["POST"]),
    Route("/email-confirmations/confirm", confirm_email, methods=["POST"]),
    Route("/password-resets", request_password_reset, methods=["POST"]),
    Route("/unsubscribe", unsubscribe, methods=["POST"]),
    Route("/password-resets/confirm", reset_password, methods=["POST"]),
]
