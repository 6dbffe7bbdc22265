"""Profile: /u/<username>, the owner's recent activity as postcards."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components import layout, postcard_list
from slice_of_culture.components.layout import avatar, empty_state
from slice_of_culture.state.profile import ProfileState


def _count(value: rx.Var, label: str) -> rx.Component:
    return rx.vstack(
        rx.text(value, weight="bold", size="4"), rx.text(label, size="1", color_scheme="gray"), spacing="0"
    )


def _header() -> rx.Component:
    h = ProfileState.header
    return rx.hstack(
        avatar(h.initials, h.avatar_url, size="6"),
        rx.vstack(
            rx.heading(h.display_name, size="7", as_="h1"),
            rx.text("@" + h.username + " · joined " + h.joined, color_scheme="gray"),
            rx.cond(h.bio != "", rx.text(h.bio, white_space="pre-wrap")),
            rx.hstack(
                _count(h.entry_count, "entries"),
                _count(h.follower_count, "followers"),
                _count(h.following_count, "following"),
                spacing="5",
            ),
            spacing="2",
            align="start",
        ),
        spacing="5",
        align="start",
        width="100%",
    )


def profile_page() -> rx.Component:
    return layout(
        rx.cond(
            ProfileState.not_found,
            empty_state("Profile not found", "No one here goes by that name.", icon="user_x"),
            rx.cond(
                ProfileState.header,
                rx.vstack(
                    _header(),
                    rx.heading("Recent activity", size="5", as_="h2"),
                    rx.cond(
                        ProfileState.cards.length() == 0,
                        empty_state("Nothing logged yet", "Entries they share with you will show up here."),
                        postcard_list(ProfileState.cards, ProfileState.next_cursor, ProfileState.load_more),
                    ),
                    spacing="5",
                    width="100%",
                ),
                rx.spinner(),
            ),
        )
    )
