"""The page shell: navbar on every page, content in a readable column."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.components.a11y import sr_only
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.log_entry import LOG_SOMETHING_ID, LogState

# A line of text that shrinks with an ellipsis instead of wrapping (as a flex item it needs
# min-width 0 to shrink at all).
ONE_LINE = {"white_space": "nowrap", "overflow": "hidden", "text_overflow": "ellipsis", "min_width": "0"}


def nav_link(label: str, href: str | rx.Var, icon: str, *, word_from_80em: bool = False) -> rx.Component:
    """An icon and a word; `word_from_80em`: the icon alone below 80em (the word stays the
    link's name for screen readers)."""
    word = rx.text(label, display=rx.breakpoints(initial="none", lg="block")) if word_from_80em else rx.text(label)
    return rx.link(
        rx.hstack(rx.icon(icon, size=16), word, spacing="1", align="center"),
        href=href,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        weight="medium",
        aria_label=label if word_from_80em else None,
    )


def avatar(initials: rx.Var | str, src: rx.Var | str = "", size: str = "2") -> rx.Component:
    """An avatar; without a picture it draws initials locally (nothing fetched)."""
    return rx.avatar(src=src, fallback=initials, size=size, radius="full")


def _bell(test_id: str | None = None) -> rx.Component:
    """The notifications link with its unread badge."""
    return rx.link(
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
                    data_testid=test_id,
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
    )


def _admin_link() -> rx.Component:
    """ "Admin", with how many reported things wait for a decision."""
    waiting = SessionState.waiting_reports > 0
    return rx.link(
        rx.hstack(
            rx.icon("shield", size=16),
            rx.text("Admin"),
            rx.cond(
                waiting,
                rx.badge(SessionState.waiting_reports, color_scheme="orange", variant="solid", radius="full", size="1"),
            ),
            spacing="1",
            align="center",
        ),
        href=routes.ADMIN_REPORTS,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        weight="medium",
        aria_label=rx.cond(
            waiting, "Admin (" + SessionState.waiting_reports.to_string() + " reported things waiting)", "Admin"
        ),
    )


def _brand(size: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon("mail", size=22), rx.text("Slice of Culture", size=size, weight="bold"), align="center"),
        href=routes.HOME,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
    )


def _sections() -> list[rx.Component]:
    return [
        nav_link("Postcards", routes.HOME, "layout_grid"),
        nav_link("Forums", routes.FORUMS, "messages_square"),
        nav_link("For you", routes.FOR_YOU, "sparkles"),
    ]


def _search_icon() -> rx.Component:
    """The wide bar's way to /search: an icon (its name for screen readers is "Search"), as the
    row has no room for one more word at 62em."""
    return rx.link(
        rx.icon("search", size=18),
        href=routes.SEARCH,
        aria_label="Search",
        title="Search people and titles",
        color_scheme="gray",
        high_contrast=True,
        display="flex",
    )


def _logged_out_links() -> rx.Component:
    return rx.hstack(
        rx.link("Log in", href=routes.LOGIN, weight="medium"),
        rx.link("Sign up", href=routes.SIGNUP, weight="medium"),
        spacing="4",
        align="center",
    )


