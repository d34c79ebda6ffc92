"""Alembic environment: the URL comes from HITREC_DATABASE_URL (or `-x url=...`)."""

from logging.config import fileConfig
from typing import Any

from sqlalchemy import BigInteger, Integer
from sqlmodel import SQLModel

import hitrec_app.models  # noqa: F401  (registers every table)
from alembic import context
from hitrec_app.db import get_engine
from hitrec_app.models.types import UTCDateTime
from hitrec_app.settings import settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def _url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or settings.database_url


def _render_item(type_: str, obj: object, autogen_context: Any) -> str | bool:
    if type_ == "type" and isinstance(obj, UTCDateTime):
        autogen_context.imports.add("import hitrec_app.models.types")
        return "hitrec_app.models.types.UTCDateTime()"
    return False


def _compare_type(
    context: Any,
    inspected_column: Any,
    metadata_column: Any,
    inspected_type: Any,
    metadata_type: Any,
) -> bool | None:
    if isinstance(metadata_type, UTCDateTime):
        # SQLite reflects DATETIME, PostgreSQL TIMESTAMP WITH TIME ZONE: both are what we made.
        return False
    if (
        context.dialect.name == "sqlite"
        and isinstance(metadata_type, BigInteger)
        and isinstance(inspected_type, Integer)
    ):
        # Every SQLite INTEGER is 64-bit already; 0007 widens the columns on PostgreSQL only.
        return False
    return None


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        connectable = get_engine(_url()).connect()
    with connectable as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            render_item=_render_item,
            compare_type=_compare_type,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
