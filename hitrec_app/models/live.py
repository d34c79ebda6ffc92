from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from hitrec_app.models.base import Table, TimestampedTable
from hitrec_app.models.fields import fk, timestamp


class LiveSession(TimestampedTable, table=True):
    __tablename__ = "live_sessions"

    host_id: int = fk("users.id")
    challenge_id: int | None = fk("challenges.id", nullable=True)
    title: str = Field(max_length=200)
    state: str = Field(default="scheduled", max_length=16)
    started_at: datetime | None = timestamp()
    ended_at: datetime | None = timestamp()


class LiveRound(Table, table=True):
    __tablename__ = "live_rounds"

    session_id: int = fk("live_sessions.id")
    number: int
    prompt: str = Field(default="")
    ends_at: datetime | None = timestamp()
    spotlight_entry_id: int | None = Field(default=None)


class LiveEntry(TimestampedTable, table=True):
    __tablename__ = "live_entries"

    round_id: int = fk("live_rounds.id")
    user_id: int = fk("users.id")
    record_id: int | None = fk("records.id", nullable=True)
    text: str = Field(default="")
    votes: int = Field(default=0)
