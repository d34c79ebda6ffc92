"""Pay proposals: the lifecycle a production's host (or an admin) runs.

draft -> open for feedback (until `closes_at`) -> (revised: version n+1 is prepared as a draft
while version n stays open, then opened in its place) -> final (the ledger is written) -> paid.

A version is editable while it is a draft and never once opened: every command here checks
that on the server, with the acting user read from the database (never an id or role the
browser sent). Every share change needs a written reason, kept on the line. Votes, comments
and sign-offs are in `proposal_votes`, what pages read in `proposal_views`, the money in
`ledger`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hitrec_app import routes
from hitrec_app.models import (
    PayProposal,
    PayProposalLine,
    PayProposalVersion,
    Production,
    ProposalComment,
    ProposalSignOff,
    ProposalVote,
    User,
    VersionReason,
    utcnow,
)
from hitrec_app.services import (
    events,
    ledger,
    notifications,
    pay_math,
    productions,
    proposal_evidence,
)
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from hitrec_app.services.pay_math import (
    amounts_from_shares,
    format_bps,
    format_minor,
    largest_remainder,
)
from hitrec_app.services.records import acting_user
from hitrec_app.services.split_rule import SplitRule
from hitrec_app.services.validation import clean_text
from hitrec_app.vocabulary import (
    CHANGE_REASON_MAX,
    MAX_ID,
    MONEY_MAX_MINOR,
    PAYMENT_REFERENCE_MAX,
    PROPOSAL_OPEN_DAYS,
    TOTAL_BPS,
    EventKind,
    proposal_room,
)

OPENED = notifications.register_kind("proposal.opened", "Pay proposal")
NEW_VERSION = notifications.register_kind("proposal.version", "New version")
LOOK_AGAIN = notifications.register_kind("proposal.look_again", "Look again")
FINAL = notifications.register_kind("proposal.final", "Final split")
PAID = notifications.register_kind("proposal.paid", "Paid")

TITLE_MAX = 200
NOTE_MAX = 2_000
MAX_REASONS = 50  # comments and votes one version may name as its reasons
MAX_OPEN_DAYS = 90  # the latest closing date a host may set


# --- access ------------------------------------------------------------------------------------


def may_run(user: User, production: Production) -> bool:
    """The production's host or an admin runs its proposals."""
    return user.role == "admin" or (user.id is not None and production.host_id == user.id)


def production_of(session: Session, production_id: int) -> Production:
    production = session.get(Production, production_id) if 0 < production_id <= MAX_ID else None
    if production is None:
        raise NotFound("That production does not exist.")
    return production


def locked_production(session: Session, production_id: int) -> Production:
    """The production, its row locked until the transaction ends (PostgreSQL; NO KEY UPDATE,
    so rows that only point at it are not held up) and re-read once the lock is held: the
    commands that read what is left of its pool, or whether a proposal is in progress, and
    then write take it first, so two of them never act on the same reading."""
    if not isinstance(production_id, int) or not 0 < production_id <= MAX_ID:
        raise NotFound("That production does not exist.")
    query = select(Production).where(Production.id == production_id)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update(key_share=True)
    production = session.exec(query.execution_options(populate_existing=True)).first()
    if production is None:
        raise NotFound("That production does not exist.")
    return production


def locked_proposal(session: Session, proposal_id: int) -> PayProposal:
    """The proposal, its row locked until the transaction ends (PostgreSQL; SQLite's write
    transactions are already serial) and re-read once the lock is held: every command that
    checks the proposal's state and then writes takes it first, so a vote can never land on
    a version that was replaced meanwhile."""
    if not 0 < proposal_id <= MAX_ID:
        raise NotFound("That pay proposal does not exist.")
    query = select(PayProposal).where(PayProposal.id == proposal_id)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update().execution_options(populate_existing=True)
    proposal = session.exec(query).first()
    if proposal is None:
        raise NotFound("That pay proposal does not exist.")
    return proposal


def _runner(session: Session, user_id: int, production: Production, what: str) -> User:
    user = acting_user(session, user_id)
    if not may_run(user, production):
        raise PermissionDenied(f"Only the production's host or an admin can {what}.")
    return user


def _run(session: Session, user_id: int, proposal_id: int, what: str) -> tuple[User, PayProposal]:
    proposal = locked_proposal(session, proposal_id)
    production = production_of(session, proposal.production_id)
    return _runner(session, user_id, production, what), proposal


