"""What the live discussion view of a pay proposal reads, in bounded pieces: the newest
comments (a live window) and older pages on request, one line's thread, comment counts per
line, a member's own votes (with those a new version made stale), and what a host may name
as the reasons for a new version.

Callers check who may see the proposal first (`proposal_views.visible_proposal`); these
reads take the proposal's id as already checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from hitrec_app.models import PayProposal, PayProposalVersion, ProposalComment, ProposalVote, User
from hitrec_app.services.proposal_votes import CommentRow, comment_row

EXCERPT = 80  # characters of a parent comment quoted above its reply
THREAD_MAX = 200  # comments one line's thread shows (the newest)
REASON_CHOICES = 40  # comments and objections a host is offered as reasons for a new version


@dataclass(frozen=True)
class DiscussionComment(CommentRow):
    """A comment as the discussion shows it: with the name of the payee whose line it is on
    and, for a reply, who it answers and the start of what they said."""

    line_name: str
    parent_author: str
    parent_excerpt: str


@dataclass(frozen=True)
class DiscussionPage:
    """Comments oldest first, whether there are older ones, and the newest of those
    (`previous_id`, 0 if none)."""

    items: list[DiscussionComment]
    more: bool
    previous_id: int = 0


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _query() -> Any:
    """Comments with their author, the payee's name, and the parent comment's author and
    text (sqlmodel's `select` is typed for at most four columns: this one has five)."""
    parent = aliased(ProposalComment)
    parent_author = aliased(User)
    payee = aliased(User)
    return (
        select(  # type: ignore[call-overload]  # five columns (see the docstring)
            ProposalComment, User, payee.display_name, parent_author.display_name, parent.body
        )
        .join(User, col(User.id) == ProposalComment.author_id)
        .join(payee, col(payee.id) == ProposalComment.payee_id, isouter=True)
        .join(parent, col(parent.id) == ProposalComment.parent_id, isouter=True)
        .join(parent_author, col(parent_author.id) == parent.author_id, isouter=True)
    )


def _rows(found: Iterable[Any]) -> list[DiscussionComment]:
    rows = []
    for comment, author, line_name, parent_author, parent_body in found:
        base = comment_row(comment, author)
        rows.append(
            DiscussionComment(
                **{f: getattr(base, f) for f in base.__dataclass_fields__},
                line_name=line_name or "",
                parent_author=parent_author or "",
                parent_excerpt=_excerpt(parent_body or ""),
            )
        )
    return rows


def comments_page(
    *, session: Session, proposal_id: int, limit: int, before_id: int | None = None
) -> DiscussionPage:
    """The newest `limit` comments of a proposal (older than `before_id` if given), oldest
    first: the view shows the newest live, and older pages load on request."""
    query = _query().where(ProposalComment.proposal_id == proposal_id)
    if before_id is not None:
        query = query.where(col(ProposalComment.id) < before_id)
    found = list(session.exec(query.order_by(col(ProposalComment.id).desc()).limit(limit + 1)))
    more = len(found) > limit
    return DiscussionPage(
        items=_rows(reversed(found[:limit])),
        more=more,
        previous_id=(found[limit][0].id or 0) if more else 0,
    )


def comments_between(
    *, session: Session, proposal_id: int, after_id: int, before_id: int, limit: int
) -> list[DiscussionComment]:
    """The oldest `limit` comments newer than `after_id` and older than `before_id`."""
    return _rows(
        session.exec(
            _query()
            .where(
                ProposalComment.proposal_id == proposal_id,
                col(ProposalComment.id) > after_id,
                col(ProposalComment.id) < before_id,
            )
            .order_by(col(ProposalComment.id))
            .limit(limit)
        )
    )


def line_thread(*, session: Session, proposal_id: int, payee_id: int) -> list[DiscussionComment]:
    """The comments on one payee's line (the newest THREAD_MAX), oldest first."""
    found = session.exec(
        _query()
        .where(ProposalComment.proposal_id == proposal_id, ProposalComment.payee_id == payee_id)
        .order_by(col(ProposalComment.id).desc())
        .limit(THREAD_MAX)
    )
    return _rows(reversed(list(found)))


def newest_comment_id(*, session: Session, proposal_id: int) -> int:
    found = session.exec(
        select(func.max(ProposalComment.id)).where(ProposalComment.proposal_id == proposal_id)
    ).one()
    return int(found or 0)


def comment_counts(*, session: Session, proposal_id: int) -> dict[int, int]:
    """How many comments each line has (by payee), whatever the version."""
    return {
        int(payee): int(n)
        for payee, n in session.exec(
            select(ProposalComment.payee_id, func.count())
            .where(
                ProposalComment.proposal_id == proposal_id,
                col(ProposalComment.payee_id).is_not(None),
            )
            .group_by(col(ProposalComment.payee_id))
        )
        if payee is not None
    }


@dataclass(frozen=True)
class MyVote:
    """A member's vote on one line: on the current version, or (stale) on an earlier
    version whose line has changed since."""

    value: str
    reason: str
    cast_on: int  # the version number it was cast on
    stale: bool


def my_votes(*, session: Session, proposal_id: int, voter_id: int) -> dict[int, MyVote]:
    """The member's votes by payee: the current version's (carried ones included, as cast),
    else their latest vote on an earlier version of that line (stale: look again)."""
    proposal = session.get(PayProposal, proposal_id)
    if proposal is None:
        return {}
    found = session.exec(
        select(ProposalVote, PayProposalVersion.number)
        .join(PayProposalVersion, col(PayProposalVersion.id) == ProposalVote.version_id)
        .where(ProposalVote.proposal_id == proposal_id, ProposalVote.voter_id == voter_id)
        .order_by(col(PayProposalVersion.number), col(ProposalVote.id))
    )
    votes: dict[int, MyVote] = {}
    for vote, number in found:
        current = number == proposal.current_version
        if number > proposal.current_version:
            continue
        votes[vote.payee_id] = MyVote(
            value=vote.value,
            reason=vote.reason,
            cast_on=vote.carried_from or number,
            stale=not current,
        )
    return votes


@dataclass(frozen=True)
class ReasonChoice:
    """A comment or an objection a host may name as a reason for a new version."""

    kind: str  # "comment" or "vote"
    id: int
    author_name: str
    payee_name: str  # the line it is about ("" for the whole proposal)
    text: str


def reason_choices(*, session: Session, proposal_id: int) -> list[ReasonChoice]:
    """The newest comments and objections on the proposal (REASON_CHOICES of each at most),
    newest first."""
    payee = aliased(User)
    comments = session.exec(
        select(ProposalComment, User.display_name, payee.display_name)
        .join(User, col(User.id) == ProposalComment.author_id)
        .join(payee, col(payee.id) == ProposalComment.payee_id, isouter=True)
        .where(ProposalComment.proposal_id == proposal_id)
        .order_by(col(ProposalComment.id).desc())
        .limit(REASON_CHOICES)
    )
    objections = session.exec(
        select(ProposalVote, User.display_name, payee.display_name)
        .join(User, col(User.id) == ProposalVote.voter_id)
        .join(payee, col(payee.id) == ProposalVote.payee_id)
        .where(
            ProposalVote.proposal_id == proposal_id,
            ProposalVote.value == "object",
            col(ProposalVote.carried_from).is_(None),
        )
        .order_by(col(ProposalVote.id).desc())
        .limit(REASON_CHOICES)
    )
    return [
        ReasonChoice("vote", v.id or 0, who, line or "", _excerpt(v.reason))
        for v, who, line in objections
    ] + [
        ReasonChoice("comment", c.id or 0, who, line or "", _excerpt(c.body))
        for c, who, line in comments
    ]


def avatars(*, session: Session, user_ids: list[int]) -> dict[int, str]:
    """Each user's avatar (its upload path), for those who have one."""
    if not user_ids:
        return {}
    return {
        uid: path
        for uid, path in session.exec(
            select(User.id, User.avatar_path).where(col(User.id).in_(user_ids))
        )
        if uid is not None and path
    }
