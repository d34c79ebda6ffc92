"""The bases every table builds on (not tables themselves)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from hitrec_app.models.fields import created_at


class Table(SQLModel):
    """Every table's integer primary key, given by the database on insert."""

    id: int | None = Field(default=None, primary_key=True)


class TimestampedTable(Table):
    """A table whose rows keep when they were made (`created_at`, UTC)."""

    created_at: datetime = created_at()
