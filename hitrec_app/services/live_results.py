"""The end of a live session: every entry shown becomes a record in the challenge.

In one transaction: rounds still voting are revealed; each entry not hidden becomes a record
of the session's challenge, submitted by and credited to its author (`RecordAuthor`), so they
own it like any record they submit (edit, withdraw); an entry that answered a spotlighted
entry cites that entry's record (`RecordSource`). The records are made even if the challenge
closed during the session: the entries were made in time. Ending again changes nothing and
returns the same records. An image record shares its entry's stored file.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from hitrec_app.models import (
    LiveEntry,
    LiveRound,
    LiveSession,
    Record,
    RecordAuthor,
    RecordSource,
    RecordTag,
    utcnow,
)
from hitrec_app.services import lineage, live_timeline, records
from hitrec_app.services.errors import ValidationError
from hitrec_app.services.live_rounds import reveal_round
from hitrec_app.services.live_sessions import MOVED_ON, host_action, rounds_of
from hitrec_app.vocabulary import EventKind, LiveMoment

LIVE_TAG = "live"  # every record made in a live session carries it
TITLE_MAX = 200
WORDS_IN_TITLE = 80  # characters of a text entry's first line that make its record's title


@dataclass(frozen=True)
class SessionResult:
    session_id: int
    record_ids: list[int]  # in the order of the entries


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _record_of(live: LiveSession, row: LiveRound, entry: LiveEntry) -> Record:
    made_in = f"Made live in “{live.title}”, round {row.number}: {row.prompt}"
    if row.kind == "text":
        first_line = next((line for line in entry.text.splitlines() if line.strip()), "")
        return Record(
            kind="text",
            title=_clip(first_line, WORDS_IN_TITLE) or f"Round {row.number}",
            description=_clip(made_in, 2000),
            body=entry.text,
            mime_type="text/markdown",
            challenge_id=live.challenge_id,
            submitted_by_id=entry.user_id,
            tags=LIVE_TAG,
            created_at=entry.created_at,
        )
    caption = f"{entry.text}\n\n{made_in}" if entry.text else made_in
    return Record(
        kind="image",
        title=_clip(f"Round {row.number}: {row.prompt}", TITLE_MAX),
        description=_clip(caption, 2000),
        file_path=entry.file_path,
        thumbnail_path=entry.thumbnail_path,
        mime_type=entry.mime_type,
        challenge_id=live.challenge_id,
        submitted_by_id=entry.user_id,
        tags=LIVE_TAG,
        created_at=entry.created_at,
    )


def _made(session: Session, live: LiveSession) -> list[int]:
    return [
        rid
        for rid in session.exec(
            select(LiveEntry.record_id)
            .join(LiveRound, col(LiveRound.id) == LiveEntry.round_id)
            .where(LiveRound.session_id == live.id, col(LiveEntry.record_id).is_not(None))
            .order_by(col(LiveEntry.id))
        )
        if rid is not None
    ]


def end_session(
    *, session: Session, user_id: int, session_id: int, expected_seq: int | None = None
) -> SessionResult:
    """Finish the session and turn its entries into records (see the module's note). Refused
    while a round is still running (end it first); a session already finished is returned
    as it is, whatever `expected_seq` says (a second click on "End" is no conflict)."""
    _, live = host_action(session, user_id, session_id, None, "end it")
    if live.state == "finished":
        return SessionResult(session_id=live.id or 0, record_ids=_made(session, live))
    if expected_seq is not None and expected_seq != live.seq:
        raise ValidationError(MOVED_ON)
    rounds = rounds_of(session, live.id or 0)
    for row in rounds:
        if row.state == "running":
            raise ValidationError(f"Round {row.number} is still running: end it first.")
    live_timeline.applied(live)
    for row in rounds:
        if row.state == "voting":
            reveal_round(session, live, row)
    by_id = {r.id: r for r in rounds}
    entries = list(
        session.exec(
            select(LiveEntry)
            .where(
                col(LiveEntry.round_id).in_(list(by_id)),
                col(LiveEntry.hidden_at).is_(None),
                col(LiveEntry.record_id).is_(None),
            )
            .order_by(col(LiveEntry.id))
        )
    )
    made: dict[int, Record] = {}
    for entry in entries:
        record = _record_of(live, by_id[entry.round_id], entry)
        session.add(record)
        session.flush()
        made[entry.id or 0] = record
        entry.record_id = record.id
        session.add(entry)
        session.add(RecordAuthor(record_id=record.id or 0, user_id=entry.user_id))
        session.add(RecordTag(record_id=record.id or 0, tag=LIVE_TAG))
    cited: set[int] = set()
    for entry in entries:
        answered = made.get(entry.answers_entry_id or 0)
        if answered is not None and answered.id != made[entry.id or 0].id:
            session.add(
                RecordSource(record_id=made[entry.id or 0].id or 0, source_id=answered.id or 0)
            )
            cited.add(answered.id or 0)
    session.flush()
    if cited:
        lineage.recount_remixes(session=session, record_ids=cited)
    live.state = "finished"
    live.ended_at = utcnow()
    session.add(live)
    session.flush()
    record_ids = _made(session, live)
    live_timeline.note(session, live, LiveMoment.SESSION_ENDED, records=len(record_ids))
    live_timeline.announce(
        session, live, EventKind.LIVE_SESSION, state=live.state, records=len(record_ids)
    )
    if made:
        # One announcement for the lot: the challenge's open pages read their entries once.
        records.announce_record(session, next(iter(made.values())), EventKind.RECORD_CREATED)
    return SessionResult(session_id=live.id or 0, record_ids=record_ids)
