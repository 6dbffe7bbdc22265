"""Form fields with real labels and the error shown next to them."""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx

from slice_of_culture.services import display


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


def search_bar(
    label: str,
    id: str,
    *,
    value: rx.Var,
    on_change,  # noqa: ANN001
    placeholder: str,
    max_length: int,
    select: rx.Component,
) -> rx.Component:
    """A labelled search box that searches as you type (`on_change` a quarter second after the
    last key), with a select beside it (what to search).

    The box takes keys only once the page holds this tab's state (`is_hydrated`, set after the
    page's on_load): keys typed into the prerendered page would otherwise be overwritten by, or
    run together with, the query the tab had before."""
    return rx.hstack(
        rx.vstack(
            rx.el.label(label, html_for=id, font_weight="500", font_size="0.9rem"),
            rx.input(
                id=id,
                type="search",
                placeholder=placeholder,
                value=value,
                on_change=on_change.debounce(250),
                auto_focus=True,
                read_only=~rx.State.is_hydrated,
                width="100%",
                size="3",
                max_length=max_length,
            ),
            spacing="1",
            flex="1",
        ),
        rx.box(select),
        width="100%",
        align="end",
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


# Options shared by every form that asks for them.
KIND_OPTIONS = [("movie", "Movie"), ("book", "Book"), ("music", "Music")]
KIND_PLURALS = list(display.KIND_PLURALS.items())
VISIBILITY_OPTIONS = [("public", "Public"), ("followers", "Followers"), ("private", "Private")]
STATUS_OPTIONS = [("finished", "Finished"), ("in_progress", "In progress"), ("want", "Want to"), ("dropped", "Dropped")]
_SELECT_STYLE = {"padding": "0.45rem", "border_radius": "6px", "border": "1px solid var(--gray-a7)"}


def select_field(
    label: str,
    id: str,
    options: list[tuple[str, str]],
    *,
    value: rx.Var | None = None,
    on_change=None,  # noqa: ANN001
    name: str | None = None,
    default_value: str | None = None,
    error: rx.Var | str = "",
    inline: bool = False,
    groups: Sequence[tuple[str, Sequence[tuple[str, str]]]] = (),
) -> rx.Component:
    """A native select with a real label: controlled (value + on_change) or a plain form field (name).
    `groups` follow `options` as labelled option groups ((label, ((value, text), ...)), ...).

    A controlled select is named after its id too: Reflex 0.11 submits only named controls, and
    an unnamed control inside a form is deprecated. Its value is still read from state.
    """
    props = {"value": value, "on_change": on_change} if value is not None else {"default_value": default_value}
    select = rx.el.select(
        *[rx.el.option(text, value=v) for v, text in options],
        *[rx.el.optgroup(*[rx.el.option(text, value=v) for v, text in group], label=label) for label, group in groups],
        id=id,
        name=name or id,
        style=_SELECT_STYLE | ({} if inline else {"width": "100%"}),
        **props,
    )
    caption = rx.el.label(label, html_for=id, font_weight="500", font_size="0.9rem")
    if inline:
        return rx.hstack(caption, select, align="center")
    return rx.vstack(
        caption,
        select,
        rx.cond(error != "", rx.text(error, id=f"{id}-error", color_scheme="red", size="2", role="alert")),
        spacing="1",
        width="100%",
    )


def kind_checkboxes(legend: str, id_prefix: str, chosen: rx.Var, on_toggle) -> rx.Component:  # noqa: ANN001
    """One native checkbox per kind, each with its own label; `on_toggle(kind, checked)` on change."""

    def _box(kind: str, text: str) -> rx.Component:
        box_id = f"{id_prefix}-{kind}"
        return rx.hstack(
            rx.el.input(
                type="checkbox",
                id=box_id,
                # Named for Reflex 0.11's form data (see select_field); the choice lives in state.
                name=box_id,
                value=kind,
                checked=chosen.contains(kind),
                on_change=lambda checked: on_toggle(kind, checked),
                style={"width": "1.1rem", "height": "1.1rem", "margin": "0", "accent_color": "var(--accent-9)"},
            ),
            rx.el.label(text, html_for=box_id),
            spacing="2",
            align="center",
        )

    return rx.el.fieldset(
        rx.el.legend(legend, font_weight="500", font_size="0.9rem", margin_bottom="0.4rem"),
        rx.hstack(*[_box(kind, text) for kind, text in KIND_PLURALS], spacing="5", wrap="wrap"),
        style={"border": "none", "padding": "0", "margin": "0"},
    )
