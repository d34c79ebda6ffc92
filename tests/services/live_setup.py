"""A cast and a live session for the live-session service tests (built with the services)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

from PIL import Image
from sqlmodel import Session

from hitrec_app.models import Challenge, LiveRound, LiveSession, User, utcnow
from hitrec_app.services import live_entries, live_rounds, live_sessions
from hitrec_app.services.live_sessions import RoundInput
from tests.factories import make_user, open_challenge


@dataclass
class Cast:
    host: User
    ada: User
    bob: User
    cyd: User
    challenge: Challenge
    live: LiveSession


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, format="PNG")
    return out.getvalue()


def make_cast(session: Session, rounds: list[RoundInput] | None = None) -> Cast:
    """A host's open challenge (text and image), a session with two text rounds and one image
    round unless `rounds` says otherwise, its lobby open and ada, bob and cyd in it."""
    host = make_user(session, "host", role="host")
    ada, bob, cyd = (make_user(session, n) for n in ("ada", "bob", "cyd"))
    challenge = open_challenge(session, host, accepted_kinds=("text", "image"))
    live = live_sessions.schedule_session(
        session=session,
        user_id=host.id,
        challenge_id=challenge.id,
        title="Friday sprint",
        rounds=rounds
        or [
            RoundInput("Six words about rain.", "text", 60),
            RoundInput("Answer the spotlit story.", "text", 90),
            RoundInput("Draw the lighthouse.", "image", 120),
        ],
    )
    session.commit()
    live_sessions.open_lobby(session=session, user_id=host.id, session_id=live.id)
    session.commit()
    for user in (ada, bob, cyd):
        live_sessions.join(session=session, user_id=user.id, code=live.code)
    session.commit()
    return Cast(host, ada, bob, cyd, challenge, live)


def round_of(session: Session, live: LiveSession, number: int) -> LiveRound:
    return live_sessions.locked_round(session, live, number)


def start(session: Session, cast: Cast, number: int) -> LiveRound:
    row = live_rounds.start_round(
        session=session, user_id=cast.host.id, session_id=cast.live.id, number=number
    )
    session.commit()
    return row


def submit(session: Session, user: User, row: LiveRound, text: str, **kw: object):
    entry = live_entries.submit_entry(
        session=session, user_id=user.id, round_id=row.id, text=text, **kw
    )
    session.commit()
    return entry


def end(session: Session, cast: Cast, number: int) -> LiveRound:
    row = live_rounds.end_round(
        session=session, user_id=cast.host.id, session_id=cast.live.id, number=number
    )
    session.commit()
    return row


def time_is_up(session: Session, row: LiveRound) -> None:
    """The round's end time has passed (set in the database: no test waits for a clock)."""
    row.ends_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.commit()
