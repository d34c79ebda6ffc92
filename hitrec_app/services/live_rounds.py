"""The host runs a live session's rounds: pending -> running -> voting -> revealed.

A round runs until `ends_at` (server clock, UTC): the room is told the end time once, and every
client counts down to it locally (no per-second message). Every function here is a host
action (see `live_sessions`): the host or an admin only, ordered by the session's `seq`, with
an optional `expected_seq`, and refused with a clear message when the round is not in a state
where it makes sense.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from hitrec_app.models import LiveEntry, LiveRound, LiveSession, utcnow
from hitrec_app.services import live_timeline
from hitrec_app.services.errors import ValidationError
from hitrec_app.services.live_entries import announce_tally, tally
from hitrec_app.services.live_rows import iso, round_row
from hitrec_app.services.live_sessions import (
    host_action,
    locked_round,
    not_finished,
    rounds_of,
    tally_choice,
)
from hitrec_app.vocabulary import LIVE_EXTEND_MAX_S, EventKind, LiveMoment


def _announce_round(session: Session, live: LiveSession, row: LiveRound) -> None:
    session.add(row)
    session.add(live)
    session.flush()
    live_timeline.announce(session, live, EventKind.LIVE_ROUND, round=asdict(round_row(row)))


def _shown_entries(session: Session, row: LiveRound) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(LiveEntry)
            .where(LiveEntry.round_id == row.id, col(LiveEntry.hidden_at).is_(None))
        ).one()
    )


def start_round(
    *,
    session: Session,
    user_id: int,
    session_id: int,
    number: int,
    expected_seq: int | None = None,
) -> LiveRound:
    """Start a pending round: entries are taken until now + its duration."""
    _, live = host_action(session, user_id, session_id, expected_seq, "start a round")
    not_finished(live)
    if live.state == "scheduled":
        raise ValidationError("Open the lobby first, so people can join.")
    for other in rounds_of(session, live.id or 0):
        if other.state == "running":
            raise ValidationError(f"Round {other.number} is still running: end it first.")
        if other.state == "voting":
            raise ValidationError(f"Round {other.number}'s vote is still open: reveal it first.")
    row = locked_round(session, live, number)
    if row.state != "pending":
        raise ValidationError(f"Round {number} was already played.")
    now = utcnow()
    row.state, row.started_at = "running", now
    row.ends_at = now + timedelta(seconds=row.duration_s)
    session_started = live.state != "running"
    live.state = "running"
    live.started_at = live.started_at or now
    live_timeline.applied(live)
    live_timeline.note(
        session,
        live,
        LiveMoment.ROUND_STARTED,
        round_number=row.number,
        prompt=row.prompt,
        kind=row.kind,
        duration_s=row.duration_s,
        ends_at=iso(row.ends_at),
    )
    _announce_round(session, live, row)
    if session_started:
        live_timeline.announce(session, live, EventKind.LIVE_SESSION, state=live.state)
    return row


def extend_round(
    *,
    session: Session,
    user_id: int,
    session_id: int,
    number: int,
    seconds: int,
    expected_seq: int | None = None,
) -> LiveRound:
    """Give a running round more time. If its time was already up, entries open again for
    `seconds` from now."""
    _, live = host_action(session, user_id, session_id, expected_seq, "extend a round")
    row = locked_round(session, live, number)
    if row.state != "running":
        raise ValidationError(f"Round {number} is not running, so it cannot be extended.")
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ValidationError("Give the extra time in whole seconds.")
    if not 1 <= seconds <= LIVE_EXTEND_MAX_S:
        raise ValidationError(f"Extend a round by 1 to {LIVE_EXTEND_MAX_S} seconds at a time.")
    now = utcnow()
    row.ends_at = max(row.ends_at or now, now) + timedelta(seconds=seconds)
    live_timeline.applied(live)
    live_timeline.note(
        session,
        live,
        LiveMoment.ROUND_EXTENDED,
        round_number=row.number,
        seconds=seconds,
        ends_at=iso(row.ends_at),
    )
    _announce_round(session, live, row)
    return row


def end_round(
    *,
    session: Session,
    user_id: int,
    session_id: int,
    number: int,
    expected_seq: int | None = None,
) -> LiveRound:
    """Close a running round (early, or once its time is up): the vote opens."""
    _, live = host_action(session, user_id, session_id, expected_seq, "end a round")
    row = locked_round(session, live, number)
    if row.state != "running":
        raise ValidationError(f"Round {number} is not running ({row.state}).")
    now = utcnow()
    row.state = "voting"
    row.ends_at = min(row.ends_at or now, now)
    live_timeline.applied(live)
    live_timeline.note(
        session,
        live,
        LiveMoment.ROUND_ENDED,
        round_number=row.number,
        ends_at=iso(row.ends_at),
        entries=_shown_entries(session, row),
    )
    _announce_round(session, live, row)
    announce_tally(session, live, row)
    return row


def reveal_round(session: Session, live: LiveSession, row: LiveRound) -> None:
    """voting -> revealed, its tally kept in the timeline (the caller counts the action)."""
    row.state = "revealed"
    session.add(row)
    session.flush()
    result = tally(session, row)
    live_timeline.note(
        session,
        live,
        LiveMoment.ROUND_REVEALED,
        round_number=row.number,
        votes=result.votes,
        rows=[asdict(r) for r in result.rows],
        winner_ids=result.winner_ids,
    )
    _announce_round(session, live, row)
    announce_tally(session, live, row)


def reveal(
    *,
    session: Session,
    user_id: int,
    session_id: int,
    number: int,
    expected_seq: int | None = None,
) -> LiveRound:
    """Close a round's vote and show its result to everyone."""
    _, live = host_action(session, user_id, session_id, expected_seq, "reveal a vote")
    row = locked_round(session, live, number)
    if row.state != "voting":
        raise ValidationError(f"Round {number} is not voting ({row.state}): nothing to reveal.")
    live_timeline.applied(live)
    reveal_round(session, live, row)
    return row


def set_tally_hidden(
    *,
    session: Session,
    user_id: int,
    session_id: int,
    number: int,
    hidden: bool,
    expected_seq: int | None = None,
) -> LiveRound:
    """The host's choice for one round: show the tally live, or only at the reveal."""
    _, live = host_action(session, user_id, session_id, expected_seq, "change how votes show")
    row = locked_round(session, live, number)
    if row.state == "revealed":
        raise ValidationError(f"Round {number}'s vote is already revealed.")
    row.tally_hidden = tally_choice(hidden)
    live_timeline.applied(live)
    _announce_round(session, live, row)
    if row.state == "voting":
        announce_tally(session, live, row)
    return row
