"""Forums list, /forums: every open room with who is in it, its last message and your unread
count; admins also create, rename, archive and reopen forums here."""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components import layout
from slice_of_culture.components.forms import field, form_error
from slice_of_culture.components.layout import ONE_LINE, empty_state
from slice_of_culture.services.forums import MAX_UNREAD_SHOWN, ForumSummary, RecentMessage
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.forum_lobby import ForumLobby, LobbyRoom
from slice_of_culture.state.forums import ForumsState


def _admin_buttons(forum: LobbyRoom | ForumSummary, archived: bool) -> rx.Component:
    return rx.cond(
        SessionState.is_admin,
        rx.hstack(
            rx.button("Rename", variant="soft", size="1", on_click=ForumsState.start_edit(forum.slug)),
            (
                rx.button("Reopen", variant="soft", size="1", on_click=ForumsState.set_archived(forum.slug, False))
                if archived
                else rx.button(
                    "Archive",
                    variant="soft",
                    color_scheme="gray",
                    size="1",
                    on_click=ForumsState.set_archived(forum.slug, True),
                )
            ),
            spacing="2",
        ),
    )


def _edit_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            field(
                "Name", "edit-name", error=ForumsState.edit_errors.get("name", ""), default_value=ForumsState.edit_name
            ),
            field(
                "Description",
                "edit-description",
                error=ForumsState.edit_errors.get("description", ""),
                default_value=ForumsState.edit_description,
                required=False,
            ),
            rx.hstack(
                rx.button("Save", type="submit", size="2"),
                rx.button("Cancel", type="button", variant="soft", size="2", on_click=ForumsState.cancel_edit),
            ),
            width="100%",
        ),
        on_submit=ForumsState.save_edit,
        reset_on_submit=False,
        width="100%",
    )


def _row(forum: LobbyRoom | ForumSummary, archived: bool = False) -> rx.Component:
    # The room and its live columns come from the shared lobby (pushed as rooms change; the
    # load that sent this reader's list filled it); the unread count is the room's recent
    # messages after the last one this reader read (from the oldest recent one at load on),
    # plus older unread ones counted at load (forums.unread_marks).
    present = ForumLobby.present.get(forum.slug, 0)
    last_author = ForumLobby.last_author.get(forum.slug, "")
    last_preview = ForumLobby.last_preview.get(forum.slug, "")
    last_at = ForumLobby.last_at.get(forum.slug, "")
    last_read = ForumsState.last_read.get(forum.slug, 0).to(int)
    recent_from = ForumsState.recent_from.get(forum.slug, 0).to(int)
    # Your own messages (sent from another tab) are not news to you.
    newer = (
        ForumLobby.recent.get(forum.slug, [])
        .to(list[RecentMessage])
        .filter(
            lambda message: (
                (message.id > last_read) & (message.id >= recent_from) & (message.author != SessionState.username)
            )
        )
    )
    member = ForumsState.member.contains(forum.slug)
    unread = rx.cond(member, ForumsState.unread_before.get(forum.slug, 0).to(int) + newer.length(), 0).to(int)
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.link(rx.heading(forum.name, size="4", as_="h2"), href="/forums/" + forum.slug, underline="hover"),
                rx.badge("Archived", color_scheme="gray") if archived else rx.fragment(),
                rx.cond(
                    unread > 0,
                    rx.badge(
                        rx.cond(
                            unread > MAX_UNREAD_SHOWN, f"{MAX_UNREAD_SHOWN}+ unread", unread.to_string() + " unread"
                        ),
                        color_scheme="red",
                        variant="solid",
                        radius="full",
                        data_testid="forum-unread",
                    ),
                ),
                rx.spacer(),
                rx.cond(
                    present > 0,
                    rx.hstack(
                        rx.icon("users", size=14),
                        rx.text(present.to_string() + " here now", size="1"),
                        spacing="1",
                        align="center",
                        color="var(--green-11)",
                    ),
                ),
                align="center",
                width="100%",
                spacing="3",
            ),
            rx.text(forum.description, color_scheme="gray", size="2"),
            rx.cond(
                last_at != "",
                rx.hstack(
                    rx.text(last_author + ": ", weight="medium", size="2", white_space="nowrap"),
                    # One line on any screen: the preview gives way (ellipsis), the time never wraps.
                    rx.text(last_preview, size="2", color_scheme="gray", style=ONE_LINE, flex="1"),
                    rx.moment(
                        last_at,
                        from_now=True,
                        font_size="0.75rem",
                        color="var(--gray-11)",
                        white_space="nowrap",
                        flex_shrink="0",
                    ),
                    width="100%",
                    align="center",
                    spacing="1",
                ),
                rx.text("No messages yet.", size="2", color_scheme="gray"),
            ),
            rx.cond(ForumsState.edit_slug == forum.slug, _edit_form(), _admin_buttons(forum, archived)),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="forum-row",
    )


def _create_form() -> rx.Component:
    errors = ForumsState.create_errors
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("New forum", size="4", as_="h2"),
                form_error(errors.get("form", "")),
                field(
                    "Address",
                    "new-slug",
                    error=errors.get("slug", ""),
                    hint="e.g. film-noir → /forums/film-noir",
                    max_length=40,
                ),
                field("Name", "new-name", error=errors.get("name", ""), max_length=80),
                field(
                    "Description",
                    "new-description",
                    error=errors.get("description", ""),
                    required=False,
                    max_length=500,
                ),
                rx.button("Create forum", type="submit", size="2"),
                width="100%",
            ),
            on_submit=ForumsState.create,
            reset_on_submit=False,
            width="100%",
        ),
        width="100%",
    )


def forums_page() -> rx.Component:
    return layout(
        rx.heading("Forums", size="7", as_="h1"),
        rx.text("Topic rooms that update live. Say hello, mention people with @name, paste a link to a postcard."),
        rx.cond(ForumsState.notice != "", rx.callout(ForumsState.notice, icon="info")),
        rx.cond(
            ForumsState.loaded & (ForumLobby.rooms.length() == 0) & (ForumsState.archived.length() == 0),
            empty_state("No forums yet", "An admin can open the first one.", icon="messages_square"),
        ),
        # Leaving the page ends this tab's live updates of the list.
        rx.vstack(
            rx.cond(ForumsState.loaded, rx.foreach(ForumLobby.rooms, lambda room: _row(room))),
            rx.foreach(ForumsState.archived, lambda forum: _row(forum, archived=True)),
            on_unmount=ForumsState.leave,
            spacing="3",
            width="100%",
        ),
        rx.cond(SessionState.is_admin, _create_form()),
    )
