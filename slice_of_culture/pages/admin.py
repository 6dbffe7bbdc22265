"""Admin: reported things to remove or keep, and the recommender's model versions with a chart of
their quality."""

from __future__ import annotations

from typing import Any

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.components import layout
from slice_of_culture.components.charts import BLUE, TOMATO
from slice_of_culture.components.layout import empty_state
from slice_of_culture.services.reports import Decision, ReportedThing
from slice_of_culture.state.admin import AdminState
from slice_of_culture.state.report import AdminReportsState


def _row(v) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(v.version, rx.cond(v.current, rx.badge("serving", color_scheme="green", margin_left="0.5rem"))),
        rx.table.cell(v.status),
        rx.table.cell(v.started),
        rx.table.cell(v.trigger),
        rx.table.cell(v.n_users.to_string() + " / " + v.n_items.to_string() + " / " + v.n_rows.to_string()),
        rx.table.cell(v.recall20),
        rx.table.cell(v.ndcg20),
        rx.table.cell(v.seconds),
        rx.table.cell(rx.text(v.error, size="1", color_scheme="red")),
    )


def _admin_nav() -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            rx.link("Reports", href=routes.ADMIN_REPORTS),
            rx.link("Recommender", href=routes.ADMIN_RECS),
            spacing="4",
        ),
        aria_label="Admin pages",
    )


def _reported(thing: ReportedThing) -> rx.Component:
    count = thing.reporters.length()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(thing.kind, color_scheme="gray"),
                rx.link("@" + thing.owner, href="/u/" + thing.owner, weight="bold"),
                rx.spacer(),
                rx.moment(thing.first_reported, from_now=True, font_size="0.8rem", color="var(--gray-11)"),
                width="100%",
                align="center",
            ),
            rx.text(thing.text, size="2", white_space="pre-wrap", style={"overflow_wrap": "anywhere"}),
            rx.link("Open it", href=thing.href, size="2"),
            rx.text(
                "Reported by " + thing.reporters.join(", ") + rx.cond(count > 1, " (" + count.to_string() + ")", ""),
                size="1",
                color_scheme="gray",
            ),
            rx.foreach(thing.reasons, lambda reason: rx.text("“" + reason + "”", size="2", color_scheme="gray")),
            rx.hstack(
                rx.button(
                    rx.cond(thing.kind == "user", "Deactivate", "Remove"),
                    on_click=AdminReportsState.resolve(thing.target, "remove"),
                    color_scheme="red",
                    size="2",
                ),
                rx.button(
                    "Keep it", on_click=AdminReportsState.resolve(thing.target, "dismiss"), variant="soft", size="2"
                ),
                spacing="3",
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        data_testid="reported-thing",
        width="100%",
    )


def _decision(d: Decision) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.badge(rx.cond(d.removed, "Removed", "Kept"), color_scheme=rx.cond(d.removed, "red", "gray"))),
        rx.table.cell(d.what),
        rx.table.cell(d.reports),
        rx.table.cell(d.admin),
        rx.table.cell(rx.moment(d.decided_at, from_now=True)),
        data_testid="decision",
    )


def _decisions() -> rx.Component:
    """The latest decisions, so that admins see what the others did."""
    return rx.cond(
        AdminReportsState.decisions.length() > 0,
        rx.vstack(
            rx.heading("Decided lately", size="5", as_="h2"),
            # Phones scroll the table sideways rather than squeezing its columns.
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Decision"),
                            rx.table.column_header_cell("What"),
                            rx.table.column_header_cell("Reports"),
                            rx.table.column_header_cell("By"),
                            rx.table.column_header_cell("When"),
                        )
                    ),
                    rx.table.body(rx.foreach(AdminReportsState.decisions, _decision)),
                    size="1",
                    width="100%",
                    min_width="34rem",
                ),
                overflow_x="auto",
                width="100%",
            ),
            width="100%",
            spacing="2",
        ),
    )


def admin_reports_page() -> rx.Component:
    return layout(
        rx.heading("Reports", size="7", as_="h1"),
        _admin_nav(),
        rx.cond(AdminReportsState.notice != "", rx.text(AdminReportsState.notice, role="status")),
        rx.cond(
            AdminReportsState.things.length() > 0,
            rx.vstack(rx.foreach(AdminReportsState.things, _reported), spacing="3", width="100%"),
            rx.cond(
                AdminReportsState.loaded,
                empty_state("Nothing reported", "Reported postcards, comments, messages and people wait here.", "flag"),
                rx.spinner(),
            ),
        ),
        _decisions(),
    )


def admin_recs_page() -> rx.Component:
    return layout(
        rx.heading("Recommender", size="7", as_="h1"),
        _admin_nav(),
        rx.hstack(
            rx.button("Retrain now", on_click=AdminState.retrain),
            rx.button("Refresh", on_click=AdminState.load, variant="soft"),
            rx.cond(AdminState.notice != "", rx.text(AdminState.notice, role="status")),
            align="center",
            spacing="3",
        ),
        rx.cond(
            AdminState.versions.length() > 0,
            rx.vstack(
                rx.recharts.line_chart(
                    rx.recharts.line(data_key="recall20", name="Recall@20", stroke=TOMATO),
                    rx.recharts.line(data_key="ndcg20", name="NDCG@20", stroke=BLUE),
                    rx.recharts.x_axis(data_key="version", reversed=True),
                    rx.recharts.y_axis(width=40),
                    rx.recharts.legend(),
                    rx.recharts.graphing_tooltip(),
                    data=AdminState.versions.to(list[dict[str, Any]]),
                    width="100%",
                    height=240,
                ),
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in (
                                    "Version",
                                    "Status",
                                    "Started",
                                    "Trigger",
                                    "Users / items / rows",
                                    "Recall@20",
                                    "NDCG@20",
                                    "Seconds",
                                    "Error",
                                )
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(AdminState.versions, _row)),
                    width="100%",
                ),
                width="100%",
            ),
            empty_state("No model yet", "Press “Retrain now” to train the first version.", icon="brain"),
        ),
        max_width="72rem",
    )
