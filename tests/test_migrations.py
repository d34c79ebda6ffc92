"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import hitrec_app.models  # noqa: F401
from alembic import command
from tests.conftest import PG_URL, alembic_config, migrate


def _diff(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        return compare_metadata(ctx, SQLModel.metadata)


def test_sqlite_upgrade_head_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    assert _diff(url) == []
    # What `alembic check` does: autogenerate (with env.py's type comparison) finds nothing.
    command.check(alembic_config(url))
    tables = set(inspect(create_engine(url)).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


def test_postgres_upgrade_head_matches_models_and_downgrades_cleanly():
    engine = create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as err:  # pragma: no cover - the test command starts PostgreSQL
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL}: {err}")
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS hitrec_migration_test CASCADE"))
        conn.execute(text("CREATE SCHEMA hitrec_migration_test"))
    url = PG_URL + "?options=-csearch_path%3Dhitrec_migration_test"
    try:
        migrate(url)
        assert _diff(url) == []
        command.check(alembic_config(url))
        command.downgrade(alembic_config(url), "base")
        assert inspect(create_engine(url)).get_table_names(schema="hitrec_migration_test") == [
            "alembic_version"
        ]
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS hitrec_migration_test CASCADE"))
