"""Live challenge sessions (issue 10): a host runs timed rounds; entries become credited records.

A session's host actions are ordered by `LiveSession.seq` (the number applied so far); what
happened is kept in `live_events`, the timeline anyone can replay afterwards.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, UniqueConstraint

from hitrec_app.models.base import Table, TimestampedTable
from hitrec_app.models.fields import created_at, fk, timestamp


class LiveSession(TimestampedTable, table=True):
    __tablename__ = "live_sessions"

    host_id: int = fk("users.id")
    challenge_id: int = fk("challenges.id")  # where its entries become records
    title: str = Field(max_length=200)
    code: str = Field(max_length=8, unique=True, index=True)  # the short join code
    state: str = Field(default="scheduled", max_length=16, index=True)  # LIVE_SESSION_STATES
    scheduled_for: datetime | None = timestamp()
    started_at: datetime | None = timestamp()
    ended_at: datetime | None = timestamp()
    seq: int = Field(default=0)  # host actions applied so far


class LiveRound(Table, table=True):
    __tablename__ = "live_rounds"
    __table_args__ = (UniqueConstraint("session_id", "number"),)

    session_id: int = fk("live_sessions.id")
    number: int
    prompt: str = Field(sa_type=Text, nullable=False)
    kind: str = Field(max_length=16)  # vocabulary.LIVE_ROUND_KINDS
    duration_s: int
    state: str = Field(default="pending", max_length=16)  # vocabulary.LIVE_ROUND_STATES
    started_at: datetime | None = timestamp()
    ends_at: datetime | None = timestamp()  # server clock; entries are refused after it
    tally_hidden: bool = Field(default=False)  # the host's choice: tallies hidden until reveal
    # No foreign key: entries point at their round, and a cycle of foreign keys would make
    # the tables impossible to create or empty in one step. The services check it.
    spotlight_entry_id: int | None = Field(default=None)


class LiveParticipant(Table, table=True):
    """A signed-in member who joined a session (presence in the room is not stored)."""

    __tablename__ = "live_participants"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    session_id: int = fk("live_sessions.id")
    user_id: int = fk("users.id")
    joined_at: datetime = created_at()
    removed_at: datetime | None = timestamp()  # removed by the host: no more entries or votes


class LiveEntry(TimestampedTable, table=True):
    """One participant's entry in one round (a second submit revises this row)."""

    __tablename__ = "live_entries"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    round_id: int = fk("live_rounds.id")
    user_id: int = fk("users.id")
    text: str = Field(default="", sa_type=Text, nullable=False)
    file_path: str | None = Field(default=None, max_length=255)  # under the upload dir
    thumbnail_path: str | None = Field(default=None, max_length=255)
    mime_type: str | None = Field(default=None, max_length=100)
    updated_at: datetime | None = timestamp()
    hidden_at: datetime | None = timestamp()
    spotlighted_at: datetime | None = timestamp()  # first shown large to all
    answers_entry_id: int | None = fk("live_entries.id", nullable=True)  # a spotlit entry
    record_id: int | None = fk("records.id", nullable=True)  # once the session ended


class LiveVote(TimestampedTable, table=True):
    """A participant's favourite entry of a round (one per round, changeable until reveal)."""

    __tablename__ = "live_votes"
    __table_args__ = (UniqueConstraint("round_id", "voter_id"),)

    round_id: int = fk("live_rounds.id")
    voter_id: int = fk("users.id")
    entry_id: int = fk("live_entries.id")
    updated_at: datetime | None = timestamp()


class LiveEvent(Table, table=True):
    """One thing that happened in a session, in order: the replayable timeline."""

    __tablename__ = "live_events"
    __table_args__ = (Index("ix_live_events_session_order", "session_id", "id"),)

    session_id: int = fk("live_sessions.id")
    # The host action this followed: a host action's own number, else the latest one's.
    seq: int
    at: datetime = created_at()
    kind: str = Field(max_length=32)  # vocabulary.LiveMoment
    round_number: int | None = Field(default=None)
    payload: str = Field(default="{}", sa_type=Text, nullable=False)  # JSON
