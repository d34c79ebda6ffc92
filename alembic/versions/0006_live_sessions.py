"""live sessions: sessions with a join code and ordered host actions, rounds, participants,
entries, votes and a replayable timeline (issue 10)

The placeholder tables of the first migration (live_sessions, live_rounds, live_entries) become
the real ones. Nothing ever wrote them, so they are dropped and made anew; the downgrade puts
the placeholders back as 0001 made them.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import hitrec_app.models.types
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLACEHOLDERS = ("live_entries", "live_rounds", "live_sessions")


def upgrade() -> None:
    for table in PLACEHOLDERS:
        op.drop_table(table)  # their indexes go with them
    op.create_table(
        "live_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("scheduled_for", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("started_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("ended_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["host_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_sessions_challenge_id"), ["challenge_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_live_sessions_code"), ["code"], unique=True)
        batch_op.create_index(batch_op.f("ix_live_sessions_host_id"), ["host_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_live_sessions_state"), ["state"], unique=False)

    op.create_table(
        "live_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["live_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("live_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_events_session_id"), ["session_id"], unique=False)
        batch_op.create_index("ix_live_events_session_order", ["session_id", "id"], unique=False)

    op.create_table(
        "live_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("removed_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["live_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "user_id"),
    )
    with op.batch_alter_table("live_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_participants_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_live_participants_user_id"), ["user_id"], unique=False)

    op.create_table(
        "live_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("started_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("ends_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("tally_hidden", sa.Boolean(), nullable=False),
        sa.Column("spotlight_entry_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["live_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "number"),
    )
    with op.batch_alter_table("live_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_rounds_session_id"), ["session_id"], unique=False)

    op.create_table(
        "live_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("file_path", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("thumbnail_path", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("mime_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("updated_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("hidden_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("spotlighted_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("answers_entry_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["answers_entry_id"], ["live_entries.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["round_id"], ["live_rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "user_id"),
    )
    with op.batch_alter_table("live_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_entries_answers_entry_id"), ["answers_entry_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_live_entries_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_live_entries_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_live_entries_user_id"), ["user_id"], unique=False)

    op.create_table(
        "live_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["live_entries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["live_rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["voter_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "voter_id"),
    )
    with op.batch_alter_table("live_votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_votes_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_live_votes_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_live_votes_voter_id"), ["voter_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("live_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_votes_voter_id"))
        batch_op.drop_index(batch_op.f("ix_live_votes_round_id"))
        batch_op.drop_index(batch_op.f("ix_live_votes_entry_id"))

    op.drop_table("live_votes")
    with op.batch_alter_table("live_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_entries_user_id"))
        batch_op.drop_index(batch_op.f("ix_live_entries_round_id"))
        batch_op.drop_index(batch_op.f("ix_live_entries_record_id"))
        batch_op.drop_index(batch_op.f("ix_live_entries_answers_entry_id"))

    op.drop_table("live_entries")
    with op.batch_alter_table("live_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_rounds_session_id"))

    op.drop_table("live_rounds")
    with op.batch_alter_table("live_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_participants_user_id"))
        batch_op.drop_index(batch_op.f("ix_live_participants_session_id"))

    op.drop_table("live_participants")
    with op.batch_alter_table("live_events", schema=None) as batch_op:
        batch_op.drop_index("ix_live_events_session_order")
        batch_op.drop_index(batch_op.f("ix_live_events_session_id"))

    op.drop_table("live_events")
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_sessions_state"))
        batch_op.drop_index(batch_op.f("ix_live_sessions_host_id"))
        batch_op.drop_index(batch_op.f("ix_live_sessions_code"))
        batch_op.drop_index(batch_op.f("ix_live_sessions_challenge_id"))

    op.drop_table("live_sessions")

    # The placeholders, as 0001 made them.
    op.create_table(
        "live_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("started_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("ended_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["host_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_sessions_challenge_id"), ["challenge_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_live_sessions_host_id"), ["host_id"], unique=False)
    op.create_table(
        "live_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("prompt", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ends_at", hitrec_app.models.types.UTCDateTime(), nullable=True),
        sa.Column("spotlight_entry_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["live_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("live_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_rounds_session_id"), ["session_id"], unique=False)
    op.create_table(
        "live_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("created_at", hitrec_app.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["round_id"], ["live_rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("live_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_entries_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_live_entries_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_live_entries_user_id"), ["user_id"], unique=False)
