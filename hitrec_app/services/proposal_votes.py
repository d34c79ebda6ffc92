"""What members do on an open pay proposal: vote on lines, comment, and (payees) sign off.

Any signed-in member votes agree / object / abstain on each line of the version on show
(a reason is required to object) and may change their vote until feedback closes; comments
are threaded, on the whole proposal or on one line, until the proposal is final; each payee
accepts or objects to their own line. Each change is announced to the proposal's room after
the commit with what a live view needs to apply it (the line's new tally, the new comment),
so no viewer queries again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from hitrec_app import routes
from hitrec_app.models import (
    PayProposal,
    PayProposalLine,
    PayProposalVersion,
    ProposalComment,
    ProposalSignOff,
    ProposalVote,
    User,
    utcnow,
)
from hitrec_app.services import events, notifications
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from hitrec_app.services.proposals import (
    is_closed,
    locked_proposal,
    may_run,
    production_of,
    version_of,
)
from hitrec_app.services.records import acting_user
from hitrec_app.services.validation import clean_text
from hitrec_app.vocabulary import (
    COMMENT_MAX,
    MAX_ID,
    SIGN_OFF_ANSWERS,
    VOTE_REASON_MAX,
    VOTE_VALUES,
    EventKind,
    proposal_room,
)

COMMENTED = notifications.register_kind("proposal.commented", "Proposal comment")


@dataclass(frozen=True)
class LineTally:
    payee_id: int
    agree: int
    object: int
    abstain: int

    @property
    def votes(self) -> int:
        return self.agree + self.object + self.abstain


def tallies(*, session: Session, version_id: int) -> dict[int, LineTally]:
    """Each line's votes cast on (or carried into) this version, by payee."""
    counts: dict[int, dict[str, int]] = {}
    for payee, value, n in session.exec(
        select(ProposalVote.payee_id, ProposalVote.value, func.count())
        .where(ProposalVote.version_id == version_id)
        .group_by(col(ProposalVote.payee_id), col(ProposalVote.value))
    ):
        counts.setdefault(payee, dict.fromkeys(VOTE_VALUES, 0))[value] = int(n)
    lines = session.exec(
        select(PayProposalLine.user_id).where(PayProposalLine.version_id == version_id)
    )
    return {uid: LineTally(uid, **counts.get(uid, dict.fromkeys(VOTE_VALUES, 0))) for uid in lines}


def tallies_visible(proposal: PayProposal) -> bool:
    """Tallies show unless the host hid them, and always once feedback closed."""
    return not proposal.hide_tallies or is_closed(proposal) or proposal.state in ("final", "paid")


def _no_draft(session: Session, proposal: PayProposal, user: User) -> None:
    """A draft takes no feedback; to anyone but those who run it, it does not exist (as its
    page says), so a vote or a comment sent to its id learns nothing about it."""
    if proposal.state != "draft":
        return
    if not may_run(user, production_of(session, proposal.production_id)):
        raise NotFound("That pay proposal does not exist.")
    raise ValidationError("This proposal is not open for feedback yet.")


def _open_version(
    session: Session, proposal: PayProposal, user: User, version: int | None
) -> PayProposalVersion:
    """The version on show, if it takes feedback now (and is the one the member saw)."""
    _no_draft(session, proposal, user)
    if proposal.state != "open":
        raise ValidationError("This proposal is final; feedback is closed.")
    if is_closed(proposal):
        raise ValidationError("Feedback on this proposal has closed.")
    if version is not None and version != proposal.current_version:
        raise ValidationError(
            f"Version {version} is no longer the current one: look at version "
            f"{proposal.current_version} first."
        )
    return version_of(session, proposal.id or 0, proposal.current_version)


def _line(session: Session, version: PayProposalVersion, payee_id: int) -> PayProposalLine:
    line = session.exec(
        select(PayProposalLine).where(
            PayProposalLine.version_id == version.id, PayProposalLine.user_id == payee_id
        )
    ).first()
    if line is None:
        raise ValidationError("That line is not part of this proposal.")
    return line


def cast_vote(
    *,
    session: Session,
    user_id: int,
    proposal_id: int,
    payee_id: int,
    value: str,
    reason: str = "",
    version: int | None = None,
) -> ProposalVote:
    """Vote on one line of the current version (or change one's vote) until feedback
    closes. `version`, when given, is the version the member was looking at: a vote meant
    for a version that was replaced meanwhile is refused, not moved to the new one."""
    user = acting_user(session, user_id)
    proposal = locked_proposal(session, proposal_id)
    current = _open_version(session, proposal, user, version)
    _line(session, current, payee_id)
    if value not in VOTE_VALUES:
        raise ValidationError("Vote agree, object or abstain.")
    text = clean_text(reason, field="A reason", max_len=VOTE_REASON_MAX, required=value == "object")
    vote = session.exec(
        select(ProposalVote).where(
            ProposalVote.version_id == current.id,
            ProposalVote.payee_id == payee_id,
            ProposalVote.voter_id == user.id,
        )
    ).first()
    if vote is None:
        vote = ProposalVote(
            proposal_id=proposal.id or 0,
            version_id=current.id or 0,
            payee_id=payee_id,
            voter_id=user.id or 0,
            value=value,
            reason=text,
        )
    else:
        vote.value, vote.reason, vote.carried_from = value, text, None
        vote.updated_at = utcnow()
    session.add(vote)
    session.flush()
    tally = tallies(session=session, version_id=current.id or 0)[payee_id]
    events.publish(
        session,
        proposal_room(proposal.id or 0),
        EventKind.PROPOSAL_VOTE,
        {
            "proposal_id": proposal.id,
            "version": current.number,
            "payee_id": payee_id,
            "votes": tally.votes,
            # Hidden tallies stay hidden from every viewer: only the number of votes travels.
            "tally": (
                {"agree": tally.agree, "object": tally.object, "abstain": tally.abstain}
                if tallies_visible(proposal)
                else None
            ),
        },
    )
    return vote


