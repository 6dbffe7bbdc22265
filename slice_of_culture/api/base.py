"""The request cycle every API endpoint shares.

A handler is a plain function `handler(call: Call) -> result`. `endpoint(...)` turns it into a
Starlette endpoint that, on the event loop, reads the bearer token and the body (capped JSON),
then runs the handler in the thread pool inside one `session_scope()`: the caller is resolved
from the token in that transaction, everything the handler does commits together, and any error
rolls it all back. Database work never blocks the event loop.

Services own every rule; this module only translates: their errors become JSON with a status
(ValidationError 400 with its per-field messages, RateLimited 429 with Retry-After, NotFound 404,
PermissionDenied 403), their dataclasses become JSON (`to_json`). What is checked here is the
wire format only: the body is a JSON object of the right types, nothing is too big to read, no
text holds NUL characters.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from slice_of_culture import mail, routes
from slice_of_culture.config import get_settings
from slice_of_culture.db import session_scope
from slice_of_culture.mail import Mail
from slice_of_culture.models import User
from slice_of_culture.services import accounts, postcards
from slice_of_culture.services.errors import NotFound, PermissionDenied, RateLimited, ServiceError, ValidationError

log = logging.getLogger(__name__)

API_PREFIX = routes.API_PREFIX
# Request bodies larger than this are refused unread (the largest real one, an entry with a
# 5,000-character review, is well under 32 KB even with every character escaped).
MAX_BODY = 64 * 1024
GET_TOKEN = f"POST {API_PREFIX}/tokens"
# Query numbers (limits): services clamp them, so nine digits is plenty.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")

Auth = Literal["none", "optional", "required"]


class ApiError(Exception):
    """A refusal the API itself makes (wire format, missing login): status, message, per-field messages."""

    def __init__(
        self,
        status: int,
        message: str,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})


class ApiResponse(JSONResponse):
    """JSON, never sniffed as HTML by a browser and never cached (it may be someone's private data)."""

    def __init__(self, content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(
            content,
            status_code=status_code,
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", **(headers or {})},
        )


def error_response(
    status: int, message: str, fields: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
) -> Response:
    """The one error shape: `{"error": message, "fields": {field: message}}`."""
    return ApiResponse({"error": message, "fields": dict(fields or {})}, status_code=status, headers=headers)


def to_json(value: Any) -> Any:
    """Service results as JSON values: dataclasses as dicts (`dataclasses.asdict`), dates and
    times as ISO 8601 strings, tuples and sets as lists. Text is left exactly as it is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _bad_text(value: str) -> bool:
    # NUL is refused by PostgreSQL in text, lone surrogates by every database driver.
    return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)


def _check_text(value: Any, where: str) -> None:
    if isinstance(value, str):
        if _bad_text(value):
            raise ApiError(400, "Text cannot contain NUL characters or unpaired surrogates.", {where: "Invalid text."})
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, where)
            _check_text(item, key if where == "body" else where)
    elif isinstance(value, list):
        for item in value:
            _check_text(item, where)


@dataclasses.dataclass
class Call:
    """One API request inside its transaction: the session, the caller (None = logged out, and
    only on endpoints that allow it), the token they sent, and the JSON body."""

    request: Request
    session: Session
    user: User | None
    token: str | None
    body: dict[str, Any]
    # Mail to send once the transaction has committed (a link in it must already work): `mails`
    # are the point of the request (not sent: 503), `notices` are courtesy (not sent: logged).
    mails: list[Mail] = dataclasses.field(default_factory=list)
    notices: list[Mail] = dataclasses.field(default_factory=list)
    # Work that must wait for the commit (e.g. deleting a replaced picture's file); failures are logged.
    after_commit: list[Callable[[], None]] = dataclasses.field(default_factory=list)
    # What to undo, in a transaction of its own, when one of `mails` could not be sent (e.g. a
    # pending email change whose link never went out); failures are logged.
    unless_mailed: list[Callable[[Session], None]] = dataclasses.field(default_factory=list)
    # The raw body of endpoints that take a file (`endpoint(body="file")`).
    raw: bytes = b""

    @property
    def client(self) -> str:
        """The caller's address, for rate limits: the peer's, or behind TRUSTED_PROXY_HOPS proxies
        the one they saw (counted from the right of X-Forwarded-For, as Reflex does for pages)."""
        address = self.request.client.host if self.request.client else "unknown"
        hops = get_settings().trusted_proxy_hops
        forwarded = [ip.strip() for ip in self.request.headers.get("x-forwarded-for", "").split(",") if ip.strip()]
        if hops and len(forwarded) >= hops:
            address = forwarded[-hops]
        return address

    @property
    def viewer_id(self) -> int | None:
        return self.user.id if self.user else None

    def require_user(self) -> User:
        """The caller; 401 when the request carries no token."""
        if self.user is None:
            raise ApiError(
                401,
                f"Log in first: send 'Authorization: Bearer <token>' (get a token with {GET_TOKEN}).",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return self.user

    def path(self, name: str) -> Any:
        return self.request.path_params[name]

    def path_id(self, name: str) -> int:
        # Any int: the services answer "not found" for ids no row can have (models.is_row_id).
        return self.request.path_params[name]

    def query(self, name: str, default: str = "") -> str:
        value = self.request.query_params.get(name, default)
        _check_text(value, name)
        return value

    def cursor(self) -> str:
        """The `cursor` parameter: "" for the first page, else a `next_cursor` this API gave. Anything
        else is a 400: the service would start again from the top, and a client could loop forever."""
        cursor = self.query("cursor")
        if cursor:
            if postcards.decode_cursor(cursor) is None:
                message = "Not a cursor from this API: pass the next_cursor of the previous page."
                raise ApiError(400, message, {"cursor": message})
        return cursor

    def query_int(self, name: str, default: int) -> int:
        raw = self.query(name, "").strip()
        if not raw:
            return default
        if not _WHOLE_NUMBER.fullmatch(raw):
            raise ApiError(400, f"{name} must be a whole number.", {name: "Must be a whole number."})
        return int(raw)


# Field types a JSON body may declare (see `read_fields`).
_FIELD_TYPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "text": (lambda v: isinstance(v, str), "Must be text."),
    "text?": (lambda v: v is None or isinstance(v, str), "Must be text or null."),
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "Must be a whole number."),
    "bool": (lambda v: isinstance(v, bool), "Must be true or false."),
    "texts": (lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v), "Must be a list of text."),
    "int?": (
        lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool)),
        "Must be a whole number or null.",
    ),
}


def read_fields(body: Mapping[str, Any], spec: Mapping[str, str], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The body's fields, checked against `spec` (name -> "text", "text?", "int", "int?", "bool"
    or "texts", a list of text):
    unknown, missing and wrongly typed fields are a 400 with a message per field. Values are
    returned as sent; what they mean is for the service to judge."""
    errors: dict[str, str] = {}
    for name in body:
        if name not in spec:
            errors[name] = "Unknown field."
    for name in required:
        if name not in body:
            errors[name] = "Required."
    for name, kind in spec.items():
        check, message = _FIELD_TYPES[kind]
        if name in body and not check(body[name]):
            errors[name] = message
    if errors:
        raise ApiError(400, "; ".join(f"{name}: {message}" for name, message in errors.items()), errors)
    return dict(body)


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401, "Send the token as 'Authorization: Bearer <token>'.", headers={"WWW-Authenticate": "Bearer"}
        )
    return token.strip()


async def _read_body(request: Request, limit: int, too_big: str) -> bytes:
    """The body, refused unread (413) when it says or turns out to be over `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, too_big)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, too_big)
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_json(request: Request) -> dict[str, Any]:
    raw = await _read_body(request, MAX_BODY, f"The request body is too large (at most {MAX_BODY // 1024} KB).")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError(400, "The body must be a JSON object (UTF-8).") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object.")
    _check_text(data, "body")
    return data


def _undo(call: Call, request: Request, engine: Engine | None) -> None:
    """Run `call.unless_mailed` after its mail failed: what waited for the mail is not left behind."""
    for undo in call.unless_mailed:
        try:
            with session_scope(engine) as session:
                undo(session)
        except Exception:
            log.exception("API %s %s: undoing after a mail not sent failed", request.method, request.url.path)


def _run(
    handler: Callable[[Call], Any],
    request: Request,
    body: dict[str, Any],
    raw: bytes,
    token: str | None,
    auth: Auth,
    status: int,
    engine: Engine | None,
) -> Response:
    """In the thread pool: one transaction around resolving the caller and the handler."""
    try:
        with session_scope(engine) as session:
            user = None
            if token is not None:
                user = accounts.user_for_token(session=session, token=token)
                if user is None:
                    raise ApiError(
                        401,
                        f"This token is unknown, expired or logged out; get a new one with {GET_TOKEN}.",
                        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                    )
            call = Call(request=request, session=session, user=user, token=token, body=body, raw=raw)
            if auth == "required":
                call.require_user()
            result = handler(call)
            if not isinstance(result, Response) and result is not None:
                result = to_json(result)
        try:
            for message in call.mails:
                mail.send(message)
        except mail.MailNotSent:
            _undo(call, request, engine)
            raise
        for notice in call.notices:
            try:
                mail.send(notice)
            except mail.MailNotSent:
                log.exception("API %s %s: a notice was not mailed", request.method, request.url.path)
        for work in call.after_commit:
            try:
                work()
            except Exception:
                log.exception("API %s %s: work after the commit failed", request.method, request.url.path)
    except mail.MailNotSent:
        log.exception("API %s %s: mail not sent", request.method, request.url.path)
        return error_response(503, mail.NOT_SENT)
    except ApiError as exc:
        return error_response(exc.status, exc.message, exc.fields, exc.headers)
    except RateLimited as exc:
        return error_response(429, exc.message, exc.errors, {"Retry-After": str(exc.retry_after)})
    except ValidationError as exc:
        return error_response(400, exc.message, exc.errors)
    except NotFound as exc:
        return error_response(404, exc.message)
    except PermissionDenied as exc:
        return error_response(403, exc.message)
    except ServiceError as exc:
        return error_response(400, exc.message)
    except Exception:
        log.exception("API %s %s failed", request.method, request.url.path)
        return error_response(500, "Something went wrong on our side; nothing was changed. Try again later.")
    if isinstance(result, Response):
        return result
    if result is None:
        return Response(status_code=204)
    return ApiResponse(result, status_code=status)


def endpoint(
    *, auth: Auth = "optional", status: int = 200, body: bool = False, file_limit: int = 0
) -> Callable[[Callable[[Call], Any]], Callable[[Request], Any]]:
    """Make `handler(call)` a Starlette endpoint.

    `auth`: "required" (401 without a valid token), "optional" (no header = logged out), or
    "none" (the header is not looked at). A header that is present but invalid is always a 401,
    never silently "logged out". `body`: read the request body as a JSON object. `status`: the
    status of a successful result; a handler returning None answers 204 No Content. `file_limit`:
    the body is a file of at most this many bytes, kept as it came in `call.raw` (over: 413).
    """

    def decorate(handler: Callable[[Call], Any]) -> Callable[[Request], Any]:
        @functools.wraps(handler)
        async def run(request: Request) -> Response:
            try:
                token = None if auth == "none" else _bearer_token(request)
                for name, value in request.path_params.items():
                    _check_text(value, name)
                data = await _read_json(request) if body else {}
                raw = b""
                if file_limit:
                    raw = await _read_body(request, file_limit, f"The file is over {file_limit // 2**20} MB.")
            except ApiError as exc:
                return error_response(exc.status, exc.message, exc.fields, exc.headers)
            engine = getattr(request.app.state, "engine", None)
            return await run_in_threadpool(_run, handler, request, data, raw, token, auth, status, engine)

        return run

    return decorate
