"""Home: the postcards feed, Following and Everyone."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components import layout, postcard_list
from slice_of_culture.components.a11y import sr_heading
from slice_of_culture.components.layout import empty_state
from slice_of_culture.components.people import person_to_follow
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.home import HomeState


def _suggested(p) -> rx.Component:  # noqa: ANN001
    """`p` is a SuggestedPerson var: who, why, and a Follow button."""
    return person_to_follow(
        p,
        rx.text("@", p.username, " · ", p.reason, size="1", color_scheme="gray"),
        followed=HomeState.followed_here.contains(p.user_id),
        on_follow=HomeState.toggle_follow(p.user_id),
        test_id="suggested-person",
    )


def _suggestions() -> rx.Component:
    return rx.cond(
        (HomeState.tab == "following") & (HomeState.suggestions.length() > 0),
        rx.el.section(
            rx.vstack(
                rx.heading("People to follow", size="4", as_="h2", id="people-to-follow"),
                rx.foreach(HomeState.suggestions, _suggested),
                spacing="3",
                width="100%",
            ),
            aria_labelledby="people-to-follow",
            style={"width": "100%", "padding": "1rem", "border": "1px solid var(--gray-a5)", "border_radius": "12px"},
        ),
    )


def _feed() -> rx.Component:
    return rx.cond(
        HomeState.loaded & (HomeState.cards.length() == 0),
        rx.cond(
            HomeState.tab == "following",
            empty_state(
                "Your Following feed is empty",
                "Log something, or follow people from their profiles, and their postcards show up here.",
            ),
            empty_state("No postcards yet", "When people log what they watched, read or heard, it shows up here."),
        ),
        postcard_list(
            HomeState.cards,
            HomeState.next_cursor,
            HomeState.load_more,
            on_like=HomeState.toggle_like,
            like_errors=HomeState.like_errors,
        ),
    )


def _body() -> rx.Component:
    return rx.vstack(
        rx.cond(HomeState.notice != "", rx.callout(HomeState.notice, icon="info", role="status")),
        rx.cond(SessionState.logged_in, _suggestions()),
        # The postcards' titles are h3s: their section heading, read but not drawn (the tabs name it).
        sr_heading(
            rx.cond(
                SessionState.logged_in & (HomeState.tab == "following"),
                "Postcards from you and people you follow",
                "Everyone's postcards",
            )
        ),
        _feed(),
        spacing="5",
        width="100%",
    )


def home_page() -> rx.Component:
    return layout(
        rx.vstack(
            rx.heading("Postcards", size="7", as_="h1"),
            rx.text("What people are watching, reading and listening to, newest first.", color_scheme="gray"),
            spacing="1",
        ),
        rx.cond(
            SessionState.logged_in,
            # Each tab's panel holds the feed, so the tabs control something that is there.
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger("Following", value="following"), rx.tabs.trigger("Everyone", value="everyone")
                ),
                rx.tabs.content(_body(), value="following", padding_top="var(--space-5)"),
                rx.tabs.content(_body(), value="everyone", padding_top="var(--space-5)"),
                value=HomeState.tab,
                on_change=HomeState.set_tab,
                width="100%",
            ),
            _body(),
        ),
    )
