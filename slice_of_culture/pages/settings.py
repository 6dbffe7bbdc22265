"""Settings: your profile and defaults. Needs a login (guarded on the server in on_load)."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.components import field, layout
from slice_of_culture.components.a11y import named_upload
from slice_of_culture.components.forms import VISIBILITY_OPTIONS, form_error, kind_checkboxes, select_field
from slice_of_culture.components.layout import avatar
from slice_of_culture.components.postcard import kind_tile
from slice_of_culture.services import avatars, time_zones
from slice_of_culture.services.blocks import BlockedPerson
from slice_of_culture.services.dismissals import DismissedItem
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.settings import SettingsState

AVATAR_UPLOAD = "avatar-upload"


def _picture() -> rx.Component:
    """The profile picture: choose or drop a file (it is uploaded at once), or go back to initials."""
    return rx.el.section(
        rx.heading("Picture", size="5", as_="h2", id="picture-heading"),
        rx.hstack(
            avatar(SessionState.user_initials, SettingsState.avatar_url, size="6"),
            named_upload(
                "Upload a profile picture",
                rx.vstack(
                    rx.button(rx.icon("image_up", size=16), "Choose a picture", type="button", variant="soft"),
                    rx.text("or drop one here: JPEG, PNG, WebP or GIF, up to 8 MB.", size="1", color_scheme="gray"),
                    spacing="1",
                    align="start",
                ),
                id=AVATAR_UPLOAD,
                accept=avatars.ACCEPTED_TYPES,
                max_files=1,
                multiple=False,
                # The browser refuses what is too large or of another type before sending it.
                max_size=avatars.MAX_UPLOAD_BYTES,
                on_drop=SettingsState.upload_avatar(rx.upload_files(upload_id=AVATAR_UPLOAD)),
                on_drop_rejected=SettingsState.picture_refused,
                styled=False,
            ),
            rx.cond(
                SettingsState.avatar_url != "",
                rx.button(
                    "Remove picture",
                    type="button",
                    variant="ghost",
                    color_scheme="red",
                    on_click=SettingsState.remove_avatar,
                ),
            ),
            spacing="4",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            SettingsState.avatar_error != "",
            rx.text(SettingsState.avatar_error, color_scheme="red", size="2", role="alert"),
        ),
        aria_labelledby="picture-heading",
        style={"width": "100%", "display": "flex", "flex_direction": "column", "gap": "0.75rem"},
    )


def _select(label: str, name: str, options: list[tuple[str, str]], *, groups: tuple = ()) -> rx.Component:
    """A select of the profile form, showing SettingsState's var `name`, which `set_<name>` sets
    (`groups`: labelled option groups after `options`)."""
    return select_field(
        label,
        name,
        options,
        value=getattr(SettingsState, name),
        on_change=getattr(SettingsState, f"set_{name}"),
        error=SettingsState.errors.get(name, ""),
        groups=groups,
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(SettingsState.errors.get("form", "")),
            field(
                "Display name",
                "display_name",
                error=SettingsState.errors.get("display_name", ""),
                default_value=SettingsState.display_name,
                max_length=60,
            ),
            rx.vstack(
                rx.el.label("Bio", html_for="bio", font_weight="500", font_size="0.9rem"),
                rx.text_area(id="bio", name="bio", default_value=SettingsState.bio, max_length=500, width="100%"),
                rx.text(SettingsState.errors.get("bio", ""), color_scheme="red", size="2"),
                spacing="1",
                width="100%",
            ),
            field(
                "Avatar URL",
                "avatar_url",
                error=SettingsState.errors.get("avatar_url", ""),
                default_value=SettingsState.avatar_url,
                required=False,
                hint="Or a picture on the web (https://…). Empty: your initials.",
            ),
            _select("Default visibility", "default_visibility", VISIBILITY_OPTIONS),
            rx.vstack(
                kind_checkboxes(
                    "What do you like? (none: everything)",
                    "settings-kind",
                    SettingsState.preferred_kinds,
                    SettingsState.choose_kind,
                ),
                rx.text(
                    "For you shows these kinds unless you ask it for everything.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.text(SettingsState.errors.get("kinds", ""), color_scheme="red", size="2"),
                spacing="1",
                width="100%",
            ),
            rx.el.label(
                rx.hstack(
                    rx.checkbox(
                        checked=SettingsState.discoverable,
                        on_change=SettingsState.set_discoverable,
                        aria_labelledby="discoverable-label",
                    ),
                    rx.text("Show me to people with similar taste", id="discoverable-label"),
                    align="center",
                ),
            ),
            rx.el.label(
                rx.hstack(
                    rx.checkbox(
                        checked=SettingsState.email_digest,
                        on_change=SettingsState.set_email_digest,
                        aria_labelledby="email-digest-label",
                    ),
                    rx.text(
                        "Email me, at most once a day, about notifications I have not seen", id="email-digest-label"
                    ),
                    align="center",
                ),
            ),
            rx.vstack(
                _select(
                    "Time zone",
                    "time_zone",
                    [(time_zones.DEFAULT, time_zones.DEFAULT)],
                    groups=time_zones.time_zone_groups(),
                ),
                rx.cond(
                    SettingsState.email_digest,
                    rx.text(SettingsState.digest_arrives, size="1", color_scheme="gray"),
                ),
                spacing="1",
                width="100%",
            ),
            rx.button("Save", type="submit", size="3"),
            rx.cond(SettingsState.saved, rx.text("Saved.", color_scheme="green", role="status")),
            spacing="4",
            width="100%",
            align="start",
        ),
        on_submit=SettingsState.save,
        width="100%",
        # A new picture re-keys the form so its Avatar URL field shows the new address.
        key=SettingsState.profile_form_key.to_string(),
    )


def _download(label: str, on_click: rx.EventHandler, what: str) -> rx.Component:
    """A button that downloads one of the person's CSV exports, and a line on what is in it."""
    return rx.hstack(
        rx.button(rx.icon("download", size=16), label, on_click=on_click, variant="soft", type="button"),
        rx.text(what, size="2", color_scheme="gray"),
        align="center",
        wrap="wrap",
    )


