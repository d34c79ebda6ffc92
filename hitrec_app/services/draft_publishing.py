"""Publishing a co-edited draft as a text record credited to all its authors.

The text and the authorship shares come from the co-editing server
(`hitrec_app.collab.publish_text`); this module only turns them into a record, so it
stays free of the collab machinery. Every author of surviving text is credited with their
share in basis points (summing to 10,000), including people no longer in the draft.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from hitrec_app.models import Challenge, Record, RecordAuthor, User
from hitrec_app.services import challenges, drafts, records
from hitrec_app.services.errors import ValidationError
from hitrec_app.vocabulary import RECORD_BODY_MAX, TOTAL_BPS, EventKind


def display_names(*, session: Session, user_ids: set[int]) -> dict[int, str]:
    """Display names for user ids (authors may have left the draft)."""
    ids = [i for i in user_ids if i > 0]
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(ids))).all()
    return {uid: name for uid, name in rows if uid is not None}


def _challenge_for(session: Session, challenge_id: int | None) -> int | None:
    """The draft's challenge, if it still takes text entries; otherwise the record stands alone."""
    if challenge_id is None:
        return None
    challenge = session.get(Challenge, challenge_id)
    if challenge is None:
        return None
    challenges.close_if_expired(session=session, challenge=challenge)
    if challenge.state != "open" or "text" not in challenges.accepted_kinds(challenge):
        return None
    return challenge.id


def publish_draft(
    *, session: Session, draft_id: int, actor_id: int, text: str, shares_bps: dict[int, int]
) -> Record:
    """Create the text record for a draft; editors and owners only, once per draft."""
    drafts.require_editor(session=session, draft_id=draft_id, user_id=actor_id)
    draft = drafts.get_draft(session=session, draft_id=draft_id)
    if draft.published_record_id is not None:
        raise ValidationError("This draft is already published.")
    if not text.strip():
        raise ValidationError("Write something before publishing.")
    if len(text) > RECORD_BODY_MAX:
        raise ValidationError(
            f"A text record holds at most {RECORD_BODY_MAX:,} characters and this draft has "
            f"{len(text):,}; split it into parts before publishing."
        )
    credited = {int(a): int(b) for a, b in shares_bps.items() if int(a) > 0 and int(b) > 0}
    if not credited or sum(credited.values()) != TOTAL_BPS:
        raise ValidationError("The authorship shares do not add up; try again.")
    known = display_names(session=session, user_ids=set(credited))
    if set(known) != set(credited):
        raise ValidationError("An author's account no longer exists; try again.")
    record = Record(
        kind="text",
        title=draft.title,
        body=text,
        mime_type="text/markdown",
        challenge_id=_challenge_for(session, draft.challenge_id),
        submitted_by_id=actor_id,
        description="Co-written live in a hitrec draft.",
    )
    session.add(record)
    session.flush()
    assert record.id is not None
    for author_id, bps in sorted(credited.items()):
        session.add(RecordAuthor(record_id=record.id, user_id=author_id, share_bps=bps))
    draft.published_record_id = record.id
    session.add(draft)
    session.flush()
    records.announce_record(session, record, EventKind.RECORD_CREATED)
    return record
