"""A person with similar taste, and what you both loved."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components.layout import avatar


def similar_person(p) -> rx.Component:  # noqa: ANN001
    """`p` is a SimilarPerson var; the whole row links to their profile."""
    return rx.link(
        rx.hstack(
            avatar(p.initials, size="2"),
            rx.vstack(
                rx.text(p.display_name, weight="bold", size="2"),
                rx.cond(
                    p.shared_titles.length() > 0,
                    rx.text("Both loved: ", p.shared_titles.join(", "), size="1", color_scheme="gray"),
                ),
                spacing="0",
            ),
            align="center",
        ),
        href="/u/" + p.username,
        underline="none",
        color="inherit",
    )