def _import_export() -> rx.Component:
    return rx.vstack(
        rx.heading("Import and export", size="5", as_="h2"),
        rx.text(
            rx.link("Import from Goodreads, Letterboxd or a CSV", href=routes.IMPORT),
            ": what you read and watched there becomes your postcards here.",
        ),
        _download(
            "Download your entries (CSV)",
            SettingsState.download_export,
            "Everything you logged; it imports back here as it was.",
        ),
        _download(
            "Download your lists (CSV)",
            SettingsState.download_lists,
            "All your lists, private ones too, each item in order with its note; it imports back here.",
        ),
        spacing="3",
        width="100%",
        style={"padding_top": "1.5rem", "border_top": "1px solid var(--gray-a5)"},
    )


def _blocked_person(person: BlockedPerson) -> rx.Component:
    return rx.hstack(
        avatar(person.initials, person.avatar_url, size="2"),
        rx.link(person.display_name, href="/u/" + person.username),
        rx.text("@" + person.username, color_scheme="gray", size="2"),
        rx.spacer(),
        rx.button(
            "Unblock",
            on_click=SettingsState.unblock(person.user_id),
            variant="soft",
            size="1",
            type="button",
            aria_label="Unblock @" + person.username,
        ),
        align="center",
        width="100%",
        data_testid="blocked-person",
    )


