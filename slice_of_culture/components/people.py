"""People in lists: a person with similar taste and what you both loved; a person with a Follow button."""

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
                    # Close in the model's space (kinds, genres, creators) without a love in common.
                    rx.text("Close in taste, no favourite in common yet", size="1", color_scheme="gray"),
                ),
                spacing="0",
            ),
            align="center",
        ),
        href="/u/" + p.username,
        underline="none",
        color="inherit",
    )


def person_to_follow(
    p,  # noqa: ANN001
    subtitle: rx.Component,
    *,
    followed: rx.Var,
    on_follow: rx.EventSpec,
    show_button: rx.Var | bool = True,
    badge: rx.Component | None = None,
    test_id: str,
) -> rx.Component:
    """`p` (a PersonRow var) as a link to their profile, `subtitle` under the name, an optional
    badge, and Follow / Following (a toggle button: aria-pressed says which)."""
    return rx.hstack(
        rx.link(
            rx.hstack(
                avatar(p.initials, p.avatar_url, size="3"),
                rx.vstack(rx.text(p.display_name, weight="bold"), subtitle, spacing="0"),
                align="center",
            ),
            href="/u/" + p.username,
            underline="none",
            color="inherit",
            flex="1",
            min_width="0",
        ),
        badge or rx.fragment(),
        rx.cond(
            show_button,
            rx.button(
                rx.cond(followed, "Following", "Follow"),
                on_click=on_follow,
                variant=rx.cond(followed, "soft", "solid"),
                size="2",
                aria_pressed=rx.cond(followed, "true", "false"),
            ),
        ),
        align="center",
        spacing="3",
        width="100%",
        data_testid=test_id,
    )


def with_mentions(parts: rx.Var, unlinked: rx.Var | None = None, **text_props) -> rx.Component:
    """Text of a comment or forum message (`parts`, a list of TextPart vars): plain runs as text,
    each @mention of a real person as a link to their profile, except the usernames in
    `unlinked` (a list var: people this reader blocked, whose profile shows them nothing)."""
    linked = (lambda part: part.username != "") if unlinked is None else (
        lambda part: (part.username != "") & ~unlinked.contains(part.username)
    )  # fmt: skip
    return rx.text(
        rx.foreach(
            parts,
            lambda part: rx.cond(
                linked(part),
                rx.link(part.text, href="/u/" + part.username, class_name="mention"),
                rx.text.span(part.text),
            ),
        ),
        **text_props,
    )
