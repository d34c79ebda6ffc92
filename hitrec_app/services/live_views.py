"""What a live session's pages read: one snapshot for a (re)joining tab, the replay timeline.

A tab that reloads or reconnects reads `session_view` once and lands back where everyone is:
the round on show with its `ends_at` and the server's clock (`server_now`), the entries,
the spotlight, the tally and the viewer's own entry and vote. Later changes reach it as room
events (see `live_timeline.announce`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from hitrec_app.models import (
    Challenge,
    LiveEntry,
    LiveParticipant,
    LiveSession,
    LiveVote,
    User,
    utcnow,
)
from hitrec_app.services.errors import NotFound
from hitrec_app.services.live_entries import tally
from hitrec_app.services.live_rows import (
    EntryRow,
    ParticipantRow,
    RoundRow,
    Tally,
    entry_row,
    iso,
    round_row,
)
from hitrec_app.services.live_sessions import current_round, may_drive, rounds_of
from hitrec_app.services.live_timeline import timeline
from hitrec_app.vocabulary import MAX_ID

__all__ = ["LiveSessionView", "session_view", "timeline"]


@dataclass(frozen=True)
class LiveSessionView:
    id: int
    title: str
    code: str
    state: str  # vocabulary.LIVE_SESSION_STATES
    seq: int  # host actions applied: a host tab sends it back as `expected_seq`
    host_id: int
    host_name: str
    challenge_id: int
    challenge_title: str
    scheduled_for: str | None
    started_at: str | None
    ended_at: str | None
    server_now: str  # the server's clock when this was read (count down against it)
    can_drive: bool  # the viewer is the host or an admin
    joined: bool  # the viewer is a participant (and not removed)
    removed: bool  # the host removed the viewer
    participant_count: int
    rounds: list[RoundRow] = field(default_factory=list)
    current: RoundRow | None = None  # the round on show
    participants: list[ParticipantRow] = field(default_factory=list)
    entries: list[EntryRow] = field(default_factory=list)  # the round on show's, oldest first
    spotlight: EntryRow | None = None
    my_entry: EntryRow | None = None  # the viewer's entry in the round on show
    my_vote: int | None = None  # the entry the viewer voted for in the round on show
    tally: Tally | None = None  # the round on show's, once it votes


def session_view(*, session: Session, session_id: int, viewer_id: int | None) -> LiveSessionView:
    """The session as the viewer (None: signed out) sees it now. Hidden entries show only
    to the host (flagged `hidden`) and, as `my_entry`, to their author."""
    valid = isinstance(session_id, int) and 0 < session_id <= MAX_ID
    live = session.get(LiveSession, session_id) if valid else None
    if live is None:
        raise NotFound("That live session does not exist.")
    viewer = session.get(User, viewer_id) if viewer_id else None
    drives = viewer is not None and may_drive(viewer, live)
    host = session.get(User, live.host_id)
    challenge = session.get(Challenge, live.challenge_id)
    rounds = rounds_of(session, live.id or 0)
    shown = current_round(rounds)
    people = list(
        session.exec(
            select(LiveParticipant, User)
            .join(User, col(User.id) == LiveParticipant.user_id)
            .where(LiveParticipant.session_id == live.id)
            .order_by(col(LiveParticipant.joined_at), col(LiveParticipant.id))
        )
    )
    mine = next((p for p, u in people if viewer is not None and u.id == viewer.id), None)
    active = [(p, u) for p, u in people if p.removed_at is None]
    entries: list[EntryRow] = []
    my_entry = spotlight = None
    my_vote = None
    round_tally = None
    if shown is not None:
        for entry, author in session.exec(
            select(LiveEntry, User)
            .join(User, col(User.id) == LiveEntry.user_id)
            .where(LiveEntry.round_id == shown.id)
            .order_by(col(LiveEntry.created_at), col(LiveEntry.id))
        ):
            row = entry_row(entry, author)
            if viewer is not None and entry.user_id == viewer.id:
                my_entry = row
            if entry.hidden_at is None or drives:
                entries.append(row)
        spotlight = _spotlit(session, shown.spotlight_entry_id)
        if viewer is not None:
            my_vote = session.exec(
                select(LiveVote.entry_id).where(
                    LiveVote.round_id == shown.id, LiveVote.voter_id == viewer.id
                )
            ).first()
        if shown.state in ("voting", "revealed"):
            round_tally = tally(session, shown, for_host=drives)
    return LiveSessionView(
        id=live.id or 0,
        title=live.title,
        code=live.code,
        state=live.state,
        seq=live.seq,
        host_id=live.host_id,
        host_name=(host.display_name or host.username) if host else "",
        challenge_id=live.challenge_id,
        challenge_title=challenge.title if challenge else "",
        scheduled_for=iso(live.scheduled_for),
        started_at=iso(live.started_at),
        ended_at=iso(live.ended_at),
        server_now=utcnow().isoformat(),
        can_drive=drives,
        joined=mine is not None and mine.removed_at is None,
        removed=mine is not None and mine.removed_at is not None,
        participant_count=len(active),
        rounds=[round_row(r) for r in rounds],
        current=round_row(shown) if shown else None,
        participants=[
            ParticipantRow(
                user_id=u.id or 0,
                username=u.username,
                display_name=u.display_name or u.username,
                joined_at=p.joined_at.isoformat(),
            )
            for p, u in active
        ],
        entries=entries,
        spotlight=spotlight,
        my_entry=my_entry,
        my_vote=my_vote,
        tally=round_tally,
    )


def _spotlit(session: Session, entry_id: int | None) -> EntryRow | None:
    if entry_id is None:
        return None
    entry = session.get(LiveEntry, entry_id)
    author = session.get(User, entry.user_id) if entry else None
    if entry is None or author is None or entry.hidden_at is not None:
        return None
    return entry_row(entry, author)
