"""What pages read about pay proposals: the proposal, its lines with evidence and tallies,
votes (current, carried and stale), comments, sign-offs, the diff between two versions, and a
contributor's earnings.

A proposal still a draft, and a version still being prepared, are seen only by those who run
the production's proposals (its host and admins); everything else is public to signed-in
members. Each read returns small frozen dataclasses (typed view rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

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
)
from hitrec_app.services import ledger
from hitrec_app.services.errors import NotFound, PermissionDenied
from hitrec_app.services.proposal_evidence import EvidenceRow, parse_evidence
from hitrec_app.services.proposal_votes import (
    CommentRow,
    LineTally,
    comment_row,
    tallies,
    tallies_visible,
    unanswered_ids,
)
from hitrec_app.services.proposals import (
    draft_version,
    is_closed,
    lines_of,
    may_run,
    production_of,
    version_of,
)
from hitrec_app.vocabulary import MAX_ID


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    display_name: str


def _people(session: Session, ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    return {
        u.id: Person(u.id, u.username, u.display_name)
        for u in session.exec(select(User).where(col(User.id).in_(list(ids))))
        if u.id is not None
    }


def _viewer(session: Session, viewer_id: int | None) -> User | None:
    return session.get(User, viewer_id) if viewer_id and 0 < viewer_id <= MAX_ID else None


def visible_proposal(
    session: Session, proposal_id: int, viewer_id: int | None
) -> tuple[PayProposal, Production, bool]:
    """The proposal, its production, and whether the viewer runs it; a draft proposal is
    not found by anyone else."""
    proposal = session.get(PayProposal, proposal_id) if 0 < proposal_id <= MAX_ID else None
    if proposal is None:
        raise NotFound("That pay proposal does not exist.")
    production = production_of(session, proposal.production_id)
    viewer = _viewer(session, viewer_id)
    runs = viewer is not None and may_run(viewer, production)
    if proposal.state == "draft" and not runs:
        raise NotFound("That pay proposal does not exist.")
    return proposal, production, runs


def _version(
    session: Session, proposal: PayProposal, number: int | None, runs: bool
) -> PayProposalVersion:
    version = version_of(session, proposal.id or 0, number or proposal.current_version)
    if version.opened_at is None and not runs and proposal.state != "draft":
        raise NotFound(f"This proposal has no version {number}.")
    return version


@dataclass(frozen=True)
class ProposalView:
    id: int
    title: str
    production_id: int
    production_title: str
    currency: str
    min_payout_minor: int
    state: str
    version: int  # the version on show
    pool_minor: int  # the pool that version splits
    note: str  # that version's note
    closes_at: datetime | None
    closed: bool  # closed for feedback (votes and sign-offs refused)
    hide_tallies: bool
    tallies_visible: bool
    runs: bool  # the viewer is the production's host or an admin
    preparing: int | None  # the number of the version being prepared (seen by `runs` only)
    preparing_note: str  # that version's note ("" when none is being prepared)
    versions: int  # opened versions so far
    finalised_at: datetime | None
    paid_at: datetime | None


def proposal_view(*, session: Session, proposal_id: int, viewer_id: int | None) -> ProposalView:
    proposal, production, runs = visible_proposal(session, proposal_id, viewer_id)
    version = version_of(session, proposal.id or 0, proposal.current_version)
    pending = draft_version(session, proposal)
    opened = session.exec(
        select(PayProposalVersion.id).where(
            PayProposalVersion.proposal_id == proposal.id,
            col(PayProposalVersion.opened_at).is_not(None),
        )
    ).all()
    preparing = pending if pending is not None and runs and proposal.state == "open" else None
    return ProposalView(
        id=proposal.id or 0,
        title=proposal.title,
        production_id=production.id or 0,
        production_title=production.title,
        currency=production.currency,
        min_payout_minor=production.min_payout_minor,
        state=proposal.state,
        version=proposal.current_version,
        pool_minor=version.pool_minor,
        note=version.note,
        closes_at=proposal.closes_at,
        closed=is_closed(proposal),
        hide_tallies=proposal.hide_tallies,
        tallies_visible=tallies_visible(proposal) or runs,
        runs=runs,
        preparing=preparing.number if preparing is not None else None,
        preparing_note=preparing.note if preparing is not None else "",
        versions=len(opened),
        finalised_at=proposal.finalised_at,
        paid_at=proposal.paid_at,
    )


@dataclass(frozen=True)
class LineView:
    payee: Person
    share_bps: int
    suggested_bps: int
    amount_minor: int
    change_reason: str
    evidence: list[EvidenceRow]
    tally: LineTally | None  # None while the host hides tallies (to those who do not run it)
    my_vote: str  # the viewer's vote on this line of this version, "" if none
    sign_off: str  # the payee's answer to this version ("accept", "object" or "")
    sign_off_reason: str


def line_views(
    *, session: Session, proposal_id: int, viewer_id: int | None, version: int | None = None
) -> list[LineView]:
    """The lines of a version (the one on show by default), largest share first."""
    proposal, _, runs = visible_proposal(session, proposal_id, viewer_id)
    target = _version(session, proposal, version, runs)
    lines = lines_of(session, target.id or 0)
    people = _people(session, {line.user_id for line in lines})
    counts = tallies(session=session, version_id=target.id or 0)
    show = tallies_visible(proposal) or runs
    mine = {
        v.payee_id: v.value
        for v in session.exec(
            select(ProposalVote).where(
                ProposalVote.version_id == target.id, ProposalVote.voter_id == (viewer_id or 0)
            )
        )
    }
    answers = {
        s.user_id: s
        for s in session.exec(
            select(ProposalSignOff).where(ProposalSignOff.version_id == target.id)
        )
    }
    return [
        LineView(
            payee=people[line.user_id],
            share_bps=line.share_bps,
            suggested_bps=line.suggested_bps,
            amount_minor=line.amount_minor,
            change_reason=line.change_reason,
            evidence=parse_evidence(line.evidence),
            tally=counts[line.user_id] if show else None,
            my_vote=mine.get(line.user_id, ""),
            sign_off=answers[line.user_id].answer if line.user_id in answers else "",
            sign_off_reason=answers[line.user_id].reason if line.user_id in answers else "",
        )
        for line in lines
    ]


@dataclass(frozen=True)
class VoteView:
    id: int
    voter: Person
    value: str
    reason: str
    cast_on: int  # the version the vote was cast on
    carried: bool  # cast on an earlier version whose line this version left unchanged
    stale: bool  # cast on an earlier version, and the line changed since: not counted


def line_votes(
    *, session: Session, proposal_id: int, payee_id: int, viewer_id: int | None
) -> list[VoteView]:
    """Votes on one line of the version on show (carried ones marked), then each other
    voter's latest vote on an earlier version of the line, marked stale."""
    proposal, _, _ = visible_proposal(session, proposal_id, viewer_id)
    numbers = {
        v.id: v.number
        for v in session.exec(
            select(PayProposalVersion).where(PayProposalVersion.proposal_id == proposal.id)
        )
    }
    rows = list(
        session.exec(
            select(ProposalVote)
            .where(ProposalVote.proposal_id == proposal.id, ProposalVote.payee_id == payee_id)
            .order_by(col(ProposalVote.id))
        )
    )
    people = _people(session, {v.voter_id for v in rows})
    current = [v for v in rows if numbers.get(v.version_id) == proposal.current_version]
    counted = {v.voter_id for v in current}
    latest_old: dict[int, ProposalVote] = {}
    for vote in rows:
        number = numbers.get(vote.version_id, 0)
        if number < proposal.current_version and vote.voter_id not in counted:
            kept = latest_old.get(vote.voter_id)
            if kept is None or number >= numbers.get(kept.version_id, 0):
                latest_old[vote.voter_id] = vote

    def view(vote: ProposalVote, stale: bool) -> VoteView:
        cast_on = vote.carried_from or numbers.get(vote.version_id, 0)
        return VoteView(
            id=vote.id or 0,
            voter=people[vote.voter_id],
            value=vote.value,
            reason=vote.reason,
            cast_on=cast_on,
            carried=vote.carried_from is not None and not stale,
            stale=stale,
        )

    return [view(v, False) for v in current] + [
        view(v, True) for v in sorted(latest_old.values(), key=lambda v: v.id or 0)
    ]


