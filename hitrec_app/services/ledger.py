"""The append-only ledger of pay: double entry, one transaction per money movement.

Every movement is a transaction (`txn`, a uuid) of legs whose signed amounts sum to zero.
Amounts are positive on the account that receives: finalising a proposal takes its pool out
of the production's `pool` (negative) and puts each contributor's amount into what the studio
`owed`s them or, below the production's minimum payout, into their `carried` balance; a
carried balance that passes the minimum is released (carried negative, owed positive); paying
moves `owed` to `paid` with the payment's reference.

Rows are never updated or deleted. This module refuses it on every session (a flush that
would change or delete a row, or an UPDATE/DELETE statement run through a session, raises
`LedgerImmutable`), and a database trigger refuses it on SQLite and PostgreSQL (migration
0005). A mistake is corrected by a new transaction.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import func
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from hitrec_app.models import LedgerEntry, PayProposal, Production, User
from hitrec_app.services.errors import ServiceError, ValidationError
from hitrec_app.services.pay_math import apply_minimum, beyond_cap
from hitrec_app.vocabulary import LEDGER_ACCOUNTS, MONEY_MAX_MINOR


class LedgerImmutable(ServiceError):
    """Something tried to change or delete a ledger row."""


APPEND_ONLY = "The ledger is append-only: a correction is a new transaction, never a change."


@sa_event.listens_for(OrmSession, "before_flush")
def _refuse_changes(session: OrmSession, _context: Any, _instances: Any) -> None:
    for row in session.deleted:
        if isinstance(row, LedgerEntry):
            raise LedgerImmutable(APPEND_ONLY)
    for row in session.dirty:
        if isinstance(row, LedgerEntry) and session.is_modified(row):
            raise LedgerImmutable(APPEND_ONLY)


@sa_event.listens_for(OrmSession, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        getattr(m, "class_", None) is LedgerEntry for m in state.all_mappers
    ):
        raise LedgerImmutable(APPEND_ONLY)


@dataclass(frozen=True)
class Leg:
    account: str  # vocabulary.LEDGER_ACCOUNTS
    amount_minor: int  # signed: positive on the receiving account
    user_id: int | None = None  # None for the production's pool
    memo: str = ""


def post(
    *,
    session: Session,
    production_id: int,
    proposal_id: int | None,
    currency: str,
    legs: Iterable[Leg],
    created_by_id: int | None,
    reference: str = "",
) -> str:
    """Write one balanced transaction (legs of 0 are left out); returns its txn id."""
    kept = [leg for leg in legs if leg.amount_minor != 0]
    for leg in kept:
        if leg.account not in LEDGER_ACCOUNTS:
            raise ValueError(f"unknown ledger account {leg.account!r}")
    if sum(leg.amount_minor for leg in kept) != 0:
        raise ValidationError("A ledger transaction must balance: its legs sum to zero.")
    txn = str(uuid.uuid4())
    for leg in kept:
        session.add(
            LedgerEntry(
                txn=txn,
                production_id=production_id,
                proposal_id=proposal_id,
                user_id=leg.user_id,
                account=leg.account,
                amount_minor=leg.amount_minor,
                currency=currency,
                memo=leg.memo[:500],
                reference=reference[:200],
                created_by_id=created_by_id,
            )
        )
    session.flush()
    return txn


def _lock_users(session: Session, user_ids: Iterable[int]) -> None:
    """Hold these users' rows (PostgreSQL; SQLite write transactions are serial), in id
    order, so two finalisations never both release the same carried balance."""
    wanted = sorted(set(user_ids))
    if wanted and session.get_bind().dialect.name != "sqlite":
        session.exec(
            select(User.id).where(col(User.id).in_(wanted)).order_by(col(User.id)).with_for_update()
        ).all()


def account_balances(
    *, session: Session, account: str, user_ids: Iterable[int], currency: str
) -> dict[int, int]:
    """Each user's balance on `account` in `currency` (users without rows are left out)."""
    wanted = list(set(user_ids))
    if not wanted:
        return {}
    rows = session.exec(
        select(LedgerEntry.user_id, func.sum(LedgerEntry.amount_minor))
        .where(
            col(LedgerEntry.user_id).in_(wanted),
            LedgerEntry.account == account,
            LedgerEntry.currency == currency,
        )
        .group_by(col(LedgerEntry.user_id))
    )
    return {uid: int(total) for uid, total in rows if uid is not None and total}


def distributed(*, session: Session, production_id: int) -> int:
    """How much of the production's pool finalised proposals have already split."""
    total = session.exec(
        select(func.sum(LedgerEntry.amount_minor)).where(
            LedgerEntry.production_id == production_id, LedgerEntry.account == "pool"
        )
    ).one()
    return -int(total or 0)


