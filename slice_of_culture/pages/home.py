"""Home: the postcards feed."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components import layout, postcard_list
from slice_of_culture.components.layout import empty_state
from slice_of_culture.state.home import HomeState


def home_page() -> rx.Component:
    return layout(
        rx.vstack(
            rx.heading("Postcards", size="7", as_="h1"),
            rx.text("What people are watching, reading and listening to, newest first.", color_scheme="gray"),
            spacing="1",
        ),
        rx.cond(
            HomeState.loaded & (HomeState.cards.length() == 0),
            empty_state("No postcards yet", "When people log what they watched, read or heard, it shows up here."),
            postcard_list(HomeState.cards, HomeState.next_cursor, HomeState.load_more),
        ),
    )
