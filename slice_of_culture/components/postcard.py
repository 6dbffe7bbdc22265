"""A postcard: one entry as a card.

The whole card links to the owner's profile at that entry (a real anchor stretched over the
card); the item title is its own link to the item page, and Like is a real button above it.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from slice_of_culture.components.a11y import sr_only
from slice_of_culture.components.layout import ONE_LINE, avatar
from slice_of_culture.components.report import report_button
from slice_of_culture.state.base import SessionState


def kind_icon(kind: rx.Var, size: int = 28) -> rx.Component:
    return rx.match(
        kind,
        ("movie", rx.icon("clapperboard", size=size)),
        ("book", rx.icon("book_open", size=size)),
        rx.icon("disc_3", size=size),
    )


def kind_tile(
    kind: rx.Var, *children: rx.Component, width: str | list[str], height: str | list[str], icon_size: int = 28
) -> rx.Component:
    """Where a cover would be: the kind's icon on a tinted tile (or `children`, e.g. a cover image)."""
    return rx.center(
        *(children or (kind_icon(kind, size=icon_size),)),
        width=width,
        min_width=width,
        height=height,
        border_radius="8px",
        background="var(--accent-a3)",
        color="var(--accent-11)",
        overflow="hidden",
        aria_hidden="true",
    )


def cover(card) -> rx.Component:  # noqa: ANN001
    return kind_tile(
        card.kind,
        rx.cond(
            card.image_url != "",
            rx.image(src=card.image_url, alt="", width="100%", height="100%", object_fit="cover"),
            kind_icon(card.kind),
        ),
        # Smaller on a phone, where the text needs the width.
        width=["52px", "72px"],
        height=["70px", "96px"],
    )


# Sits above the stretched profile link so it stays clickable on its own.
_ABOVE = {"position": "relative", "z_index": "2"}
_TITLE_LINK = {**_ABOVE, "display": "inline-block"}


def _like_button(card, on_like: Callable) -> rx.Component:  # noqa: ANN001
    # The button's name is its visible word, the action (WCAG 2.5.3); the count beside it reads
    # "3 likes".
    return rx.hstack(
        rx.button(
            rx.icon("heart", size=14, fill=rx.cond(card.liked, "currentColor", "none"), aria_hidden="true"),
            rx.cond(card.liked, "Unlike", "Like"),
            on_click=on_like(card.entry_id),
            variant=rx.cond(card.liked, "solid", "soft"),
            size="1",
            aria_pressed=card.liked,
            style=_ABOVE,
        ),
        _count(card.like_count, "likes"),
        spacing="1",
        align="center",
    )


def _count(number: rx.Var, what: str) -> rx.Component:
    """A count drawn as the number alone and read as "3 likes"."""
    return rx.text(number, sr_only(" " + what), size="1", as_="span")


def _meta(card, on_like: Callable | None) -> rx.Component:  # noqa: ANN001
    likes = (
        _like_button(card, on_like)
        if on_like is not None
        else rx.hstack(
            rx.icon("heart", size=14, aria_hidden="true"), _count(card.like_count, "likes"), spacing="1", align="center"
        )
    )
    return rx.hstack(
        likes,
        rx.hstack(
            rx.icon("message_circle", size=14, aria_hidden="true"),
            _count(card.comment_count, "comments"),
            spacing="1",
            align="center",
        ),
        rx.cond(card.visibility != "public", rx.badge(card.visibility, variant="soft", color_scheme="gray")),
        # Someone else's single postcard (a grouped one stands for many entries).
        rx.cond(
            SessionState.logged_in & (card.username != SessionState.username) & (card.group_count == 0),
            report_button("entry:" + card.entry_id.to_string(), "this postcard", style=_ABOVE),
        ),
        color="var(--gray-11)",
        spacing="3",
        align="center",
    )


