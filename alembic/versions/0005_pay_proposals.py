"""pay proposals: productions' money, proposals with versions, votes, comments, sign-offs
and an append-only ledger (issue 9)

The placeholder tables of the first migration become the real ones. Nothing wrote pay
proposals, lines, votes or payouts before, so those are dropped and made anew; the rows of
`production_contributions` and `revenue_entries` (demo data, hosts' credits) are carried over
(revenue becomes `money_entries` of kind "revenue"). `comments.line_id` goes: proposal comments
are threaded and live in `proposal_comments`. The ledger refuses UPDATE and DELETE with a
trigger on both engines (TRUNCATE, which only an operator runs, is left alone).
`productions` only gains columns (their server defaults stay): on SQLite removing a default
rebuilds the table, and dropping the old one with foreign keys on would unlink every
challenge from its production (ON DELETE SET NULL).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel

import hitrec_app.models.types
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = "ledger_entries is append-only: a correction is a new transaction"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER ledger_entries_no_{verb.lower()} BEFORE {verb} ON ledger_entries
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"""
    for verb in ("UPDATE", "DELETE")
]
POSTGRES_TRIGGER = [
    f"""CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$""",
    """CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()""",
]


def _rows(sql: str) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in op.get_bind().execute(sa.text(sql))]


def _as_date(value: Any) -> Any:
    if isinstance(value, str):  # SQLite hands timestamps back as text
        return datetime.fromisoformat(value).date()
    return value.date()


