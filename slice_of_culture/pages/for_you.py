"""For you: recommendations. Honest empty state until the recommender issue lands."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components import layout
from slice_of_culture.components.layout import empty_state


def for_you_page() -> rx.Component:
    return layout(
        rx.heading("For you", size="7", as_="h1"),
        empty_state(
            "Recommendations are coming",
            "Soon this page will find people with your taste and what they loved that you have not met yet.",
            icon="sparkles",
        ),
    )
