"""A profile's shelves in the browser: one kind and status of someone's entries, and a link to them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from slice_of_culture.db import make_engine
from slice_of_culture.models import utcnow
from tests.utils.factories import make_entry, make_item, make_user

pytestmark = pytest.mark.browser


def _plant(database_url: str, name: str) -> None:
    """A reader who wants a book, finished another and wants a film, and keeps one wish private."""
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            reader = make_user(session, name)
            now = utcnow()
            for hours, (title, kind, status, visibility) in enumerate(
                [
                    (f"Shelfwant Tome {name}", "book", "want", "public"),
                    (f"Shelfdone Tome {name}", "book", "finished", "public"),
                    (f"Shelfwant Reel {name}", "movie", "want", "public"),
                    (f"Shelfhidden Tome {name}", "book", "want", "private"),
                ]
            ):
                item = make_item(session, title, kind=kind)
                make_entry(
                    session, reader, item, status=status, visibility=visibility, created_at=now - timedelta(hours=hours)
                )
            session.commit()
    finally:
        engine.dispose()


def test_a_profile_shelf_shows_one_kind_and_status(new_page, app) -> None:
    name = f"shelf_{uuid.uuid4().hex[:6]}"
    _plant(app.database_url, name)
    page = new_page(f"/u/{name}?kind=book&status=want")  # a link to their reading wishlist
    cards = page.locator(".postcard")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(f"Shelfwant Tome {name}")
    expect(page.get_by_label("Kind")).to_have_value("book")
    expect(page.get_by_label("Status")).to_have_value("want")

    page.get_by_label("Kind").select_option("movie")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(f"Shelfwant Reel {name}")
    page.get_by_label("Status").select_option("finished")
    expect(page.get_by_text("Nothing on this shelf")).to_be_visible()
    expect(cards).to_have_count(0)
    page.get_by_label("Kind").select_option("")
    page.get_by_label("Status").select_option("")
    # Everything they share: three postcards, never the private wish.
    expect(cards).to_have_count(3)
    expect(page.get_by_text(f"Shelfhidden Tome {name}")).to_have_count(0)
