"""Productions: what a host makes from the studio's records, and its money.

A production includes records as contributions (each in a role, with a weight), keeps its
money in and out as entries (revenue and costs, positive integer minor units of its one ISO
currency) and sets the contributors' pool: a share of the profit or a fixed budget. Pay
proposals (services/proposals) split that pool. Productions are public, like challenges;
only their host (or an admin) changes them. Every change is announced to the production's
room after the commit (`EventKind.PRODUCTION_CHANGED`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from hitrec_app.models import (
    Challenge,
    MoneyEntry,
    PayProposal,
    Production,
    ProductionContribution,
    Record,
    RecordAuthor,
    User,
    utcnow,
)
from hitrec_app.services import challenges, events, pay_math
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from hitrec_app.services.record_views import Person, RecordRef
from hitrec_app.services.validation import clean_text
from hitrec_app.vocabulary import (
    CONTRIBUTION_ROLE_MAX,
    CONTRIBUTION_WEIGHT_MAX,
    HOST_ROLES,
    KIND_CONTRIBUTION_ROLES,
    MONEY_ENTRY_KINDS,
    MONEY_MAX_MINOR,
    POOL_MODES,
    STANDARD_WEIGHT,
    TOTAL_BPS,
    EventKind,
    challenge_room,
    production_room,
)

DESCRIPTION_MAX = 4000
SOURCE_MAX = 200
NOTE_MAX = 500
LIST_LIMIT = 200


# --- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductionInput:
    """A production's settings, as the host's form gives them (amounts in minor units)."""

    title: str
    description: str = ""
    currency: str = "USD"
    pool_mode: str = "share"  # vocabulary.POOL_MODES
    contributors_share_bps: int = 5000
    fixed_pool_minor: int | None = None  # required in "fixed" mode
    min_payout_minor: int = 1000


@dataclass(frozen=True)
class MoneyEntryInput:
    kind: str  # vocabulary.MONEY_ENTRY_KINDS
    amount_minor: int  # > 0: a cost is a positive amount of kind "cost"
    source: str
    occurred_on: date
    note: str = ""


# --- read models -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoneySummary:
    """A production's money: profit = revenue - costs (negative when costs exceed revenue);
    the pool is what contributors share (`pool_of`)."""

    currency: str
    revenue_minor: int
    costs_minor: int
    profit_minor: int
    pool_minor: int


@dataclass(frozen=True)
class ContributionView:
    id: int  # the contribution's id (what the host's controls act on)
    record: RecordRef
    authors: list[Person]
    role: str
    weight: int
    note: str


@dataclass(frozen=True)
class MoneyEntryView:
    id: int
    kind: str
    amount_minor: int
    source: str
    occurred_on: date
    note: str


@dataclass(frozen=True)
class ChallengeRef:
    id: int
    title: str


@dataclass(frozen=True)
class ProductionView:
    """One production as its page shows it to `viewer`."""

    id: int
    title: str
    description: str
    host: Person
    currency: str
    pool_mode: str
    contributors_share_bps: int
    fixed_pool_minor: int | None
    min_payout_minor: int
    challenges: list[ChallengeRef]  # the challenges made for it
    contributions: list[ContributionView]
    money: list[MoneyEntryView]  # newest first
    summary: MoneySummary
    can_manage: bool
    currency_locked: bool  # a pay proposal exists: the currency can no longer change
    # For its host: the linked challenges' live entries not included yet (else empty).
    candidates: list[RecordRef]


@dataclass(frozen=True)
class ProductionListItem:
    id: int
    title: str
    host: Person
    contribution_count: int
    pool_mode: str
    contributors_share_bps: int
    summary: MoneySummary


# --- rules -------------------------------------------------------------------------------------


def is_host(user: User) -> bool:
    return user.role in HOST_ROLES


def can_manage(user: User, production: Production) -> bool:
    return user.role == "admin" or production.host_id == user.id


def pool_of(production: Production, revenue_minor: int, costs_minor: int) -> int:
    """The contributors' pool, in minor units.

    Fixed mode: the fixed budget, whatever the profit. Share mode: the share of the profit,
    rounded DOWN to the minor unit (floor(max(profit, 0) * share_bps / 10,000)), so the pool
    never promises a fraction of a cent that the profit does not hold; a loss gives a pool of 0.
    """
    if production.pool_mode == "fixed":
        return production.fixed_pool_minor or 0
    profit = max(revenue_minor - costs_minor, 0)
    return profit * production.contributors_share_bps // TOTAL_BPS


def _actor(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise PermissionDenied("Please sign in first.")
    return user


def _get(session: Session, production_id: int) -> Production:
    production = session.get(Production, production_id)
    if production is None:
        raise NotFound("That production does not exist.")
    return production


def _managed(session: Session, user_id: int, production_id: int) -> tuple[User, Production]:
    user = _actor(session, user_id)
    production = _get(session, production_id)
    if not can_manage(user, production):
        raise PermissionDenied("Only the production's host can change it.")
    return user, production


def _has_proposal(session: Session, production_id: int) -> bool:
    found = session.exec(
        select(PayProposal.id).where(PayProposal.production_id == production_id).limit(1)
    ).first()
    return found is not None


def _amount(value: object, what: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{what} must be a whole number of minor units.")
    if value < minimum:
        raise ValidationError(
            f"{what} must be more than zero." if minimum > 0 else f"{what} cannot be negative."
        )
    if value > MONEY_MAX_MINOR:
        raise ValidationError(f"{what} is too large.")
    return value


def _clean(data: ProductionInput) -> dict:
    currency = (data.currency or "").strip().upper()
    if not pay_math.is_currency_code(currency):
        raise ValidationError(
            f"“{data.currency}” is not a currency code; use an ISO 4217 code such as USD or EUR."
        )
    if data.pool_mode not in POOL_MODES:
        raise ValidationError("The pool is either a share of the profit or a fixed budget.")
    share = data.contributors_share_bps
    if isinstance(share, bool) or not isinstance(share, int) or not 0 <= share <= TOTAL_BPS:
        raise ValidationError("The contributors' share must be between 0% and 100%.")
    fixed = data.fixed_pool_minor
    if fixed is not None:
        fixed = _amount(fixed, "The fixed budget", minimum=0)
    if data.pool_mode == "fixed" and fixed is None:
        raise ValidationError("A fixed pool needs its budget.")
    return {
        "title": clean_text(data.title, field="Title", max_len=200, required=True),
        "description": clean_text(data.description, field="Description", max_len=DESCRIPTION_MAX),
        "currency": currency,
        "pool_mode": data.pool_mode,
        "contributors_share_bps": share,
        "fixed_pool_minor": fixed,
        "min_payout_minor": _amount(data.min_payout_minor, "The minimum payout", minimum=0),
    }


def _clean_role(raw: str) -> str:
    role = " ".join((raw or "").split()).lower()
    if not role:
        raise ValidationError("Give the contribution a role (e.g. story, score, edit).")
    if len(role) > CONTRIBUTION_ROLE_MAX:
        raise ValidationError(f"A role must be at most {CONTRIBUTION_ROLE_MAX} characters.")
    return role


def _clean_weight(weight: object) -> int:
    if (
        isinstance(weight, bool)
        or not isinstance(weight, int)
        or not 0 <= weight <= CONTRIBUTION_WEIGHT_MAX
    ):
        raise ValidationError(
            f"A weight is a whole number from 0 to {CONTRIBUTION_WEIGHT_MAX} "
            f"({STANDARD_WEIGHT} is a standard part)."
        )
    return weight


def _announce(session: Session, production: Production, part: str) -> None:
    """Tell the production's room (after the commit) what changed."""
    production.updated_at = utcnow()
    session.add(production)
    session.flush()
    pid = production.id or 0
    events.publish(
        session,
        production_room(pid),
        EventKind.PRODUCTION_CHANGED,
        {"production_id": pid, "part": part},
    )


