from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from hitrec_app.models.fields import created_at, fk, timestamp


class LiveSession(SQLModel, table=True):
    __tablename__ = "live_sessions"

    id: int | None = Field(default=None, primary_key=True)
    host_id: int = fk("users.id")
    challenge_id: int | None = fk("challenges.id", nullable=True)
    title: str = Field(max_length=200)
    state: str = Field(default="scheduled", max_length=16)
    started_at: datetime | None = timestamp()
    ended_at: datetime | None = timestamp()
    created_at: datetime = created_at()


class LiveRound(SQLModel, table=True):
    __tablename__ = "live_rounds"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = fk("live_sessions.id")
    number: int
    prompt: str = Field(default="")
    ends_at: datetime | None = timestamp()
    spotlight_entry_id: int | None = Field(default=None)


class LiveEntry(SQLModel, table=True):
    __tablename__ = "live_entries"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = fk("live_rounds.id")
    user_id: int = fk("users.id")
    record_id: int | None = fk("records.id", nullable=True)
    text: str = Field(default="")
    votes: int = Field(default=0)
    created_at: datetime = created_at()
