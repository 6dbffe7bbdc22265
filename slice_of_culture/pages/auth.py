"""Sign-up and log-in pages, the two steps of "forgot your password?", the pages that confirm
the sign-up email and a new email, and the one that stops the notification digest."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.components import field, layout, submit_button
from slice_of_culture.components.forms import form_error
from slice_of_culture.services import accounts
from slice_of_culture.state.auth import (
    ConfirmEmailState,
    ForgotPasswordState,
    LoginState,
    ResetPasswordState,
    SignupState,
    UnsubscribeState,
    VerifyEmailState,
)


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
            rx.link("Forgot your password?", href=routes.FORGOT_PASSWORD, size="2"),
            rx.text("New here? ", rx.link("Sign up", href=routes.SIGNUP), size="2"),
        )
    )


def forgot_password_page() -> rx.Component:
    return layout(
        _card(
            "Forgot your password?",
            rx.text("We will mail you a link to choose a new one.", size="2", color_scheme="gray"),
            rx.form(
                rx.vstack(
                    field(
                        "Username or email",
                        "who",
                        error=ForgotPasswordState.who_error,
                        default_value=ForgotPasswordState.who,
                        autocomplete="username",
                    ),
                    submit_button("Send reset link"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=ForgotPasswordState.submit,
                no_validate=True,
                width="100%",
            ),
            rx.cond(
                ForgotPasswordState.sent,
                rx.callout(
                    f"{accounts.RESET_SENT} No mail? Check your spam folder, or ask again.",
                    icon="mail",
                    role="status",
                    width="100%",
                ),
            ),
            rx.text("Remembered it? ", rx.link("Log in", href=routes.LOGIN), size="2"),
        )
    )


def reset_password_page() -> rx.Component:
    return layout(
        _card(
            "Choose a new password",
            form_error(ResetPasswordState.token_error),
            rx.cond(
                ResetPasswordState.link_works,
                rx.form(
                    rx.vstack(
                        field(
                            "New password",
                            "password",
                            error=ResetPasswordState.password_error,
                            type="password",
                            autocomplete="new-password",
                            hint="At least 8 characters. Every other login of your account ends.",
                        ),
                        submit_button("Set new password"),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=ResetPasswordState.submit,
                    no_validate=True,
                    width="100%",
                ),
                rx.link("Ask for a new link", href=routes.FORGOT_PASSWORD, size="2"),
            ),
        )
    )


def _mailed_link_page(
    title: str,
    *,
    error: rx.Var,
    done: rx.Var,
    done_text: rx.Component,
    works: rx.Var,
    ask: rx.Component,
    button: rx.Component,
) -> rx.Component:
    """A page a link in a mail opens (no login needed): what the link will do and one button
    (`works`), what it did (`done`), or why it cannot (`error`)."""
    to_settings = rx.link("Go to your settings", href=routes.SETTINGS, size="2")
    return layout(
        _card(
            title,
            form_error(error),
            rx.cond(
                done,
                rx.vstack(
                    rx.callout(done_text, icon="circle_check", color_scheme="green", role="status", width="100%"),
                    to_settings,
                    spacing="3",
                    width="100%",
                ),
                rx.cond(works, rx.vstack(ask, button, spacing="4", width="100%"), to_settings),
            ),
        )
    )


def confirm_email_page() -> rx.Component:
    return _mailed_link_page(
        "Confirm your new email",
        error=ConfirmEmailState.error,
        done=ConfirmEmailState.confirmed,
        done_text=rx.text("Done: your email is now ", rx.text.strong(ConfirmEmailState.new_email), "."),
        works=ConfirmEmailState.username != "",
        ask=rx.text(
            "Make ",
            rx.text.strong(ConfirmEmailState.new_email),
            " the email of @",
            ConfirmEmailState.username,
            "? Password reset links will go there.",
        ),
        button=rx.button("Confirm email", size="3", on_click=ConfirmEmailState.confirm),
    )


def verify_email_page() -> rx.Component:
    return _mailed_link_page(
        "Confirm your email",
        error=VerifyEmailState.error,
        done=VerifyEmailState.confirmed,
        done_text=rx.text("Done: ", rx.text.strong(VerifyEmailState.email), " is confirmed. Thank you!"),
        works=VerifyEmailState.username != "",
        ask=rx.text(
            "Confirm ",
            rx.text.strong(VerifyEmailState.email),
            " for @",
            VerifyEmailState.username,
            "? Then we may send it the notification digest you choose in Settings.",
        ),
        button=rx.button("Confirm my email", size="3", on_click=VerifyEmailState.confirm),
    )


def unsubscribe_page() -> rx.Component:
    return _mailed_link_page(
        "Stop the notification digest",
        error=UnsubscribeState.error,
        done=UnsubscribeState.done,
        done_text=rx.text("Done: no more digests. You can turn them back on in Settings."),
        works=UnsubscribeState.username != "",
        ask=rx.text(
            "Stop the daily mail about notifications @",
            UnsubscribeState.username,
            " has not seen? Everything else stays as it is.",
        ),
        button=rx.button("Stop these mails", size="3", on_click=UnsubscribeState.stop),
    )