# --- commands ----------------------------------------------------------------------------------


def create_production(
    *,
    session: Session,
    user_id: int,
    data: ProductionInput,
    from_challenge_id: int | None = None,
) -> Production:
    """A new production, hosted by the user (a host or an admin).

    With `from_challenge_id` (the challenge's host or an admin only), the challenge is linked
    to the production and its live entries (not withdrawn) are included, each in the role
    its kind suggests (text: story, image: illustration, audio: score, video: performance)
    with the standard weight.
    """
    user = _actor(session, user_id)
    if not is_host(user):
        raise PermissionDenied("Only hosts can make productions.")
    values = _clean(data)
    challenge: Challenge | None = None
    if from_challenge_id is not None:
        challenge = session.get(Challenge, from_challenge_id)
        if challenge is None:
            raise NotFound("That challenge does not exist.")
        if not challenges.can_manage(user, challenge):
            raise PermissionDenied("Only the challenge's host can make a production from it.")
        if challenge.production_id is not None:
            raise ValidationError("That challenge already belongs to a production.")
    production = Production(host_id=user.id or 0, **values)
    session.add(production)
    session.flush()
    if challenge is not None:
        challenge.production_id = production.id
        session.add(challenge)
        entries = session.exec(
            select(Record)
            .where(Record.challenge_id == challenge.id, col(Record.withdrawn_at).is_(None))
            .order_by(col(Record.id))
        )
        for record in entries:
            session.add(
                ProductionContribution(
                    production_id=production.id or 0,
                    record_id=record.id or 0,
                    role=KIND_CONTRIBUTION_ROLES.get(record.kind, "story"),
                    weight=STANDARD_WEIGHT,
                    added_by_id=user.id,
                )
            )
        session.flush()
        # The challenge's page names its production.
        cid = challenge.id or 0
        events.publish(
            session, challenge_room(cid), EventKind.CHALLENGE_UPDATED, {"challenge_id": cid}
        )
    _announce(session, production, "settings")
    return production


