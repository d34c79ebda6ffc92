"""Field helpers so every table declares timestamps and foreign keys the same way."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlmodel import Field

from hitrec_app.models.types import UTCDateTime, utcnow


def created_at() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def timestamp(*, index: bool = False) -> Any:
    """An optional timezone-aware timestamp."""
    return Field(default=None, sa_type=UTCDateTime, nullable=True, index=index)


def fk(
    target: str, *, nullable: bool = False, ondelete: Literal["CASCADE", "RESTRICT"] = "CASCADE"
) -> Any:
    return Field(
        default=None if nullable else ...,
        foreign_key=target,
        nullable=nullable,
        index=True,
        ondelete=ondelete if not nullable else "SET NULL",
    )


__all__ = ["created_at", "datetime", "fk", "timestamp"]
