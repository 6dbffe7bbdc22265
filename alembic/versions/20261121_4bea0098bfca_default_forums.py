"""default forums

Revision ID: 4bea0098bfca
Revises: c4aec56b7100
Create Date: 2026-11-21 14:44:41.628230
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


revision: str = '4bea0098bfca'
down_revision: str | None = 'c4aec56b7100'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The rooms every installation starts with; admins add more in the app.
DEFAULT_FORUMS = [
    ("movies", "Movies", "Everything on screen: new releases, classics, what to watch tonight."),
    ("books", "Books", "What you are reading, what you could not finish, what to read next."),
    ("music", "Music", "Albums, artists, concerts and the songs on repeat."),
    ("science-fiction", "Science fiction", "Spaceships, futures and big ideas, on page and screen."),
    ("jazz", "Jazz", "From Kind of Blue to whatever came out last week."),
    ("horror", "Horror", "Films, books and records that keep you up at night."),
]

forum = sa.table(
    "forum",
    sa.column("slug", sa.String),
    sa.column("name", sa.String),
    sa.column("description", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    now = datetime.now(UTC)
    op.bulk_insert(
        forum,
        [{"slug": s, "name": n, "description": d, "created_at": now} for s, n, d in DEFAULT_FORUMS],
    )


def downgrade() -> None:
    op.execute(forum.delete().where(forum.c.slug.in_([s for s, _, _ in DEFAULT_FORUMS])))
