"""The "Log something" dialog: search the catalog (or add to it), then the entry form."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components.a11y import sr_only
from slice_of_culture.components.forms import (
    KIND_OPTIONS,
    KIND_PLURALS,
    STATUS_OPTIONS,
    VISIBILITY_OPTIONS,
    field,
    form_error,
    search_bar,
    select_field,
)
from slice_of_culture.components.postcard import kind_icon
from slice_of_culture.state.log_entry import LogState

_LABEL = {"font_weight": "500", "font_size": "0.9rem"}


def _error(key: str) -> rx.Component:
    message = LogState.errors.get(key, "")
    return rx.cond(message != "", rx.text(message, id=f"{key}-error", color_scheme="red", size="2", role="alert"))


def _result(hit) -> rx.Component:  # noqa: ANN001
    # Named "Choose <title> <creator> · <year>": the action, then the words it shows (WCAG 2.5.3).
    return rx.button(
        sr_only("Choose "),
        kind_icon(hit.kind, size=18),
        rx.vstack(
            rx.text(hit.title, weight="bold", size="2"),
            rx.text(hit.creator, rx.cond(hit.year != "", " · " + hit.year, ""), size="1", color_scheme="gray"),
            spacing="0",
            align="start",
        ),
        on_click=LogState.choose(hit.item_id),
        variant="ghost",
        width="100%",
        justify="start",
        style={
            "height": "auto",
            "padding": "0.5rem",
            "text_align": "left",
            "justify_content": "flex-start",
            "margin": "0",
        },
    )


def _search_step() -> rx.Component:
    return rx.vstack(
        search_bar(
            "Search",
            "catalog-search",
            value=LogState.query,
            on_change=LogState.set_query,
            placeholder="Title or creator",
            max_length=200,
            select=select_field(
                "Kind",
                "catalog-kind",
                [("", "All"), *KIND_PLURALS],
                value=LogState.kind,
                on_change=LogState.set_kind,
            ),
        ),
        # A plain scrolling box: Radix's scroll area collapses when its height is not fixed.
        rx.box(
            rx.vstack(rx.foreach(LogState.results, _result), spacing="1", width="100%"),
            max_height="18rem",
            overflow_y="auto",
            width="100%",
        ),
        rx.cond(
            LogState.searched & (LogState.results.length() == 0),
            rx.text("Nothing in the catalog matches.", color_scheme="gray", size="2", role="status"),
        ),
        rx.button("Not in the catalog? Add it", on_click=LogState.show_add, variant="soft"),
        spacing="3",
        width="100%",
    )


def _add_step() -> rx.Component:
    errors = LogState.add_errors
    return rx.form(
        rx.vstack(
            form_error(errors.get("form", "")),
            select_field(
                "Kind", "new-kind", KIND_OPTIONS, name="kind", default_value="book", error=errors.get("kind", "")
            ),
            field("Title", "title", error=errors.get("title", ""), max_length=300),
            rx.cond(
                LogState.duplicate_id > 0,
                rx.button("Use the one in the catalog", on_click=LogState.use_duplicate, type="button"),
            ),
            field(
                "Creator",
                "creator",
                error=errors.get("creator", ""),
                required=False,
                hint="Director, author or artist.",
                max_length=200,
            ),
            field("Year", "year", error=errors.get("year", ""), required=False, type="number"),
            field(
                "Genres",
                "genres",
                error=errors.get("genres", ""),
                required=False,
                hint="Separated by commas, e.g. science fiction, classic.",
            ),
            rx.hstack(
                rx.button("Back", on_click=LogState.back_to_search, variant="soft", type="button"),
                rx.button("Add to catalog", type="submit"),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=LogState.add_item,
        reset_on_submit=False,
        no_validate=True,
    )


def _half(k: int) -> rx.Component:
    """One half star: a native radio (arrow keys move between them) and its label drawn as half a star."""
    left = k % 2 == 1
    value = k / 2
    words = f"{value:g} star" + ("" if value == 1 else "s")
    # Each radio sits under its own label, so a click on the star is a click on that radio.
    return rx.el.span(
        rx.el.input(
            type="radio",
            name="rating",
            id=f"rating-{k}",
            value=str(k),
            checked=LogState.rating == k,
            on_change=LogState.set_rating,
            # Transparent and on top of its half star: the click lands on the radio itself.
            style={
                "position": "absolute",
                "inset": "0",
                "opacity": "0",
                "margin": "0",
                "cursor": "pointer",
                "z_index": "1",
            },
        ),
        rx.el.label(
            sr_only(words),
            rx.box(
                rx.icon("star", size=28, fill=rx.cond(LogState.rating >= k, "currentColor", "none")),
                margin_left="0" if left else "-14px",
            ),
            html_for=f"rating-{k}",
            style={"width": "14px", "overflow": "hidden", "display": "inline-block", "cursor": "pointer"},
            color="var(--amber-9)",
        ),
        style={"position": "relative", "display": "inline-block"},
    )


def _stars() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend("Rating", style=_LABEL),
        rx.hstack(
            rx.box(
                *[_half(k) for k in range(1, 11)],
                display="flex",
                padding="2px",
                border_radius="6px",
                _focus_within={"outline": "2px solid var(--accent-8)"},
            ),
            rx.text(LogState.rating_text, size="2", aria_live="polite"),
            rx.cond(
                LogState.rating > 0,
                rx.button("Clear rating", on_click=LogState.clear_rating, variant="ghost", size="1", type="button"),
            ),
            align="center",
            spacing="3",
        ),
        _error("rating"),
        style={"border": "none", "padding": "0", "margin": "0"},
    )


def _entry_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(LogState.errors.get("form", "")),
            rx.hstack(
                kind_icon(LogState.item_kind, size=22),
                rx.vstack(
                    rx.text(LogState.item_title, weight="bold"),
                    rx.text(LogState.item_creator, size="2", color_scheme="gray"),
                    spacing="0",
                ),
                rx.spacer(),
                rx.cond(
                    LogState.editing_entry_id == 0,
                    rx.button("Change", on_click=LogState.back_to_search, variant="ghost", type="button", size="1"),
                ),
                width="100%",
                align="center",
            ),
            select_field(
                "Status",
                "entry-status",
                STATUS_OPTIONS,
                value=LogState.status,
                on_change=LogState.set_status,
                error=LogState.errors.get("status", ""),
            ),
            rx.cond(LogState.status != "want", _stars()),
            rx.vstack(
                rx.el.label("Date", html_for="consumed_on", style=_LABEL),
                rx.input(
                    id="consumed_on",
                    name="consumed_on",
                    type="date",
                    default_value=LogState.consumed_on,
                    max=LogState.today,
                    key=LogState.item_id.to_string() + LogState.editing_entry_id.to_string(),
                ),
                _error("consumed_on"),
                spacing="1",
            ),
            rx.vstack(
                rx.el.label("Review", html_for="review", style=_LABEL),
                rx.text_area(
                    id="review",
                    name="review",
                    default_value=LogState.review,
                    rows="5",
                    width="100%",
                    key=LogState.item_id.to_string() + LogState.editing_entry_id.to_string(),
                ),
                rx.text("Up to 5,000 characters.", size="1", color_scheme="gray"),
                _error("review"),
                spacing="1",
                width="100%",
            ),
            select_field(
                "Visibility",
                "entry-visibility",
                VISIBILITY_OPTIONS,
                value=LogState.visibility,
                on_change=LogState.set_visibility,
                error=LogState.errors.get("visibility", ""),
            ),
            rx.button(rx.cond(LogState.editing_entry_id > 0, "Save changes", "Log it"), type="submit", size="3"),
            spacing="3",
            width="100%",
        ),
        on_submit=LogState.save,
        no_validate=True,
    )


def log_dialog() -> rx.Component:
    """The dialog; opened by the navbar's "Log something" button or an entry's Edit button."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(LogState.editing_entry_id > 0, "Edit entry", "Log something")),
            rx.dialog.description(
                "What did you watch, read or listen to?", size="2", color_scheme="gray", margin_bottom="1rem"
            ),
            rx.match(
                LogState.step,
                ("add", _add_step()),
                ("entry", _entry_step()),
                _search_step(),
            ),
            rx.dialog.close(
                rx.icon_button(
                    rx.icon("x"), variant="ghost", aria_label="Close", position="absolute", top="1rem", right="1rem"
                )
            ),
            max_width="34rem",
            on_close_auto_focus=LogState.return_focus,
        ),
        open=LogState.open,
        on_open_change=LogState.set_open,
    )