def update_production(
    *, session: Session, user_id: int, production_id: int, data: ProductionInput
) -> Production:
    """Change a production's settings (its host or an admin). The currency is fixed once a pay
    proposal exists: the proposal's amounts are in it."""
    _, production = _managed(session, user_id, production_id)
    values = _clean(data)
    if values["currency"] != production.currency and _has_proposal(session, production_id):
        raise ValidationError(
            "The currency cannot change any more: a pay proposal already splits this "
            f"production's money in {production.currency}."
        )
    for key, value in values.items():
        setattr(production, key, value)
    _announce(session, production, "settings")
    return production


def include_record(
    *,
    session: Session,
    user_id: int,
    production_id: int,
    record_id: int,
    role: str | None = None,
    weight: int = STANDARD_WEIGHT,
) -> ProductionContribution:
    """Include a record (one that exists and is not withdrawn) as a contribution; its role is
    the one its kind suggests unless given."""
    user, production = _managed(session, user_id, production_id)
    record = session.get(Record, record_id)
    if record is None:
        raise ValidationError(f"There is no record #{record_id}.")
    if record.withdrawn_at is not None:
        raise ValidationError(f"“{record.title}” was withdrawn; it cannot be included.")
    included = session.exec(
        select(ProductionContribution.id).where(
            ProductionContribution.production_id == production_id,
            ProductionContribution.record_id == record_id,
        )
    ).first()
    if included is not None:
        raise ValidationError(f"“{record.title}” is already included.")
    contribution = ProductionContribution(
        production_id=production_id,
        record_id=record_id,
        role=_clean_role(role if role is not None else KIND_CONTRIBUTION_ROLES[record.kind]),
        weight=_clean_weight(weight),
        added_by_id=user.id,
    )
    session.add(contribution)
    _announce(session, production, "contributions")
    return contribution


def _managed_contribution(
    session: Session, user_id: int, contribution_id: int, production_id: int | None
) -> tuple[ProductionContribution, Production]:
    _actor(session, user_id)
    contribution = session.get(ProductionContribution, contribution_id)
    if contribution is None or production_id not in (None, contribution.production_id):
        raise NotFound("That contribution is no longer part of the production.")
    _, production = _managed(session, user_id, contribution.production_id)
    return contribution, production


def update_contribution(
    *,
    session: Session,
    user_id: int,
    contribution_id: int,
    role: str,
    weight: int,
    production_id: int | None = None,
) -> ProductionContribution:
    """Set a contribution's role (one of vocabulary.CONTRIBUTION_ROLES, or free text) and
    weight (0 to CONTRIBUTION_WEIGHT_MAX). With `production_id` (the page the change was made
    on), a contribution of another production is not found."""
    contribution, production = _managed_contribution(
        session, user_id, contribution_id, production_id
    )
    contribution.role = _clean_role(role)
    contribution.weight = _clean_weight(weight)
    session.add(contribution)
    _announce(session, production, "contributions")
    return contribution


