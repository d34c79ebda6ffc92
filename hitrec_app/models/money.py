"""Productions, revenue and pay proposals. Money is integer cents, shares basis points."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, UniqueConstraint

from hitrec_app.models.base import Table, TimestampedTable
from hitrec_app.models.fields import created_at, fk, timestamp


class Production(TimestampedTable, table=True):
    __tablename__ = "productions"

    title: str = Field(max_length=200)
    description: str = Field(default="")
    host_id: int = fk("users.id")
    # Share of revenue that goes to contributors, in basis points (hitRECord used 50%).
    contributors_share_bps: int = Field(default=5000)


class ProductionContribution(Table, table=True):
    __tablename__ = "production_contributions"
    __table_args__ = (UniqueConstraint("production_id", "record_id"),)

    production_id: int = fk("productions.id")
    record_id: int = fk("records.id")
    note: str = Field(default="")


class RevenueEntry(Table, table=True):
    __tablename__ = "revenue_entries"

    production_id: int = fk("productions.id")
    amount_cents: int
    source: str = Field(default="", max_length=200)
    received_at: datetime = created_at()


class PayProposal(TimestampedTable, table=True):
    __tablename__ = "pay_proposals"

    production_id: int = fk("productions.id")
    author_id: int = fk("users.id")
    pool_cents: int
    state: str = Field(default="open", max_length=16)  # one of vocabulary.PROPOSAL_STATES
    finalised_at: datetime | None = timestamp()


class PayProposalVersion(TimestampedTable, table=True):
    __tablename__ = "pay_proposal_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    proposal_id: int = fk("pay_proposals.id")
    number: int
    note: str = Field(default="")


class PayProposalLine(Table, table=True):
    __tablename__ = "pay_proposal_lines"

    version_id: int = fk("pay_proposal_versions.id")
    user_id: int = fk("users.id")
    record_id: int | None = fk("records.id", nullable=True)
    share_bps: int
    amount_cents: int
    evidence: str = Field(default="")


class Vote(TimestampedTable, table=True):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("line_id", "user_id"),)

    line_id: int = fk("pay_proposal_lines.id")
    user_id: int = fk("users.id")
    value: int  # +1 agree, -1 object, 0 abstain
    reason: str = Field(default="")


class Payout(Table, table=True):
    __tablename__ = "payouts"

    proposal_id: int = fk("pay_proposals.id")
    user_id: int = fk("users.id")
    amount_cents: int
    paid_at: datetime = created_at()
