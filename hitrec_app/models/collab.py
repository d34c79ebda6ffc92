"""Storage of co-edited drafts: an append-only update log plus snapshots.

Every Yjs update the server accepts is a row in `draft_updates` before anyone else
sees it. A snapshot holds the whole document state and its authorship at some `upto_seq`;
loading a draft is "latest snapshot, then every later update in order".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Index, LargeBinary, Text
from sqlmodel import Field, UniqueConstraint

from hitrec_app.models.base import TimestampedTable
from hitrec_app.models.fields import fk


class DraftUpdate(TimestampedTable, table=True):
    __tablename__ = "draft_updates"
    __table_args__ = (UniqueConstraint("draft_id", "seq"),)

    draft_id: int = fk("drafts.id")
    seq: int
    # Whose authenticated connection produced it (None: the server itself).
    user_id: int | None = fk("users.id", nullable=True)
    data: bytes = Field(sa_type=LargeBinary, nullable=False)


class DraftSnapshot(TimestampedTable, table=True):
    __tablename__ = "draft_snapshots"
    __table_args__ = (Index("ix_draft_snapshots_draft_seq", "draft_id", "upto_seq"),)

    draft_id: int = fk("drafts.id")
    kind: str = Field(max_length=16)  # one of vocabulary.SNAPSHOT_KINDS
    label: str | None = Field(default=None, max_length=200)
    upto_seq: int
    state: bytes = Field(sa_type=LargeBinary, nullable=False)
    text: str = Field(sa_type=Text, nullable=False)
    # Runs over the text's code points: [[author_id, length], ...]; author 0 is "nobody".
    authorship: list[Any] = Field(sa_type=JSON, nullable=False)
    created_by_id: int | None = fk("users.id", nullable=True)
