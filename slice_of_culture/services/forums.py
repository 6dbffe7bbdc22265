"""Forums: topic rooms. (Live chat arrives with the forums issue; this lists the rooms.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from slice_of_culture.models import Forum


@dataclass
class ForumSummary:
    slug: str
    name: str
    description: str


def list_forums(*, session: Session) -> list[ForumSummary]:
    """Open forums, by name."""
    forums = session.exec(select(Forum).where(Forum.archived_at.is_(None)).order_by(Forum.name)).all()
    return [ForumSummary(slug=f.slug, name=f.name, description=f.description) for f in forums]
