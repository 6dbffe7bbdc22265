"""The "New list" form, on the item page's "Add to list" dialog and on your profile's Lists tab."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components.forms import VISIBILITY_OPTIONS, form_error
from slice_of_culture.services.lists import MAX_TITLE


def new_list_form(*, on_submit, error: rx.Var, button: str, key: rx.Var | str = "") -> rx.Component:  # noqa: ANN001
    """A title and who may see it; submits `list_title` and `list_visibility`."""
    return rx.form(
        rx.vstack(
            rx.el.label("New list title", html_for="list_title", font_weight="500", font_size="0.9rem"),
            rx.hstack(
                rx.input(id="list_title", name="list_title", max_length=MAX_TITLE, flex="1 1 12rem"),
                rx.el.select(
                    *[rx.el.option(text, value=value) for value, text in VISIBILITY_OPTIONS],
                    name="list_visibility",
                    aria_label="Who can see the new list",
                    default_value="public",
                ),
                rx.button(button, type="submit"),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            form_error(error),
            spacing="1",
            width="100%",
        ),
        on_submit=on_submit,
        no_validate=True,
        key=key,
        width="100%",
    )