def comments(*, session: Session, proposal_id: int, viewer_id: int | None) -> list[CommentRow]:
    """Every comment of the proposal, oldest first (threads by `parent_id`)."""
    proposal, _, _ = visible_proposal(session, proposal_id, viewer_id)
    return [
        comment_row(c, u)
        for c, u in session.exec(
            select(ProposalComment, User)
            .join(User, col(User.id) == ProposalComment.author_id)
            .where(ProposalComment.proposal_id == proposal.id)
            .order_by(col(ProposalComment.id))
        )
    ]


def unanswered(*, session: Session, proposal_id: int, viewer_id: int | None) -> list[Person]:
    """Payees of the version on show who have not signed off on it yet."""
    proposal, _, _ = visible_proposal(session, proposal_id, viewer_id)
    version = version_of(session, proposal.id or 0, proposal.current_version)
    ids = unanswered_ids(session=session, version_id=version.id or 0)
    people = _people(session, set(ids))
    return [people[i] for i in ids]


# --- the diff between two versions ---------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    payee: Person
    old_bps: int  # 0 when the payee was not on the old version
    old_amount_minor: int
    new_bps: int
    new_amount_minor: int
    delta_bps: int
    delta_minor: int
    change_reason: str  # why the host changed the line in the new version


@dataclass(frozen=True)
class ReasonRow:
    """A comment or a vote the host named as a reason for the new version."""

    kind: str  # "comment" or "vote"
    id: int
    author: Person
    payee_id: int | None  # the line it was about
    text: str  # the comment, or the vote's reason
    value: str  # the vote ("object", ...); "" for a comment