def is_closed(proposal: PayProposal, now: datetime | None = None) -> bool:
    """Closed for feedback: past its closing date (votes and sign-offs are refused)."""
    return proposal.closes_at is not None and (now or utcnow()) >= proposal.closes_at


# --- versions and lines --------------------------------------------------------------------------


def version_of(session: Session, proposal_id: int, number: int) -> PayProposalVersion:
    version = session.exec(
        select(PayProposalVersion).where(
            PayProposalVersion.proposal_id == proposal_id, PayProposalVersion.number == number
        )
    ).first()
    if version is None:
        raise NotFound(f"This proposal has no version {number}.")
    return version


def lines_of(session: Session, version_id: int) -> list[PayProposalLine]:
    """A version's lines, the largest share first (then by user id)."""
    return list(
        session.exec(
            select(PayProposalLine)
            .where(PayProposalLine.version_id == version_id)
            .order_by(col(PayProposalLine.share_bps).desc(), col(PayProposalLine.user_id))
        )
    )


def draft_version(session: Session, proposal: PayProposal) -> PayProposalVersion | None:
    """The version being prepared (not opened yet), if any: version 1 of a draft proposal, or
    the revision of an open one."""
    return session.exec(
        select(PayProposalVersion).where(
            PayProposalVersion.proposal_id == proposal.id,
            col(PayProposalVersion.opened_at).is_(None),
        )
    ).first()


def _editable(session: Session, proposal: PayProposal, number: int) -> PayProposalVersion:
    if proposal.state in ("final", "paid"):
        raise ValidationError("This proposal is final; its split can no longer change.")
    version = version_of(session, proposal.id or 0, number)
    if version.opened_at is not None:
        raise ValidationError(
            f"Version {number} is open for feedback and can no longer change; "
            "make a new version to change the split."
        )
    return version


def shares_off_by(total: int) -> str:
    """What to tell a host whose shares do not total 100%."""
    diff = TOTAL_BPS - total
    way = "short of" if diff > 0 else "over"
    return (
        f"The shares add up to {total:,} basis points ({format_bps(total)}): "
        f"{abs(diff):,} ({format_bps(abs(diff))}) {way} {TOTAL_BPS:,} (100%). "
        "Change them so that they total exactly 100% first."
    )


