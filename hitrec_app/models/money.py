"""Productions, revenue and pay proposals. Money is integer cents, shares basis points."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from hitrec_app.models.fields import created_at, fk, timestamp


class Production(SQLModel, table=True):
    __tablename__ = "productions"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    description: str = Field(default="")
    host_id: int = fk("users.id")
    # Share of revenue that goes to contributors, in basis points (hitRECord used 50%).
    contributors_share_bps: int = Field(default=5000)
    created_at: datetime = created_at()


class ProductionContribution(SQLModel, table=True):
    __tablename__ = "production_contributions"
    __table_args__ = (UniqueConstraint("production_id", "record_id"),)

    id: int | None = Field(default=None, primary_key=True)
    production_id: int = fk("productions.id")
    record_id: int = fk("records.id")
    note: str = Field(default="")


class RevenueEntry(SQLModel, table=True):
    __tablename__ = "revenue_entries"

    id: int | None = Field(default=None, primary_key=True)
    production_id: int = fk("productions.id")
    amount_cents: int
    source: str = Field(default="", max_length=200)
    received_at: datetime = created_at()


class PayProposal(SQLModel, table=True):
    __tablename__ = "pay_proposals"

    id: int | None = Field(default=None, primary_key=True)
    production_id: int = fk("productions.id")
    author_id: int = fk("users.id")
    pool_cents: int
    state: str = Field(default="open", max_length=16)  # one of vocabulary.PROPOSAL_STATES
    created_at: datetime = created_at()
    finalised_at: datetime | None = timestamp()


class PayProposalVersion(SQLModel, table=True):
    __tablename__ = "pay_proposal_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = fk("pay_proposals.id")
    number: int
    note: str = Field(default="")
    created_at: datetime = created_at()


class PayProposalLine(SQLModel, table=True):
    __tablename__ = "pay_proposal_lines"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = fk("pay_proposal_versions.id")
    user_id: int = fk("users.id")
    record_id: int | None = fk("records.id", nullable=True)
    share_bps: int
    amount_cents: int
    evidence: str = Field(default="")


class Vote(SQLModel, table=True):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("line_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = fk("pay_proposal_lines.id")
    user_id: int = fk("users.id")
    value: int  # +1 agree, -1 object, 0 abstain
    reason: str = Field(default="")
    created_at: datetime = created_at()


class Payout(SQLModel, table=True):
    __tablename__ = "payouts"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = fk("pay_proposals.id")
    user_id: int = fk("users.id")
    amount_cents: int
    paid_at: datetime = created_at()
