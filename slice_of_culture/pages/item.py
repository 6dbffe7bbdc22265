"""Item page: /item/<id>: details, ratings, who you follow that logged it, reviews."""

from __future__ import annotations

from typing import Any

import reflex as rx

from slice_of_culture.components import layout
from slice_of_culture.components.charts import AMBER, COUNT_DOMAIN
from slice_of_culture.components.layout import avatar, empty_state
from slice_of_culture.components.lists import new_list_form
from slice_of_culture.components.postcard import kind_icon, kind_tile
from slice_of_culture.state.item import ItemState
from slice_of_culture.state.lists import AddToListState
from slice_of_culture.state.log_entry import LOG_THIS_ID, LogState


def _review(r) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.hstack(
            avatar(r.initials, size="1"),
            rx.link(r.display_name, href="/u/" + r.username + "?entry=" + r.entry_id.to_string()),
            rx.text(r.stars, color="var(--amber-9)"),
            rx.spacer(),
            rx.moment(r.created_at, from_now=True, font_size="0.8rem"),
            align="center",
            width="100%",
        ),
        rx.text(r.review, size="2", white_space="pre-wrap", margin_top="0.5rem"),
        width="100%",
    )


def _add_to_list() -> rx.Component:
    """ "Add to list": the person's lists, ticked where this item is on one, and a new one."""
    return rx.dialog.root(
        rx.button(
            rx.icon("list_plus", size=16),
            "Add to list",
            variant="soft",
            size="2",
            on_click=AddToListState.open_for,
        ),
        rx.dialog.content(
            rx.dialog.title("Add to list"),
            rx.dialog.description("Tick a list to put this on it; untick to take it off.", size="2"),
            rx.cond(AddToListState.notice != "", rx.callout(AddToListState.notice, icon="info", role="status")),
            rx.vstack(
                rx.foreach(
                    AddToListState.lists,
                    lambda entry: rx.el.label(
                        rx.hstack(
                            rx.checkbox(
                                checked=entry.has_item,
                                on_change=lambda checked: AddToListState.toggle(entry.list_id, checked),
                                aria_labelledby="list-title-" + entry.list_id.to_string(),
                            ),
                            rx.text(entry.title, id="list-title-" + entry.list_id.to_string()),
                            rx.text(entry.item_count.to_string(), size="1", color_scheme="gray"),
                            align="center",
                        ),
                    ),
                ),
                spacing="2",
                margin_y="1rem",
            ),
            new_list_form(
                on_submit=AddToListState.create,
                error=AddToListState.title_error,
                button="Create and add",
                key=AddToListState.form_key.to_string(),
            ),
            rx.hstack(
                rx.link("See your lists", href=AddToListState.lists_href, size="2"),
                rx.spacer(),
                rx.dialog.close(rx.button("Done", variant="soft", color_scheme="gray")),
                margin_top="1rem",
                align="center",
            ),
        ),
        open=AddToListState.open,
        on_open_change=AddToListState.set_open,
    )


