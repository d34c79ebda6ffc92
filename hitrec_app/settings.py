"""Process-wide settings read from the environment (no reflex import: services use it)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _data_dir() -> Path:
    path = Path(os.environ.get("HITREC_DATA_DIR", PROJECT_ROOT / "data"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(data_dir: Path) -> str:
    """The signing secret: from the environment, else generated once and kept on disk."""
    from_env = os.environ.get("HITREC_SECRET_KEY")
    if from_env:
        return from_env
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _positive_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = float(raw)
    if value <= 0:
        raise ValueError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    upload_dir: Path
    session_days: int = 30
    # How often (seconds) the app closes challenges whose deadline has passed.
    challenge_sweep_seconds: float = 30.0


def load_settings() -> Settings:
    data_dir = _data_dir()
    upload_dir = Path(os.environ.get("REFLEX_UPLOADED_FILES_DIR", data_dir / "uploads")).resolve()
    upload_dir.mkdir(parents=True, exist_ok=True)
    # Reflex serves this folder at /_upload; point it at ours.
    os.environ["REFLEX_UPLOADED_FILES_DIR"] = str(upload_dir)
    return Settings(
        data_dir=data_dir,
        database_url=os.environ.get("HITREC_DATABASE_URL", f"sqlite:///{data_dir / 'hitrec.db'}"),
        secret_key=_secret_key(data_dir),
        upload_dir=upload_dir,
        challenge_sweep_seconds=_positive_float("HITREC_CHALLENGE_SWEEP_SECONDS", 30.0),
    )


settings = load_settings()
