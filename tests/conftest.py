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
from sqlmodel import Session  # noqa: E402

from alembic import command  # noqa: E402
from hitrec_app.db import get_engine  # noqa: E402
from hitrec_app.settings import PROJECT_ROOT  # noqa: E402

PG_URL = os.environ.get("HITREC_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


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
