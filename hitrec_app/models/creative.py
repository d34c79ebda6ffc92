from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, UniqueConstraint

from hitrec_app.models.base import Table, TimestampedTable
from hitrec_app.models.fields import fk, timestamp
from hitrec_app.vocabulary import RECORD_KINDS


class Challenge(TimestampedTable, table=True):
    __tablename__ = "challenges"

    host_id: int = fk("users.id")
    title: str = Field(max_length=200)
    prompt: str = Field(default="")
    instructions: str = Field(default="")
    # Comma-separated subset of vocabulary.RECORD_KINDS.
    accepted_kinds: str = Field(default=",".join(RECORD_KINDS), max_length=64)
    state: str = Field(default="draft", max_length=16, index=True)  # vocabulary.CHALLENGE_STATES
    deadline: datetime | None = timestamp(index=True)
    production_id: int | None = fk("productions.id", nullable=True)
    pool_cents: int | None = Field(default=None, sa_type=BigInteger)
    contributors_share_bps: int | None = Field(default=None)
    closed_at: datetime | None = timestamp()


class Record(TimestampedTable, table=True):
    __tablename__ = "records"
    # The challenge board sorts one challenge's records three ways; each sort has an index
    # (id breaks ties so pages are stable).
    __table_args__ = (
        Index("ix_records_board_newest", "challenge_id", "created_at", "id"),
        Index("ix_records_board_hearts", "challenge_id", "heart_count", "id"),
        Index("ix_records_board_remixes", "challenge_id", "remix_count", "id"),
        # A challenge page's room names the entries edited most recently.
        Index("ix_records_challenge_updated", "challenge_id", "updated_at"),
    )

    kind: str = Field(max_length=16, index=True)  # one of vocabulary.RECORD_KINDS
    title: str = Field(max_length=200)
    description: str = Field(default="")
    body: str | None = Field(default=None)  # Markdown, for text records
    file_path: str | None = Field(default=None, max_length=255)  # under the upload dir
    thumbnail_path: str | None = Field(default=None, max_length=255)
    mime_type: str | None = Field(default=None, max_length=100)
    challenge_id: int | None = fk("challenges.id", nullable=True)
    submitted_by_id: int = fk("users.id")
    tags: str = Field(default="", max_length=500)
    withdrawn_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()
    # Denormalised counters (kept by the services, recounted on every change) so the
    # board can sort 10,000 records by an index.
    heart_count: int = Field(default=0)
    remix_count: int = Field(default=0)
    comment_count: int = Field(default=0)


class RecordTag(Table, table=True):
    """One normalised tag of a record (the record's `tags` keeps the display order)."""

    __tablename__ = "record_tags"
    __table_args__ = (UniqueConstraint("record_id", "tag"),)

    record_id: int = fk("records.id")
    tag: str = Field(max_length=40, index=True)


class Heart(TimestampedTable, table=True):
    """One heart per user per record."""

    __tablename__ = "hearts"
    __table_args__ = (UniqueConstraint("record_id", "user_id"),)

    record_id: int = fk("records.id")
    user_id: int = fk("users.id")


class RecordAuthor(Table, table=True):
    """Credit on a record: a co-written story credits all its writers."""

    __tablename__ = "record_authors"
    __table_args__ = (UniqueConstraint("record_id", "user_id"),)

    record_id: int = fk("records.id")
    user_id: int = fk("users.id")
    # Authorship share in basis points (e.g. from a co-edited draft); None if undivided.
    share_bps: int | None = Field(default=None)


class RecordSource(TimestampedTable, table=True):
    """Remix lineage: `record_id` cites `source_id`."""

    __tablename__ = "record_sources"
    __table_args__ = (UniqueConstraint("record_id", "source_id"),)

    record_id: int = fk("records.id")
    source_id: int = fk("records.id")


class EntryRemoval(TimestampedTable, table=True):
    """A challenge entry taken down (withdrawn to a stub, or deleted outright): every open page
    of the challenge must stop showing it. Kept because a deleted record leaves no row in
    `records` to read its removal from; the challenge page's room names the most recent ones."""

    __tablename__ = "entry_removals"

    challenge_id: int = fk("challenges.id")
    record_id: int  # no foreign key: the record itself may be gone
