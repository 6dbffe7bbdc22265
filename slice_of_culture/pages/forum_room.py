"""A forum room, /forums/<slug>: the conversation (live), who is here, the composer.

The message list scrolls inside a box laid out bottom-up (column-reverse around one inner
column), so the browser keeps it pinned to the newest message as messages arrive, with no
script of our own; the messages themselves stay in reading order for screen readers.
"""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.components import layout
from slice_of_culture.components.forum import composer, message_row, presence_list
from slice_of_culture.components.layout import empty_state
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.forum_room import ForumRoom, RoomPage


def _header() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow_left", size=14), rx.text("All forums"), spacing="1", align="center"),
            href=routes.FORUMS,
            size="2",
            color_scheme="gray",
        ),
        rx.hstack(
            rx.heading(ForumRoom.name, size="7", as_="h1"),
            rx.cond(ForumRoom.archived, rx.badge("Archived", color_scheme="gray", size="2")),
            align="center",
            spacing="3",
        ),
        rx.cond(ForumRoom.description != "", rx.text(ForumRoom.description, color_scheme="gray")),
        spacing="1",
        width="100%",
    )


def _older_controls() -> rx.Component:
    # Older pages this reader loaded join up with the shared window only while its epoch holds.
    joined = (RoomPage.older.length() > 0) & (RoomPage.epoch_seen == ForumRoom.epoch)
    return rx.fragment(
        rx.cond(
            rx.cond(joined, RoomPage.older_has_more, ForumRoom.more_before),
            rx.center(rx.button("Load older messages", variant="soft", size="1", on_click=RoomPage.load_older)),
        ),
        rx.cond(joined, rx.foreach(RoomPage.older, message_row)),
    )


def _messages() -> rx.Component:
    return rx.box(
        rx.vstack(
            _older_controls(),
            rx.cond(
                (ForumRoom.history.length() + ForumRoom.fresh.length()) == 0,
                rx.text("No messages yet. Say hello!", color_scheme="gray", size="2", padding="1rem"),
            ),
            rx.foreach(ForumRoom.history, message_row),
            rx.foreach(ForumRoom.fresh, message_row),
            spacing="1",
            width="100%",
            role="log",
            aria_label="Conversation",
            aria_live="polite",
        ),
        style={
            "display": "flex",
            "flex_direction": "column-reverse",
            "overflow_y": "auto",
            "height": "min(60vh, 40rem)",
            "width": "100%",
            "padding": "0.5rem 0.75rem",
            "border": "1px solid var(--gray-a5)",
            "border_radius": "12px",
        },
        id="messages",
    )


def _bottom() -> rx.Component:
    return rx.cond(
        ForumRoom.archived,
        rx.callout(
            "This forum is archived: its history stays, new messages are not taken.", icon="archive", width="100%"
        ),
        rx.cond(
            SessionState.logged_in,
            composer(),
            rx.callout("Log in to join the conversation.", icon="info", width="100%"),
        ),
    )


def _room() -> rx.Component:
    return rx.vstack(
        _header(),
        presence_list(),
        rx.cond(
            RoomPage.notice != "", rx.callout(RoomPage.notice, icon="triangle_alert", color_scheme="red", role="alert")
        ),
        _messages(),
        _bottom(),
        # Which server process this browser talks to: for tests and operators, not for people.
        rx.el.span(RoomPage.worker, data_testid="worker-id", hidden=True),
        spacing="4",
        width="100%",
    )


def forum_room_page() -> rx.Component:
    return layout(
        rx.box(
            rx.cond(
                RoomPage.not_found,
                empty_state("No such forum", "It may have been renamed. See all forums.", icon="messages_square"),
                rx.cond(RoomPage.loaded, _room(), rx.center(rx.spinner(size="3"), padding="3rem")),
            ),
            on_unmount=ForumRoom.leave,
            width="100%",
        ),
        max_width="60rem",
    )