def _single(card) -> rx.Component:  # noqa: ANN001
    return rx.fragment(
        rx.text(card.action, size="1", color_scheme="gray", text_transform="uppercase", letter_spacing="0.04em"),
        rx.heading(
            # A block of the line's height: a target at least 24 px tall (WCAG 2.5.8).
            rx.link(card.title, href="/item/" + card.item_id.to_string(), color="inherit", style=_TITLE_LINK),
            size="4",
            as_="h3",
        ),
        rx.text(card.creator, rx.cond(card.year != "", " · " + card.year, ""), size="2", color_scheme="gray"),
        rx.cond(
            card.rating > 0,
            rx.text(card.stars, color="var(--amber-9)", aria_label=card.rating_label, role="img"),
        ),
        rx.cond(card.review_excerpt != "", rx.text(card.review_excerpt, size="2", white_space="pre-wrap")),
    )


def _group(card) -> rx.Component:  # noqa: ANN001
    return rx.fragment(
        rx.heading("@" + card.username + " " + card.group_text, size="4", as_="h3"),
        rx.el.ul(
            rx.foreach(card.group_titles, lambda t: rx.el.li(rx.text(t, size="2"))),
            rx.el.li(rx.text("…", size="2", color_scheme="gray")),
            style={"padding_left": "1.1rem", "list_style": "disc"},
        ),
    )


def _like_error(card, like_errors: rx.Var | None) -> rx.Component:  # noqa: ANN001
    if like_errors is None:
        return rx.fragment()
    error = like_errors.get(card.entry_id.to_string(), "")
    return rx.cond(error != "", rx.text(error, size="1", color_scheme="red", role="alert"))


def postcard(
    card,  # noqa: ANN001
    on_like: Callable | None = None,
    extra: Callable | None = None,
    like_errors: rx.Var | None = None,
) -> rx.Component:
    """One postcard; `card` is a Postcard var. `extra(card)` adds content below (e.g. comments);
    `like_errors` (entry id -> message) shows a refused like under the button."""
    profile_href = "/u/" + card.username + "?entry=" + card.entry_id.to_string() + "#entry-" + card.entry_id.to_string()
    body = rx.hstack(
        cover(card),
        rx.vstack(
            rx.hstack(
                avatar(card.initials, card.avatar_url, size="1"),
                # One line on a phone too: the @username gives way first, then the name (ellipsis);
                # the time never wraps.
                rx.text(card.display_name, weight="bold", size="2", style=ONE_LINE, flex_shrink="1"),
                rx.text("@" + card.username, color_scheme="gray", size="2", style=ONE_LINE, flex_shrink="3"),
                rx.spacer(),
                rx.moment(
                    card.created_at,
                    from_now=True,
                    font_size="0.8rem",
                    color="var(--gray-11)",
                    white_space="nowrap",
                    flex_shrink="0",
                ),
                width="100%",
                align="center",
                spacing="2",
            ),
            rx.cond(card.group_count > 0, _group(card), _single(card)),
            _meta(card, on_like),
            _like_error(card, like_errors),
            spacing="1",
            width="100%",
            # Lets the column shrink to the card on a phone, so its one-line header can cut.
            min_width="0",
            align="start",
        ),
        spacing=rx.breakpoints(initial="3", xs="4"),
        width="100%",
        align="start",
    )
    return rx.card(
        # The stretched link: the whole card opens the owner's profile at this entry.
        rx.link(
            "",
            href=profile_href,
            aria_label=rx.cond(
                card.group_count > 0,
                card.display_name + " " + card.group_text,
                card.display_name + ": " + card.action + " " + card.title,
            ),
            style={"position": "absolute", "inset": "0", "z_index": "1", "border_radius": "inherit"},
        ),
        body,
        extra(card) if extra else rx.fragment(),
        id="entry-" + card.entry_id.to_string(),
        class_name="postcard",
        width="100%",
        style={"position": "relative", "scroll_margin_top": "5rem"},
        _hover={"box_shadow": "0 2px 12px var(--gray-a4)"},
    )


def postcard_list(
    cards: rx.Var,
    next_cursor: rx.Var,
    on_more,  # noqa: ANN001
    on_like: Callable | None = None,
    extra: Callable | None = None,
    like_errors: rx.Var | None = None,
) -> rx.Component:
    """Postcards newest first with a "Load more" button while more exist."""
    return rx.vstack(
        rx.foreach(cards, lambda c: postcard(c, on_like, extra, like_errors)),
        rx.cond(next_cursor != "", rx.button("Load more", on_click=on_more, variant="soft", width="100%")),
        width="100%",
        spacing="3",
    )
