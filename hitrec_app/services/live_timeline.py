"""A live session's timeline (`live_events`) and its room announcements.

Every host action bumps the session's `seq` once (`applied`) and writes what it did as one or
more moments (`note`); what participants do (entries) is noted with the `seq` of the host
action it followed. The timeline is read back in the order it was written, for the replay.
Room events (`announce`) are delivered after the commit, like every service event.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from hitrec_app.models import LiveEntry, LiveEvent, LiveRound, LiveSession
from hitrec_app.services import events
from hitrec_app.services.errors import NotFound
from hitrec_app.services.live_rows import TimelineItem, iso
from hitrec_app.vocabulary import MAX_ID, EventKind, LiveMoment, live_room


def applied(live: LiveSession) -> int:
    """Count one more host action on the (locked) session; returns its number."""
    live.seq += 1
    return live.seq


def note(
    session: Session,
    live: LiveSession,
    moment: LiveMoment,
    *,
    round_number: int | None = None,
    **payload: Any,
) -> LiveEvent:
    row = LiveEvent(
        session_id=live.id or 0,
        seq=live.seq,
        kind=moment.value,
        round_number=round_number,
        payload=json.dumps(payload, sort_keys=True),
    )
    session.add(row)
    return row


def announce(session: Session, live: LiveSession, kind: EventKind, **data: Any) -> None:
    """Tell the session's room, after the commit. Every payload names the session and the
    number of host actions applied (`seq`)."""
    events.publish(
        session, live_room(live.id or 0), kind, {"session_id": live.id, "seq": live.seq, **data}
    )


# --- the replay ----------------------------------------------------------------------------------

HIDDEN_TEXT = "(hidden by the host)"


def _summary(kind: str, round_number: int | None, p: dict[str, Any]) -> str:
    where = f"round {round_number}" if round_number is not None else "the session"
    who = p.get("author_name") or p.get("display_name") or "someone"
    match kind:
        case LiveMoment.LOBBY_OPENED:
            return "The lobby opened."
        case LiveMoment.ROUND_STARTED:
            return f"Round {round_number} started: {p.get('prompt', '')}"
        case LiveMoment.ROUND_EXTENDED:
            return f"Round {round_number} got {p.get('seconds', 0)} more seconds."
        case LiveMoment.ROUND_ENDED:
            return (
                f"Round {round_number} closed with {p.get('entries', 0)} entries; the vote opened."
            )
        case LiveMoment.ENTRY_SUBMITTED:
            return f"{who} submitted an entry in {where}."
        case LiveMoment.ENTRY_REVISED:
            return f"{who} revised their entry in {where}."
        case LiveMoment.ENTRY_HIDDEN:
            return f"The host hid an entry by {who}."
        case LiveMoment.SPOTLIGHT:
            if p.get("entry_id") is None:
                return "The spotlight went off."
            return f"The host spotlighted {who}'s entry."
        case LiveMoment.PARTICIPANT_REMOVED:
            return f"The host removed {who} from the session."
        case LiveMoment.ROUND_REVEALED:
            return f"Round {round_number}'s vote was revealed: {p.get('votes', 0)} votes."
        case LiveMoment.SESSION_ENDED:
            return f"The session ended; {p.get('records', 0)} entries became records."
    return kind


def timeline(*, session: Session, session_id: int) -> list[TimelineItem]:
    """Everything that happened in the session, in order. The text of entries the host hid
    (or of removed participants) is left out: the replay shows that an entry was there."""
    valid = isinstance(session_id, int) and 0 < session_id <= MAX_ID
    live = session.get(LiveSession, session_id) if valid else None
    if live is None:
        raise NotFound("That live session does not exist.")
    hidden = set(
        session.exec(
            select(LiveEntry.id)
            .join(LiveRound, col(LiveRound.id) == LiveEntry.round_id)
            .where(LiveRound.session_id == session_id, col(LiveEntry.hidden_at).is_not(None))
        )
    )
    items = []
    for row in session.exec(
        select(LiveEvent).where(LiveEvent.session_id == session_id).order_by(col(LiveEvent.id))
    ):
        payload = json.loads(row.payload)
        if payload.get("entry_id") in hidden and "text" in payload:
            payload = {**payload, "text": HIDDEN_TEXT, "image_path": ""}
        items.append(
            TimelineItem(
                id=row.id or 0,
                seq=row.seq,
                at=iso(row.at) or "",
                kind=row.kind,
                round_number=row.round_number,
                summary=_summary(row.kind, row.round_number, payload),
                payload=payload,
            )
        )
    return items
