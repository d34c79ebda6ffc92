"""Lists of pay proposals for the pages: a production's proposals, as the viewer may see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from hitrec_app.models import PayProposal, User
from hitrec_app.services.proposals import may_run, production_of
from hitrec_app.vocabulary import MAX_ID


@dataclass(frozen=True)
class ProposalSummary:
    id: int
    title: str
    state: str
    version: int
    closes_at: datetime | None


@dataclass(frozen=True)
class ProductionProposals:
    proposals: list[ProposalSummary]  # newest first; drafts only for those who run them
    runs: bool  # the viewer is the production's host or an admin (may draft one)


def production_proposals(
    *, session: Session, production_id: int, viewer_id: int | None
) -> ProductionProposals:
    """A production's pay proposals as the viewer may see them: signed-in members see every
    proposal opened; its host and admins see its drafts too."""
    production = production_of(session, production_id)
    viewer = session.get(User, viewer_id) if viewer_id and 0 < viewer_id <= MAX_ID else None
    if viewer is None:
        return ProductionProposals(proposals=[], runs=False)
    runs = may_run(viewer, production)
    query = select(PayProposal).where(PayProposal.production_id == production_id)
    if not runs:
        query = query.where(PayProposal.state != "draft")
    found = session.exec(query.order_by(col(PayProposal.id).desc()))
    return ProductionProposals(
        proposals=[
            ProposalSummary(p.id or 0, p.title, p.state, p.current_version, p.closes_at)
            for p in found
        ],
        runs=runs,
    )
