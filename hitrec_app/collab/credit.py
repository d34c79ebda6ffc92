"""Who wrote a draft: per-author shares of the surviving text, author runs, publishing figures.

Callers check that the reader is a member (`services.drafts.require_member`) first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from hitrec_app.collab import store
from hitrec_app.collab.authorship import NOBODY
from hitrec_app.collab.document import DraftDocument
from hitrec_app.collab.live import live_document
from hitrec_app.vocabulary import TOTAL_BPS


def current_document(draft_id: int, *, session: Session) -> DraftDocument:
    """The draft as it is now: the live room's copy if loaded here, else as persisted."""
    live = live_document(draft_id)
    if live is not None:
        return live
    return store.load(session=session, draft_id=draft_id).document


def draft_text(draft_id: int, *, session: Session) -> str:
    return current_document(draft_id, session=session).content


def authorship_shares(draft_id: int, *, session: Session) -> dict[int, int]:
    """Surviving code points per author id (0 = text from before attribution, if any)."""
    return current_document(draft_id, session=session).authorship.shares()


def authored_runs(draft_id: int, *, session: Session) -> list[tuple[int, str]]:
    """The text as consecutive runs by one author, for the "show authors" view."""
    return current_document(draft_id, session=session).authorship.runs()


def basis_points(counts: dict[int, int]) -> dict[int, int]:
    """Shares in basis points summing to exactly 10,000 (largest remainder method).

    Ties for the leftover points go to the larger remainder, then the larger count, then
    the smaller id, so the same counts always give the same split.
    """
    positive = {k: v for k, v in counts.items() if v > 0}
    total = sum(positive.values())
    if total == 0:
        return {}
    floors = {k: v * TOTAL_BPS // total for k, v in positive.items()}
    left = TOTAL_BPS - sum(floors.values())
    order = sorted(positive, key=lambda k: (-(positive[k] * TOTAL_BPS % total), -positive[k], k))
    for k in order[:left]:
        floors[k] += 1
    return dict(sorted(floors.items()))


@dataclass(frozen=True)
class PublishedText:
    text: str
    chars: dict[int, int]  # surviving code points per author
    shares_bps: dict[int, int]  # the same as basis points, summing to 10,000


def publish_text(draft_id: int, *, session: Session) -> PublishedText:
    """The final text and its authors' shares, for publishing the draft as a text record."""
    document = current_document(draft_id, session=session)
    chars = {a: n for a, n in document.authorship.shares().items() if a != NOBODY}
    return PublishedText(document.content, chars, basis_points(chars))
