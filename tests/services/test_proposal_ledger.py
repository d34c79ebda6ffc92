"""The ledger a final proposal writes, paying, carry-forward, earnings and the exports."""

import csv
import hashlib
import io
import json
from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from hitrec_app.models import LedgerEntry, MoneyEntry
from hitrec_app.services import (
    ledger,
    notifications,
    proposal_exports,
    proposal_views,
    proposals,
)
from hitrec_app.services.errors import PermissionDenied, ValidationError
from tests.factories import make_user, text_record
from tests.services.proposal_setup import close_feedback, make_production, opened


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def _finalise(session, host, proposal):
    close_feedback(session, proposal)
    proposals.finalise_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    session.commit()


def _by_txn(session):
    legs = defaultdict(list)
    for e in session.exec(select(LedgerEntry).order_by(LedgerEntry.id)):
        legs[e.txn].append((e.user_id, e.account, e.amount_minor))
    return list(legs.values())


def _balance(session, user):
    return [
        (b.currency, b.owed, b.carried, b.paid)
        for b in ledger.balances(session=session, user_id=user.id)
    ]


def test_small_amounts_carry_forward_and_are_released_once_they_pass_the_minimum(session):
    host = make_user(session, "host", role="host")
    admin = make_user(session, "root1", role="admin")
    ada, bob = make_user(session, "ada"), make_user(session, "bob")
    story, art = text_record(session, ada, "Story"), text_record(session, bob, "Art")
    # Pool 3,000 (half of the 6,000 profit): Ada 75% = 2,250 (over the 1,000 minimum),
    # Bob 25% = 750 (carried).
    first = opened(
        session,
        host,
        make_production(
            session, host, [(story, "story", 300), (art, "art", 100)], revenue_minor=6_000
        ),
    )
    _finalise(session, host, first)
    assert _balance(session, ada) == [("USD", 2_250, 0, 0)]
    assert _balance(session, bob) == [("USD", 0, 750, 0)]
    # Pool 500: 250 each. Bob's 250 + 750 carried reaches 1,000: all of it is owed now; Ada's
    # 250 is carried.
    second = opened(
        session,
        host,
        make_production(
            session,
            host,
            [(story, "story", 100), (art, "art", 100)],
            revenue_minor=1_000,
            title="Sequel",
        ),
    )
    _finalise(session, host, second)
    assert _balance(session, bob) == [("USD", 1_000, 0, 0)]
    assert _balance(session, ada) == [("USD", 2_250, 250, 0)]
    txns = _by_txn(session)
    assert all(sum(amount for _, _, amount in legs) == 0 for legs in txns)
    assert sorted(txns[1], key=str) == sorted(
        [
            (None, "pool", -500),
            (ada.id, "carried", 250),
            (bob.id, "owed", 1_000),
            (bob.id, "carried", -750),
        ],
        key=str,
    )

    # Only an admin pays, with a reference; the owed amounts move to paid.
    with pytest.raises(PermissionDenied):
        proposals.mark_paid(session=session, user_id=host.id, proposal_id=first.id, reference="x")
    with pytest.raises(ValidationError, match="reference is required"):
        proposals.mark_paid(session=session, user_id=admin.id, proposal_id=first.id, reference=" ")
    proposals.mark_paid(session=session, user_id=admin.id, proposal_id=first.id, reference="SEPA-1")
    proposals.mark_paid(
        session=session, user_id=admin.id, proposal_id=second.id, reference="SEPA-2"
    )
    session.commit()
    with pytest.raises(ValidationError, match="already marked paid"):
        proposals.mark_paid(
            session=session, user_id=admin.id, proposal_id=first.id, reference="again"
        )
    assert _balance(session, ada) == [("USD", 0, 250, 2_250)]
    assert _balance(session, bob) == [("USD", 0, 0, 1_000)]
    assert notifications.list_notifications(session=session, user_id=bob.id)[0].message.startswith(
        "You were paid 10.00 USD"
    )

    mine = proposal_views.earnings(session=session, user_id=bob.id, viewer_id=bob.id)
    assert [(p.title, p.state, p.share_bps, p.amount_minor) for p in mine.proposals] == [
        ("Pay proposal for Sequel", "paid", 5000, 250),
        ("Pay proposal for The film", "paid", 2500, 750),
    ]
    assert [(r.account, r.amount_minor, r.reference) for r in mine.history] == [
        ("carried", 750, ""),
        ("owed", 1_000, ""),
        ("carried", -750, ""),
        ("owed", -1_000, "SEPA-2"),
        ("paid", 1_000, "SEPA-2"),
    ]
    with pytest.raises(PermissionDenied):
        proposal_views.earnings(session=session, user_id=bob.id, viewer_id=ada.id)
    assert proposal_views.earnings(session=session, user_id=bob.id, viewer_id=admin.id) == mine


