"""money in 64-bit columns, and one pay proposal in progress per production

Money columns were `integer` (32-bit on PostgreSQL): a production whose revenue passed
21,474,836.47 in a two-decimal currency could not be stored or split. They become `bigint`
on PostgreSQL (an ALTER keeps the ledger's append-only trigger). SQLite is left as it is:
its INTEGER is 64-bit already, and re-declaring the columns would mean rebuilding tables
(productions, proposal versions, challenges) that other tables reference with ON DELETE
CASCADE, which with foreign keys on deletes their children (and drops the ledger's triggers).

A partial unique index keeps a production to one proposal in progress (draft or open) on
both engines; the upgrade stops, naming them, if a production already has two.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY_COLUMNS = (
    ("productions", "fixed_pool_minor", True),
    ("productions", "min_payout_minor", False),
    ("money_entries", "amount_minor", False),
    ("pay_proposal_versions", "pool_minor", False),
    ("pay_proposal_lines", "amount_minor", False),
    ("ledger_entries", "amount_minor", False),
    ("challenges", "pool_cents", True),
)
IN_PROGRESS_SQL = "state IN ('draft', 'open')"
ONE_IN_PROGRESS = "uq_pay_proposals_one_in_progress"


def _retype(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column, nullable in MONEY_COLUMNS:
        op.alter_column(table, column, type_=new, existing_type=old, existing_nullable=nullable)


def upgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())
    twice = (
        op.get_bind()
        .execute(
            sa.text(
                f"SELECT production_id FROM pay_proposals WHERE {IN_PROGRESS_SQL}"
                " GROUP BY production_id HAVING COUNT(*) > 1 ORDER BY production_id"
            )
        )
        .scalars()
        .all()
    )
    if twice:
        raise RuntimeError(
            "These productions have more than one pay proposal in progress (draft or open): "
            f"{', '.join(map(str, twice))}. Finalise or delete all but one of each, then "
            "run the upgrade again."
        )
    op.create_index(
        ONE_IN_PROGRESS,
        "pay_proposals",
        ["production_id"],
        unique=True,
        sqlite_where=sa.text(IN_PROGRESS_SQL),
        postgresql_where=sa.text(IN_PROGRESS_SQL),
    )


def downgrade() -> None:
    # Fails (numeric value out of range) if an amount no longer fits 32 bits: that money
    # cannot be kept in the older schema.
    op.drop_index(ONE_IN_PROGRESS, table_name="pay_proposals")
    _retype(sa.BigInteger(), sa.Integer())
