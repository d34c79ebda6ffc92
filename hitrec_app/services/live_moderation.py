"""The host's hand on a live session's people and entries: spotlight, hide, remove.

Host actions like the rounds' (see `live_sessions`). A hidden entry leaves every list, tally
and replay text, and never becomes a record; a removed participant cannot submit or vote any
more, their entries are hidden and their votes in rounds not yet revealed are taken back.
"""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hitrec_app.models import (
    LiveEntry,
    LiveParticipant,
    LiveRound,
    LiveSession,
    LiveVote,
    User,
    utcnow,
)
from hitrec_app.services import live_timeline
from hitrec_app.services.errors import NotFound, ValidationError
from hitrec_app.services.live_entries import announce_tally, entry_of_session
from hitrec_app.services.live_rows import entry_row
from hitrec_app.services.live_sessions import (
    current_round,
    host_action,
    not_finished,
    participant_count,
    rounds_of,
)
from hitrec_app.vocabulary import MAX_ID, EventKind, LiveMoment


def _author(session: Session, entry: LiveEntry) -> User:
    user = session.get(User, entry.user_id)
    assert user is not None  # a foreign key
    return user


def spotlight(
    *,
    session: Session,
    user_id: int,
    session_id: int,
    entry_id: int | None,
    expected_seq: int | None = None,
) -> LiveRound:
    """Show an entry of the session large to everyone (None: the spotlight goes off). The
    spotlight belongs to the round on show; an entry once spotlighted can be answered (its
    answers cite it when they become records), in this round or a later one."""
    _, live = host_action(session, user_id, session_id, expected_seq, "spotlight an entry")
    not_finished(live)
    rounds = rounds_of(session, live.id or 0)
    shown = current_round(rounds)
    if shown is None:
        raise ValidationError("Start a round first: the spotlight shows one of its entries.")
    entry = None
    if entry_id is not None:
        entry = entry_of_session(session, live, entry_id)
        if entry.hidden_at is not None:
            raise ValidationError("That entry is hidden; it cannot be spotlighted.")
        entry.spotlighted_at = entry.spotlighted_at or utcnow()
        session.add(entry)
    shown.spotlight_entry_id = entry.id if entry else None
    session.add(shown)
    live_timeline.applied(live)
    session.add(live)
    session.flush()
    row = entry_row(entry, _author(session, entry)) if entry else None
    live_timeline.note(
        session,
        live,
        LiveMoment.SPOTLIGHT,
        round_number=shown.number,
        entry_id=row.id if row else None,
        author_name=row.author_name if row else None,
        text=row.text if row else None,
        image_path=row.image_path if row else None,
    )
    live_timeline.announce(
        session,
        live,
        EventKind.LIVE_SPOTLIGHT,
        round_id=shown.id,
        entry=asdict(row) if row else None,
    )
    return shown


def _hide(session: Session, live: LiveSession, entry: LiveEntry, rounds: list[LiveRound]) -> None:
    """Hide the entry: off the spotlight, out of the lists, the tally and the replay text."""
    entry.hidden_at = utcnow()
    session.add(entry)
    for row in rounds:
        if row.spotlight_entry_id == entry.id:
            row.spotlight_entry_id = None
            session.add(row)
            live_timeline.announce(
                session, live, EventKind.LIVE_SPOTLIGHT, round_id=row.id, entry=None
            )
    session.flush()
    own_round = next(r for r in rounds if r.id == entry.round_id)
    live_timeline.note(
        session,
        live,
        LiveMoment.ENTRY_HIDDEN,
        round_number=own_round.number,
        entry_id=entry.id,
        author_name=entry_row(entry, _author(session, entry)).author_name,
    )
    live_timeline.announce(
        session,
        live,
        EventKind.LIVE_ENTRY,
        change="hidden",
        round_id=entry.round_id,
        entry_id=entry.id,
    )
    if own_round.state == "voting":
        announce_tally(session, live, own_round)


def hide_entry(
    *,
    session: Session,
    user_id: int,
    session_id: int,
    entry_id: int,
    expected_seq: int | None = None,
) -> LiveEntry:
    _, live = host_action(session, user_id, session_id, expected_seq, "hide an entry")
    not_finished(live)
    entry = entry_of_session(session, live, entry_id)
    if entry.hidden_at is not None:
        raise ValidationError("That entry is already hidden.")
    live_timeline.applied(live)
    session.add(live)
    _hide(session, live, entry, rounds_of(session, live.id or 0))
    return entry


def remove_participant(
    *,
    session: Session,
    user_id: int,
    session_id: int,
    participant_id: int,
    expected_seq: int | None = None,
) -> LiveParticipant:
    """Remove a disruptive participant (`participant_id` is their user id)."""
    _, live = host_action(session, user_id, session_id, expected_seq, "remove a participant")
    not_finished(live)
    query = select(LiveParticipant).where(
        LiveParticipant.session_id == live.id, LiveParticipant.user_id == participant_id
    )
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    valid = isinstance(participant_id, int) and 0 < participant_id <= MAX_ID
    member = (
        session.exec(query.execution_options(populate_existing=True)).first() if valid else None
    )
    if member is None:
        raise NotFound("That person is not in this session.")
    if member.removed_at is not None:
        raise ValidationError("That person was already removed.")
    member.removed_at = utcnow()
    session.add(member)
    live_timeline.applied(live)
    session.add(live)
    rounds = rounds_of(session, live.id or 0)
    by_id = {r.id: r for r in rounds}
    entries = list(
        session.exec(
            select(LiveEntry)
            .where(
                col(LiveEntry.round_id).in_(list(by_id)),
                LiveEntry.user_id == participant_id,
                col(LiveEntry.hidden_at).is_(None),
            )
            .order_by(col(LiveEntry.id))
        )
    )
    for entry in entries:
        _hide(session, live, entry, rounds)
    open_votes = [r.id for r in rounds if r.state != "revealed"]
    if open_votes:
        session.exec(
            delete(LiveVote).where(
                col(LiveVote.round_id).in_(open_votes), col(LiveVote.voter_id) == participant_id
            )
        )
    session.flush()
    for row in rounds:
        if row.state == "voting":
            announce_tally(session, live, row)
    person = session.get(User, participant_id)
    name = (person.display_name or person.username) if person else ""
    live_timeline.note(
        session,
        live,
        LiveMoment.PARTICIPANT_REMOVED,
        user_id=participant_id,
        display_name=name,
        hidden_entries=[e.id for e in entries],
    )
    live_timeline.announce(
        session,
        live,
        EventKind.LIVE_LOBBY,
        change="removed",
        user_id=participant_id,
        display_name=name,
        participants=participant_count(session, live.id or 0),
    )
    return member
