"""Search: people by name or @username, and movies, books and music by title or creator."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components import layout
from slice_of_culture.components.forms import KIND_PLURALS, search_bar, select_field
from slice_of_culture.components.layout import empty_state
from slice_of_culture.components.people import person_to_follow
from slice_of_culture.components.postcard import kind_icon
from slice_of_culture.services import search
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.search import SearchState


def _person(p) -> rx.Component:  # noqa: ANN001
    """Who (a link to their profile), whether they follow you, and Follow / Following."""
    followers = rx.text(
        "@" + p.username,
        " · ",
        p.followers.to_string(),
        rx.cond(p.followers == 1, " follower", " followers"),
        size="2",
        color_scheme="gray",
    )
    return person_to_follow(
        p,
        followers,
        followed=p.you_follow,
        on_follow=SearchState.toggle_follow(p.user_id),
        show_button=SessionState.logged_in & (p.username != SessionState.username),
        badge=rx.cond(p.follows_you, rx.badge("Follows you", color_scheme="gray")),
        test_id="found-person",
    )


def _title(hit) -> rx.Component:  # noqa: ANN001
    return rx.link(
        rx.hstack(
            rx.box(kind_icon(hit.kind, size=20), flex_shrink="0"),
            rx.vstack(
                rx.text(hit.title, weight="bold"),
                rx.text(hit.creator, rx.cond(hit.year != "", " · " + hit.year, ""), size="2", color_scheme="gray"),
                spacing="0",
            ),
            align="center",
            width="100%",
        ),
        href="/item/" + hit.item_id.to_string(),
        underline="none",
        color="inherit",
        width="100%",
        data_testid="found-title",
    )


def _section(heading: str, rows: rx.Var, render) -> rx.Component:  # noqa: ANN001
    return rx.cond(
        rows.length() > 0,
        rx.vstack(
            rx.heading(heading, size="4", as_="h2"),
            rx.card(rx.vstack(rx.foreach(rows, render), spacing="3", width="100%"), width="100%"),
            width="100%",
        ),
    )


def _box() -> rx.Component:
    return search_bar(
        "Search people and titles",
        "site-search",
        value=SearchState.query,
        on_change=SearchState.set_query,
        placeholder="Name, @username, title or creator",
        max_length=search.MAX_QUERY,
        select=select_field(
            "Show",
            "search-show",
            [("", "Everything"), ("people", "People"), *KIND_PLURALS],
            value=SearchState.show,
            on_change=SearchState.set_show,
        ),
    )


def search_page() -> rx.Component:
    return layout(
        rx.heading("Search", size="7", as_="h1"),
        _box(),
        # Announced to screen readers as results change.
        rx.box(
            rx.cond(
                SearchState.nothing_found,
                rx.text("Nobody and nothing matches “", SearchState.searched, "”.", color_scheme="gray"),
            ),
            role="status",
            width="100%",
        ),
        rx.cond(SearchState.notice != "", rx.callout(SearchState.notice, color_scheme="red", role="alert")),
        _section("People", SearchState.people, _person),
        _section("Titles", SearchState.titles, _title),
        rx.cond(
            SearchState.searched == "",
            empty_state(
                "Find people and titles",
                "People by name or @username; movies, books and music by title or creator.",
                icon="search",
            ),
        ),
    )
