from __future__ import annotations

from sqlmodel import Field, UniqueConstraint

from hitrec_app.models.base import TimestampedTable
from hitrec_app.models.fields import fk


class Draft(TimestampedTable, table=True):
    __tablename__ = "drafts"

    title: str = Field(max_length=200)
    owner_id: int = fk("users.id")
    challenge_id: int | None = fk("challenges.id", nullable=True)
    published_record_id: int | None = fk("records.id", nullable=True)


class DraftCollaborator(TimestampedTable, table=True):
    __tablename__ = "draft_collaborators"
    __table_args__ = (UniqueConstraint("draft_id", "user_id"),)

    draft_id: int = fk("drafts.id")
    user_id: int = fk("users.id")
    role: str = Field(default="editor", max_length=16)  # one of vocabulary.DRAFT_ROLES
