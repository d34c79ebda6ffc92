"""Live challenge sessions: set-up, the lobby, and the rules every host action follows.

scheduled -> lobby (people join with the code) -> running (rounds: `live_rounds`) -> finished
(every entry a record: `live_results`). Entries and votes are in `live_entries`, what pages
read in `live_views`, the timeline in `live_timeline`.

Only the session's host or an admin drives it, checked on the server with the acting user
read from the database. Every host action takes the session's row locked (SELECT ... FOR NO
KEY UPDATE on PostgreSQL; SQLite's write transactions are already serial), may name the
`expected_seq` its tab last saw (a stale one is refused, so two host tabs cannot drive the
session into conflicting states), and counts itself in `seq`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hitrec_app.models import Challenge, LiveParticipant, LiveRound, LiveSession, User, utcnow
from hitrec_app.services import challenges, live_timeline
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from hitrec_app.services.live_rows import round_row
from hitrec_app.services.records import acting_user
from hitrec_app.services.validation import clean_text
from hitrec_app.vocabulary import (
    LIVE_CODE_ALPHABET,
    LIVE_CODE_LENGTH,
    LIVE_MAX_ROUNDS,
    LIVE_PROMPT_MAX,
    LIVE_ROUND_KINDS,
    LIVE_ROUND_MAX_S,
    LIVE_ROUND_MIN_S,
    LIVE_TITLE_MAX,
    MAX_ID,
    EventKind,
    LiveMoment,
)

MOVED_ON = "The session moved on since you last looked: reload to see where it is now."
CODE_TRIES = 20  # fresh codes tried before giving up (a clash is one in ~900 million)


@dataclass(frozen=True)
class RoundInput:
    prompt: str
    kind: str = "text"  # vocabulary.LIVE_ROUND_KINDS
    duration_s: int = 60
    tally_hidden: bool = False


# --- access --------------------------------------------------------------------------------------


def may_drive(user: User, live: LiveSession) -> bool:
    """The session's host or an admin drives it."""
    return user.role == "admin" or (user.id is not None and live.host_id == user.id)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def locked_session(session: Session, session_id: int) -> LiveSession:
    """The session, its row locked until the transaction ends and re-read once the lock is
    held. NO KEY UPDATE (not UPDATE): rows that only point at the session (an entry's
    timeline moment, a join) need not wait for a host action, and cannot deadlock with one."""
    if not isinstance(session_id, int) or not 0 < session_id <= MAX_ID:
        raise NotFound("That live session does not exist.")
    query = select(LiveSession).where(LiveSession.id == session_id)
    if not _is_sqlite(session):
        query = query.with_for_update(key_share=True)
    live = session.exec(query.execution_options(populate_existing=True)).first()
    if live is None:
        raise NotFound("That live session does not exist.")
    return live


def host_action(
    session: Session, user_id: int, session_id: int, expected_seq: int | None, what: str
) -> tuple[User, LiveSession]:
    """The acting host and the locked session, if they may `what` it now."""
    user = acting_user(session, user_id)
    live = locked_session(session, session_id)
    if not may_drive(user, live):
        raise PermissionDenied(f"Only the session's host or an admin can {what}.")
    if expected_seq is not None and expected_seq != live.seq:
        raise ValidationError(MOVED_ON)
    return user, live


def not_finished(live: LiveSession) -> None:
    if live.state == "finished":
        raise ValidationError("This session has ended.")


def rounds_of(session: Session, session_id: int) -> list[LiveRound]:
    return list(
        session.exec(
            select(LiveRound)
            .where(LiveRound.session_id == session_id)
            .order_by(col(LiveRound.number))
        )
    )


def locked_round(session: Session, live: LiveSession, number: int) -> LiveRound:
    """Round `number` of the (locked) session, its row locked too: a host change of a round
    waits for the submits and votes under way in it (they hold it in SHARE mode)."""
    query = select(LiveRound).where(LiveRound.session_id == live.id, LiveRound.number == number)
    if not _is_sqlite(session):
        query = query.with_for_update(key_share=True)
    row = None
    if isinstance(number, int) and not isinstance(number, bool) and 0 < number <= MAX_ID:
        row = session.exec(query.execution_options(populate_existing=True)).first()
    if row is None:
        raise NotFound(f"This session has no round {number}.")
    return row


def current_round(rounds: Sequence[LiveRound]) -> LiveRound | None:
    """The round on show: the one running or voting, else the last one revealed."""
    for row in rounds:
        if row.state in ("running", "voting"):
            return row
    played = [r for r in rounds if r.state == "revealed" and r.started_at is not None]
    return max(played, key=lambda r: (r.started_at, r.number)) if played else None


def participant_count(session: Session, session_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(LiveParticipant)
            .where(
                LiveParticipant.session_id == session_id,
                col(LiveParticipant.removed_at).is_(None),
            )
        ).one()
    )


