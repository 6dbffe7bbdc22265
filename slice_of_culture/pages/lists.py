"""A list: /lists/<id>. Its items in the owner's order with their notes; the owner reorders,
annotates, removes, edits the details and deletes it in place."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components import field, layout
from slice_of_culture.components.forms import VISIBILITY_OPTIONS, form_error, select_field
from slice_of_culture.components.layout import avatar, empty_state
from slice_of_culture.components.postcard import kind_tile
from slice_of_culture.components.report import report_button
from slice_of_culture.services.lists import LIST_GONE, MAX_DESCRIPTION, MAX_NOTE, MAX_TITLE, ListItemView
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.lists import ListState

VISIBILITY_WORDS = {"public": "Public", "followers": "Followers only", "private": "Private"}


def _owner_controls(item: ListItemView, last: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon_button(
            rx.icon("arrow_up", size=16),
            variant="soft",
            size="1",
            disabled=item.position == 0,
            on_click=ListState.move(item.item_id, item.position - 1),
            aria_label="Move " + item.title + " up",
        ),
        rx.icon_button(
            rx.icon("arrow_down", size=16),
            variant="soft",
            size="1",
            disabled=item.position >= last,
            on_click=ListState.move(item.item_id, item.position + 1),
            aria_label="Move " + item.title + " down",
        ),
        rx.icon_button(
            rx.icon("x", size=16),
            variant="soft",
            color_scheme="gray",
            size="1",
            on_click=ListState.remove(item.item_id),
            aria_label="Remove " + item.title,
        ),
        spacing="1",
    )


def _note(item: ListItemView) -> rx.Component:
    note_id = "note-" + item.item_id.to_string()
    return rx.cond(
        ListState.page.is_owner,
        rx.vstack(
            rx.el.label(
                "Note on " + item.title, html_for=note_id, class_name="rt-Text rt-r-size-1", color="var(--gray-11)"
            ),
            rx.input(
                id=note_id,
                default_value=item.note,
                max_length=MAX_NOTE,
                placeholder="Why it is here (saved as you leave the field)",
                on_blur=lambda value: ListState.save_note(item.item_id, value),
                size="1",
                width="100%",
            ),
            spacing="1",
            width="100%",
        ),
        rx.cond(item.note != "", rx.text(item.note, size="2", white_space="pre-wrap")),
    )


def _row(item: ListItemView) -> rx.Component:
    page = ListState.page
    return rx.el.li(
        rx.hstack(
            rx.cond(
                page.ranked, rx.text((item.position + 1).to_string() + ".", weight="bold", size="5", min_width="2rem")
            ),
            kind_tile(item.kind, width="48px", height="64px", icon_size=20),
            rx.vstack(
                rx.link(rx.text(item.title, weight="bold"), href="/item/" + item.item_id.to_string()),
                rx.text(
                    item.creator,
                    rx.cond(item.year, " · " + item.year.to_string(), ""),
                    size="2",
                    color_scheme="gray",
                ),
                _note(item),
                spacing="1",
                width="100%",
                min_width="0",
            ),
            rx.cond(page.is_owner, _owner_controls(item, ListState.rows.length() - 1)),
            spacing="3",
            align="start",
            width="100%",
        ),
        data_testid="list-item",
        # Keyed by item: a moved row keeps its element, so the focus stays on the button pressed
        # and a note being typed moves with its item.
        key=item.item_id.to_string(),
        style={"padding": "0.75rem 0", "border_bottom": "1px solid var(--gray-a4)"},
    )


def _details_form() -> rx.Component:
    page = ListState.page
    errors = ListState.errors
    return rx.card(
        rx.form(
            rx.vstack(
                form_error(errors.get("form", "")),
                field("Title", "title", default_value=page.title, max_length=MAX_TITLE, error=errors.get("title", "")),
                rx.el.label("Description", html_for="description", font_weight="500", font_size="0.9rem"),
                rx.text_area(
                    id="description",
                    name="description",
                    default_value=page.description,
                    max_length=MAX_DESCRIPTION,
                    rows="3",
                    width="100%",
                ),
                form_error(errors.get("description", "")),
                select_field(
                    "Who can see it",
                    "visibility",
                    VISIBILITY_OPTIONS,
                    default_value=page.visibility,
                    error=errors.get("visibility", ""),
                ),
                rx.el.label(
                    rx.hstack(
                        rx.checkbox(name="ranked", default_checked=page.ranked),
                        rx.text("Numbered (a ranking)"),
                        align="center",
                    ),
                ),
                rx.hstack(
                    rx.button("Save list", type="submit"),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=ListState.set_editing(False),
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=ListState.save_details,
            no_validate=True,
            key=ListState.form_key.to_string(),
        ),
        width="100%",
    )


def _delete_button() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("Delete list", variant="soft", color_scheme="gray")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this list?"),
            rx.alert_dialog.description("The list goes for good; the items stay in the catalog and in your postcards."),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button("Delete", color_scheme="red", on_click=ListState.delete)),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
        ),
    )


def _list() -> rx.Component:
    page = ListState.page
    return rx.vstack(
        rx.hstack(
            rx.heading(page.title, size="8", as_="h1"),
            rx.badge(
                rx.match(page.visibility, *VISIBILITY_WORDS.items(), "Public"),
                variant="soft",
                color_scheme="gray",
            ),
            align="center",
            wrap="wrap",
        ),
        rx.hstack(
            avatar(page.owner_initials, page.owner_avatar_url, size="1"),
            rx.text(
                "A list by ",
                rx.link(page.owner_name, href="/u/" + page.owner_username),
                " · ",
                ListState.rows.length().to_string(),
                rx.cond(ListState.rows.length() == 1, " item", " items"),
                " · changed ",
                ListState.changed,
                size="2",
                color_scheme="gray",
            ),
            align="center",
        ),
        rx.cond(page.description != "", rx.text(page.description, white_space="pre-wrap")),
        rx.cond(
            SessionState.logged_in & ~page.is_owner,
            report_button("list:" + page.list_id.to_string(), "this list"),
        ),
        rx.cond(ListState.notice != "", rx.callout(ListState.notice, icon="info", role="status", width="100%")),
        rx.cond(
            page.is_owner,
            rx.cond(
                ListState.editing,
                _details_form(),
                rx.hstack(
                    rx.button("Edit list", variant="soft", on_click=ListState.set_editing(True)), _delete_button()
                ),
            ),
        ),
        rx.cond(
            ListState.rows.length() == 0,
            empty_state(
                "Nothing on this list yet",
                "Open a movie, book or album and choose “Add to list”.",
                icon="list",
            ),
            rx.el.ol(
                rx.foreach(ListState.rows, _row),
                style={"list_style": "none", "padding": "0", "margin": "0", "width": "100%"},
            ),
        ),
        spacing="4",
        width="100%",
        align="start",
    )


def list_page() -> rx.Component:
    return layout(
        rx.cond(
            ListState.not_found,
            empty_state("List not found", LIST_GONE, icon="list_x"),
            rx.cond(ListState.page, _list(), rx.spinner()),
        )
    )
