"""Pieces of a forum room: a message (with its cards and controls), who is here, the composer.

Message text is rendered as text (React escapes it), never as HTML. Edit and Delete buttons are
shown to the author (and Delete to admins) for convenience only: the server decides on save.
"""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components.a11y import SR_ONLY
from slice_of_culture.components.layout import avatar
from slice_of_culture.components.people import with_mentions
from slice_of_culture.components.report import report_button
from slice_of_culture.services.forums import MAX_MESSAGE, LinkCard, MessageView
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.forum_room import COMPOSER_ID, ForumRoom, PresentPerson, RoomPage

# Visually hidden but read by screen readers.


def link_card(card: LinkCard) -> rx.Component:
    """A small card for an item or postcard linked in a message."""
    return rx.link(
        rx.card(
            rx.hstack(
                rx.icon(rx.cond(card.kind == "item", "book_open", "mail"), size=16),
                rx.vstack(
                    rx.text(card.title, weight="medium", size="2"),
                    rx.text(card.subtitle, size="1", color_scheme="gray"),
                    spacing="0",
                ),
                align="center",
                spacing="2",
            ),
            size="1",
            variant="surface",
        ),
        href=card.href,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        data_testid="link-card",
        width="fit-content",
    )


def _edit_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label("Edit message", html_for="edit-input", style=SR_ONLY),
            rx.text_area(
                id="edit-input",
                name="text",
                default_value=RoomPage.editing_text,
                enter_key_submit=True,
                auto_focus=True,
                rows="2",
                width="100%",
            ),
            rx.cond(
                RoomPage.edit_error != "", rx.text(RoomPage.edit_error, color_scheme="red", size="2", role="alert")
            ),
            rx.hstack(
                rx.button("Save", type="submit", size="1"),
                rx.button("Cancel", type="button", variant="soft", size="1", on_click=RoomPage.cancel_edit),
                spacing="2",
            ),
            width="100%",
            spacing="2",
        ),
        on_submit=ForumRoom.save_edit,
        reset_on_submit=False,
        width="100%",
    )


def _controls(m: MessageView) -> rx.Component:
    mine = m.username == SessionState.username

    def report() -> rx.Component:
        return rx.cond(
            ~m.deleted & ~mine & SessionState.logged_in,
            report_button("message:" + m.message_id.to_string(), "this message"),
        )

    return rx.cond(
        ~m.deleted & (mine | SessionState.is_admin),
        rx.hstack(
            rx.cond(
                mine & ~ForumRoom.archived,
                rx.button(
                    "Edit",
                    variant="ghost",
                    size="1",
                    on_click=RoomPage.start_edit(m.message_id, m.text),
                ),
            ),
            rx.button(
                "Delete",
                variant="ghost",
                color_scheme="red",
                size="1",
                on_click=ForumRoom.delete(m.message_id),
            ),
            report(),
            spacing="3",
            class_name="message-controls",
        ),
        rx.hstack(report(), class_name="message-controls"),
    )


def message_row(m: MessageView) -> rx.Component:
    """One message: who, when, the text (or "message deleted"), link cards, controls."""
    body = rx.cond(
        m.deleted,
        rx.text("message deleted", color_scheme="gray", size="2", style={"font_style": "italic"}),
        rx.vstack(
            with_mentions(
                m.parts,
                # A room's text is shared by its readers; links to people you blocked are yours.
                RoomPage.hidden_authors,
                size="2",
                style={"white_space": "pre-wrap", "overflow_wrap": "anywhere"},
                class_name="message-text",
            ),
            rx.cond(m.cards.length() > 0, rx.flex(rx.foreach(m.cards, link_card), wrap="wrap", gap="2")),
            spacing="2",
            width="100%",
        ),
    )
    shown = rx.hstack(
        avatar(m.initials, m.avatar_url, size="2"),
        rx.vstack(
            rx.hstack(
                rx.link(
                    m.display_name,
                    href="/u/" + m.username,
                    weight="medium",
                    size="2",
                    color_scheme="gray",
                    high_contrast=True,
                ),
                rx.moment(m.created_at, from_now=True, font_size="0.75rem", color="var(--gray-11)"),
                rx.cond(m.edited, rx.text("(edited)", size="1", color_scheme="gray")),
                align="baseline",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(RoomPage.editing_id == m.message_id, _edit_form(), body),
            _controls(m),
            spacing="1",
            width="100%",
            align="start",
        ),
        id="message-" + m.message_id.to_string(),
        data_testid="message",
        align="start",
        spacing="3",
        width="100%",
        padding_y="0.4rem",
    )
    # Someone the reader blocked: the message keeps its place, folded, with nothing of theirs.
    folded = rx.text(
        "A message from someone you blocked",
        id="message-" + m.message_id.to_string(),
        data_testid="message-folded",
        color_scheme="gray",
        size="1",
        style={"font_style": "italic"},
        padding_y="0.4rem",
    )
    return rx.cond(RoomPage.hidden_authors.contains(m.username), folded, shown)


def _person(p: PresentPerson) -> rx.Component:
    return rx.hstack(
        avatar(p.initials, size="1"),
        rx.text(p.display_name, size="2"),
        spacing="2",
        align="center",
        data_testid="present-person",
    )


def presence_list() -> rx.Component:
    """Who has the room open now (live)."""
    return rx.el.section(
        rx.vstack(
            rx.heading("Here now (" + ForumRoom.here.length().to_string() + ")", size="2", as_="h2", id="here-heading"),
            rx.flex(rx.foreach(ForumRoom.here, _person), wrap="wrap", gap="3"),
            spacing="2",
        ),
        aria_labelledby="here-heading",
    )


def composer() -> rx.Component:
    """The message box: Enter sends, Shift+Enter starts a new line."""
    return rx.form(
        rx.vstack(
            rx.el.label("Message", html_for=COMPOSER_ID, font_weight="500", font_size="0.9rem"),
            rx.hstack(
                rx.text_area(
                    id=COMPOSER_ID,
                    name="text",
                    placeholder="Say something… (Enter sends, Shift+Enter for a new line)",
                    enter_key_submit=True,
                    rows="2",
                    aria_describedby="composer-error",
                    flex="1",
                    size="3",
                ),
                rx.button("Send", type="submit", size="3"),
                width="100%",
                align="end",
            ),
            rx.cond(
                RoomPage.composer_error != "",
                rx.text(RoomPage.composer_error, id="composer-error", color_scheme="red", size="2", role="alert"),
                rx.text(f"Up to {MAX_MESSAGE:,} characters.", id="composer-error", color_scheme="gray", size="1"),
            ),
            spacing="1",
            width="100%",
        ),
        on_submit=ForumRoom.send,
        reset_on_submit=True,
        width="100%",
    )
