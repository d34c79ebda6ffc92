"""What participants do in a live session: submit entries and vote.

Entries. One entry per participant per round (a unique row): submitting again while the
round takes entries revises that same entry (a writing sprint lets people fix a typo; an image
round takes a new picture, the old file is removed after the commit), and a double click that
sends the same text again changes nothing. Entries are refused once the round's `ends_at`
(server clock) has passed, with the time they closed. Text is checked like a record's, an
image goes through the same upload checks as a record's file.

Votes. While a round is voting, each participant picks one favourite entry of it, never their
own, and may change it until the reveal.

Concurrency: a submit or a vote holds its round's row in SHARE mode (PostgreSQL), so the
host's change of the round (ending it, revealing it) waits for the submits already under way
and every later one sees the new state; one person's submits and votes are taken one at a
time (their participant row is locked), so a double submit can never make two entries.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import BinaryIO

from sqlalchemy import func
from sqlmodel import Session, col, select

from hitrec_app.models import LiveEntry, LiveRound, LiveSession, LiveVote, User, utcnow
from hitrec_app.services import live_timeline, uploads
from hitrec_app.services.errors import NotFound, ValidationError
from hitrec_app.services.live_rows import Tally, TallyRow, entry_row
from hitrec_app.services.live_sessions import active_participant
from hitrec_app.services.records import acting_user
from hitrec_app.services.validation import clean_text
from hitrec_app.vocabulary import LIVE_ENTRY_MAX, MAX_ID, EventKind, LiveMoment


def _valid_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def shared_round(session: Session, round_id: int) -> LiveRound:
    """The round, held in SHARE mode until the transaction ends (see the module's note)."""
    query = select(LiveRound).where(LiveRound.id == round_id)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update(read=True)
    query = query.execution_options(populate_existing=True)
    row = session.exec(query).first() if _valid_id(round_id) else None
    if row is None:
        raise NotFound("That round does not exist.")
    return row


def session_of(session: Session, row: LiveRound) -> LiveSession:
    live = session.get(LiveSession, row.session_id)
    assert live is not None  # a foreign key
    return live


def entry_of_session(session: Session, live: LiveSession, entry_id: int | None) -> LiveEntry:
    """The entry, if it belongs to this session (an id from elsewhere is refused)."""
    entry = session.get(LiveEntry, entry_id) if _valid_id(entry_id) else None
    if entry is not None:
        row = session.get(LiveRound, entry.round_id)
        if row is not None and row.session_id == live.id:
            return entry
    raise NotFound("That entry is not part of this session.")


def _taking_entries(row: LiveRound) -> None:
    if row.state == "pending":
        raise ValidationError(f"Round {row.number} has not started yet.")
    if row.state != "running":
        raise ValidationError(f"Round {row.number} is closed: it takes no more entries.")
    if row.ends_at is not None and utcnow() >= row.ends_at:
        raise ValidationError(f"Time is up: entries closed at {row.ends_at:%H:%M:%S} UTC.")


def _answered(session: Session, live: LiveSession, entry_id: int | None) -> LiveEntry | None:
    if entry_id is None:
        return None
    entry = entry_of_session(session, live, entry_id)
    if entry.spotlighted_at is None or entry.hidden_at is not None:
        raise ValidationError("You can answer only an entry the host spotlighted.")
    return entry


def submit_entry(
    *,
    session: Session,
    user_id: int,
    round_id: int,
    text: str = "",
    image: bytes | BinaryIO | None = None,
    answers_entry_id: int | None = None,
) -> LiveEntry:
    """Submit (or revise) the signed-in participant's entry in a running round: text for a
    text round; an image (with an optional caption) for an image round. `answers_entry_id`
    names a spotlighted entry of the session it answers (it will cite that entry's record)."""
    user = acting_user(session, user_id)
    row = shared_round(session, round_id)
    live = session_of(session, row)
    active_participant(session, live, user)
    _taking_entries(row)
    if row.kind == "text":
        if image is not None:
            raise ValidationError("This round takes text, not an image.")
        body = clean_text(text, field="Your entry", max_len=LIVE_ENTRY_MAX, required=True)
    else:
        body = clean_text(text, field="The caption", max_len=LIVE_ENTRY_MAX)
    answers = _answered(session, live, answers_entry_id)
    entry = session.exec(
        select(LiveEntry).where(LiveEntry.round_id == row.id, LiveEntry.user_id == user.id)
    ).first()
    if entry is not None and entry.hidden_at is not None:
        raise ValidationError("The host hid your entry in this round.")
    if entry is None and row.kind == "image" and image is None:
        raise ValidationError("Choose the image to upload.")
    answers_id = answers.id if answers else None
    if (
        entry is not None
        and image is None
        and entry.text == body
        and entry.answers_entry_id == answers_id
    ):
        return entry  # the same submit again (a double click): nothing changes
    stored = None
    if image is not None:
        stored = uploads.store_record_file("image", image)
        uploads.keep_only_if_committed(session, stored.file_path, stored.thumbnail_path)
    moment = LiveMoment.ENTRY_SUBMITTED
    if entry is None:
        entry = LiveEntry(round_id=row.id or 0, user_id=user.id or 0)
    else:
        moment = LiveMoment.ENTRY_REVISED
        entry.updated_at = utcnow()
        if stored is not None:
            uploads.remove_after_commit(session, entry.file_path, entry.thumbnail_path)
    entry.text, entry.answers_entry_id = body, answers_id
    if stored is not None:
        entry.file_path, entry.thumbnail_path = stored.file_path, stored.thumbnail_path
        entry.mime_type = stored.mime_type
    session.add(entry)
    session.flush()
    published = entry_row(entry, user)
    live_timeline.note(
        session,
        live,
        moment,
        round_number=row.number,
        entry_id=entry.id,
        user_id=user.id,
        author_name=published.author_name,
        text=entry.text,
        image_path=published.image_path,
        answers_entry_id=answers_id,
    )
    live_timeline.announce(
        session,
        live,
        EventKind.LIVE_ENTRY,
        change="new" if moment == LiveMoment.ENTRY_SUBMITTED else "revised",
        round_id=row.id,
        entry=asdict(published),
    )
    return entry


# --- votes ---------------------------------------------------------------------------------------


def tally(session: Session, row: LiveRound, *, for_host: bool = False) -> Tally:
    """The round's votes for entries still shown. Hidden from everyone but the host while
    the host keeps the tally hidden and has not revealed it."""
    counts = list(
        session.exec(
            select(LiveVote.entry_id, func.count())
            .join(LiveEntry, col(LiveEntry.id) == LiveVote.entry_id)
            .where(LiveVote.round_id == row.id, col(LiveEntry.hidden_at).is_(None))
            .group_by(col(LiveVote.entry_id))
        )
    )
    rows = sorted((TallyRow(entry_id=e, votes=int(n)) for e, n in counts), key=_tally_order)
    total = sum(r.votes for r in rows)
    visible = row.state == "revealed" or not row.tally_hidden or for_host
    top = rows[0].votes if rows else 0
    return Tally(
        round_id=row.id or 0,
        round_number=row.number,
        votes=total,
        visible=visible,
        revealed=row.state == "revealed",
        rows=rows if visible else [],
        winner_ids=[r.entry_id for r in rows if r.votes == top] if visible and top else [],
    )


def _tally_order(row: TallyRow) -> tuple[int, int]:
    return (-row.votes, row.entry_id)


def announce_tally(session: Session, live: LiveSession, row: LiveRound) -> None:
    """One round's tally to the room (only the number of votes while it is hidden)."""
    session.flush()
    live_timeline.announce(session, live, EventKind.LIVE_TALLY, tally=asdict(tally(session, row)))


def cast_vote(*, session: Session, user_id: int, entry_id: int) -> LiveVote:
    """The signed-in participant's favourite entry of a voting round (or a changed vote)."""
    user: User = acting_user(session, user_id)
    entry = session.get(LiveEntry, entry_id) if _valid_id(entry_id) else None
    if entry is None:
        raise NotFound("That entry does not exist.")
    row = shared_round(session, entry.round_id)
    live = session_of(session, row)
    active_participant(session, live, user)
    if row.state in ("pending", "running"):
        raise ValidationError(f"The vote on round {row.number} opens when its entries close.")
    if row.state != "voting":
        raise ValidationError(f"The vote on round {row.number} is over.")
    if entry.hidden_at is not None:
        raise ValidationError("The host hid that entry: vote for another one.")
    if entry.user_id == user.id:
        raise ValidationError("Vote for someone else's entry, not your own.")
    vote = session.exec(
        select(LiveVote).where(LiveVote.round_id == row.id, LiveVote.voter_id == user.id)
    ).first()
    if vote is not None and vote.entry_id == entry.id:
        return vote
    if vote is None:
        vote = LiveVote(round_id=row.id or 0, voter_id=user.id or 0, entry_id=entry.id or 0)
    else:
        vote.entry_id, vote.updated_at = entry.id or 0, utcnow()
    session.add(vote)
    announce_tally(session, live, row)
    return vote