def test_the_ledger_is_never_changed_by_the_services_nor_by_sql(session):
    host = make_user(session, "host", role="host")
    ada = make_user(session, "ada")
    proposal = opened(
        session, host, make_production(session, host, [(text_record(session, ada), "story", 100)])
    )
    _finalise(session, host, proposal)
    entry = session.exec(select(LedgerEntry).where(LedgerEntry.account == "owed")).one()

    entry.amount_minor = 1
    with pytest.raises(ledger.LedgerImmutable, match="append-only"):
        session.flush()
    session.rollback()
    session.delete(session.get(LedgerEntry, entry.id))
    with pytest.raises(ledger.LedgerImmutable):
        session.flush()
    session.rollback()
    with pytest.raises(ledger.LedgerImmutable):
        session.exec(update(LedgerEntry).values(amount_minor=0))
    session.rollback()
    # Past the services, the database's trigger refuses too.
    for sql in ("UPDATE ledger_entries SET amount_minor = 0", "DELETE FROM ledger_entries"):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(sql))
        session.rollback()
    # A correction is a new, balanced transaction.
    with pytest.raises(ValidationError, match="balance"):
        ledger.post(
            session=session,
            production_id=proposal.production_id,
            proposal_id=proposal.id,
            currency="USD",
            legs=[ledger.Leg("owed", -100, ada.id)],
            created_by_id=host.id,
        )
    ledger.post(
        session=session,
        production_id=proposal.production_id,
        proposal_id=proposal.id,
        currency="USD",
        legs=[ledger.Leg("owed", -100, ada.id, "Correction"), ledger.Leg("pool", 100)],
        created_by_id=host.id,
    )
    session.commit()
    assert _balance(session, ada) == [("USD", 49_900, 0, 0)]


def test_split_sheet_and_ledger_exports(session):
    host = make_user(session, "host", role="host")
    ada, bob, eve = make_user(session, "ada"), make_user(session, "bob"), make_user(session, "eve")
    production = make_production(
        session,
        host,
        [
            (text_record(session, ada, "Story"), "story", 200),
            (text_record(session, bob, "Art"), "art", 100),
        ],
        revenue_minor=100_001,
    )
    proposal = opened(session, host, production)
    with pytest.raises(ValidationError, match="once the proposal is final"):
        proposal_exports.split_sheet_csv(session=session, proposal_id=proposal.id, viewer_id=eve.id)
    _finalise(session, host, proposal)

    # Pool 50,000 (half of 100,001, rounded down): 6,667 and 3,333 basis points.
    rows = list(
        csv.DictReader(
            io.StringIO(
                proposal_exports.split_sheet_csv(
                    session=session, proposal_id=proposal.id, viewer_id=eve.id
                )
            )
        )
    )
    assert [
        (
            r["username"],
            r["share_bps"],
            r["share"],
            r["amount_minor"],
            r["amount"],
            r["currency"],
            r["version"],
        )
        for r in rows
    ] == [
        ("ada", "6667", "66.67%", "33335", "333.35 USD", "USD", "1"),
        ("bob", "3333", "33.33%", "16665", "166.65 USD", "USD", "1"),
    ]
    sheet = json.loads(
        proposal_exports.split_sheet_json(
            session=session, proposal_id=proposal.id, viewer_id=eve.id
        )
    )
    assert sheet["version"] == 1 and sheet["pool_minor"] == 50_000
    assert sum(line["amount_minor"] for line in sheet["lines"]) == 50_000
    assert sheet["canonical"] == json.dumps(
        {
            "currency": "USD",
            "lines": [[ada.id, 6667, 33335], [bob.id, 3333, 16665]],
            "pool_minor": 50_000,
            "proposal_id": proposal.id,
            "version": 1,
        },
        separators=(",", ":"),
    )
    digest = hashlib.sha256(sheet["canonical"].encode()).hexdigest()
    assert sheet["lines_sha256"] == digest == rows[0]["lines_sha256"]
    # Renaming a payee (a formula-looking name is quoted for spreadsheets) leaves the hash alone.
    bob.display_name = "=HYPERLINK(evil)"
    session.add(bob)
    session.commit()
    again = proposal_exports.split_sheet_csv(
        session=session, proposal_id=proposal.id, viewer_id=eve.id
    )
    assert "'=HYPERLINK(evil)" in again
    assert next(csv.DictReader(io.StringIO(again)))["lines_sha256"] == digest

    ledger_rows = list(
        csv.DictReader(
            io.StringIO(
                proposal_exports.ledger_csv(
                    session=session, viewer_id=host.id, production_id=production.id
                )
            )
        )
    )
    assert [(r["username"], r["account"], int(r["amount_minor"])) for r in ledger_rows] == [
        ("", "pool", -50_000),
        ("ada", "owed", 33_335),
        ("bob", "owed", 16_665),
    ]
    assert len({r["txn"] for r in ledger_rows}) == 1
    with pytest.raises(PermissionDenied):
        proposal_exports.ledger_csv(session=session, viewer_id=eve.id, production_id=production.id)
    with pytest.raises(PermissionDenied):
        proposal_exports.ledger_csv(session=session, viewer_id=eve.id, user_id=ada.id)
    own = proposal_exports.ledger_csv(session=session, viewer_id=ada.id, user_id=ada.id)
    assert [r["amount_minor"] for r in csv.DictReader(io.StringIO(own))] == ["33335"]


def test_a_later_proposal_splits_only_what_earlier_ones_left_of_the_pool(session):
    host = make_user(session, "host", role="host")
    ada = make_user(session, "ada")
    production = make_production(session, host, [(text_record(session, ada), "story", 100)])
    _finalise(session, host, opened(session, host, production))  # splits the pool of 50,000
    with pytest.raises(ValidationError, match="Nothing is left"):
        proposals.create_proposal(session=session, user_id=host.id, production_id=production.id)
    session.rollback()
    session.add(
        MoneyEntry(
            production_id=production.id,
            kind="revenue",
            amount_minor=20_000,
            occurred_on=date(2026, 2, 1),
        )
    )
    session.commit()
    later = proposals.create_proposal(session=session, user_id=host.id, production_id=production.id)
    session.commit()
    view = proposal_views.proposal_view(session=session, proposal_id=later.id, viewer_id=host.id)
    assert view.pool_minor == 10_000  # half of the new 20,000 of profit
