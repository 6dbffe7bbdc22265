"""Sign-up and log-in pages."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.components import field, layout, submit_button
from slice_of_culture.components.forms import form_error
from slice_of_culture.state.auth import LoginState, SignupState


def _card(title: str, *children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(rx.heading(title, size="6", as_="h1"), *children, spacing="4", width="100%"),
            width="100%",
            max_width="26rem",
            size="3",
        ),
        width="100%",
    )


def signup_page() -> rx.Component:
    return layout(
        _card(
            "Create your account",
            rx.form(
                rx.vstack(
                    form_error(SignupState.form_error),
                    field(
                        "Username",
                        "username",
                        error=SignupState.username_error,
                        default_value=SignupState.username,
                        autocomplete="username",
                        hint="3–30 characters: lowercase letters, digits and _.",
                        max_length=30,
                    ),
                    field(
                        "Email",
                        "email",
                        error=SignupState.email_error,
                        type="email",
                        default_value=SignupState.email,
                        autocomplete="email",
                    ),
                    field(
                        "Password",
                        "password",
                        error=SignupState.password_error,
                        type="password",
                        autocomplete="new-password",
                        hint="At least 8 characters.",
                    ),
                    rx.text(
                        "By signing up you agree to our ",
                        rx.link("community rules", href=routes.RULES, is_external=True),
                        ".",
                        size="2",
                        color_scheme="gray",
                    ),
                    submit_button("Sign up"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=SignupState.submit,
                # Our server-side messages appear next to each field instead of browser tooltips.
                no_validate=True,
                width="100%",
            ),
            rx.text("Already have an account? ", rx.link("Log in", href=routes.LOGIN), size="2"),
        )
    )


def login_page() -> rx.Component:
    return layout(
        _card(
            "Log in",
            rx.form(
                rx.vstack(
                    form_error(LoginState.error),
                    field("Username", "username", default_value=LoginState.username, autocomplete="username"),
                    field("Password", "password", type="password", autocomplete="current-password"),
                    submit_button("Log in"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=LoginState.submit,
                no_validate=True,
                width="100%",
            ),
            rx.text("New here? ", rx.link("Sign up", href=routes.SIGNUP), size="2"),
        )
    )