def _listed(
    heading: str,
    heading_id: str,
    rows: rx.Var,
    row: Callable,
    empty: str,
    *,
    summary: rx.Component | None = None,
    more: rx.Component | None = None,
) -> rx.Component:
    """A section of its own under a rule: a heading, then `row(each)` for each of `rows`, or `empty`;
    when there are rows, `summary` above them and `more` below."""
    shown = [part for part in (summary, rx.foreach(rows, row), more) if part is not None]
    return rx.el.section(
        rx.vstack(
            rx.heading(heading, size="5", as_="h2", id=heading_id),
            rx.cond(
                rows.length() > 0,
                rx.vstack(*shown, spacing="2", width="100%"),
                rx.text(empty, size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
            align="start",
        ),
        aria_labelledby=heading_id,
        style={"width": "100%", "padding_top": "1.5rem", "border_top": "1px solid var(--gray-a5)"},
    )


def _blocked_people() -> rx.Component:
    return _listed(
        "Blocked people",
        "blocked-heading",
        SettingsState.blocked,
        _blocked_person,
        "Nobody. Block someone from their profile: you stop seeing each other's postcards and "
        "comments, and their forum messages are folded away.",
    )


def _hidden_item(item: DismissedItem) -> rx.Component:
    return rx.hstack(
        kind_tile(item.kind, width="32px", height="40px", icon_size=16),
        rx.vstack(
            rx.link(item.title, href="/item/" + item.item_id.to_string()),
            rx.text(
                item.creator,
                rx.cond(item.year, " · " + item.year.to_string(), ""),
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
        ),
        rx.spacer(),
        rx.button(
            "Show again",
            on_click=SettingsState.show_again(item.item_id),
            variant="soft",
            size="1",
            type="button",
            aria_label="Show again: " + item.title,
        ),
        align="center",
        width="100%",
        data_testid="hidden-item",
    )


def _hidden_items() -> rx.Component:
    return _listed(
        "Hidden from For you",
        "hidden-heading",
        SettingsState.hidden_items,
        _hidden_item,
        "Nothing. Press “Not interested” on a recommendation in For you and it is not suggested "
        "to you again; it shows here, to bring back when you like.",
        summary=rx.text(SettingsState.hidden_total.to_string() + " hidden", size="2", color_scheme="gray"),
        more=rx.cond(
            SettingsState.hidden_cursor != "",
            rx.button(
                "Show more",
                on_click=SettingsState.more_hidden,
                variant="soft",
                size="2",
                type="button",
                aria_label="Show more hidden items",
            ),
        ),
    )


def _account_section(heading: str, heading_id: str, *children: rx.Component, **form_props) -> rx.Component:
    """A section of its own under a rule: a heading and one form (`form_props` go to rx.form)."""
    return rx.el.section(
        rx.form(
            rx.vstack(
                rx.heading(heading, size="5", as_="h2", id=heading_id),
                *children,
                spacing="3",
                width="100%",
                align="start",
            ),
            width="100%",
            **form_props,
        ),
        aria_labelledby=heading_id,
        style={"width": "100%", "padding_top": "1.5rem", "border_top": "1px solid var(--gray-a5)"},
    )


def _outcome(message: rx.Var, *, failed: bool = False) -> rx.Component:
    """What an action did (green, a status) or why it did not (red, an alert); nothing for ""."""
    return rx.cond(
        message != "",
        rx.text(message, color_scheme="red" if failed else "green", role="alert" if failed else "status"),
    )


def _email_notice(
    text: rx.Component, button: str, on_click: rx.EventHandler, color_scheme: str, *below: rx.Component
) -> rx.Component:
    """A callout about the address: what is going on, one small button, then what it did."""
    return rx.callout(
        rx.vstack(
            rx.hstack(
                text,
                rx.button(button, type="button", variant="soft", size="1", on_click=on_click),
                align="center",
                wrap="wrap",
                spacing="3",
            ),
            *below,
            spacing="2",
            width="100%",
        ),
        icon="mail",
        color_scheme=color_scheme,
        width="100%",
    )


def _email_confirmation() -> rx.Component:
    """Whether the address is proven; if not, a button that mails the link again."""
    return rx.cond(
        SettingsState.email_confirmed,
        rx.hstack(
            rx.icon("circle_check", size=16, color="var(--green-11)"),
            rx.text("Confirmed: it is yours.", size="2", color_scheme="green"),
            align="center",
            spacing="2",
        ),
        _email_notice(
            rx.text(
                rx.text.strong("Not confirmed yet."),
                " Open the link we mailed you when you signed up; until then no digest goes there.",
            ),
            "Send the link again",
            SettingsState.resend_confirmation,
            "amber",
            _outcome(SettingsState.confirmation_error, failed=True),
            _outcome(SettingsState.confirmation_notice),
        ),
    )


def _email_form() -> rx.Component:
    errors = SettingsState.email_errors
    return _account_section(
        "Email",
        "email-heading",
        rx.text(
            "Yours is ",
            rx.text.strong(SettingsState.email),
            ". Password reset links go there. A new one takes effect when you open the link we mail to"
            " it; then the old address is told.",
            size="2",
        ),
        _email_confirmation(),
        rx.cond(
            SettingsState.pending_email != "",
            _email_notice(
                rx.text(
                    "Waiting for you to open the link we sent to ",
                    rx.text.strong(SettingsState.pending_email),
                    " (it works until ",
                    SettingsState.pending_until,
                    ").",
                ),
                "Cancel the change",
                SettingsState.cancel_email_change,
                "blue",
            ),
        ),
        form_error(errors.get("form", "")),
        field(
            "New email",
            "new_email",
            type="email",
            autocomplete="email",
            error=errors.get("email", ""),
        ),
        field(
            "Password to change your email",
            "email_password",
            type="password",
            autocomplete="current-password",
            error=errors.get("email_password", ""),
        ),
        rx.button("Change email", type="submit", size="3"),
        _outcome(SettingsState.email_notice),
        on_submit=SettingsState.change_email,
        no_validate=True,
        # A new key after a change empties the fields.
        key=SettingsState.email_form_key.to_string(),
    )


def _password_form() -> rx.Component:
    errors = SettingsState.password_errors
    return _account_section(
        "Password",
        "password-heading",
        form_error(errors.get("form", "")),
        field(
            "Current password",
            "current_password",
            type="password",
            autocomplete="current-password",
            error=errors.get("current_password", ""),
        ),
        field(
            "New password",
            "new_password",
            type="password",
            autocomplete="new-password",
            error=errors.get("new_password", ""),
            hint="At least 8 characters. Your other devices are logged out.",
        ),
        rx.button("Change password", type="submit", size="3"),
        _outcome(SettingsState.password_notice),
        on_submit=SettingsState.change_password,
        # A new key after a change empties the fields.
        key=SettingsState.password_form_key.to_string(),
    )


def _delete_form() -> rx.Component:
    errors = SettingsState.delete_errors
    return _account_section(
        "Delete your account",
        "delete-heading",
        rx.text(
            "This removes your profile, everything you logged, your likes, comments, follows and "
            "forum messages, for good. Download your entries and lists first if you want to keep them.",
            size="2",
        ),
        form_error(errors.get("form", "")),
        field(
            "Your password, to confirm",
            "delete_password",
            type="password",
            autocomplete="current-password",
            error=errors.get("delete_password", ""),
        ),
        rx.button("Delete my account", type="submit", color_scheme="red", variant="soft", size="3"),
        on_submit=SettingsState.delete_account,
    )


def settings_page() -> rx.Component:
    return layout(
        rx.heading("Settings", size="7", as_="h1"),
        rx.cond(
            SessionState.logged_in,
            rx.fragment(
                _picture(),
                _form(),
                _import_export(),
                _blocked_people(),
                _hidden_items(),
                _email_form(),
                _password_form(),
                _delete_form(),
            ),
            rx.spinner(),
        ),
    )
