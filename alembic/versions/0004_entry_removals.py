"""entry removals and the challenge-edited index (issue 8)

`entry_removals` remembers challenge entries taken down (withdrawn or deleted), so the live
challenge page can hide them from every viewer from what the database says; an index on
records (challenge_id, updated_at) finds a challenge's recently edited entries.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hitrec_app.models.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entry_removals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("entry_removals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entry_removals_challenge_id"), ["challenge_id"], unique=False
        )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_records_challenge_updated", ["challenge_id", "updated_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_challenge_updated")
    with op.batch_alter_table("entry_removals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_removals_challenge_id"))
    op.drop_table("entry_removals")
