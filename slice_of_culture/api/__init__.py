"""The REST API, /api/v1: JSON for mobile apps, scripts and integrations.

A Starlette application mounted in front of Reflex's own backend routes
(`rx.App(api_transformer=backend_app())`). It is thin: every handler resolves the caller from
its token, calls the same services the pages call, and translates their results and errors
(`base.py`); permission, visibility and validation rules live only in `services/`.

Auth: `POST /tokens` with a username (or email) and password gives a token; send it as
`Authorization: Bearer <token>`. It is checked on the server on every request, like the
browser's session cookie (same table, same expiry, sliding with use). Endpoints marked [auth]
answer 401 without a valid token; the others work logged out too, but a token that is sent and
is not valid is always a 401.

One request, one transaction. Errors are `{"error": "...", "fields": {"field": "..."}}` with
400 (bad input, a message per field), 401, 403 (also a deactivated account logging in), 404,
405, 413 (JSON bodies over 64 KB, pictures over 8 MB, import files over 50 MB), 429 (too many
failed logins, or writing too fast: forum messages, comments, imports; Retry-After), 500 (no
details) or 503 (a mail could not be sent).
Times are ISO 8601 strings; text comes back exactly as stored (HTML is text).

    POST   /tokens                       log in: {"username", "password"} -> 201 {"token", "expires_at", "user"}
    DELETE /tokens/current               [auth] log out this token -> 204
    GET    /me                           [auth] the signed-in person, with their unread notification count and
                                         whether their email is confirmed ("email_confirmed")
    PATCH  /me                           [auth] edit your profile: any of {"display_name", "bio", "avatar_url",
                                         "default_visibility", "discoverable" (true/false), "preferred_kinds"
                                         (["movie", "book", "music"]), "email_digest" (true/false), "time_zone"
                                         (an IANA name, "Europe/Lisbon": the digest comes in its morning)} ->
                                         /me; only the fields sent change
    PUT    /me/avatar                    [auth] your picture: the body is the image (JPEG, PNG, WebP or GIF, at
                                         most 8 MB; 413 over), redrawn as a 256 px WebP -> /me
    DELETE /me/avatar                    [auth] back to initials -> /me
    PUT    /me/email                     [auth] {"email", "password"} change your email -> 202 {"message",
                                         "pending_email", "expires_at"}: a link goes to the new address
    DELETE /me/email/pending             [auth] forget the pending new email (its link stops working) -> 204
    POST   /me/email/confirmation        [auth] mail the link that confirms your email again -> 202 {"message",
                                         "email"}; 429 (Retry-After) within two minutes of the last, 400 when
                                         it is confirmed already ("email_confirmed" in GET /me)
    POST   /email-changes/confirm        {"token" from the link} -> {"username", "email"}: the email changes
                                         now and the old address is told
    POST   /email-confirmations/confirm  {"token" from the link mailed at sign-up} -> {"username", "email"}: the
                                         address is confirmed (again: no change); 400 for a link that is not
                                         valid (forged, another address) or expired (7 days)
    POST   /unsubscribe?token=           turn the notification digest off (the digest's one-click
                                         List-Unsubscribe link; no login) -> 204
    POST   /password-resets              forgot your password: {"who": username or email} -> 202 {"message"}, the
                                         same whether or not an account matches (a link goes by mail if one does)
    POST   /password-resets/confirm      {"token" from the mailed link, "password"} -> as POST /tokens; every
                                         other login of the account ends
    GET    /feed?tab=&cursor=&limit=     postcards, newest first; tab=following [auth] (default with a token)
                                         or everyone; {"postcards", "next_cursor"} ("" = no more)
    GET    /users/{username}             profile header (counts as the caller may see them)
    GET    /users/{username}/entries?cursor=&limit=&kind=&status=   a profile's postcards with their
                                         comments (kind and status: one shelf, e.g. books they want)
    PUT    /users/{username}/follow      [auth] follow (as yourself) -> the profile header
    DELETE /users/{username}/follow      [auth] unfollow -> the profile header
    PUT    /users/{username}/block       [auth] block (as yourself) -> the profile header
    DELETE /users/{username}/block       [auth] unblock -> the profile header
    GET    /blocks                       [auth] the people you blocked -> {"blocked": [...]}
    GET    /people?q=&limit=             people by username or display name
    GET    /items/search?q=&kind=&limit= catalog search (kind: movie, book, music)
    GET    /items/{id}                   item page: ratings, reviews, people you follow who logged it
    POST   /entries                      [auth] log an item: {"item_id", "status", "rating", "consumed_on",
                                         "review", "visibility"} -> 201 the entry
    PATCH  /entries/{id}                 [auth] change some fields of your own entry -> the entry
    DELETE /entries/{id}                 [auth] delete your own entry -> 204
    PUT    /entries/{id}/like            [auth] like a postcard you can see
    DELETE /entries/{id}/like            [auth] take the like back
    POST   /entries/{id}/comments        [auth] {"text"} -> 201 the comment
    PATCH  /comments/{id}                [auth] {"text"} edit your comment -> the comment
    DELETE /comments/{id}                [auth] delete your comment, or one on your entry -> 204
    GET    /notifications?cursor=        [auth] notifications, newest first, likes / comments on one postcard
                                         and new followers grouped by day ("actor_name": "Ana, Bo and 3
                                         others", "actor_count"); {"unread", "notifications",
                                         "next_cursor"} (marks nothing)
    POST   /notifications/read           [auth] mark all read -> {"marked"}
    POST   /reports                      [auth] {"target": "entry:12" | "comment:3" | "message:7" | "list:4" |
                                         "user:5", "reason"} report it to the admins -> 201 {"reported"}
    GET    /users/{username}/lists       a person's lists the caller may see, most recently changed first ->
                                         {"lists": [{"list_id", "title", "visibility", "item_count"}]}
    POST   /lists                        [auth] {"title", "description", "visibility", "ranked" (true/false)}
                                         -> 201 the list, with its items in order
    GET    /lists/{id}                   a list and its items in order (404 for a list you may not see)
    PATCH  /lists/{id}                   [auth] change some of {"title", "description", "visibility", "ranked"}
                                         of your own list -> the list
    DELETE /lists/{id}                   [auth] delete your own list -> 204
    PUT    /lists/{id}/items/{item_id}   [auth] {"note", "position"} (each optional; the body is JSON, {} for
                                         neither): add the item at the end, or change its note; then move it
                                         to position (0 = first) -> the list
    DELETE /lists/{id}/items/{item_id}   [auth] take an item off your list (those after it move up) -> 204
    GET    /recommendations?kind=        For you, explained (kind: movie, book, music, all; none = your kinds)
    GET    /me/dismissed-items?cursor=&limit=   [auth] what you said "Not interested" to, most recently
                                         first, 20 a page (limit up to 100) -> {"items": [{"item_id", "kind",
                                         "title", "creator", "year", "dismissed_at"}], "total", "next_cursor"}
    PUT    /me/dismissed-items/{item_id} [auth] never recommend this item to you again (again: no change) -> 204;
                                         404 for an unknown item; at most 5,000 hidden (then 400)
    DELETE /me/dismissed-items/{item_id} [auth] recommend it again (not hidden: no change) -> 204
    GET    /forums                       the forum rooms (read-only; the live rooms are on the website)
    POST   /imports?file_name=&visibility=&dry_run=   [auth] import an export file, as the Import page
                                         does: the body is the file as saved (a Goodreads library, a
                                         Letterboxd file or zip, a ListenBrainz or Spotify history, our
                                         CSV or lists CSV); file_name tells which; visibility of what it
                                         adds (default: yours) -> 201 {"format", "summary", "entries",
                                         "lists", "imported", "new_items", "already_logged",
                                         "lists_imported", "list_items_imported", "lists_added_to",
                                         "items_added_to_lists", "lists_unchanged", "problems" (the first
                                         100), "problem_count"}; lines already logged are skipped, so a
                                         second import adds nothing; dry_run=true: what the file holds,
                                         nothing changes (200); 10 imports a day (429)
    GET    /me/export/entries.csv        [auth] every entry of yours as CSV (imports back as it was)
    GET    /me/export/lists.csv          [auth] every list of yours, private ones too, as CSV (imports back)

Entry fields: `status` want | in_progress | finished | dropped; `rating` half stars 1-10 or
null; `consumed_on` "YYYY-MM-DD" or null; `review` up to 5,000 characters; `visibility` public |
followers | private (default: your default visibility).

List fields: `title` up to 100 characters; `description` up to 2,000; `visibility` public |
followers | private (default public); `ranked` true for a numbered list; an item's `note` up to
500 characters. A list holds at most 500 items, a person at most 200 lists.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount

from slice_of_culture.api import (
    accounts,
    catalog,
    dismissals,
    entries,
    feed,
    forums,
    imports,
    lists,
    notifications,
    people,
    reports,
)
from slice_of_culture.api.base import API_PREFIX, error_response, log

__all__ = ["API_PREFIX", "backend_app", "create_api"]


async def _http_error(request: Request, exc: HTTPException) -> Response:
    """Unknown paths and wrong methods, as JSON like every other error."""
    where = f"{request.method} {request.url.path}"
    if exc.status_code == 404:
        message = f"There is no {where} in this API (the endpoints are listed in slice_of_culture/api/__init__.py)."
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}."
    else:
        message = str(exc.detail)
    return error_response(exc.status_code, message, headers=exc.headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    """The last resort: handlers catch their own failures; whatever escapes still answers JSON, without details."""
    log.error("API %s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(500, "Something went wrong on our side. Try again later.")


def create_api(engine: Engine | None = None) -> Starlette:
    """The /api/v1 application (paths relative to the prefix). `engine`: the database (None:
    the configured one, as `session_scope()` uses); tests pass their own."""
    api = Starlette(
        routes=[
            *accounts.routes,
            *feed.routes,
            *people.routes,
            *catalog.routes,
            *dismissals.routes,
            *entries.routes,
            *lists.routes,
            *notifications.routes,
            *forums.routes,
            *reports.routes,
            *imports.routes,
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    api.state.engine = engine
    return api


def backend_app(engine: Engine | None = None) -> Starlette:
    """For `rx.App(api_transformer=...)`: the API mounted at /api/v1; Reflex mounts its own
    backend (pages, websocket, /ping) behind it, so every other path is unchanged."""
    return Starlette(routes=[Mount(API_PREFIX, app=create_api(engine))])
