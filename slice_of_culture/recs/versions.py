"""The current-version pointer: which model version serves, kept in `recs_model_version`.

Readers resolve the pointer once and then read only that version's collections, so they see
either the old set or the new one, never a mix. Switching is one UPDATE over the table, so
there is no moment with zero or two current versions.
"""

from __future__ import annotations

from sqlalchemy import case, update
from sqlmodel import Session, select

from slice_of_culture.models import RecsModelVersion


def current_version(session: Session) -> RecsModelVersion | None:
    """The version that serves now, or None before the first successful refresh."""
    query = (
        select(RecsModelVersion)
        .where(RecsModelVersion.is_current == True)  # noqa: E712
        .order_by(RecsModelVersion.version.desc())  # type: ignore[union-attr]
    )
    return session.exec(query).first()


def list_versions(session: Session) -> list[RecsModelVersion]:
    """Every training run, newest first (for the admin page)."""
    return list(session.exec(select(RecsModelVersion).order_by(RecsModelVersion.version.desc())))  # type: ignore[union-attr]


def switch_current(session: Session, version: int) -> None:
    """Make `version` the current one in a single UPDATE: it becomes current and ready, the
    version that was ready before becomes retired. The caller commits, and must have written
    the version's vectors first. Raises LookupError for an unknown version."""
    known = session.exec(select(RecsModelVersion.id).where(RecsModelVersion.version == version)).first()
    if known is None:
        raise LookupError(f"no model version {version}")
    is_target = RecsModelVersion.version == version
    session.execute(
        update(RecsModelVersion).values(
            is_current=is_target,
            status=case(
                (is_target, "ready"),
                (RecsModelVersion.status == "ready", "retired"),
                else_=RecsModelVersion.status,
            ),
        )
    )
    # The ORM objects in this session still hold the old values.
    session.expire_all()
