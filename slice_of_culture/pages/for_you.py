"""For you: recommendations from people with your taste, each with its reason."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.components import layout
from slice_of_culture.components.a11y import sr_heading
from slice_of_culture.components.forms import KIND_PLURALS, select_field
from slice_of_culture.components.layout import empty_state
from slice_of_culture.components.people import similar_person
from slice_of_culture.components.recommendation import recommendation_card
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.for_you import EVERYTHING, ForYouState


def _card(rec) -> rx.Component:  # noqa: ANN001
    return recommendation_card(
        rec,
        rx.cond(
            SessionState.logged_in,
            rx.hstack(
                rx.button(
                    "Loved it",
                    on_click=ForYouState.quick_log(rec.item_id, "loved"),
                    size="1",
                    variant="soft",
                    aria_label="Loved it: " + rec.title,
                ),
                rx.button(
                    "Want to",
                    on_click=ForYouState.quick_log(rec.item_id, "want"),
                    size="1",
                    variant="ghost",
                    aria_label="Want to: " + rec.title,
                ),
                rx.button(
                    "Not interested",
                    on_click=ForYouState.not_interested(rec.item_id),
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    aria_label="Not interested: " + rec.title,
                ),
                spacing="3",
            ),
        ),
    )


def _hidden_note() -> rx.Component:
    """What "Not interested" did, with the way back."""
    return rx.hstack(
        rx.text(
            "Hidden ",
            rx.text.strong(ForYouState.hidden_title),
            ". It will not be recommended to you again (",
            rx.link("Settings", href=routes.SETTINGS),
            " lists what you hid).",
            size="2",
            role="status",
        ),
        rx.button(
            "Show again",
            on_click=ForYouState.show_hidden_again,
            size="1",
            variant="soft",
            type="button",
            aria_label="Show again: " + ForYouState.hidden_title,
        ),
        align="center",
        wrap="wrap",
        spacing="3",
    )


def _kind_filter(options: list[tuple[str, str]]) -> rx.Component:
    """ "Show": the kinds you chose (when you chose some), everything, or one kind."""
    return select_field(
        "Show", "for-you-kind", options, value=ForYouState.kind, on_change=ForYouState.set_kind, inline=True
    )


def for_you_page() -> rx.Component:
    return layout(
        rx.heading("For you", size="7", as_="h1"),
        rx.cond(
            ForYouState.preferred_kinds.length() > 0,
            _kind_filter([("", "Your kinds"), (EVERYTHING, "Everything"), *KIND_PLURALS]),
            _kind_filter([("", "Everything"), *KIND_PLURALS]),
        ),
        rx.cond(
            (ForYouState.kind == "") & (ForYouState.preferred_kinds.length() > 0),
            rx.text(
                "Showing ",
                ForYouState.preferred_label,
                ", the kinds you chose (",
                rx.link("change them in Settings", href=routes.SETTINGS),
                ").",
                size="2",
                color_scheme="gray",
            ),
        ),
        rx.cond(ForYouState.notice != "", rx.callout(ForYouState.notice, icon="info", role="status")),
        rx.cond(ForYouState.hidden_id != 0, _hidden_note()),
        rx.cond(
            ForYouState.status == "popular",
            rx.callout(
                rx.cond(
                    SessionState.logged_in,
                    rx.fragment(
                        "Pick a few favourites: press “Loved it” on things you enjoyed, "
                        "and this page turns personal at once.",
                    ),
                    rx.fragment(
                        "Popular lately. ",
                        rx.link("Sign up", href=routes.SIGNUP),
                        " and log what you love to get recommendations from people with your taste.",
                    ),
                ),
                icon="sparkles",
            ),
        ),
        rx.cond(
            ForYouState.people.length() > 0,
            rx.vstack(
                rx.heading("People with similar taste", size="4", as_="h2"),
                rx.flex(rx.foreach(ForYouState.people, similar_person), wrap="wrap", spacing="5"),
                width="100%",
            ),
        ),
        rx.cond(
            ForYouState.loaded & (ForYouState.items.length() == 0),
            empty_state("Nothing to suggest yet", "Log a few things you loved and come back.", icon="sparkles"),
            rx.vstack(sr_heading("Recommendations"), rx.foreach(ForYouState.items, _card), width="100%", spacing="3"),
        ),
    )
