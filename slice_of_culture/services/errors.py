"""Errors services raise; the UI shows their messages as they are."""

from __future__ import annotations


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
    is room again."""

    def __init__(self, *, field: str, doing: str, retry_after: int) -> None:
        noun = "second" if retry_after == 1 else "seconds"
        super().__init__({field: f"You are {doing} too fast. Wait {retry_after} {noun}, then try again."})
        self.retry_after = retry_after
