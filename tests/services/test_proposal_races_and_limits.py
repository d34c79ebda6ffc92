"""PostgreSQL: money beyond 32 bits is stored or refused with a message, and two proposals of
one production never race to split the same pool."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select, text

from hitrec_app.models import LedgerEntry, MoneyEntry, PayProposal, utcnow
from hitrec_app.models.money import IN_PROGRESS_SQL
from hitrec_app.services import ledger, productions, proposals
from hitrec_app.services.errors import ValidationError
from hitrec_app.services.productions import MoneyEntryInput
from hitrec_app.vocabulary import MONEY_MAX_MINOR
from tests.factories import make_user, text_record
from tests.services.proposal_setup import close_feedback, make_production, opened
from tests.services.test_postgres_concurrency import _race

ONE_IN_PROGRESS = "uq_pay_proposals_one_in_progress"


def test_a_pool_larger_than_a_32_bit_column_is_refused_with_a_message(pg_session):
    """Each money entry may be up to MONEY_MAX_MINOR, but several written past the service's
    check add up to a pool beyond it: drafting a proposal must say so, not fail with a
    database error (NumericValueOutOfRange on PostgreSQL when the columns were 32-bit)."""
    host = make_user(pg_session, "host", role="host")
    ada = make_user(pg_session, "ada")
    production = make_production(
        pg_session, host, [(text_record(pg_session, ada, "Tale"), "story", 100)]
    )
    production.contributors_share_bps = 10_000
    pg_session.add(production)
    for _ in range(2):
        pg_session.add(
            MoneyEntry(
                production_id=production.id,
                kind="revenue",
                amount_minor=MONEY_MAX_MINOR,
                occurred_on=date(2026, 1, 2),
            )
        )
    pg_session.commit()
    with pytest.raises(ValidationError):
        proposals.create_proposal(session=pg_session, user_id=host.id, production_id=production.id)


def _two_payees(session: Session) -> tuple:
    host = make_user(session, "host", role="host")
    ada = make_user(session, "ada")
    bob = make_user(session, "bob")
    production = make_production(
        session,
        host,
        [
            (text_record(session, ada, "Lighthouse"), "story", 100),
            (text_record(session, bob, "Harbour"), "illustration", 100),
        ],
    )
    return host, production


def test_a_double_clicked_draft_a_proposal_makes_one_proposal(pg_session, pg_url):
    """'Draft a pay proposal' clicked twice (two tabs): the second must be refused ("already
    has a proposal in progress"), as it is when the clicks come one after the other."""
    host, production = _two_payees(pg_session)
    pg_session.commit()

    def draft(s: Session) -> object:
        return proposals.create_proposal(session=s, user_id=host.id, production_id=production.id).id

    _first, second = _race(pg_url, draft, draft)
    pg_session.expire_all()
    running = pg_session.exec(
        select(PayProposal).where(PayProposal.production_id == production.id)
    ).all()
    assert isinstance(second, ValidationError), second
    assert len(running) == 1


@contextlib.contextmanager
def _two_in_progress(pg_session: Session, host, production) -> Iterator[list[int]]:
    """Two open proposals of one production, past their closing dates, each pricing the whole
    pool: what racing drafts made before 0007. Its index forbids that, so it is dropped here
    (and made again after) to reach the production's lock behind it."""
    pg_session.exec(text(f"DROP INDEX {ONE_IN_PROGRESS}"))
    pg_session.commit()
    try:
        ids = []
        for _ in range(2):
            proposal = proposals.create_proposal(
                session=pg_session, user_id=host.id, production_id=production.id
            )
            proposals.open_proposal(session=pg_session, user_id=host.id, proposal_id=proposal.id)
            ids.append(proposal.id)
            proposal.state = "final"  # hide it from the next create's "in progress" check
            pg_session.flush()
        for pid in ids:
            row = pg_session.get(PayProposal, pid)
            row.state, row.closes_at = "open", utcnow() - timedelta(seconds=1)
        pg_session.commit()
        yield ids
    finally:
        pg_session.rollback()
        pg_session.exec(text("UPDATE pay_proposals SET state = 'final'"))
        pg_session.exec(
            text(
                f"CREATE UNIQUE INDEX {ONE_IN_PROGRESS} ON pay_proposals (production_id)"
                f" WHERE {IN_PROGRESS_SQL}"
            )
        )
        pg_session.commit()


def _finalise(host, pid: int):
    return lambda s: proposals.finalise_proposal(session=s, user_id=host.id, proposal_id=pid).id


def test_two_proposals_finalised_at_once_never_split_more_than_the_pool(pg_session, pg_url):
    """Finalising two proposals of one production at once must not pay the pool out twice:
    the second must see the first's ledger rows."""
    host, production = _two_payees(pg_session)
    pg_session.commit()
    with _two_in_progress(pg_session, host, production) as ids:
        pool = proposals.pool_left(session=pg_session, production_id=production.id)
        _first, second = _race(pg_url, _finalise(host, ids[0]), _finalise(host, ids[1]))
        pg_session.expire_all()
        assert isinstance(second, ValidationError), second
        assert ledger.distributed(session=pg_session, production_id=production.id) <= pool


def test_a_version_made_while_another_proposal_is_finalised_prices_what_is_left(pg_session, pg_url):
    """A new version prepared while another proposal of the production is being finalised
    waits for it, and prices what that one left of the pool (here nothing), not the pool
    as it was before."""
    host, production = _two_payees(pg_session)
    pg_session.commit()
    with _two_in_progress(pg_session, host, production) as ids:

        def revise(s: Session) -> int:
            version = proposals.revise_proposal(session=s, user_id=host.id, proposal_id=ids[1])
            return version.pool_minor

        _first, priced = _race(pg_url, _finalise(host, ids[0]), revise)
        assert priced == 0


def test_money_past_the_cap_is_refused_with_a_message(any_session):
    """A production's revenue, a fixed budget and a payee's balance each stop at
    MONEY_MAX_MINOR (exact in a browser), with a message rather than a database error."""
    session = any_session
    host = make_user(session, "host", role="host")
    ada = make_user(session, "ada")
    production = make_production(
        session, host, [(text_record(session, ada, "Tale"), "story", 100)], revenue_minor=0
    )
    production.contributors_share_bps = 10_000
    session.add(production)
    session.commit()
    entry = MoneyEntryInput("revenue", MONEY_MAX_MINOR, "Studio", date(2026, 1, 2))
    productions.add_money_entry(
        session=session, user_id=host.id, production_id=production.id, data=entry
    )
    session.commit()
    with pytest.raises(ValidationError, match=r"total revenue would be more than .* the most"):
        productions.add_money_entry(
            session=session,
            user_id=host.id,
            production_id=production.id,
            data=MoneyEntryInput("revenue", 1, "Fan", date(2026, 1, 2)),
        )
    session.rollback()
    # Ada is already owed almost the cap (from another production's split, say).
    session.add(
        LedgerEntry(
            txn="earlier",
            production_id=production.id,
            user_id=ada.id,
            account="owed",
            amount_minor=10,
            currency="USD",
        )
    )
    session.commit()
    proposal = opened(session, host, production)
    close_feedback(session, proposal)
    with pytest.raises(ValidationError, match="What ada is owed would be more than"):
        proposals.finalise_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    session.rollback()
    assert ledger.distributed(session=session, production_id=production.id) == 0