def post_finalised(
    *,
    session: Session,
    production: Production,
    proposal: PayProposal,
    amounts: Mapping[int, int],
    actor_id: int,
) -> str:
    """The transaction a final proposal writes: its pool out to what is owed, or carried
    below the production's minimum payout (with each payee's carried balance in the
    currency: a balance that passes the minimum is released to owed)."""
    currency = production.currency
    _lock_users(session, amounts)
    balances = account_balances(
        session=session, account="carried", user_ids=amounts, currency=currency
    )
    plan = apply_minimum(amounts, balances, production.min_payout_minor)
    owed = account_balances(session=session, account="owed", user_ids=amounts, currency=currency)
    for uid in sorted(plan.paid):
        if max(owed.get(uid, 0) + plan.paid[uid], plan.carried[uid]) > MONEY_MAX_MINOR:
            payee = session.get(User, uid)
            name = payee.display_name if payee is not None else f"user {uid}"
            raise ValidationError(beyond_cap(f"What {name} is owed", currency))
    title = proposal.title or f"proposal {proposal.id}"
    legs = [Leg("pool", -sum(amounts.values()), memo=f"Pool split by {title}")]
    for uid in sorted(plan.paid):
        carried_before = balances.get(uid, 0)
        if plan.paid[uid] > 0:
            legs.append(Leg("owed", plan.paid[uid], uid, f"Owed from {title}"))
            legs.append(
                Leg("carried", -carried_before, uid, "Carried balance released: passed the minimum")
            )
        else:
            legs.append(
                Leg("carried", amounts.get(uid, 0), uid, "Below the minimum payout: carried")
            )
    return post(
        session=session,
        production_id=production.id or 0,
        proposal_id=proposal.id,
        currency=currency,
        legs=legs,
        created_by_id=actor_id,
    )


def post_paid(
    *,
    session: Session,
    production: Production,
    proposal: PayProposal,
    actor_id: int,
    reference: str,
) -> dict[int, int]:
    """Pay what the proposal made owed: owed -> paid for each payee, with the reference.
    Returns what each payee was paid."""
    owed: dict[tuple[int, str], int] = defaultdict(int)
    for row in session.exec(
        select(LedgerEntry).where(
            LedgerEntry.proposal_id == proposal.id,
            LedgerEntry.account == "owed",
            col(LedgerEntry.amount_minor) > 0,
        )
    ):
        if row.user_id is not None:
            owed[(row.user_id, row.currency)] += row.amount_minor
    currencies = {currency for _, currency in owed} or {production.currency}
    if len(currencies) > 1:
        raise ValidationError("This proposal's ledger rows are in more than one currency.")
    legs: list[Leg] = []
    title = proposal.title or f"proposal {proposal.id}"
    for (uid, _), amount in sorted(owed.items()):
        legs.append(Leg("owed", -amount, uid, f"Paid: {title}"))
        legs.append(Leg("paid", amount, uid, f"Paid: {title}"))
    post(
        session=session,
        production_id=production.id or 0,
        proposal_id=proposal.id,
        currency=currencies.pop(),
        legs=legs,
        created_by_id=actor_id,
        reference=reference,
    )
    return {uid: amount for (uid, _), amount in sorted(owed.items())}


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    id: int
    txn: str
    created_at: datetime
    production_id: int
    proposal_id: int | None
    user_id: int | None
    username: str  # "" for the production's pool
    account: str
    amount_minor: int
    currency: str
    memo: str
    reference: str


def ledger_rows(
    *, session: Session, production_id: int | None = None, user_id: int | None = None
) -> list[LedgerRow]:
    """Ledger rows, oldest first, of a production and/or a user (no access check: the
    callers check who asks)."""
    query = select(LedgerEntry, User.username).join(
        User, col(User.id) == LedgerEntry.user_id, isouter=True
    )
    if production_id is not None:
        query = query.where(LedgerEntry.production_id == production_id)
    if user_id is not None:
        query = query.where(LedgerEntry.user_id == user_id)
    return [
        LedgerRow(
            id=e.id or 0,
            txn=e.txn,
            created_at=e.created_at,
            production_id=e.production_id,
            proposal_id=e.proposal_id,
            user_id=e.user_id,
            username=username or "",
            account=e.account,
            amount_minor=e.amount_minor,
            currency=e.currency,
            memo=e.memo,
            reference=e.reference,
        )
        for e, username in session.exec(query.order_by(col(LedgerEntry.id)))
    ]


@dataclass(frozen=True)
class Balance:
    """A contributor's money in one currency."""

    currency: str
    owed: int  # owed and not yet paid
    carried: int  # below the minimum payout, waiting
    paid: int  # paid in total


def balances(*, session: Session, user_id: int) -> list[Balance]:
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(LEDGER_ACCOUNTS, 0))
    for account, currency, total in session.exec(
        select(LedgerEntry.account, LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
        .where(LedgerEntry.user_id == user_id)
        .group_by(col(LedgerEntry.account), col(LedgerEntry.currency))
    ):
        totals[currency][account] = int(total or 0)
    return [
        Balance(currency=c, owed=t["owed"], carried=t["carried"], paid=t["paid"])
        for c, t in sorted(totals.items())
    ]