def _price(lines: list[PayProposalLine], pool_minor: int) -> None:
    """Set each line's amount of the pool: exact (largest remainder) when the shares total
    100%; while a draft's shares are being moved and do not, a provisional proportion."""
    shares = {line.user_id: line.share_bps for line in lines}
    total = sum(shares.values())
    if total == TOTAL_BPS:
        amounts = amounts_from_shares(pool_minor, shares)
    elif total > 0:
        amounts = largest_remainder(pool_minor * total // TOTAL_BPS, shares)
    else:
        amounts = dict.fromkeys(shares, 0)
    for line in lines:
        line.amount_minor = amounts[line.user_id]


def _splittable(pool: int, production: Production) -> int:
    """The pool, if the ledger can carry it (a sum of entries can outgrow the cap)."""
    if pool > MONEY_MAX_MINOR:
        raise ValidationError(pay_math.beyond_cap("The pool to split", production.currency))
    return pool


def pool_left(*, session: Session, production_id: int) -> int:
    """The production's pool less what finalised proposals already split (never below 0)."""
    pool = productions.money_summary(session=session, production_id=production_id).pool_minor
    return max(0, pool - ledger.distributed(session=session, production_id=production_id))


# --- commands ----------------------------------------------------------------------------------


def create_proposal(
    *,
    session: Session,
    user_id: int,
    production_id: int,
    title: str = "",
    rule: SplitRule | None = None,
) -> PayProposal:
    """A draft proposal whose version 1 is the split the evidence suggests, priced from what
    is left of the production's pool."""
    production = locked_production(session, production_id)
    user = _runner(session, user_id, production, "propose how its pool is split")
    clean_title = (
        clean_text(title, field="Title", max_len=TITLE_MAX)
        or (f"Pay proposal for {production.title}"[:TITLE_MAX])
    )
    running = session.exec(
        select(PayProposal.id).where(
            PayProposal.production_id == production_id,
            col(PayProposal.state).in_(("draft", "open")),
        )
    ).first()
    if running is not None:
        raise ValidationError(
            "This production already has a proposal in progress; finalise it before "
            "proposing another split."
        )
    split = proposal_evidence.suggested_split(
        session=session, production_id=production_id, rule=rule
    )
    pool = _splittable(pool_left(session=session, production_id=production_id), production)
    if pool == 0 and ledger.distributed(session=session, production_id=production_id) > 0:
        raise ValidationError(
            "Nothing is left of this production's pool to split: earlier proposals split it "
            "all. Record new revenue first."
        )
    proposal = PayProposal(
        production_id=production_id, author_id=user.id or 0, title=clean_title, state="draft"
    )
    session.add(proposal)
    session.flush()
    version = PayProposalVersion(
        proposal_id=proposal.id or 0, number=1, pool_minor=pool, created_by_id=user.id or 0
    )
    session.add(version)
    session.flush()
    lines = [
        PayProposalLine(
            version_id=version.id or 0,
            user_id=s.user_id,
            share_bps=s.share_bps,
            suggested_bps=s.share_bps,
            amount_minor=0,
            evidence=proposal_evidence.evidence_json(s.evidence),
        )
        for s in split.lines
    ]
    _price(lines, pool)
    session.add_all(lines)
    session.flush()
    return proposal


def set_line_share(
    *,
    session: Session,
    user_id: int,
    proposal_id: int,
    version: int,
    payee_id: int,
    share_bps: int,
    reason: str,
) -> PayProposalLine:
    """Change one payee's share in the draft version `version`, for a written reason (kept
    on the line). A payee without a line gets one (someone the evidence missed). The shares
    need not total 100% until the version is opened."""
    _, proposal = _run(session, user_id, proposal_id, "change a proposal's split")
    target = _editable(session, proposal, version)
    if isinstance(share_bps, bool) or not isinstance(share_bps, int):
        raise ValidationError("A share must be a whole number of basis points.")
    if not 0 <= share_bps <= TOTAL_BPS:
        raise ValidationError(f"A share must be between 0 and {TOTAL_BPS:,} basis points (100%).")
    text = clean_text(
        reason, field="The reason for this change", max_len=CHANGE_REASON_MAX, required=True
    )
    lines = lines_of(session, target.id or 0)
    line = next((line for line in lines if line.user_id == payee_id), None)
    if line is None:
        payee = session.get(User, payee_id) if 0 < payee_id <= MAX_ID else None
        if payee is None:
            raise NotFound("That payee does not exist.")
        line = PayProposalLine(
            version_id=target.id or 0,
            user_id=payee_id,
            share_bps=0,
            suggested_bps=0,
            amount_minor=0,
        )
        lines.append(line)
    if line.share_bps == share_bps and line.id is not None:
        return line
    line.share_bps = share_bps
    reasons = [r for r in line.change_reason.split("\n") if r]
    if text not in reasons:
        reasons.append(text)
    line.change_reason = "\n".join(reasons)
    _price(lines, target.pool_minor)
    session.add_all(lines)
    session.flush()
    return line


def _check_closing(closes_at: datetime | None, now: datetime) -> datetime:
    if closes_at is None:
        return now + timedelta(days=PROPOSAL_OPEN_DAYS)
    if closes_at.tzinfo is None:
        raise ValidationError("The closing date needs a time zone.")
    if closes_at <= now:
        raise ValidationError("The closing date must be in the future.")
    if closes_at > now + timedelta(days=MAX_OPEN_DAYS):
        raise ValidationError(f"Feedback can stay open for at most {MAX_OPEN_DAYS} days.")
    return closes_at


def _payee_ids(session: Session, version_id: int) -> list[int]:
    return sorted(line.user_id for line in lines_of(session, version_id))


def _carry_votes(
    session: Session, proposal: PayProposal, previous: PayProposalVersion, new: PayProposalVersion
) -> set[int]:
    """Copy votes on lines whose share did not change into the new version (`carried_from`:
    the version each was cast on); return the voters of lines that changed."""
    before = {line.user_id: line.share_bps for line in lines_of(session, previous.id or 0)}
    after = {line.user_id: line.share_bps for line in lines_of(session, new.id or 0)}
    look_again: set[int] = set()
    for vote in session.exec(
        select(ProposalVote)
        .where(ProposalVote.version_id == previous.id)
        .order_by(col(ProposalVote.id))
    ):
        if vote.payee_id in after and after[vote.payee_id] == before.get(vote.payee_id):
            session.add(
                ProposalVote(
                    proposal_id=proposal.id or 0,
                    version_id=new.id or 0,
                    payee_id=vote.payee_id,
                    voter_id=vote.voter_id,
                    value=vote.value,
                    reason=vote.reason,
                    carried_from=vote.carried_from or previous.number,
                )
            )
        else:
            look_again.add(vote.voter_id)
    session.flush()
    return look_again


def changed_payload(proposal: PayProposal) -> dict:
    """What a proposal's room is told when its state, version or closing date changes."""
    return {
        "proposal_id": proposal.id,
        "state": proposal.state,
        "version": proposal.current_version,
        "closes_at": proposal.closes_at.isoformat() if proposal.closes_at else None,
        "hide_tallies": proposal.hide_tallies,
    }


def _tell_payees(
    session: Session, proposal: PayProposal, kind: str, message: str, skip: int | None
) -> None:
    version = version_of(session, proposal.id or 0, proposal.current_version)
    for uid in _payee_ids(session, version.id or 0):
        if uid != skip:
            notifications.notify(
                session=session,
                user_id=uid,
                kind=kind,
                message=message,
                link=routes.proposal_url(proposal.id or 0),
            )


def open_proposal(
    *,
    session: Session,
    user_id: int,
    proposal_id: int,
    closes_at: datetime | None = None,
    hide_tallies: bool | None = None,
) -> PayProposal:
    """Open the version being prepared for feedback until `closes_at` (default: in
    PROPOSAL_OPEN_DAYS days). Its shares must total exactly 100%. For a revision, votes on
    unchanged lines carry over and voters of changed lines are asked to look again; every
    payee is told."""
    user, proposal = _run(session, user_id, proposal_id, "open a proposal for feedback")
    if proposal.state in ("final", "paid"):
        raise ValidationError("This proposal is final; it cannot be opened again.")
    version = draft_version(session, proposal)
    if version is None:
        raise ValidationError(
            f"Version {proposal.current_version} is already open; make a new version to "
            "change the split."
        )
    now = utcnow()
    closing = _check_closing(closes_at, now)
    lines = lines_of(session, version.id or 0)
    if not lines:
        raise ValidationError("This version has no lines; give someone a share first.")
    total = sum(line.share_bps for line in lines)
    if total != TOTAL_BPS:
        raise ValidationError(shares_off_by(total))
    _price(lines, version.pool_minor)
    session.add_all(lines)
    version.opened_at = now
    session.add(version)
    session.flush()
    look_again: set[int] = set()
    if version.number > 1:
        previous = version_of(session, proposal.id or 0, proposal.current_version)
        look_again = _carry_votes(session, proposal, previous, version)
    proposal.state = "open"
    proposal.current_version = version.number
    proposal.closes_at = closing
    if hide_tallies is not None:
        proposal.hide_tallies = bool(hide_tallies)
    proposal.updated_at = now
    session.add(proposal)
    session.flush()
    link = routes.proposal_url(proposal.id or 0)
    if version.number == 1:
        _tell_payees(
            session,
            proposal,
            OPENED,
            f"“{proposal.title}” is open for feedback: see your share and why.",
            user.id,
        )
    else:
        _tell_payees(
            session,
            proposal,
            NEW_VERSION,
            f"“{proposal.title}” has a new version ({version.number}).",
            user.id,
        )
        for voter in sorted(look_again - {user.id or 0}):
            notifications.notify(
                session=session,
                user_id=voter,
                kind=LOOK_AGAIN,
                message=(
                    f"A line you voted on in “{proposal.title}” changed in version "
                    f"{version.number}: look again."
                ),
                link=link,
            )
    events.publish(
        session,
        proposal_room(proposal.id or 0),
        EventKind.PROPOSAL_CHANGED,
        changed_payload(proposal),
    )
    return proposal


def revise_proposal(
    *, session: Session, user_id: int, proposal_id: int, note: str = ""
) -> PayProposalVersion:
    """Prepare version n+1 of an open proposal: a draft copy of version n's lines, priced
    from what is left of the pool now. Version n stays open until n+1 is opened."""
    user, proposal = _run(session, user_id, proposal_id, "revise a proposal")
    if proposal.state == "draft":
        raise ValidationError("This proposal is still a draft: change its split directly.")
    if proposal.state != "open":
        raise ValidationError("This proposal is final; it can no longer be revised.")
    pending = draft_version(session, proposal)
    if pending is not None:
        return pending
    current = version_of(session, proposal.id or 0, proposal.current_version)
    production = locked_production(session, proposal.production_id)  # before reading the pool
    pool = _splittable(pool_left(session=session, production_id=production.id or 0), production)
    version = PayProposalVersion(
        proposal_id=proposal.id or 0,
        number=current.number + 1,
        note=clean_text(note, field="The note", max_len=NOTE_MAX),
        pool_minor=pool,
        created_by_id=user.id or 0,
    )
    session.add(version)
    session.flush()
    lines = [
        PayProposalLine(
            version_id=version.id or 0,
            user_id=line.user_id,
            share_bps=line.share_bps,
            suggested_bps=line.suggested_bps,
            amount_minor=0,
            evidence=line.evidence,
        )
        for line in lines_of(session, current.id or 0)
    ]
    _price(lines, version.pool_minor)
    session.add_all(lines)
    session.flush()
    return version


def set_version_reasons(
    *,
    session: Session,
    user_id: int,
    proposal_id: int,
    version: int,
    note: str | None = None,
    comment_ids: tuple[int, ...] | list[int] = (),
    vote_ids: tuple[int, ...] | list[int] = (),
) -> list[VersionReason]:
    """Name the comments and votes (objections) of THIS proposal that the draft version
    answers (replacing those named before), and optionally its note."""
    _, proposal = _run(session, user_id, proposal_id, "revise a proposal")
    target = _editable(session, proposal, version)
    comments = sorted({int(i) for i in comment_ids})
    votes = sorted({int(i) for i in vote_ids})
    if len(comments) + len(votes) > MAX_REASONS:
        raise ValidationError(f"Name at most {MAX_REASONS} comments and votes.")
    found_comments = set(
        session.exec(
            select(ProposalComment.id).where(
                col(ProposalComment.id).in_(comments),
                ProposalComment.proposal_id == proposal.id,
            )
        )
    )
    found_votes = set(
        session.exec(
            select(ProposalVote.id).where(
                col(ProposalVote.id).in_(votes), ProposalVote.proposal_id == proposal.id
            )
        )
    )
    for cid in comments:
        if cid not in found_comments:
            raise ValidationError(f"Comment {cid} is not part of this proposal.")
    for vid in votes:
        if vid not in found_votes:
            raise ValidationError(f"Vote {vid} is not part of this proposal.")
    if note is not None:
        target.note = clean_text(note, field="The note", max_len=NOTE_MAX)
        session.add(target)
    session.exec(delete(VersionReason).where(col(VersionReason.version_id) == target.id))
    reasons = [VersionReason(version_id=target.id or 0, comment_id=c) for c in comments] + [
        VersionReason(version_id=target.id or 0, vote_id=v) for v in votes
    ]
    session.add_all(reasons)
    session.flush()
    return reasons


def discard_revision(*, session: Session, user_id: int, proposal_id: int) -> None:
    """Drop the version being prepared for an open proposal (the open one stays)."""
    _, proposal = _run(session, user_id, proposal_id, "revise a proposal")
    pending = draft_version(session, proposal)
    if proposal.state != "open" or pending is None:
        raise ValidationError("There is no new version being prepared to discard.")
    session.exec(delete(VersionReason).where(col(VersionReason.version_id) == pending.id))
    session.exec(delete(PayProposalLine).where(col(PayProposalLine.version_id) == pending.id))
    session.delete(pending)
    session.flush()


def _may_finalise(
    session: Session,
    user: User,
    production: Production,
    proposal: PayProposal,
    version: PayProposalVersion,
    payees: set[int],
) -> None:
    """A host who is paid by the split does not approve it alone; and before the closing
    date, finalising cuts the feedback short, which only the payees' own yes allows."""
    if production.host_id in payees and user.role != "admin":
        raise PermissionDenied(
            "You are one of the payees of this split, so an admin must finalise it."
        )
    if is_closed(proposal):
        return
    accepted = set(
        session.exec(
            select(ProposalSignOff.user_id).where(
                ProposalSignOff.version_id == version.id, ProposalSignOff.answer == "accept"
            )
        )
    )
    waiting = len(payees - accepted)
    if waiting:
        closes = proposal.closes_at.strftime("%Y-%m-%d %H:%M UTC") if proposal.closes_at else ""
        raise ValidationError(
            f"Feedback is open until {closes}. Before then the split can be finalised only "
            f"once every payee has accepted their line; {waiting} of {len(payees)} "
            f"{'has' if waiting == 1 else 'have'} not yet."
        )


def finalise_proposal(*, session: Session, user_id: int, proposal_id: int) -> PayProposal:
    """Make the open version final: feedback ends and the ledger gets what is owed to each
    payee, or carried below the minimum payout. Once its closing date has passed, or before
    it if every payee of the version accepted their line; by an admin if the production's
    host is one of the payees."""
    user, proposal = _run(session, user_id, proposal_id, "finalise a proposal")
    if proposal.state == "draft":
        raise ValidationError("Open the proposal for feedback before finalising it.")
    if proposal.state != "open":
        raise ValidationError("This proposal is already final.")
    pending = draft_version(session, proposal)
    if pending is not None:
        raise ValidationError(
            f"Version {pending.number} is still being prepared: open it or discard it first."
        )
    # Locked: two proposals of one production finalised at once must not both split what
    # is left of its pool.
    production = locked_production(session, proposal.production_id)
    version = version_of(session, proposal.id or 0, proposal.current_version)
    amounts = {line.user_id: line.amount_minor for line in lines_of(session, version.id or 0)}
    _may_finalise(session, user, production, proposal, version, set(amounts))
    if sum(amounts.values()) != version.pool_minor:  # opened versions always reconcile
        raise ValidationError("This version's amounts do not add up to its pool.")
    left = pool_left(session=session, production_id=production.id or 0)
    if version.pool_minor > left:
        raise ValidationError(
            "The pool is smaller than when this version was made; make a new version first."
        )
    ledger.post_finalised(
        session=session,
        production=production,
        proposal=proposal,
        amounts=amounts,
        actor_id=user.id or 0,
    )
    now = utcnow()
    proposal.state = "final"
    proposal.finalised_at = now
    if proposal.closes_at is None or proposal.closes_at > now:
        proposal.closes_at = now
    proposal.updated_at = now
    session.add(proposal)
    session.flush()
    _tell_payees(
        session, proposal, FINAL, f"“{proposal.title}” is final: see what you are owed.", user.id
    )
    events.publish(
        session,
        proposal_room(proposal.id or 0),
        EventKind.PROPOSAL_CHANGED,
        changed_payload(proposal),
    )
    return proposal


def mark_paid(*, session: Session, user_id: int, proposal_id: int, reference: str) -> PayProposal:
    """An admin records that a final proposal's owed amounts were paid (with the payment's
    reference): the ledger moves them from owed to paid."""
    proposal = locked_proposal(session, proposal_id)
    user = acting_user(session, user_id)
    if user.role != "admin":
        raise PermissionDenied("Only an admin can mark a proposal paid.")
    if proposal.state != "final":
        raise ValidationError(
            "This proposal was already marked paid."
            if proposal.state == "paid"
            else "Only a final proposal can be paid."
        )
    text = clean_text(
        reference, field="The payment reference", max_len=PAYMENT_REFERENCE_MAX, required=True
    )
    production = production_of(session, proposal.production_id)
    paid = ledger.post_paid(
        session=session,
        production=production,
        proposal=proposal,
        actor_id=user.id or 0,
        reference=text,
    )
    now = utcnow()
    proposal.state = "paid"
    proposal.paid_at = now
    proposal.updated_at = now
    session.add(proposal)
    session.flush()
    for uid, amount in paid.items():
        notifications.notify(
            session=session,
            user_id=uid,
            kind=PAID,
            message=(
                f"You were paid {format_minor(amount, production.currency)} for "
                f"“{proposal.title}” (reference {text})."
            ),
            link=routes.EARNINGS,
        )
    events.publish(
        session,
        proposal_room(proposal.id or 0),
        EventKind.PROPOSAL_CHANGED,
        changed_payload(proposal),
    )
    return proposal