@dataclass(frozen=True)
class CommentRow:
    id: int
    author_id: int
    author_name: str
    author_username: str
    body: str
    payee_id: int | None  # the line it is about; None for the whole proposal
    parent_id: int | None
    version_number: int  # the version on show when it was written
    created_at: str  # ISO 8601, UTC


def comment_row(comment: ProposalComment, author: User) -> CommentRow:
    return CommentRow(
        id=comment.id or 0,
        author_id=author.id or 0,
        author_name=author.display_name,
        author_username=author.username,
        body=comment.body,
        payee_id=comment.payee_id,
        parent_id=comment.parent_id,
        version_number=comment.version_number,
        created_at=comment.created_at.isoformat(),
    )


def add_comment(
    *,
    session: Session,
    user_id: int,
    proposal_id: int,
    body: str,
    payee_id: int | None = None,
    parent_id: int | None = None,
) -> ProposalComment:
    """Comment on the proposal, on one payee's line, or in reply to a comment of the same
    proposal (a reply stays on its parent's line). Open from opening until final."""
    user = acting_user(session, user_id)
    proposal = locked_proposal(session, proposal_id)
    _no_draft(session, proposal, user)
    if proposal.state != "open":
        raise ValidationError("This proposal is final; comments are closed.")
    text = clean_text(body, field="Comment", max_len=COMMENT_MAX, required=True)
    parent = None
    if parent_id is not None:
        parent = session.get(ProposalComment, parent_id) if 0 < parent_id <= MAX_ID else None
        if parent is None or parent.proposal_id != proposal.id:
            raise ValidationError("That comment is not part of this proposal.")
        payee_id = parent.payee_id
    elif payee_id is not None:
        current = version_of(session, proposal.id or 0, proposal.current_version)
        _line(session, current, payee_id)
    comment = ProposalComment(
        proposal_id=proposal.id or 0,
        version_number=proposal.current_version,
        payee_id=payee_id,
        parent_id=parent.id if parent else None,
        author_id=user.id or 0,
        body=text,
    )
    session.add(comment)
    session.flush()
    told = {user.id}
    for uid in (parent.author_id if parent else None, payee_id):
        if uid is not None and uid not in told:
            told.add(uid)
            notifications.notify(
                session=session,
                user_id=uid,
                kind=COMMENTED,
                message=f"{user.display_name} on “{proposal.title}”: {text[:120]}",
                link=routes.proposal_url(proposal.id or 0),
            )
    count = session.exec(
        select(func.count())
        .select_from(ProposalComment)
        .where(ProposalComment.proposal_id == proposal.id)
    ).one()
    events.publish(
        session,
        proposal_room(proposal.id or 0),
        EventKind.PROPOSAL_COMMENT,
        {
            "proposal_id": proposal.id,
            "comments": int(count),
            "comment": asdict(comment_row(comment, user)),
        },
    )
    return comment


def unanswered_ids(*, session: Session, version_id: int) -> list[int]:
    """Payees of the version who have not accepted or objected to their line of it."""
    answered = select(ProposalSignOff.user_id).where(ProposalSignOff.version_id == version_id)
    return list(
        session.exec(
            select(PayProposalLine.user_id)
            .where(
                PayProposalLine.version_id == version_id,
                col(PayProposalLine.user_id).not_in(answered),
            )
            .order_by(col(PayProposalLine.user_id))
        )
    )


def sign_off(
    *,
    session: Session,
    user_id: int,
    proposal_id: int,
    answer: str,
    reason: str = "",
    version: int | None = None,
) -> ProposalSignOff:
    """The signed-in payee accepts or objects to their own line of the current version (a
    reason is required to object); they may change their answer until feedback closes."""
    user = acting_user(session, user_id)
    proposal = locked_proposal(session, proposal_id)
    current = _open_version(session, proposal, user, version)
    has_line = session.exec(
        select(PayProposalLine.id).where(
            PayProposalLine.version_id == current.id, PayProposalLine.user_id == user.id
        )
    ).first()
    if has_line is None:
        raise PermissionDenied(
            "Only the people on this split sign it off, each for their own line."
        )
    if answer not in SIGN_OFF_ANSWERS:
        raise ValidationError("Answer accept or object.")
    text = clean_text(
        reason, field="A reason", max_len=VOTE_REASON_MAX, required=answer == "object"
    )
    row = session.exec(
        select(ProposalSignOff).where(
            ProposalSignOff.version_id == current.id, ProposalSignOff.user_id == user.id
        )
    ).first()
    if row is None:
        row = ProposalSignOff(
            proposal_id=proposal.id or 0,
            version_id=current.id or 0,
            user_id=user.id or 0,
            answer=answer,
            reason=text,
        )
    else:
        row.answer, row.reason = answer, text
    session.add(row)
    session.flush()
    events.publish(
        session,
        proposal_room(proposal.id or 0),
        EventKind.PROPOSAL_SIGN_OFF,
        {
            "proposal_id": proposal.id,
            "version": current.number,
            "user_id": user.id,
            "answer": answer,
            "unanswered": len(unanswered_ids(session=session, version_id=current.id or 0)),
        },
    )
    return row
