from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from hitrec_app.models.base import TimestampedTable
from hitrec_app.models.fields import fk, timestamp


class Comment(TimestampedTable, table=True):
    """A comment on a record (pay proposals keep their own, threaded: `ProposalComment`)."""

    __tablename__ = "comments"

    author_id: int = fk("users.id")
    record_id: int | None = fk("records.id", nullable=True)
    body: str


class Notification(TimestampedTable, table=True):
    __tablename__ = "notifications"

    user_id: int = fk("users.id")
    kind: str = Field(max_length=32)
    message: str = Field(max_length=500)
    link: str = Field(default="", max_length=255)
    read_at: datetime | None = timestamp()
