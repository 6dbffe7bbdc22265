"""Factories for test data, built through the services so the rules apply."""

from __future__ import annotations

import itertools
import re
from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session

from slice_of_culture.models import Entry, Item, User
from slice_of_culture.services import accounts, catalog

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_user(session: Session, username: str | None = None, *, confirmed: bool = False, **kwargs) -> User:
    """A new account; `confirmed`: its email confirmed through the link mailed at sign-up."""
    n = next(_counter)
    username = username or f"user{n}"
    user = accounts.create_user(
        session=session,
        username=username,
        email=kwargs.pop("email", f"{username}@example.com"),
        password=kwargs.pop("password", PASSWORD),
        **kwargs,
    )
    if confirmed:
        link_mail = accounts.email_confirmation_mail(session=session, user=user)
        accounts.confirm_email(session=session, token=link_token(link_mail.body))
    return user


def link_token(text: str) -> str:
    """The token of the first link in a mail's text."""
    link = re.search(r"https?://\S+", text).group(0)
    return parse_qs(urlsplit(link).query)["token"][0]


def make_item(session: Session, title: str | None = None, kind: str = "book", **kwargs) -> Item:
    n = next(_counter)
    return catalog.create_item(
        session=session, kind=kind, title=title or f"Item {n}", creator=kwargs.pop("creator", f"Creator {n}"), **kwargs
    )


def make_entry(session: Session, user: User, item: Item, **kwargs) -> Entry:
    entry = Entry(user_id=user.id, item_id=item.id, **kwargs)
    session.add(entry)
    session.flush()
    return entry