def _details() -> rx.Component:
    it = ItemState.item
    return rx.vstack(
        rx.hstack(
            kind_tile(it.kind, width="110px", height="150px", icon_size=40),
            rx.vstack(
                rx.badge(it.kind),
                rx.heading(it.title, size="8", as_="h1"),
                rx.text(it.creator, rx.cond(it.year != "", " · " + it.year, ""), color_scheme="gray", size="4"),
                rx.hstack(
                    rx.foreach(it.genres, lambda g: rx.badge(g, variant="soft", color_scheme="gray")), wrap="wrap"
                ),
                rx.cond(it.description != "", rx.text(it.description)),
                rx.hstack(
                    rx.button(
                        rx.icon("plus", size=16),
                        "Log this",
                        on_click=LogState.start_with(it.item_id),
                        size="2",
                        id=LOG_THIS_ID,
                    ),
                    _add_to_list(),
                    margin_top="0.5rem",
                    wrap="wrap",
                ),
                spacing="2",
                align="start",
            ),
            spacing="5",
            align="start",
        ),
        rx.heading("Ratings", size="5", as_="h2"),
        rx.cond(
            it.rating_count > 0,
            rx.vstack(
                rx.text(
                    rx.text.strong(it.average),
                    " out of 5 from ",
                    it.counts_text,
                ),
                rx.recharts.bar_chart(
                    rx.recharts.bar(data_key="count", fill=AMBER, name="ratings"),
                    rx.recharts.x_axis(data_key="label", font_size=11, interval=0),
                    rx.recharts.y_axis(allow_decimals=False, width=30, domain=COUNT_DOMAIN),
                    rx.recharts.graphing_tooltip(),
                    data=it.distribution.to(list[dict[str, Any]]),
                    width="100%",
                    height=200,
                ),
                width="100%",
            ),
            rx.text("No ratings you can see yet.", color_scheme="gray"),
        ),
        rx.cond(
            it.followed.length() > 0,
            rx.vstack(
                rx.heading("People you follow", size="5", as_="h2"),
                rx.foreach(
                    it.followed,
                    lambda f: rx.hstack(
                        avatar(f.initials, size="1"),
                        rx.link(f.display_name, href="/u/" + f.username),
                        rx.text(f.action.lower(), color_scheme="gray", size="2"),
                        rx.text(f.stars, color="var(--amber-9)"),
                        align="center",
                    ),
                ),
                align="start",
            ),
        ),
        rx.heading("Reviews", size="5", as_="h2"),
        rx.cond(
            it.reviews.length() > 0,
            rx.vstack(rx.foreach(it.reviews, _review), width="100%"),
            rx.text("No reviews yet.", color_scheme="gray"),
        ),
        rx.cond(
            ItemState.on_lists.length() > 0,
            rx.vstack(
                rx.heading("On people's lists", size="5", as_="h2"),
                rx.foreach(
                    ItemState.on_lists,
                    lambda m: rx.hstack(
                        rx.icon("list", size=16),
                        rx.link(m.title, href="/lists/" + m.list_id.to_string()),
                        rx.text(
                            "by ",
                            rx.link(m.owner_name, href="/u/" + m.owner_username),
                            " · ",
                            m.item_count.to_string(),
                            " items",
                            size="2",
                            color_scheme="gray",
                        ),
                        align="center",
                        wrap="wrap",
                    ),
                ),
                align="start",
            ),
        ),
        rx.heading("Similar", size="5", as_="h2"),
        rx.cond(
            ItemState.similar.length() > 0,
            rx.flex(
                rx.foreach(
                    ItemState.similar,
                    lambda s: rx.link(
                        rx.card(
                            rx.hstack(
                                kind_icon(s.kind, size=18),
                                rx.vstack(
                                    rx.text(s.title, weight="bold", size="2"),
                                    rx.text(s.creator, size="1", color_scheme="gray"),
                                    spacing="0",
                                ),
                            ),
                        ),
                        href="/item/" + s.item_id.to_string(),
                        underline="none",
                        color="inherit",
                    ),
                ),
                wrap="wrap",
                spacing="3",
            ),
            rx.text("Similar items appear here once the recommender has been trained.", color_scheme="gray"),
        ),
        spacing="4",
        width="100%",
        align="start",
    )


def item_page() -> rx.Component:
    return layout(
        rx.cond(
            ItemState.not_found,
            empty_state("Not in the catalog", "There is no item with that address.", icon="search_x"),
            # Only the item of this address: a tab keeps its state across a reload, so until the
            # page's load is done the state still holds the item seen before, whose "Log this" and
            # "Add to list" would act on that one.
            rx.cond(
                ItemState.item,
                rx.cond(ItemState.item.item_id.to_string() == rx.State.item_id, _details(), rx.spinner()),
                rx.spinner(),
            ),
        )
    )
