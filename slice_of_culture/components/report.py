"""The "Report" button and its dialog.

Each button is its dialog's Radix trigger, so closing the dialog (Cancel, Escape, sent) puts
keyboard focus back on the button that opened it. The buttons sit in lists (postcards, forum
messages), and Reflex can focus only elements with a fixed id; one dialog per button lets Radix
do it. Only the open dialog's content is in the page."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.services.reports import MAX_REASON
from slice_of_culture.state.report import ReportState


def report_button(target: rx.Var | str, what: rx.Var | str, **props) -> rx.Component:
    """ "Report" for `target` ("comment:12"); `what` names it in the dialog ("this comment")."""
    # No on_click on the button: Reflex would wrap it in a div, and the div would be the trigger
    # (and get the focus back). Radix asks to open through on_open_change instead.
    return rx.dialog.root(
        rx.dialog.trigger(rx.button("Report", variant="ghost", color_scheme="gray", size="1", type="button", **props)),
        _report_content(),
        open=ReportState.target == target,
        on_open_change=lambda value: ReportState.set_open_for(value, target, what),
    )


def _report_content() -> rx.Component:
    return rx.dialog.content(
        rx.dialog.title("Report " + ReportState.what),
        rx.form(
            rx.vstack(
                rx.dialog.description(
                    "An admin will look at it and take it down if it breaks our ",
                    rx.link("community rules", href=routes.RULES, is_external=True),
                    ". The person is not told who reported it.",
                    size="2",
                ),
                rx.el.label("Why? (optional)", html_for="report-reason", font_weight="500", font_size="0.9rem"),
                rx.text_area(
                    id="report-reason",
                    name="reason",
                    max_length=MAX_REASON,
                    rows="3",
                    width="100%",
                    aria_describedby="report-error",
                ),
                rx.cond(
                    ReportState.error != "",
                    rx.text(ReportState.error, id="report-error", color_scheme="red", size="2", role="alert"),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", type="button", variant="soft", color_scheme="gray")),
                    rx.button("Send report", type="submit", color_scheme="red"),
                    spacing="3",
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=ReportState.send,
            # A refused report keeps what was typed; the dialog's content leaves the page
            # when it closes, so the next report starts empty.
            reset_on_submit=False,
        ),
        max_width="30rem",
    )
