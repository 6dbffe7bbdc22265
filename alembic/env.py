"""Alembic environment: metadata from slice_of_culture.models, URL from settings.

Tests and tools may pass an explicit URL as `config.attributes["database_url"]`.
"""

from __future__ import annotations

from logging.config import fileConfig

from sqlmodel import SQLModel

import slice_of_culture.models  # noqa: F401  (registers every table)
from alembic import context
from slice_of_culture.config import get_settings
from slice_of_culture.db import make_engine, normalize_url
from slice_of_culture.search_schema import include_name, include_object

config = context.config
if config.config_file_name is not None and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def _url() -> str:
    return normalize_url(config.attributes.get("database_url") or get_settings().database_url)


def _options(url: str) -> dict:
    # SQLite cannot ALTER most things in place; batch mode rebuilds the table.
    # The search tables and indexes are made by hand in a migration; autogenerate must not drop them.
    return {
        "target_metadata": target_metadata,
        "render_as_batch": url.startswith("sqlite"),
        "compare_type": True,
        "include_name": include_name,
        "include_object": include_object,
    }


def run_migrations_offline() -> None:
    url = _url()
    context.configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"}, **_options(url))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = _url()
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, **_options(url))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
