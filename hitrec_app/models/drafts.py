from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from hitrec_app.models.fields import created_at, fk


class Draft(SQLModel, table=True):
    __tablename__ = "drafts"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    owner_id: int = fk("users.id")
    challenge_id: int | None = fk("challenges.id", nullable=True)
    published_record_id: int | None = fk("records.id", nullable=True)
    created_at: datetime = created_at()


class DraftCollaborator(SQLModel, table=True):
    __tablename__ = "draft_collaborators"
    __table_args__ = (UniqueConstraint("draft_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = fk("drafts.id")
    user_id: int = fk("users.id")
    role: str = Field(default="editor", max_length=16)  # one of vocabulary.DRAFT_ROLES
    created_at: datetime = created_at()