def upgrade() -> None:
    contributions = _rows("SELECT production_id, record_id, note FROM production_contributions")
    revenue = _rows("SELECT production_id, amount_cents, source, received_at FROM revenue_entries")

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comments_line_id"))
        batch_op.drop_column("line_id")
    for table in (
        "votes",
        "payouts",
        "pay_proposal_lines",
        "pay_proposal_versions",
        "pay_proposals",
        "production_contributions",
        "revenue_entries",
    ):
        op.drop_table(table)

    with op.batch_alter_table("productions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "currency",
                sqlmodel.sql.sqltypes.AutoString(length=3),
                nullable=False,
                server_default="USD",
            )
        )
        batch_op.add_column(
            sa.Column(
                "pool_mode",
                sqlmodel.sql.sqltypes.AutoString(length=8),
                nullable=False,
                server_default="share",
            )
        )
        batch_op.add_column(sa.Column("fixed_pool_minor", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("min_payout_minor", sa.Integer(), nullable=False, server_default="1000")
        )
        batch_op.add_column(
            sa.Column("updated_at", hitrec_app.models.types.UTCDateTime(), nullable=True)
        )

    op.create_table(
        "money_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["production_id"], ["productions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("money_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_money_entries_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_money_entries_production_id"), ["production_id"], unique=False
        )

    op.create_table(
        "pay_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("closes_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("hide_tallies", sa.Boolean(), nullable=False),
        sa.Column("finalised_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("paid_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("updated_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["production_id"], ["productions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pay_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pay_proposals_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pay_proposals_production_id"), ["production_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pay_proposals_state"), ["state"], unique=False)

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("txn", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("account", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("memo", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["production_id"], ["productions.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["proposal_id"], ["pay_proposals.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_production_id"), ["production_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_entries_txn"), ["txn"], unique=False)
        batch_op.create_index(
            "ix_ledger_entries_user_account", ["user_id", "account"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_entries_user_id"), ["user_id"], unique=False)

    op.create_table(
        "pay_proposal_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("pool_minor", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposal_id"], ["pay_proposals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proposal_id", "number"),
    )
    with op.batch_alter_table("pay_proposal_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pay_proposal_versions_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pay_proposal_versions_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "proposal_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("payee_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_id"], ["proposal_comments.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["payee_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["proposal_id"], ["pay_proposals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposal_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_comments_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_comments_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_comments_payee_id"), ["payee_id"], unique=False
        )
        batch_op.create_index(
            "ix_proposal_comments_proposal_created", ["proposal_id", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_comments_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "pay_proposal_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("share_bps", sa.Integer(), nullable=False),
        sa.Column("suggested_bps", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("evidence", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("change_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["pay_proposal_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "user_id"),
    )
    with op.batch_alter_table("pay_proposal_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pay_proposal_lines_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pay_proposal_lines_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "production_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["production_id"], ["productions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("production_id", "record_id"),
    )
    with op.batch_alter_table("production_contributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_production_contributions_added_by_id"), ["added_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_production_contributions_production_id"), ["production_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_production_contributions_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "proposal_sign_offs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["pay_proposals.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["pay_proposal_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "user_id"),
    )
    with op.batch_alter_table("proposal_sign_offs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_sign_offs_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_sign_offs_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_sign_offs_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "proposal_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("payee_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("carried_from", sa.Integer(), nullable=True),
        sa.Column("updated_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["payee_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposal_id"], ["pay_proposals.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["pay_proposal_versions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["voter_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "payee_id", "voter_id"),
    )
    with op.batch_alter_table("proposal_votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_votes_payee_id"), ["payee_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_proposal_votes_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_votes_version_id"), ["version_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_proposal_votes_voter_id"), ["voter_id"], unique=False)

    op.create_table(
        "proposal_version_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["comment_id"], ["proposal_comments.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["version_id"], ["pay_proposal_versions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["vote_id"], ["proposal_votes.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposal_version_reasons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_version_reasons_comment_id"), ["comment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_version_reasons_version_id"), ["version_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_version_reasons_vote_id"), ["vote_id"], unique=False
        )

    now = datetime.now(UTC)
    op.bulk_insert(
        sa.table(
            "production_contributions",
            sa.column("created_at", hitrec_app.models.types.UTCDateTime()),
            sa.column("production_id", sa.Integer()),
            sa.column("record_id", sa.Integer()),
            sa.column("role", sa.String()),
            sa.column("weight", sa.Integer()),
            sa.column("note", sa.String()),
        ),
        [
            {**row, "created_at": now, "role": "story", "weight": 100, "note": row["note"][:500]}
            for row in contributions
        ],
    )
    op.bulk_insert(
        sa.table(
            "money_entries",
            sa.column("created_at", hitrec_app.models.types.UTCDateTime()),
            sa.column("production_id", sa.Integer()),
            sa.column("kind", sa.String()),
            sa.column("amount_minor", sa.Integer()),
            sa.column("source", sa.String()),
            sa.column("occurred_on", sa.Date()),
            sa.column("note", sa.String()),
        ),
        [
            {
                "created_at": now,
                "production_id": row["production_id"],
                "kind": "revenue",
                "amount_minor": row["amount_cents"],
                "source": row["source"],
                "occurred_on": _as_date(row["received_at"]),
                "note": "",
            }
            for row in revenue
        ],
    )
    for statement in (
        SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_TRIGGER
    ):
        op.execute(statement)


def downgrade() -> None:
    contributions = _rows("SELECT production_id, record_id, note FROM production_contributions")
    revenue = _rows(
        "SELECT production_id, amount_minor, source, created_at FROM money_entries WHERE kind = 'revenue'"
    )
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION ledger_entries_append_only() CASCADE")
    for table in (
        "proposal_version_reasons",
        "proposal_votes",
        "proposal_sign_offs",
        "proposal_comments",
        "ledger_entries",
        "pay_proposal_lines",
        "pay_proposal_versions",
        "pay_proposals",
        "production_contributions",
        "money_entries",
    ):
        op.drop_table(table)  # drops the SQLite triggers with their table
    # Dropping columns rebuilds `productions` on SQLite, which unlinks the challenges (ON
    # DELETE SET NULL): put their links back.
    links = _rows("SELECT id, production_id FROM challenges WHERE production_id IS NOT NULL")
    with op.batch_alter_table("productions", schema=None) as batch_op:
        for column in (
            "updated_at",
            "min_payout_minor",
            "fixed_pool_minor",
            "pool_mode",
            "currency",
        ):
            batch_op.drop_column(column)
    for link in links:
        op.execute(
            sa.text("UPDATE challenges SET production_id = :production_id WHERE id = :id").bindparams(
                **link
            )
        )

    op.create_table(
        "pay_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("pool_cents", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("finalised_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["production_id"], ["productions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pay_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pay_proposals_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pay_proposals_production_id"), ["production_id"], unique=False
        )
    op.create_table(
        "revenue_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("received_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["production_id"], ["productions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("revenue_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_revenue_entries_production_id"), ["production_id"], unique=False
        )
    op.create_table(
        "pay_proposal_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["pay_proposals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proposal_id", "number"),
    )
    with op.batch_alter_table("pay_proposal_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pay_proposal_versions_proposal_id"), ["proposal_id"], unique=False
        )
    op.create_table(
        "payouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("paid_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["pay_proposals.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payouts_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payouts_user_id"), ["user_id"], unique=False)
    op.create_table(
        "pay_proposal_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("share_bps", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("evidence", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["pay_proposal_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pay_proposal_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pay_proposal_lines_record_id"), ["record_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pay_proposal_lines_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pay_proposal_lines_version_id"), ["version_id"], unique=False
        )
    op.create_table(
        "production_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["production_id"], ["productions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("production_id", "record_id"),
    )
    with op.batch_alter_table("production_contributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_production_contributions_production_id"), ["production_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_production_contributions_record_id"), ["record_id"], unique=False
        )
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["line_id"], ["pay_proposal_lines.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("line_id", "user_id"),
    )
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_votes_line_id"), ["line_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_votes_user_id"), ["user_id"], unique=False)
    op.bulk_insert(
        sa.table(
            "production_contributions",
            sa.column("production_id", sa.Integer()),
            sa.column("record_id", sa.Integer()),
            sa.column("note", sa.String()),
        ),
        contributions,
    )
    op.bulk_insert(
        sa.table(
            "revenue_entries",
            sa.column("production_id", sa.Integer()),
            sa.column("amount_cents", sa.Integer()),
            sa.column("source", sa.String()),
            sa.column("received_at", hitrec_app.models.types.UTCDateTime()),
        ),
        [
            {
                "production_id": row["production_id"],
                "amount_cents": row["amount_minor"],
                "source": row["source"],
                "received_at": row["created_at"]
                if not isinstance(row["created_at"], str)
                else datetime.fromisoformat(row["created_at"]).replace(tzinfo=UTC),
            }
            for row in revenue
        ],
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("line_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_comments_line_id", "pay_proposal_lines", ["line_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index(batch_op.f("ix_comments_line_id"), ["line_id"], unique=False)
