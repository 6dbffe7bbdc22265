"""The report dialog (one per page, in the layout) and the "Report" button that opens it."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.services.reports import MAX_REASON
from slice_of_culture.state.report import ReportState


def report_button(target: rx.Var | str, what: rx.Var | str, **props) -> rx.Component:
    """ "Report" for `target` ("comment:12"); `what` names it in the dialog ("this comment")."""
    return rx.button(
        "Report",
        on_click=ReportState.open_for(target, what),
        variant="ghost",
        color_scheme="gray",
        size="1",
        type="button",
        **props,
    )


def report_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
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
        ),
        open=ReportState.target != "",
        on_open_change=ReportState.set_open,
    )
