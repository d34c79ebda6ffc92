"""challenges, records and lineage (issue 3)

Hearts, normalised record tags, denormalised counters on records (hearts, remixes,
comments) and the indexes the challenge board sorts by.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import hitrec_app.models.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hearts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_id", "user_id"),
    )
    with op.batch_alter_table("hearts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hearts_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hearts_user_id"), ["user_id"], unique=False)

    op.create_table(
        "record_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("tag", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_id", "tag"),
    )
    with op.batch_alter_table("record_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_tags_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_record_tags_tag"), ["tag"], unique=False)

    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("updated_at", hitrec_app.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("heart_count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("remix_count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("comment_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index("ix_records_board_hearts", ["challenge_id", "heart_count", "id"], unique=False)
        batch_op.create_index("ix_records_board_newest", ["challenge_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_records_board_remixes", ["challenge_id", "remix_count", "id"], unique=False)

    # Backfill what existing rows already imply.
    op.execute(
        "UPDATE records SET remix_count = "
        "(SELECT count(*) FROM record_sources WHERE record_sources.source_id = records.id)"
    )
    op.execute(
        "UPDATE records SET comment_count = "
        "(SELECT count(*) FROM comments WHERE comments.record_id = records.id)"
    )
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, tags FROM records WHERE tags <> ''")).fetchall()
    for record_id, tags in rows:
        seen: set[str] = set()
        for raw in tags.split(","):
            tag = raw.strip().lower()[:40]
            if tag and tag not in seen:
                seen.add(tag)
                conn.execute(
                    sa.text("INSERT INTO record_tags (record_id, tag) VALUES (:r, :t)"),
                    {"r": record_id, "t": tag},
                )


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_board_remixes")
        batch_op.drop_index("ix_records_board_newest")
        batch_op.drop_index("ix_records_board_hearts")
        batch_op.drop_column("comment_count")
        batch_op.drop_column("remix_count")
        batch_op.drop_column("heart_count")
        batch_op.drop_column("updated_at")

    with op.batch_alter_table("record_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_tags_tag"))
        batch_op.drop_index(batch_op.f("ix_record_tags_record_id"))
    op.drop_table("record_tags")

    with op.batch_alter_table("hearts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearts_user_id"))
        batch_op.drop_index(batch_op.f("ix_hearts_record_id"))
    op.drop_table("hearts")
