"""Notifications: who liked, commented on or followed you (alike ones grouped), older on demand."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components import layout
from slice_of_culture.components.layout import avatar, empty_state
from slice_of_culture.state.notifications import NotificationsState


def _card(n) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.hstack(
            rx.cond(
                n.actor_username == "",
                # The moderators' notices: the team, not one admin's face.
                rx.flex(
                    rx.icon("shield-check", size=18),
                    align="center",
                    justify="center",
                    flex_shrink="0",
                    width="32px",
                    height="32px",
                    border_radius="50%",
                    background=rx.color("accent", 3),
                    color=rx.color("accent", 11),
                ),
                avatar(n.actor_initials, size="2"),
            ),
            rx.text(rx.text.strong(n.actor_name), " ", n.text),
            rx.spacer(),
            rx.cond(n.unread, rx.badge("new", color_scheme="red")),
            rx.moment(n.created_at, from_now=True, font_size="0.8rem"),
            align="center",
            width="100%",
        ),
        width="100%",
        data_testid="notification",
    )


def _row(n) -> rx.Component:  # noqa: ANN001
    return rx.link(_card(n), href=n.href, underline="none", color="inherit", width="100%")


def notifications_page() -> rx.Component:
    return layout(
        rx.heading("Notifications", size="7", as_="h1"),
        rx.cond(
            NotificationsState.notifications.length() > 0,
            rx.vstack(
                rx.foreach(NotificationsState.notifications, _row),
                rx.cond(
                    NotificationsState.next_cursor != "",
                    rx.button("Show older", on_click=NotificationsState.show_older, variant="soft", type="button"),
                ),
                width="100%",
            ),
            empty_state("Nothing new", "Likes, comments, new followers and mentions show up here.", icon="bell"),
        ),
    )
