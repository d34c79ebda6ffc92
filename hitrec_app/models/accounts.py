from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from hitrec_app.models.base import Table, TimestampedTable
from hitrec_app.models.fields import fk, timestamp
from hitrec_app.models.types import UTCDateTime


class User(TimestampedTable, table=True):
    __tablename__ = "users"

    username: str = Field(max_length=32)
    # Lower-cased copy: uniqueness is case-insensitive on every engine.
    username_key: str = Field(max_length=32, unique=True, index=True)
    display_name: str = Field(default="", max_length=80)
    bio: str = Field(default="", max_length=2000)
    avatar_path: str | None = Field(default=None, max_length=255)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="member", max_length=16)  # one of vocabulary.ROLES
    terms_version: str = Field(max_length=32)
    terms_accepted_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class UserSession(TimestampedTable, table=True):
    """A signed-in browser. Only the SHA-256 of the token is stored."""

    __tablename__ = "user_sessions"

    user_id: int = fk("users.id")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    revoked_at: datetime | None = timestamp()


class LoginAttempt(Table, table=True):
    """Failed sign-ins, kept to rate-limit per account and per client address."""

    __tablename__ = "login_attempts"

    username_key: str = Field(max_length=64, index=True)
    client_ip: str = Field(max_length=64, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