# --- set-up --------------------------------------------------------------------------------------


def normalise_code(raw: str) -> str:
    """What a person typed ("k7q-2xm ") as a code ("K7Q2XM")."""
    return "".join(ch for ch in str(raw or "").upper() if ch.isalnum())[: LIVE_CODE_LENGTH * 2]


def _new_code(session: Session) -> str:
    for _ in range(CODE_TRIES):
        code = "".join(secrets.choice(LIVE_CODE_ALPHABET) for _ in range(LIVE_CODE_LENGTH))
        if session.exec(select(LiveSession.id).where(LiveSession.code == code)).first() is None:
            return code
    raise ValidationError("Could not find a free join code; please try again.")


def _clean_round(data: RoundInput, challenge: Challenge) -> dict:
    if data.kind not in LIVE_ROUND_KINDS:
        raise ValidationError("A round's entries are short texts or images.")
    if data.kind not in challenges.accepted_kinds(challenge):
        kinds = ", ".join(challenges.accepted_kinds(challenge))
        raise ValidationError(f"The challenge accepts {kinds} records, not {data.kind}.")
    seconds = data.duration_s
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ValidationError("Give the round's duration in whole seconds.")
    if not LIVE_ROUND_MIN_S <= seconds <= LIVE_ROUND_MAX_S:
        raise ValidationError(
            f"A round lasts {LIVE_ROUND_MIN_S} seconds to {LIVE_ROUND_MAX_S // 60} minutes."
        )
    return {
        "prompt": clean_text(
            data.prompt, field="The prompt", max_len=LIVE_PROMPT_MAX, required=True
        ),
        "kind": data.kind,
        "duration_s": seconds,
        "tally_hidden": tally_choice(data.tally_hidden),
    }


def tally_choice(hidden: object) -> bool:
    """The host's yes or no on hiding a round's tally: a real bool only (a form's "false" is
    truthy text, and would hide it)."""
    if not isinstance(hidden, bool):
        raise ValidationError("Choose whether the round's tally is shown live or hidden.")
    return hidden


def _open_challenge(session: Session, user: User, challenge_id: int) -> Challenge:
    valid = isinstance(challenge_id, int) and not isinstance(challenge_id, bool)
    challenge = (
        session.get(Challenge, challenge_id) if valid and 0 < challenge_id <= MAX_ID else None
    )
    if challenge is None:
        raise NotFound("That challenge does not exist.")
    if not challenges.can_manage(user, challenge):
        raise PermissionDenied(
            "Only the challenge's host or an admin can run a live session for it."
        )
    challenges.close_if_expired(session=session, challenge=challenge)
    if challenge.state != "open":
        raise ValidationError("Live sessions are for open challenges; open this one first.")
    return challenge


def schedule_session(
    *,
    session: Session,
    user_id: int,
    challenge_id: int,
    title: str,
    rounds: Sequence[RoundInput],
    scheduled_for: datetime | None = None,
) -> LiveSession:
    """A host schedules a session for their open challenge, with its rounds (numbered from 1)."""
    user = acting_user(session, user_id)
    challenge = _open_challenge(session, user, challenge_id)
    name = clean_text(title, field="Title", max_len=LIVE_TITLE_MAX, required=True)
    if not rounds:
        raise ValidationError("A session needs at least one round.")
    if len(rounds) > LIVE_MAX_ROUNDS:
        raise ValidationError(f"A session has at most {LIVE_MAX_ROUNDS} rounds.")
    cleaned = [_clean_round(r, challenge) for r in rounds]
    if scheduled_for is not None:
        if scheduled_for.tzinfo is None:
            raise ValidationError("The start time needs a time zone.")
        if scheduled_for <= utcnow():
            raise ValidationError("The start time must be in the future.")
    live = LiveSession(
        host_id=user.id or 0,
        challenge_id=challenge.id or 0,
        title=name,
        code=_new_code(session),
        scheduled_for=scheduled_for,
    )
    session.add(live)
    session.flush()
    for number, values in enumerate(cleaned, start=1):
        session.add(LiveRound(session_id=live.id or 0, number=number, **values))
    session.flush()
    return live


def _before_start(live: LiveSession) -> None:
    if live.state not in ("scheduled", "lobby"):
        raise ValidationError("Rounds can be added or changed only before the first one starts.")


