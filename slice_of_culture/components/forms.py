"""Form fields with real labels and the error shown next to them."""

from __future__ import annotations

import reflex as rx


def field(
    label: str,
    name: str,
    *,
    error: rx.Var | str = "",
    type: str = "text",
    default_value: rx.Var | str = "",
    autocomplete: str = "off",
    required: bool = True,
    hint: str = "",
    max_length: int | None = None,
) -> rx.Component:
    """A labelled input; the label's `for` points at the input, so screen readers announce it."""
    error_id = f"{name}-error"
    return rx.vstack(
        rx.el.label(label, html_for=name, font_weight="500", font_size="0.9rem"),
        rx.input(
            id=name,
            name=name,
            type=type,
            default_value=default_value,
            auto_complete=autocomplete,
            required=required,
            max_length=max_length,
            aria_describedby=error_id,
            width="100%",
            size="3",
        ),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        rx.cond(
            error != "",
            rx.text(error, id=error_id, color_scheme="red", size="2", role="alert"),
            rx.fragment(),
        ),
        spacing="1",
        width="100%",
        align="start",
    )


def submit_button(label: str) -> rx.Component:
    return rx.button(label, type="submit", size="3", width="100%")


def form_error(message: rx.Var) -> rx.Component:
    """A message about the whole form (not one field)."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
        rx.fragment(),
    )