def _wide_bar() -> rx.Component:
    """Everything in one row, for screens 62em (~990 px) and wider."""
    account = rx.cond(
        SessionState.logged_in,
        rx.hstack(
            rx.button(
                rx.icon("plus", size=16), "Log something", on_click=LogState.start, size="2", id=LOG_SOMETHING_ID
            ),
            _bell(test_id="unread-badge"),
            rx.link(
                rx.hstack(
                    # Read as "Your profile", then the name where it shows (from 80em up): the name
                    # people see is part of the one they hear (WCAG 2.5.3).
                    sr_only("Your profile"),
                    rx.box(avatar(SessionState.user_initials, SessionState.avatar_url, size="1"), aria_hidden="true"),
                    rx.text(SessionState.display_name, display=rx.breakpoints(initial="none", lg="block")),
                ),
                href="/u/" + SessionState.username,
                underline="none",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.cond(SessionState.is_admin, _admin_link()),
            nav_link("Settings", routes.SETTINGS, "settings", word_from_80em=True),
            rx.button("Log out", on_click=SessionState.logout, variant="soft", size="2"),
            spacing="4",
            align="center",
        ),
        _logged_out_links(),
    )
    # From 62em (992 px) the whole row fits on one line: below 80em your name and "Settings"
    # are icons (measured at 992 px with the demo data).
    return rx.hstack(
        _brand("5"),
        rx.hstack(*_sections(), _search_icon(), spacing="4", align="center"),
        rx.spacer(),
        # Until the server has checked the cookie, show neither "Log in" nor "Log out".
        rx.cond(SessionState.auth_checked, account, rx.spinner(size="2")),
        width="100%",
        align="center",
        spacing="4",
        wrap="wrap",
        display=rx.breakpoints(initial="none", md="flex"),
    )


def _narrow_bar() -> rx.Component:
    """Phones and small windows: brand, Log something, notifications and a Menu with the rest."""
    menu_links = rx.vstack(
        *_sections(),
        nav_link("Search", routes.SEARCH, "search"),
        rx.cond(
            SessionState.logged_in,
            rx.vstack(
                rx.separator(size="4"),
                nav_link("Your profile", "/u/" + SessionState.username, "user"),
                rx.cond(SessionState.is_admin, _admin_link()),
                nav_link("Settings", routes.SETTINGS, "settings"),
                rx.button("Log out", on_click=SessionState.logout, variant="soft", size="2", width="100%"),
                spacing="3",
                width="100%",
            ),
        ),
        spacing="3",
        min_width="12rem",
    )
    account = rx.cond(
        SessionState.logged_in,
        rx.hstack(
            rx.icon_button(
                rx.icon("plus", size=18),
                on_click=LogState.start,
                aria_label="Log something",
                id=LOG_SOMETHING_ID + "-phone",
            ),
            _bell(),
            spacing="4",
            align="center",
        ),
        _logged_out_links(),
    )
    return rx.hstack(
        _brand("4"),
        rx.spacer(),
        rx.cond(SessionState.auth_checked, account, rx.spinner(size="2")),
        rx.popover.root(
            rx.popover.trigger(
                rx.icon_button(rx.icon("menu", size=18), variant="soft", color_scheme="gray", aria_label="Menu"),
            ),
            rx.popover.content(menu_links, align="end", aria_label="Menu"),
        ),
        width="100%",
        align="center",
        spacing="3",
        display=rx.breakpoints(initial="flex", md="none"),
    )


def navbar() -> rx.Component:
    """The same links in two arrangements; CSS shows one, and the other is out of the page
    (display: none), so neither a screen reader nor a test sees it twice."""
    return rx.el.nav(
        _wide_bar(),
        _narrow_bar(),
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
        # The first stop of the Tab key, shown when focused: past the navbar to the page (WCAG
        # 2.4.1). Reflex routes anchors in the page, which moves no focus: the click does.
        rx.el.a("Skip to content", href="#main", class_name="skip-link", on_click=rx.set_focus("main")),
        navbar(),
        log_dialog(),
        rx.el.main(
            rx.vstack(*children, spacing="5", width="100%", padding_y="2rem"),
            id="main",
            tab_index=-1,
            style={"max_width": max_width, "margin": "0 auto", "padding": "0 1rem", "outline": "none"},
        ),
        rx.el.footer(
            rx.hstack(
                rx.text("Slice of Culture", size="1", color_scheme="gray"),
                rx.link("Community rules", href=routes.RULES, size="1", color_scheme="gray"),
                spacing="4",
                justify="center",
                padding="1.5rem 1rem 2rem",
            ),
        ),
        min_height="100vh",
    )


def empty_state(title: str, text: str, icon: str = "inbox", level: str = "h2") -> rx.Component:
    """An honest 'nothing here yet' panel, headed at `level` (a page has one h1, its own)."""
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=36, color="var(--gray-9)", aria_hidden="true"),
            rx.heading(title, size="4", as_=level),
            rx.text(text, color_scheme="gray", text_align="center"),
            align="center",
            spacing="2",
        ),
        padding="3rem 1rem",
        border="1px dashed var(--gray-a6)",
        border_radius="12px",
        width="100%",
    )