def remove_contribution(
    *, session: Session, user_id: int, contribution_id: int, production_id: int | None = None
) -> None:
    contribution, production = _managed_contribution(
        session, user_id, contribution_id, production_id
    )
    session.delete(contribution)
    _announce(session, production, "contributions")


def add_money_entry(
    *, session: Session, user_id: int, production_id: int, data: MoneyEntryInput
) -> MoneyEntry:
    """Record money in (revenue) or out (a cost): a positive amount, where it came from or
    went to, and the day it happened (not in the future)."""
    user, production = _managed(session, user_id, production_id)
    if data.kind not in MONEY_ENTRY_KINDS:
        raise ValidationError("An entry is either revenue or a cost.")
    amount = _amount(data.amount_minor, "The amount", minimum=1)
    total = _totals(session, [production_id])[production_id][data.kind]
    if total + amount > MONEY_MAX_MINOR:
        what = "revenue" if data.kind == "revenue" else "costs"
        raise ValidationError(
            pay_math.beyond_cap(f"The production's total {what}", production.currency)
        )
    if not isinstance(data.occurred_on, date):
        raise ValidationError("Give the date the money came in or went out.")
    # A day's grace: the host's today may already be tomorrow in UTC.
    if data.occurred_on > utcnow().date() + timedelta(days=1):
        raise ValidationError("The date is in the future; enter money once it has moved.")
    entry = MoneyEntry(
        production_id=production_id,
        kind=data.kind,
        amount_minor=amount,
        source=clean_text(data.source, field="Source", max_len=SOURCE_MAX, required=True),
        occurred_on=data.occurred_on,
        note=clean_text(data.note, field="Note", max_len=NOTE_MAX),
        created_by_id=user.id,
    )
    session.add(entry)
    _announce(session, production, "money")
    return entry


def remove_money_entry(
    *, session: Session, user_id: int, entry_id: int, production_id: int | None = None
) -> None:
    """Remove an entry entered by mistake (with `production_id`, only one of that production)."""
    _actor(session, user_id)
    entry = session.get(MoneyEntry, entry_id)
    if entry is None or production_id not in (None, entry.production_id):
        raise NotFound("That entry is already gone.")
    _, production = _managed(session, user_id, entry.production_id)
    session.delete(entry)
    _announce(session, production, "money")


# --- queries -----------------------------------------------------------------------------------


def _totals(session: Session, production_ids: list[int]) -> dict[int, dict[str, int]]:
    """Revenue and cost totals per production (0 where there are none)."""
    totals: dict[int, dict[str, int]] = {
        pid: dict.fromkeys(MONEY_ENTRY_KINDS, 0) for pid in production_ids
    }
    if not production_ids:
        return totals
    rows = session.exec(
        select(MoneyEntry.production_id, MoneyEntry.kind, func.sum(MoneyEntry.amount_minor))
        .where(col(MoneyEntry.production_id).in_(production_ids))
        .group_by(col(MoneyEntry.production_id), col(MoneyEntry.kind))
    )
    for pid, kind, total in rows:
        if kind in MONEY_ENTRY_KINDS:
            totals[pid][kind] = int(total or 0)
    return totals


def _summary(production: Production, totals: dict[str, int]) -> MoneySummary:
    revenue, costs = totals["revenue"], totals["cost"]
    return MoneySummary(
        currency=production.currency,
        revenue_minor=revenue,
        costs_minor=costs,
        profit_minor=revenue - costs,
        pool_minor=pool_of(production, revenue, costs),
    )


def money_summary(*, session: Session, production_id: int) -> MoneySummary:
    """The production's revenue, costs, profit (revenue - costs) and contributors' pool
    (`pool_of`: the fixed budget, or floor(max(profit, 0) * share_bps / 10,000))."""
    production = _get(session, production_id)
    return _summary(production, _totals(session, [production_id])[production_id])


