"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import hitrec_app.models  # noqa: F401
from alembic import command
from tests.conftest import PG_URL, alembic_config, migrate


def _diff(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        return compare_metadata(ctx, SQLModel.metadata)


def test_sqlite_upgrade_head_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    assert _diff(url) == []
    # What `alembic check` does: autogenerate (with env.py's type comparison) finds nothing.
    command.check(alembic_config(url))
    tables = set(inspect(create_engine(url)).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


def test_postgres_upgrade_head_matches_models_and_downgrades_cleanly():
    engine = create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as err:  # pragma: no cover - the test command starts PostgreSQL
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL}: {err}")
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS hitrec_migration_test CASCADE"))
        conn.execute(text("CREATE SCHEMA hitrec_migration_test"))
    url = PG_URL + "?options=-csearch_path%3Dhitrec_migration_test"
    try:
        migrate(url)
        assert _diff(url) == []
        command.check(alembic_config(url))
        command.downgrade(alembic_config(url), "base")
        assert inspect(create_engine(url)).get_table_names(schema="hitrec_migration_test") == [
            "alembic_version"
        ]
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS hitrec_migration_test CASCADE"))


def test_pay_proposals_migration_keeps_credits_and_revenue_and_guards_the_ledger(tmp_path):
    """0005 rebuilds the placeholder money tables: a studio's credits and revenue survive it
    (and its downgrade), and from then on the ledger refuses UPDATE and DELETE."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "0004")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, username, username_key, display_name, bio, password_hash,"
                " role, terms_version, terms_accepted_at, created_at) VALUES (1, 'ana', 'ana',"
                " 'Ana', '', 'x', 'host', 't', '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO records (id, kind, title, description, submitted_by_id, tags,"
                " created_at, heart_count, remix_count, comment_count)"
                " VALUES (5, 'text', 'Opening', '', 1, '', '2026-01-01', 0, 0, 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO productions (id, title, description, host_id,"
                " contributors_share_bps, created_at) VALUES (1, 'Film', '', 1, 5000, '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO production_contributions (production_id, record_id, note)"
                " VALUES (1, 5, 'the opening')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO challenges (id, host_id, title, prompt, instructions,"
                " accepted_kinds, state, production_id, created_at)"
                " VALUES (3, 1, 'Lighthouse', '', '', 'text', 'open', 1, '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO revenue_entries (production_id, amount_cents, source, received_at)"
                " VALUES (1, 240000, 'Festival', '2026-03-04 05:06:07')"
            )
        )
    command.upgrade(cfg, "head")
    with engine.begin() as conn:
        assert conn.execute(
            text("SELECT record_id, role, weight, note FROM production_contributions")
        ).all() == [(5, "story", 100, "the opening")]
        assert conn.execute(
            text("SELECT kind, amount_minor, source, occurred_on FROM money_entries")
        ).all() == [("revenue", 240000, "Festival", "2026-03-04")]
        assert conn.execute(text("SELECT currency, min_payout_minor FROM productions")).all() == [
            ("USD", 1000)
        ]
        # Rebuilding `productions` on SQLite (with foreign keys on) would have cut the link.
        assert conn.execute(text("SELECT production_id FROM challenges")).all() == [(1,)]
        conn.execute(
            text(
                "INSERT INTO ledger_entries (created_at, txn, production_id, account,"
                " amount_minor, currency, memo, reference)"
                " VALUES ('2026-01-01', 't1', 1, 'pool', -500, 'USD', '', '')"
            )
        )
    for statement in (
        "UPDATE ledger_entries SET amount_minor = 0",
        "DELETE FROM ledger_entries",
    ):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    command.downgrade(cfg, "0004")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT amount_cents, source FROM revenue_entries")).all() == [
            (240000, "Festival")
        ]
        assert conn.execute(text("SELECT record_id, note FROM production_contributions")).all() == [
            (5, "the opening")
        ]


def _ledger_row_then_refusals(url: str) -> None:
    """At head: an amount past 32 bits is kept, and the ledger still refuses UPDATE and DELETE
    (0007 widened its column after 0005 put the trigger on it)."""
    engine = create_engine(url)
    big = 2**40 + 7
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, username, username_key, display_name, bio, password_hash,"
                " role, terms_version, terms_accepted_at, created_at) VALUES (1, 'ana', 'ana',"
                " 'Ana', '', 'x', 'host', 't', '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO productions (id, title, description, host_id, currency, pool_mode,"
                " contributors_share_bps, min_payout_minor, created_at)"
                " VALUES (1, 'Film', '', 1, 'USD', 'share', 5000, 1000, '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO ledger_entries (created_at, txn, production_id, account,"
                " amount_minor, currency, memo, reference)"
                " VALUES ('2026-01-01', 't1', 1, 'pool', :amount, 'USD', '', '')"
            ),
            {"amount": -big},
        )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT amount_minor FROM ledger_entries")).scalar() == -big
    for statement in (
        "UPDATE ledger_entries SET amount_minor = 0",
        "DELETE FROM ledger_entries",
    ):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    engine.dispose()


def test_sqlite_ledger_stays_append_only_and_holds_64_bit_amounts_at_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    _ledger_row_then_refusals(url)


def test_postgres_ledger_stays_append_only_and_holds_64_bit_amounts_at_head():
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS hitrec_migration_ledger CASCADE"))
        conn.execute(text("CREATE SCHEMA hitrec_migration_ledger"))
    url = PG_URL + "?options=-csearch_path%3Dhitrec_migration_ledger"
    try:
        migrate(url)
        _ledger_row_then_refusals(url)
    finally:
        with admin.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS hitrec_migration_ledger CASCADE"))
        admin.dispose()
