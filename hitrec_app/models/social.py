from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from hitrec_app.models.fields import created_at, fk, timestamp


class Comment(SQLModel, table=True):
    """A comment on a record or on a pay-proposal line (exactly one target)."""

    __tablename__ = "comments"

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = fk("users.id")
    record_id: int | None = fk("records.id", nullable=True)
    line_id: int | None = fk("pay_proposal_lines.id", nullable=True)
    body: str
    created_at: datetime = created_at()


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id")
    kind: str = Field(max_length=32)
    message: str = Field(max_length=500)
    link: str = Field(default="", max_length=255)
    created_at: datetime = created_at()
    read_at: datetime | None = timestamp()
