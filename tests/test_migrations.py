"""Migrations: up, down and up again on SQLite and PostgreSQL; the models match the schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, PrimaryKeyConstraint, Table, UniqueConstraint, insert, inspect, text
from sqlmodel import Session, SQLModel, select

import slice_of_culture.models  # noqa: F401
from alembic import command
from slice_of_culture.db import make_engine
from slice_of_culture.models import EmailChange, User, utcnow
from slice_of_culture.search_schema import include_name, include_object, is_search_object
from tests.conftest import IN_CI
from tests.utils.db import alembic_config, create_pg_database, drop_pg_database, pg_available, pg_url, sqlite_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "migrations.db")
        return
    if not pg_available():
        if IN_CI:
            pytest.fail("PostgreSQL is not reachable and CI=true forbids skipping")
        pytest.skip("PostgreSQL not reachable")
    name = create_pg_database()
    yield pg_url(name)
    drop_pg_database(name)


def _tables(url: str, *, models_only: bool = True) -> set[str]:
    engine = make_engine(url)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
        # The SQLite FTS5 search tables are not models (see slice_of_culture/search_schema.py).
        return {name for name in names if not (models_only and is_search_object(name, "table"))}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_matches_models(empty_db_url: str) -> None:
    cfg = alembic_config(empty_db_url)
    command.upgrade(cfg, "head")
    assert _tables(empty_db_url) == set(SQLModel.metadata.tables)
    command.downgrade(cfg, "base")
    assert _tables(empty_db_url, models_only=False) == set()
    command.upgrade(cfg, "head")

    engine = make_engine(empty_db_url)
    try:
        with engine.connect() as conn:
            opts = {"compare_type": True, "include_name": include_name, "include_object": include_object}
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), SQLModel.metadata)
            forums = conn.execute(text("SELECT slug FROM forum ORDER BY slug")).scalars().all()
    finally:
        engine.dispose()
    assert diff == [], f"models and migrations differ; run alembic revision --autogenerate: {diff}"
    # The default rooms come with the schema.
    assert {"books", "movies", "music"} <= set(forums)


def test_every_foreign_key_leads_an_index() -> None:
    # Deleting a user (or an entry, a forum) must find the rows that refer to it by an index, not
    # by scanning the table: an account deletion scanned all 200k items before ix_item_created_by_id.
    missing = []
    for table in SQLModel.metadata.tables.values():
        leading = {index.columns[0].name for index in table.indexes}
        leading |= {
            constraint.columns[0].name
            for constraint in table.constraints
            if isinstance(constraint, PrimaryKeyConstraint | UniqueConstraint) and constraint.columns
        }
        for key in table.foreign_keys:
            if key.parent.name not in leading:
                missing.append(f"{table.name}.{key.parent.name}")
    assert missing == []


def test_an_address_confirmed_by_an_email_change_counts_as_confirmed(empty_db_url: str) -> None:
    cfg = alembic_config(empty_db_url)
    command.upgrade(cfg, "b782b21f0091")
    now = utcnow()
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            meta = MetaData()
            user, change = (Table(name, meta, autoload_with=conn) for name in ("user", "email_change"))
            # moved: asked twice for its address (the first request spent by the second), then
            # confirmed; wandered: its confirmed change was to an address it left since (its
            # current one came from sign-up); never: no change at all.
            for n, (name, email) in enumerate(
                [("moved", "moved@new.example"), ("wandered", "wandered@example.com"), ("never", "never@example.com")],
                start=1,
            ):
                account = {"id": n, "username": name, "email": email, "password_hash": "x", "display_name": name}
                account |= {"bio": "", "avatar_url": "", "default_visibility": "public", "discoverable": True}
                conn.execute(insert(user).values(**account, is_admin=False, is_active=True, created_at=now))
            for n, (user_id, new_email, used) in enumerate(
                [
                    (1, "moved@new.example", now - timedelta(days=3)),
                    (1, "moved@new.example", now - timedelta(days=2)),
                    (1, "typo@new.example", now - timedelta(days=5)),
                    (2, "elsewhere@example.com", now - timedelta(days=1)),
                    (3, "never@example.com", None),
                ],
                start=1,
            ):
                conn.execute(
                    insert(change).values(
                        token_hash=f"{n:064d}",
                        user_id=user_id,
                        new_email=new_email,
                        created_at=now - timedelta(days=6),
                        expires_at=now,
                        used_at=used,
                    )
                )
        command.upgrade(cfg, "head")
        with Session(engine) as session:
            confirmed = {u.username: u.email_confirmed_at for u in session.exec(select(User))}
            used = session.exec(select(EmailChange.used_at).where(EmailChange.id == 2)).one()
    finally:
        engine.dispose()
    assert confirmed == {"moved": used, "wandered": None, "never": None}
    command.downgrade(cfg, "b782b21f0091")
