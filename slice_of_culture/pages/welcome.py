"""Welcome: the step after sign-up. Choose kinds, love a few things, then see recommendations."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.components import layout
from slice_of_culture.components.a11y import sr_heading
from slice_of_culture.components.forms import form_error, kind_checkboxes
from slice_of_culture.components.layout import empty_state
from slice_of_culture.components.recommendation import recommendation_card
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.welcome import WelcomeState


def _card(rec) -> rx.Component:  # noqa: ANN001
    picked = WelcomeState.picked.contains(rec.item_id)
    return recommendation_card(
        rec,
        rx.button(
            rx.cond(picked, rx.icon("check", size=14), rx.icon("heart", size=14)),
            "Loved it",
            on_click=WelcomeState.toggle_pick(rec.item_id),
            aria_pressed=picked,
            aria_label="Loved it: " + rec.title,
            variant=rx.cond(picked, "solid", "outline"),
            size="1",
            margin_top="0.25rem",
        ),
        linked=False,
        class_name="starter",
    )


def _content() -> rx.Component:
    count = WelcomeState.picked.length()
    return rx.vstack(
        rx.text(
            "Have a Goodreads or Letterboxd account? ",
            rx.link("Import your history", href=routes.IMPORT),
            " instead, or as well.",
            size="2",
        ),
        kind_checkboxes("Show me", "welcome-kind", WelcomeState.kinds, WelcomeState.choose_kind),
        form_error(WelcomeState.error),
        rx.cond(
            WelcomeState.loaded & (WelcomeState.items.length() == 0),
            empty_state("Nothing to pick from yet", "The catalog is empty for now; skip and log your own.", "sparkles"),
            rx.grid(
                sr_heading("Favourites to pick from"),
                rx.foreach(WelcomeState.items, _card),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
        ),
        rx.text(
            rx.cond(count == 1, "1 favourite picked.", count.to_string() + " favourites picked."),
            role="status",
            color_scheme="gray",
            size="2",
        ),
        rx.hstack(
            rx.button("Save and see my recommendations", on_click=WelcomeState.save, size="3"),
            rx.link("Skip for now", href=routes.FOR_YOU),
            spacing="5",
            align="center",
            wrap="wrap",
        ),
        spacing="4",
        width="100%",
        align="start",
    )


def welcome_page() -> rx.Component:
    return layout(
        rx.heading("What do you like?", size="7", as_="h1"),
        rx.text(
            "Choose the kinds you care about and press “Loved it” on things you enjoyed. "
            "Your recommendations start from them at once, and you can change the kinds in Settings."
        ),
        rx.cond(SessionState.logged_in, _content(), rx.spinner()),
    )