def _authors(session: Session, record_ids: list[int]) -> dict[int, list[Person]]:
    found: dict[int, list[Person]] = {rid: [] for rid in record_ids}
    if not record_ids:
        return found
    rows = session.exec(
        select(RecordAuthor.record_id, User.username, User.display_name)
        .join(User, col(User.id) == RecordAuthor.user_id)
        .where(col(RecordAuthor.record_id).in_(record_ids))
        .order_by(col(RecordAuthor.id))
    )
    for rid, username, name in rows:
        found[rid].append(Person(username, name))
    return found


def _person(user: User | None) -> Person:
    return Person(user.username, user.display_name) if user else Person("", "")


def production_view(
    *, session: Session, production_id: int, viewer: User | None = None
) -> ProductionView:
    """Everything the production's page shows; NotFound when there is no such production."""
    production = _get(session, production_id)
    pid = production.id or 0
    pairs = list(
        session.exec(
            select(ProductionContribution, Record)
            .join(Record, col(Record.id) == ProductionContribution.record_id)
            .where(ProductionContribution.production_id == pid)
            .order_by(col(ProductionContribution.id))
        )
    )
    authors = _authors(session, [r.id or 0 for _, r in pairs])
    contributions = [
        ContributionView(
            id=c.id or 0,
            record=RecordRef.of(r),
            authors=authors[r.id or 0],
            role=c.role,
            weight=c.weight,
            note=c.note,
        )
        for c, r in pairs
    ]
    money = [
        MoneyEntryView(
            id=e.id or 0,
            kind=e.kind,
            amount_minor=e.amount_minor,
            source=e.source,
            occurred_on=e.occurred_on,
            note=e.note,
        )
        for e in session.exec(
            select(MoneyEntry)
            .where(MoneyEntry.production_id == pid)
            .order_by(col(MoneyEntry.occurred_on).desc(), col(MoneyEntry.id).desc())
        )
    ]
    linked = list(
        session.exec(
            select(Challenge)
            .where(Challenge.production_id == pid, Challenge.state != "draft")
            .order_by(col(Challenge.id))
        )
    )
    managing = viewer is not None and can_manage(viewer, production)
    candidates: list[RecordRef] = []
    if managing and linked:
        included = {c.record.id for c in contributions}
        candidates = [
            RecordRef.of(r)
            for r in session.exec(
                select(Record)
                .where(
                    col(Record.challenge_id).in_([c.id for c in linked]),
                    col(Record.withdrawn_at).is_(None),
                )
                .order_by(col(Record.id).desc())
                .limit(LIST_LIMIT)
            )
            if r.id not in included
        ]
    return ProductionView(
        id=pid,
        title=production.title,
        description=production.description,
        host=_person(session.get(User, production.host_id)),
        currency=production.currency,
        pool_mode=production.pool_mode,
        contributors_share_bps=production.contributors_share_bps,
        fixed_pool_minor=production.fixed_pool_minor,
        min_payout_minor=production.min_payout_minor,
        challenges=[ChallengeRef(c.id or 0, c.title) for c in linked],
        contributions=contributions,
        money=money,
        summary=_summary(production, _totals(session, [pid])[pid]),
        can_manage=managing,
        currency_locked=_has_proposal(session, pid),
        candidates=candidates,
    )


def list_productions(*, session: Session) -> list[ProductionListItem]:
    """Every production (newest first, at most LIST_LIMIT) with its host and money."""
    pairs = list(
        session.exec(
            select(Production, User)
            .join(User, col(User.id) == Production.host_id)
            .order_by(col(Production.id).desc())
            .limit(LIST_LIMIT)
        )
    )
    ids = [p.id or 0 for p, _ in pairs]
    totals = _totals(session, ids)
    counts: dict[int, int] = dict.fromkeys(ids, 0)
    if ids:
        for pid, n in session.exec(
            select(ProductionContribution.production_id, func.count())
            .where(col(ProductionContribution.production_id).in_(ids))
            .group_by(col(ProductionContribution.production_id))
        ):
            counts[pid] = n
    return [
        ProductionListItem(
            id=p.id or 0,
            title=p.title,
            host=_person(host),
            contribution_count=counts[p.id or 0],
            pool_mode=p.pool_mode,
            contributors_share_bps=p.contributors_share_bps,
            summary=_summary(p, totals[p.id or 0]),
        )
        for p, host in pairs
    ]
