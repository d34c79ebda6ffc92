"""Productions, their money, pay proposals and the ledger (issue 9).

Money is integer minor units of the production's one ISO currency (`*_minor`, 64-bit columns:
a sum of 32-bit amounts outgrows `integer`; vocabulary.MONEY_MAX_MINOR caps each total), shares are
basis points (10,000 = 100%). A proposal's versions are immutable once opened; the ledger is
append-only (the services refuse to change it and a database trigger refuses too).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, text
from sqlmodel import Field, UniqueConstraint

from hitrec_app.models.base import Table, TimestampedTable
from hitrec_app.models.fields import fk, timestamp


class Production(TimestampedTable, table=True):
    __tablename__ = "productions"

    title: str = Field(max_length=200)
    description: str = Field(default="")
    host_id: int = fk("users.id")
    currency: str = Field(default="USD", max_length=3)  # ISO 4217
    # How the contributors' pool is set (vocabulary.POOL_MODES): a share of the profit
    # (hitRECord used 50%) or a fixed budget.
    pool_mode: str = Field(default="share", max_length=8)
    contributors_share_bps: int = Field(default=5000)
    fixed_pool_minor: int | None = Field(default=None, sa_type=BigInteger)
    # Below this an amount is carried forward to the contributor's balance, never lost.
    min_payout_minor: int = Field(default=1000, sa_type=BigInteger)
    updated_at: datetime | None = timestamp()


class ProductionContribution(TimestampedTable, table=True):
    """A record included in a production, in a role, with a weight (100 = a standard part)."""

    __tablename__ = "production_contributions"
    __table_args__ = (UniqueConstraint("production_id", "record_id"),)

    production_id: int = fk("productions.id")
    record_id: int = fk("records.id")
    role: str = Field(default="story", max_length=40)  # vocabulary.CONTRIBUTION_ROLES or free text
    weight: int = Field(default=100)
    note: str = Field(default="", max_length=500)
    added_by_id: int | None = fk("users.id", nullable=True)


class MoneyEntry(TimestampedTable, table=True):
    """Money in (revenue) or out (a cost) of a production; amounts are positive."""

    __tablename__ = "money_entries"

    production_id: int = fk("productions.id")
    kind: str = Field(max_length=8)  # vocabulary.MONEY_ENTRY_KINDS
    amount_minor: int = Field(sa_type=BigInteger)
    source: str = Field(default="", max_length=200)
    occurred_on: date
    note: str = Field(default="", max_length=500)
    created_by_id: int | None = fk("users.id", nullable=True)


IN_PROGRESS_SQL = "state IN ('draft', 'open')"


class PayProposal(TimestampedTable, table=True):
    __tablename__ = "pay_proposals"
    # At most one proposal in progress per production: two would each price the whole pool.
    # The services check it under the production's row lock; this index holds even if a
    # path forgets to.
    __table_args__ = (
        Index(
            "uq_pay_proposals_one_in_progress",
            "production_id",
            unique=True,
            sqlite_where=text(IN_PROGRESS_SQL),
            postgresql_where=text(IN_PROGRESS_SQL),
        ),
    )

    production_id: int = fk("productions.id")
    author_id: int = fk("users.id")
    title: str = Field(default="", max_length=200)
    state: str = Field(default="draft", max_length=16, index=True)  # vocabulary.PROPOSAL_STATES
    current_version: int = Field(default=1)  # the number of the version on show
    closes_at: datetime | None = timestamp()  # feedback closes (open proposals)
    hide_tallies: bool = Field(default=False)  # the host's choice: tallies hidden until close
    finalised_at: datetime | None = timestamp()
    paid_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()


class PayProposalVersion(TimestampedTable, table=True):
    """One version of a split. Editable while a draft; immutable from `opened_at` on."""

    __tablename__ = "pay_proposal_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    proposal_id: int = fk("pay_proposals.id")
    number: int
    note: str = Field(default="")  # what changed and why, in the host's words
    pool_minor: int = Field(sa_type=BigInteger)  # the pool this version splits
    created_by_id: int = fk("users.id")
    opened_at: datetime | None = timestamp()


class PayProposalLine(Table, table=True):
    """One payee's line of a version: their share, amount, the evidence, and (when the host
    moved it away from the suggestion or the previous version) the written reason."""

    __tablename__ = "pay_proposal_lines"
    __table_args__ = (UniqueConstraint("version_id", "user_id"),)

    version_id: int = fk("pay_proposal_versions.id")
    user_id: int = fk("users.id")
    share_bps: int
    suggested_bps: int  # what the evidence rule suggested
    amount_minor: int = Field(sa_type=BigInteger)
    evidence: str = Field(default="[]")  # JSON list of evidence items (split_rule)
    change_reason: str = Field(default="")


class ProposalVote(TimestampedTable, table=True):
    """A member's vote on one line, cast on one version. Votes on lines a new version leaves
    unchanged are carried into it (`carried_from`); votes on changed lines stay on the old
    version and their voters are asked to look again."""

    __tablename__ = "proposal_votes"
    __table_args__ = (UniqueConstraint("version_id", "payee_id", "voter_id"),)

    proposal_id: int = fk("pay_proposals.id")
    version_id: int = fk("pay_proposal_versions.id")
    payee_id: int = fk("users.id")
    voter_id: int = fk("users.id")
    value: str = Field(max_length=8)  # vocabulary.VOTE_VALUES
    reason: str = Field(default="")
    carried_from: int | None = Field(default=None)  # the version number it was cast on
    updated_at: datetime | None = timestamp()


class ProposalComment(TimestampedTable, table=True):
    """A comment on a proposal, or on one of its lines (`payee_id`), threaded by `parent_id`."""

    __tablename__ = "proposal_comments"
    __table_args__ = (Index("ix_proposal_comments_proposal_created", "proposal_id", "id"),)

    proposal_id: int = fk("pay_proposals.id")
    version_number: int  # the version on show when it was written
    payee_id: int | None = fk("users.id", nullable=True)
    parent_id: int | None = fk("proposal_comments.id", nullable=True)
    author_id: int = fk("users.id")
    body: str


class ProposalSignOff(TimestampedTable, table=True):
    """A payee's answer to their own line of one version (a split sheet's signature)."""

    __tablename__ = "proposal_sign_offs"
    __table_args__ = (UniqueConstraint("version_id", "user_id"),)

    proposal_id: int = fk("pay_proposals.id")
    version_id: int = fk("pay_proposal_versions.id")
    user_id: int = fk("users.id")
    answer: str = Field(max_length=8)  # vocabulary.SIGN_OFF_ANSWERS
    reason: str = Field(default="")


class VersionReason(Table, table=True):
    """A comment or an objection the host named as a reason for a new version."""

    __tablename__ = "proposal_version_reasons"

    version_id: int = fk("pay_proposal_versions.id")
    comment_id: int | None = fk("proposal_comments.id", nullable=True)
    vote_id: int | None = fk("proposal_votes.id", nullable=True)


class LedgerEntry(TimestampedTable, table=True):
    """One leg of a double-entry transaction; the legs of `txn` sum to zero. Never updated
    or deleted: a correction is a new transaction."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_user_account", "user_id", "account"),)

    txn: str = Field(max_length=36, index=True)
    production_id: int = fk("productions.id", ondelete="RESTRICT")
    proposal_id: int | None = fk("pay_proposals.id", nullable=True)
    user_id: int | None = fk("users.id", nullable=True)
    account: str = Field(max_length=16)  # vocabulary.LEDGER_ACCOUNTS
    amount_minor: int = Field(sa_type=BigInteger)  # signed
    currency: str = Field(max_length=3)
    memo: str = Field(default="", max_length=500)
    reference: str = Field(default="", max_length=200)  # a payment's reference
    created_by_id: int | None = fk("users.id", nullable=True)
