"""Admin: the recommender's model versions and a chart of their quality."""

from __future__ import annotations

from typing import Any

import reflex as rx

from slice_of_culture.components import layout
from slice_of_culture.components.charts import BLUE, TOMATO
from slice_of_culture.components.layout import empty_state
from slice_of_culture.state.admin import AdminState


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


def admin_recs_page() -> rx.Component:
    return layout(
        rx.heading("Recommender", size="7", as_="h1"),
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