@dataclass(frozen=True)
class VersionDiff:
    from_number: int
    to_number: int
    note: str  # the new version's note
    rows: list[DiffRow]  # changed lines first (largest change first), then unchanged ones
    reasons: list[ReasonRow]


def diff(
    *,
    session: Session,
    proposal_id: int,
    from_number: int,
    to_number: int,
    viewer_id: int | None,
) -> VersionDiff:
    """Who gained or lost what between two versions, with the reasons the host gave."""
    proposal, _, runs = visible_proposal(session, proposal_id, viewer_id)
    old = _version(session, proposal, from_number, runs)
    new = _version(session, proposal, to_number, runs)
    before = {line.user_id: line for line in lines_of(session, old.id or 0)}
    after = {line.user_id: line for line in lines_of(session, new.id or 0)}
    people = _people(session, set(before) | set(after))

    def side(line: PayProposalLine | None) -> tuple[int, int]:
        return (line.share_bps, line.amount_minor) if line else (0, 0)

    rows = []
    for uid in set(before) | set(after):
        (ob, oa), (nb, na) = side(before.get(uid)), side(after.get(uid))
        rows.append(
            DiffRow(
                payee=people[uid],
                old_bps=ob,
                old_amount_minor=oa,
                new_bps=nb,
                new_amount_minor=na,
                delta_bps=nb - ob,
                delta_minor=na - oa,
                change_reason=after[uid].change_reason if uid in after else "",
            )
        )
    rows.sort(key=lambda r: (r.delta_bps == 0, -abs(r.delta_bps), -r.new_bps, r.payee.id))
    reasons: list[ReasonRow] = []
    links = list(session.exec(select(VersionReason).where(VersionReason.version_id == new.id)))
    comment_ids = [r.comment_id for r in links if r.comment_id is not None]
    vote_ids = [r.vote_id for r in links if r.vote_id is not None]
    found_comments = list(
        session.exec(select(ProposalComment).where(col(ProposalComment.id).in_(comment_ids)))
    )
    found_votes = list(session.exec(select(ProposalVote).where(col(ProposalVote.id).in_(vote_ids))))
    authors = _people(
        session, {c.author_id for c in found_comments} | {v.voter_id for v in found_votes}
    )
    for c in sorted(found_comments, key=lambda c: c.id or 0):
        reasons.append(
            ReasonRow("comment", c.id or 0, authors[c.author_id], c.payee_id, c.body, "")
        )
    for v in sorted(found_votes, key=lambda v: v.id or 0):
        reasons.append(
            ReasonRow("vote", v.id or 0, authors[v.voter_id], v.payee_id, v.reason, v.value)
        )
    return VersionDiff(
        from_number=old.number, to_number=new.number, note=new.note, rows=rows, reasons=reasons
    )


# --- earnings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalOn:
    """A proposal someone is on: their line of its version on show."""

    proposal_id: int
    title: str
    production_title: str
    state: str
    version: int
    share_bps: int
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class Earnings:
    balances: list[ledger.Balance]  # per currency: owed, carried, paid in total
    history: list[ledger.LedgerRow]  # their ledger rows, oldest first
    proposals: list[ProposalOn]  # newest first


def earnings(*, session: Session, user_id: int, viewer_id: int | None) -> Earnings:
    """A contributor's money: only they (and admins) see it."""
    viewer = _viewer(session, viewer_id)
    if viewer is None or (viewer.id != user_id and viewer.role != "admin"):
        raise PermissionDenied("Only you can see your earnings.")
    rows = session.exec(
        select(PayProposal, PayProposalLine, Production)
        .join(PayProposalVersion, col(PayProposalVersion.proposal_id) == PayProposal.id)
        .join(
            PayProposalLine,
            col(PayProposalLine.version_id) == PayProposalVersion.id,
        )
        .join(Production, col(Production.id) == PayProposal.production_id)
        .where(
            PayProposalLine.user_id == user_id,
            PayProposalVersion.number == PayProposal.current_version,
            PayProposal.state != "draft",
        )
        .order_by(col(PayProposal.id).desc())
    )
    return Earnings(
        balances=ledger.balances(session=session, user_id=user_id),
        history=ledger.ledger_rows(session=session, user_id=user_id),
        proposals=[
            ProposalOn(
                proposal_id=p.id or 0,
                title=p.title,
                production_title=prod.title,
                state=p.state,
                version=p.current_version,
                share_bps=line.share_bps,
                amount_minor=line.amount_minor,
                currency=prod.currency,
            )
            for p, line, prod in rows
        ],
    )
