"""Adding items to the catalog, on SQLite and PostgreSQL: form input, validation, duplicates."""

from __future__ import annotations

import pytest
from sqlmodel import select

from slice_of_culture.models import Item
from slice_of_culture.services import catalog
from slice_of_culture.services.catalog import DuplicateItem
from slice_of_culture.services.errors import ValidationError


def test_form_input_is_accepted_as_typed(session) -> None:
    item = catalog.create_item(
        session=session,
        kind="book",
        title=" Piranesi ",
        creator="Susanna Clarke",
        year=" 2020 ",
        genres="Fantasy, mystery,,",
    )
    assert (item.title, item.year, item.genres) == ("Piranesi", 2020, ["fantasy", "mystery"])


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "podcast"}, "kind"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"year": "nineteen"}, "year"),
        ({"year": "999"}, "year"),
        ({"year": True}, "year"),
        ({"genres": ["g" * 41]}, "genres"),
    ],
)
def test_bad_items_are_refused_per_field_and_add_nothing(session, fields, field) -> None:
    data = {"kind": "movie", "title": "Solaris", "creator": "Andrei Tarkovsky", "year": 1972} | fields
    with pytest.raises(ValidationError) as exc:
        catalog.create_item(session=session, **data)
    assert exc.value.errors.get(field)
    assert session.exec(select(Item)).all() == []


def test_a_duplicate_offers_the_existing_item(session) -> None:
    first = catalog.create_item(session=session, kind="movie", title="The Matrix", creator="Wachowskis", year=1999)
    # Case, accents, punctuation and a leading article do not make a new item.
    with pytest.raises(DuplicateItem) as exc:
        catalog.create_item(session=session, kind="movie", title="matrix!", creator="WACHOWSKIS", year="1999")
    assert exc.value.existing.id == first.id
    # Another kind or year is another item.
    catalog.create_item(session=session, kind="book", title="The Matrix", creator="Wachowskis", year=1999)
    catalog.create_item(session=session, kind="movie", title="The Matrix", creator="Wachowskis", year=2021)
    assert len(session.exec(select(Item)).all()) == 3
