"""Imports and exports over the API: what the Import page and Settings' export buttons do, for a
script that keeps a history in step with another site (services/imports.py holds the rules)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from slice_of_culture.api.base import ApiError, ApiResponse, Call, endpoint
from slice_of_culture.importers import MAX_BYTES, MAX_HISTORY_BYTES, ImportFile
from slice_of_culture.services import imports
from slice_of_culture.services import lists as list_service
from slice_of_culture.services.errors import ValidationError

# The longest file name kept (it tells the format: ".zip", ".json", ".csv").
MAX_FILE_NAME = 200
PROBLEMS_SHOWN = 100


def _flag(call: Call, name: str) -> bool:
    value = call.query(name).strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise ApiError(400, f"{name} must be true or false.", {name: "Must be true or false."})


def _problems(problems: list[str]) -> dict:
    return {"problems": problems[:PROBLEMS_SHOWN], "problem_count": len(problems)}


def _what_the_file_holds(found: ImportFile) -> dict:
    return {
        "format": found.format,
        "summary": found.summary(),
        "entries": len(found.rows),
        "lists": len(found.lists),
        "list_items": found.list_items,
    }


@endpoint(auth="required", status=201, file_limit=max(MAX_BYTES, MAX_HISTORY_BYTES))
def import_file(call: Call) -> dict | ApiResponse:
    """Import an export file (the body, as it was saved; `file_name` says what it is, as on the
    Import page). `dry_run=true` reads it and says what an import would do, changing nothing
    (200). `visibility` of the new entries and lists defaults to the caller's default."""
    user = call.require_user()
    name = call.query("file_name").strip()[:MAX_FILE_NAME]
    if not name:
        raise ValidationError({"file_name": "Give the file's name (e.g. goodreads_library_export.csv)."})
    if not call.raw:
        raise ValidationError({"file": "The file is empty: send it as the request's body."})
    visibility = call.query("visibility").strip() or user.default_visibility
    dry_run = _flag(call, "dry_run")
    found = imports.read_file(name, call.raw)
    if dry_run:
        imports.check_visibility(visibility)
        return ApiResponse({**_what_the_file_holds(found), **_problems(found.problems), "dry_run": True})
    result = imports.run_import(
        session=call.session, user=user, rows=found.rows, visibility=visibility, lists=found.lists
    )
    return {
        **_what_the_file_holds(found),
        "dry_run": False,
        "imported": result.imported,
        "new_items": result.new_items,
        "already_logged": result.already_logged,
        "lists_imported": result.lists_imported,
        "list_items_imported": result.list_items,
        "lists_added_to": result.lists_added_to,
        "items_added_to_lists": result.items_added_to_lists,
        "lists_unchanged": result.lists_unchanged,
        # The file's unreadable lines first, then what the import refused.
        **_problems(found.problems + result.problems),
    }


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@endpoint(auth="required")
def export_entries(call: Call) -> Response:
    """Every entry of the caller as our CSV (it imports back as it was)."""
    user = call.require_user()
    return _csv(imports.export_csv(session=call.session, user=user), f"slice-of-culture-{user.username}.csv")


@endpoint(auth="required")
def export_lists(call: Call) -> Response:
    """Every list of the caller, private ones too, as our lists CSV (it imports back)."""
    user = call.require_user()
    text = list_service.export_lists_csv(session=call.session, user=user)
    return _csv(text, f"slice-of-culture-{user.username}-lists.csv")


routes = [
    Route("/imports", import_file, methods=["POST"]),
    Route("/me/export/entries.csv", export_entries, methods=["GET"]),
    Route("/me/export/lists.csv", export_lists, methods=["GET"]),
]