def add_round(
    *,
    session: Session,
    user_id: int,
    session_id: int,
    data: RoundInput,
    expected_seq: int | None = None,
) -> LiveRound:
    _, live = host_action(session, user_id, session_id, expected_seq, "change its rounds")
    _before_start(live)
    existing = rounds_of(session, live.id or 0)
    if len(existing) >= LIVE_MAX_ROUNDS:
        raise ValidationError(f"A session has at most {LIVE_MAX_ROUNDS} rounds.")
    challenge = session.get(Challenge, live.challenge_id)
    assert challenge is not None  # a foreign key
    values = _clean_round(data, challenge)
    row = LiveRound(session_id=live.id or 0, number=len(existing) + 1, **values)
    session.add(row)
    live_timeline.applied(live)
    session.add(live)
    session.flush()
    live_timeline.announce(session, live, EventKind.LIVE_ROUND, round=asdict(round_row(row)))
    return row


def edit_round(
    *,
    session: Session,
    user_id: int,
    session_id: int,
    round_id: int,
    data: RoundInput,
    expected_seq: int | None = None,
) -> LiveRound:
    _, live = host_action(session, user_id, session_id, expected_seq, "change its rounds")
    _before_start(live)
    row = (
        session.get(LiveRound, round_id)
        if isinstance(round_id, int) and 0 < round_id <= MAX_ID
        else None
    )
    if row is None or row.session_id != live.id:
        raise NotFound("That round is not part of this session.")
    challenge = session.get(Challenge, live.challenge_id)
    assert challenge is not None
    for key, value in _clean_round(data, challenge).items():
        setattr(row, key, value)
    session.add(row)
    live_timeline.applied(live)
    session.add(live)
    session.flush()
    live_timeline.announce(session, live, EventKind.LIVE_ROUND, round=asdict(round_row(row)))
    return row


def open_lobby(
    *, session: Session, user_id: int, session_id: int, expected_seq: int | None = None
) -> LiveSession:
    """scheduled -> lobby: from now on people join with the code."""
    _, live = host_action(session, user_id, session_id, expected_seq, "open its lobby")
    if live.state != "scheduled":
        raise ValidationError(f"The lobby is already open (the session is {live.state}).")
    live.state = "lobby"
    live_timeline.applied(live)
    session.add(live)
    live_timeline.note(session, live, LiveMoment.LOBBY_OPENED)
    session.flush()
    live_timeline.announce(session, live, EventKind.LIVE_SESSION, state=live.state)
    return live


# --- people --------------------------------------------------------------------------------------


def find_by_code(*, session: Session, code: str) -> LiveSession:
    wanted = normalise_code(code)
    live = (
        session.exec(select(LiveSession).where(LiveSession.code == wanted)).first()
        if len(wanted) == LIVE_CODE_LENGTH
        else None
    )
    if live is None:
        raise NotFound(f"No live session has the code “{wanted or code}”: check it and try again.")
    return live


def _participant(session: Session, session_id: int, user_id: int) -> LiveParticipant | None:
    return session.exec(
        select(LiveParticipant).where(
            LiveParticipant.session_id == session_id, LiveParticipant.user_id == user_id
        )
    ).first()


def join(*, session: Session, user_id: int, code: str) -> LiveParticipant:
    """The signed-in user joins the session with this code (again: nothing changes, so a
    reload or a second tab keeps their place). Refused once the host removed them."""
    user = acting_user(session, user_id)
    live = find_by_code(session=session, code=code)
    if live.host_id == user.id:
        raise ValidationError("You host this session: run it from the host console.")
    row = _participant(session, live.id or 0, user.id or 0)
    if row is None:
        if live.state == "scheduled":
            when = (
                f"; it is scheduled for {live.scheduled_for:%Y-%m-%d %H:%M} UTC"
                if live.scheduled_for
                else ""
            )
            raise ValidationError(f"This session's lobby has not opened yet{when}.")
        not_finished(live)
        try:
            with session.begin_nested():
                row = LiveParticipant(session_id=live.id or 0, user_id=user.id or 0)
                session.add(row)
                session.flush()
        except IntegrityError:
            # A second tab's join committed first: that row is this person's place.
            row = _participant(session, live.id or 0, user.id or 0)
            assert row is not None
        else:
            live_timeline.announce(
                session,
                live,
                EventKind.LIVE_LOBBY,
                change="joined",
                user_id=user.id,
                username=user.username,
                display_name=user.display_name,
                participants=participant_count(session, live.id or 0),
            )
    if row.removed_at is not None:
        raise PermissionDenied("The host removed you from this session.")
    return row


def active_participant(session: Session, live: LiveSession, user: User) -> LiveParticipant:
    """The user's participation, locked (one person's submits and votes happen one at a
    time, and never beside their removal); refused if they have not joined or were removed."""
    query = select(LiveParticipant).where(
        LiveParticipant.session_id == live.id, LiveParticipant.user_id == user.id
    )
    if not _is_sqlite(session):
        query = query.with_for_update()
    row = session.exec(query.execution_options(populate_existing=True)).first()
    if row is None:
        raise PermissionDenied("Join the session first.")
    if row.removed_at is not None:
        raise PermissionDenied("The host removed you from this session.")
    return row
