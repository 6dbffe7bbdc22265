"""Forums list. Live chat rooms come with the forums issue; the rooms are listed honestly."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components import layout
from slice_of_culture.state.forums import ForumsState


def _row(forum) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.vstack(
            rx.heading(forum.name, size="4", as_="h2"),
            rx.text(forum.description, color_scheme="gray", size="2"),
            spacing="1",
        ),
        width="100%",
    )


def forums_page() -> rx.Component:
    return layout(
        rx.heading("Forums", size="7", as_="h1"),
        rx.callout("Live chat in these rooms is on its way; for now, here is what we will talk about.", icon="info"),
        rx.foreach(ForumsState.forums, _row),
    )
