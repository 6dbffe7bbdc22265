"""Errors services raise; the UI shows their messages as they are."""

from __future__ import annotations

import math


class ServiceError(Exception):
    """Base class: `message` is safe to show to the person who acted."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(ServiceError):
    """Bad input. `errors` maps a form field to the message shown next to it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NotFound(ServiceError):
    """The thing does not exist, or the caller may not know it exists."""


class PermissionDenied(ServiceError):
    """The caller may see the thing but not do this to it."""


class RateLimited(ValidationError):
    """Too many writes too fast (services/rates.py); `retry_after` says in how many seconds there
    is room again (the message says minutes, rounded up, when it is over two minutes)."""

    def __init__(self, *, field: str, doing: str, retry_after: int) -> None:
        count, unit = (retry_after, "second") if retry_after <= 120 else (math.ceil(retry_after / 60), "minute")
        wait = f"{count} {unit}" + ("" if count == 1 else "s")
        super().__init__({field: f"You are {doing} too fast. Wait {wait}, then try again."})
        self.retry_after = retry_after
