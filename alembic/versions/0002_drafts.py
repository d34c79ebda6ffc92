"""drafts and co-editing (issue 4)

The co-editing log (every accepted Yjs update, in order) and snapshots of each draft's
document with its per-author attribution.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import hitrec_app.models.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "draft_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("draft_id", "seq"),
    )
    with op.batch_alter_table("draft_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_updates_draft_id"), ["draft_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_draft_updates_user_id"), ["user_id"], unique=False)

    op.create_table(
        "draft_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("upto_seq", sa.Integer(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("authorship", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("draft_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_snapshots_draft_id"), ["draft_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_draft_snapshots_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            "ix_draft_snapshots_draft_seq", ["draft_id", "upto_seq"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("draft_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_draft_snapshots_draft_seq")
        batch_op.drop_index(batch_op.f("ix_draft_snapshots_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_draft_snapshots_draft_id"))
    op.drop_table("draft_snapshots")
    with op.batch_alter_table("draft_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_updates_user_id"))
        batch_op.drop_index(batch_op.f("ix_draft_updates_draft_id"))
    op.drop_table("draft_updates")
