"""/import: bring your history from Goodreads, Letterboxd, ListenBrainz, Spotify or a CSV, and your
lists (Letterboxd's, or ours as Settings downloads them). Needs a login."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import importers
from slice_of_culture.components import layout
from slice_of_culture.components.a11y import named_upload
from slice_of_culture.components.forms import VISIBILITY_OPTIONS, form_error, select_field
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.imports import UPLOAD_ID, ImportState

# Where each file comes from, as the page tells it.
_SOURCES = [
    ("Goodreads", "My Books → Import and export → Export library, then choose the file here."),
    (
        "Letterboxd",
        "Settings → Data → Export your data, then choose the zip (its diary and its lists are imported) "
        "or one of its files: diary, reviews, ratings, watched, watchlist, or a list from its lists folder.",
    ),
    ("ListenBrainz", "Settings → Export listens, then choose the zip as it arrives (or one month's file from it)."),
    (
        "Spotify",
        "Account privacy → Download your data → Extended streaming history; when it arrives, choose "
        "my_spotify_data.zip (or a Streaming_History_Audio file from it).",
    ),
    (
        "Your lists from here",
        "Settings → Download your lists (CSV), then choose the file here (on this account or another).",
    ),
    (
        "Anything else",
        "a CSV with the columns kind, title, creator, year, status, rating, date, review (kind is movie, "
        "book or music; rating in stars, 0.5 to 5; date like 2024-05-31).",
    ),
]


def _how() -> rx.Component:
    return rx.vstack(
        *[rx.text(rx.text.strong(f"{source}: "), how) for source, how in _SOURCES],
        rx.text(
            "From a listening history, an album counts as listened once you played "
            f"{importers.ALBUM_MIN_TRACKS} different tracks of it; it is logged on the day you last played it.",
            size="2",
            color_scheme="gray",
        ),
        rx.text(
            f"Up to {importers.MAX_ROWS:,} lines and {importers.MAX_BYTES // (1024 * 1024)} MB (listening "
            f"histories: {importers.MAX_HISTORY_BYTES // (1024 * 1024)} MB). Lines you already "
            "logged the same way are skipped, so importing a file twice is safe.",
            size="2",
            color_scheme="gray",
        ),
        rx.text(
            "A list with the title of one you have already adds only the items yours lacks, at its end; "
            "yours keeps its description and who sees it.",
            size="2",
            color_scheme="gray",
        ),
        spacing="2",
    )


def _picker() -> rx.Component:
    return named_upload(
        "Choose an export file",
        rx.vstack(
            rx.icon("file_up", size=28, color="var(--gray-9)"),
            rx.button("Choose a file", type="button", variant="soft"),
            rx.text("or drop it here", size="2", color_scheme="gray"),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        accept={
            "text/csv": [".csv"],
            "text/plain": [".csv", ".txt"],
            "application/json": [".json", ".jsonl"],
            "application/zip": [".zip"],
        },
        multiple=False,
        max_files=1,
        disabled=ImportState.importing,
        on_drop=ImportState.check_file(rx.upload_files(upload_id=UPLOAD_ID)),
        border="1px dashed var(--gray-a7)",
        border_radius="12px",
        padding="1.5rem",
        width="100%",
    )


def _problems(items: rx.Var, count: rx.Var, title: str) -> rx.Component:
    return rx.cond(
        count > 0,
        rx.vstack(
            rx.text(title, " (", count, ")", weight="medium"),
            rx.el.ul(rx.foreach(items, lambda p: rx.el.li(rx.text(p, size="2"))), style={"padding_left": "1.2rem"}),
            rx.cond(count > items.length(), rx.text("… and more.", size="2", color_scheme="gray")),
            spacing="1",
            width="100%",
        ),
    )


def _preview() -> rx.Component:
    return rx.cond(
        ImportState.summary != "",
        rx.card(
            rx.vstack(
                rx.text(rx.text.strong(ImportState.file_name), role="status"),
                rx.text(ImportState.summary),
                _problems(ImportState.problems, ImportState.problem_count, "What will be left out, and why"),
                rx.text(
                    "Lines and lists from a Slice of Culture export keep their own visibility when it is "
                    "stricter; Letterboxd's lists get the one chosen here.",
                    size="1",
                    color_scheme="gray",
                ),
                select_field(
                    # A lists export has no entries: the choice is about its lists then.
                    rx.cond(ImportState.ready > 0, "Who sees these entries", "Who sees these lists"),
                    "import-visibility",
                    VISIBILITY_OPTIONS,
                    value=ImportState.visibility,
                    on_change=ImportState.set_visibility,
                ),
                rx.cond(
                    ImportState.import_label != "",
                    rx.button(
                        ImportState.import_label,
                        on_click=ImportState.start,
                        loading=ImportState.importing,
                        size="3",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def _progress() -> rx.Component:
    return rx.cond(
        ImportState.importing,
        rx.vstack(
            rx.text("Importing… ", ImportState.progress, "%", role="status"),
            rx.progress(value=ImportState.progress, max=100, aria_label="Import progress", width="100%"),
            width="100%",
        ),
    )


def _done() -> rx.Component:
    return rx.cond(
        ImportState.done != "",
        rx.vstack(
            rx.callout(ImportState.done, icon="circle_check", color_scheme="green", role="status", width="100%"),
            _problems(ImportState.done_problems, ImportState.done_problem_count, "What was left out, and why"),
            rx.hstack(
                rx.cond(
                    ImportState.done_entries,
                    rx.link("See them on your profile", href="/u/" + SessionState.username),
                ),
                rx.cond(ImportState.done_lists_url != "", rx.link("See your lists", href=ImportState.done_lists_url)),
                spacing="4",
            ),
            spacing="3",
            width="100%",
        ),
    )


def import_page() -> rx.Component:
    return layout(
        rx.heading("Import your history", size="7", as_="h1"),
        rx.text("Bring what you have read, watched and listened to elsewhere; it becomes your postcards here."),
        rx.cond(
            SessionState.logged_in,
            rx.vstack(
                _how(),
                _picker(),
                form_error(ImportState.file_error),
                _preview(),
                _progress(),
                _done(),
                spacing="4",
                width="100%",
            ),
            rx.spinner(),
        ),
    )
