"""A postcard: one entry as a card. The whole card is a real link to the owner's profile."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components.layout import avatar

KIND_ICONS = {"movie": "clapperboard", "book": "book_open", "music": "disc_3"}


def kind_icon(kind: rx.Var) -> rx.Component:
    return rx.match(
        kind,
        ("movie", rx.icon("clapperboard", size=28)),
        ("book", rx.icon("book_open", size=28)),
        rx.icon("disc_3", size=28),
    )


def cover(card) -> rx.Component:  # noqa: ANN001
    return rx.center(
        rx.cond(
            card.image_url != "",
            rx.image(src=card.image_url, alt="", width="100%", height="100%", object_fit="cover"),
            kind_icon(card.kind),
        ),
        width="72px",
        min_width="72px",
        height="96px",
        border_radius="8px",
        background="var(--accent-a3)",
        color="var(--accent-11)",
        overflow="hidden",
    )


def postcard(card) -> rx.Component:  # noqa: ANN001
    """One postcard; `card` is a Postcard var."""
    body = rx.hstack(
        cover(card),
        rx.vstack(
            rx.hstack(
                avatar(card.initials, card.avatar_url, size="1"),
                rx.text(card.display_name, weight="bold", size="2"),
                rx.text("@" + card.username, color_scheme="gray", size="2"),
                rx.spacer(),
                rx.moment(card.created_at, from_now=True, size="1", color="var(--gray-10)", font_size="0.8rem"),
                width="100%",
                align="center",
                spacing="2",
            ),
            rx.text(card.action, size="1", color_scheme="gray", text_transform="uppercase", letter_spacing="0.04em"),
            rx.heading(card.title, size="4", as_="h3"),
            rx.text(
                card.creator,
                rx.cond(card.year != "", " · " + card.year, ""),
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                card.rating > 0,
                rx.text(card.stars, color="var(--amber-9)", aria_label=f"Rated {card.rating} out of 10 half-stars"),
            ),
            rx.cond(card.review_excerpt != "", rx.text(card.review_excerpt, size="2", white_space="pre-wrap")),
            rx.hstack(
                rx.hstack(rx.icon("heart", size=14), rx.text(card.like_count, size="1"), spacing="1", align="center"),
                rx.hstack(
                    rx.icon("message_circle", size=14),
                    rx.text(card.comment_count, size="1"),
                    spacing="1",
                    align="center",
                ),
                rx.cond(
                    card.visibility != "public",
                    rx.badge(card.visibility, variant="soft", color_scheme="gray"),
                ),
                color="var(--gray-10)",
                spacing="3",
            ),
            spacing="1",
            width="100%",
            align="start",
        ),
        spacing="4",
        width="100%",
        align="start",
    )
    return rx.link(
        rx.card(body, width="100%", class_name="postcard"),
        href="/u/" + card.username + "#entry-" + card.entry_id.to_string(),
        underline="none",
        color="inherit",
        id="entry-" + card.entry_id.to_string(),
        width="100%",
        aria_label=card.display_name + ": " + card.action + " " + card.title,
    )


def postcard_list(cards: rx.Var, next_cursor: rx.Var, on_more) -> rx.Component:  # noqa: ANN001
    """Postcards newest first with a "Load more" button while more exist."""
    return rx.vstack(
        rx.foreach(cards, postcard),
        rx.cond(
            next_cursor != "",
            rx.button("Load more", on_click=on_more, variant="soft", width="100%"),
        ),
        width="100%",
        spacing="3",
    )
