"""Shared fixtures. Settings are pointed at a throw-away data folder before the app loads."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

_DATA = Path(tempfile.mkdtemp(prefix="hitrec-test-data-"))
os.environ.setdefault("HITREC_DATA_DIR", str(_DATA))
os.environ.setdefault("HITREC_DATABASE_URL", f"sqlite:///{_DATA / 'unit.db'}")
os.environ.setdefault("REFLEX_UPLOADED_FILES_DIR", str(_DATA / "uploads"))
os.environ.setdefault("HITREC_SECRET_KEY", "test-secret-key-not-for-production")

import pytest  # noqa: E402
from alembic.config import Config  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from alembic import command  # noqa: E402
from hitrec_app.db import get_engine  # noqa: E402
from hitrec_app.settings import PROJECT_ROOT  # noqa: E402

PG_URL = os.environ.get("HITREC_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _no_join_snapshots_kept_between_tests() -> Iterator[None]:
    """Each test's databases start over, so a room's join snapshot (kept per process by the
    broadcast path) must not outlive the test that read it."""
    from hitrec_app.realtime import broadcast

    broadcast._snapshots.clear()
    broadcast._joined.clear()
    yield
    broadcast._snapshots.clear()
    broadcast._joined.clear()


def alembic_config(url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.cmd_opts = type("Opts", (), {"x": [f"url={url}"]})()
    cfg.attributes["configure_logger"] = False
    return cfg


def migrate(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'test.db'}"
    migrate(url)
    return url


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """A session on a freshly migrated SQLite database (write-mode engine)."""
    with Session(get_engine(db_url, immediate=True), expire_on_commit=False) as s:
        yield s
        s.rollback()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A schema of its own on the test PostgreSQL, migrated once per test process."""
    import hitrec_app.models  # noqa: F401  (fills SQLModel.metadata for the truncation)

    admin = create_engine(PG_URL)
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as err:  # pragma: no cover - the test command starts PostgreSQL
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL}: {err}")
    schema = f"hitrec_test_{os.getpid()}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        migrate(url)
        yield url
    finally:
        get_engine(url).dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def pg_session(pg_url: str) -> Iterator[Session]:
    """A session on the migrated PostgreSQL schema, emptied again after the test."""
    engine = get_engine(pg_url)
    try:
        with Session(engine, expire_on_commit=False) as s:
            yield s
            s.rollback()
    finally:
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def any_session(request: pytest.FixtureRequest) -> Session:
    """The test runs twice: on SQLite (`session`) and on PostgreSQL (`pg_session`)."""
    return request.getfixturevalue("session" if request.param == "sqlite" else "pg_session")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: fast unit failures show first, and Playwright's sync API (whose
    event loop stays up for the session-wide browser) cannot clash with asyncio.run()."""
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))
