"""A suggested item as a card: a kind tile where a cover would be, title, creator and year, why, and actions."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components.postcard import kind_tile


def recommendation_card(rec, *actions: rx.Component, linked: bool = True, class_name: str = "recommendation"):  # noqa: ANN001, ANN201
    """`rec` is a recs.serve.Recommendation; `linked=False` keeps the title as plain text (no navigating away)."""
    title = rx.link(rec.title, href="/item/" + rec.item_id.to_string(), color="inherit") if linked else rec.title
    return rx.card(
        rx.hstack(
            kind_tile(rec.kind, width="56px", height="72px", icon_size=24),
            rx.vstack(
                rx.heading(title, size="4", as_="h3"),
                rx.text(rec.creator, rx.cond(rec.year != "", " · " + rec.year, ""), size="2", color_scheme="gray"),
                rx.text(rec.reason, size="2", class_name="reason"),
                *actions,
                spacing="1",
                align="start",
            ),
            spacing="4",
            align="start",
            width="100%",
        ),
        width="100%",
        class_name=class_name,
    )
