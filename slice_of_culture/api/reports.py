"""Reports: ask the admins to look at a postcard, comment, forum message or person."""

from __future__ import annotations

from starlette.routing import Route

from slice_of_culture.api.base import Call, endpoint, read_fields
from slice_of_culture.services import reports


@endpoint(auth="required", body=True, status=201)
def create_report(call: Call) -> dict:
    """Report {"target": "entry:12" | "comment:3" | "message:7" | "user:5", "reason"?}. Reporting
    the same thing again changes nothing ({"reported": false})."""
    fields = read_fields(call.body, {"target": "text", "reason": "text?"}, required=("target",))
    created = reports.report(
        session=call.session, reporter=call.require_user(), target=fields["target"], reason=fields.get("reason") or ""
    )
    return {"reported": created}


routes = [Route("/reports", create_report, methods=["POST"])]
