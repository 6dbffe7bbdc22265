"""The page shell: navbar on every page, content in a readable column."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.log_entry import LogState


def nav_link(label: str, href: str | rx.Var, icon: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=16), rx.text(label), spacing="1", align="center"),
        href=href,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        weight="medium",
    )


def avatar(initials: rx.Var | str, src: rx.Var | str = "", size: str = "2") -> rx.Component:
    """An avatar; without a picture it draws initials locally (nothing fetched)."""
    return rx.avatar(src=src, fallback=initials, size=size, radius="full")


def navbar() -> rx.Component:
    account = rx.cond(
        SessionState.logged_in,
        rx.hstack(
            rx.button(rx.icon("plus", size=16), "Log something", on_click=LogState.start, size="2"),
            rx.link(
                rx.box(
                    rx.icon("bell", size=20),
                    rx.cond(
                        SessionState.unread > 0,
                        rx.badge(
                            SessionState.unread,
                            color_scheme="red",
                            variant="solid",
                            radius="full",
                            size="1",
                            position="absolute",
                            top="-8px",
                            right="-10px",
                            data_testid="unread-badge",
                        ),
                    ),
                    position="relative",
                ),
                href=routes.NOTIFICATIONS,
                color_scheme="gray",
                high_contrast=True,
                aria_label=rx.cond(
                    SessionState.unread > 0,
                    "Notifications (" + SessionState.unread.to_string() + " unread)",
                    "Notifications",
                ),
            ),
            rx.link(
                rx.hstack(avatar(SessionState.user_initials, size="1"), rx.text(SessionState.display_name)),
                href="/u/" + SessionState.username,
                underline="none",
                color_scheme="gray",
                high_contrast=True,
                aria_label="Your profile",
            ),
            rx.cond(SessionState.is_admin, nav_link("Admin", routes.ADMIN_RECS, "brain")),
            nav_link("Settings", routes.SETTINGS, "settings"),
            rx.button("Log out", on_click=SessionState.logout, variant="soft", size="2"),
            spacing="4",
            align="center",
        ),
        rx.hstack(
            rx.link("Log in", href=routes.LOGIN, weight="medium"),
            rx.link("Sign up", href=routes.SIGNUP, weight="medium"),
            spacing="4",
            align="center",
        ),
    )
    return rx.el.nav(
        rx.hstack(
            rx.link(
                rx.hstack(rx.icon("mail", size=22), rx.heading("Slice of Culture", size="5"), align="center"),
                href=routes.HOME,
                underline="none",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.hstack(
                nav_link("Postcards", routes.HOME, "layout_grid"),
                nav_link("Forums", routes.FORUMS, "messages_square"),
                nav_link("For you", routes.FOR_YOU, "sparkles"),
                spacing="5",
                align="center",
            ),
            rx.spacer(),
            # Until the server has checked the cookie, show neither "Log in" nor "Log out".
            rx.cond(SessionState.auth_checked, account, rx.spinner(size="2")),
            width="100%",
            align="center",
            spacing="6",
            wrap="wrap",
        ),
        aria_label="Main",
        style={
            "padding": "0.75rem 1.5rem",
            "border_bottom": "1px solid var(--gray-a5)",
            "position": "sticky",
            "top": "0",
            "background": "var(--color-background)",
            "z_index": "10",
        },
    )


def layout(*children: rx.Component, max_width: str = "52rem") -> rx.Component:
    """Navbar plus a centred main column."""
    from slice_of_culture.components.log_dialog import log_dialog

    return rx.box(
        navbar(),
        log_dialog(),
        rx.el.main(
            rx.vstack(*children, spacing="5", width="100%", padding_y="2rem"),
            style={"max_width": max_width, "margin": "0 auto", "padding": "0 1rem"},
        ),
        min_height="100vh",
    )


def empty_state(title: str, text: str, icon: str = "inbox") -> rx.Component:
    """An honest 'nothing here yet' panel."""
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=36, color="var(--gray-9)"),
            rx.heading(title, size="4"),
            rx.text(text, color_scheme="gray", text_align="center"),
            align="center",
            spacing="2",
        ),
        padding="3rem 1rem",
        border="1px dashed var(--gray-a6)",
        border_radius="12px",
        width="100%",
    )
