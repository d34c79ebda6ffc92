"""Productions and proposals for the pay-proposal service tests (rows written directly: the
productions service is tested on its own)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col

from hitrec_app.models import (
    MoneyEntry,
    PayProposal,
    Production,
    ProductionContribution,
    Record,
    RecordAuthor,
    User,
    utcnow,
)
from hitrec_app.services import proposals


def make_production(
    session: Session,
    host: User,
    contributions: Iterable[tuple[Record, str, int]],
    *,
    revenue_minor: int = 100_000,
    min_payout_minor: int = 1000,
    currency: str = "USD",
    title: str = "The film",
) -> Production:
    """A production paying 50% of its profit (so the pool is half of `revenue_minor`),
    including each (record, role, weight)."""
    production = Production(
        title=title,
        host_id=host.id or 0,
        currency=currency,
        min_payout_minor=min_payout_minor,
    )
    session.add(production)
    session.flush()
    session.add(
        MoneyEntry(
            production_id=production.id or 0,
            kind="revenue",
            amount_minor=revenue_minor,
            occurred_on=date(2026, 1, 1),
        )
    )
    for record, role, weight in contributions:
        session.add(
            ProductionContribution(
                production_id=production.id or 0,
                record_id=record.id or 0,
                role=role,
                weight=weight,
            )
        )
    session.commit()
    return production


def co_author(session: Session, record: Record, shares: list[tuple[User, int | None]]) -> None:
    """Credit each (user, basis points) on the record, as a co-edited draft does (None: an
    undivided credit)."""
    session.exec(delete(RecordAuthor).where(col(RecordAuthor.record_id) == record.id))
    for user, bps in shares:
        session.add(RecordAuthor(record_id=record.id or 0, user_id=user.id or 0, share_bps=bps))
    session.commit()


def opened(session: Session, host: User, production: Production, **kw) -> PayProposal:
    """A proposal of the production, opened with its suggested split."""
    proposal = proposals.create_proposal(
        session=session, user_id=host.id or 0, production_id=production.id or 0
    )
    proposals.open_proposal(
        session=session, user_id=host.id or 0, proposal_id=proposal.id or 0, **kw
    )
    session.commit()
    return proposal


def close_feedback(session: Session, proposal: PayProposal) -> None:
    """Move the closing date into the past (as if the feedback period ran out)."""
    proposal.closes_at = utcnow() - timedelta(seconds=1)
    session.add(proposal)
    session.commit()
