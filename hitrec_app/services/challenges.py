"""Challenges: hosts post them (draft -> open -> closed); the board lists them.

A challenge past its deadline closes itself: `close_expired_challenges` closes every
such challenge (the app runs it periodically, see `hitrec_app.tasks.challenge_expiry`), and
everything that accepts entries checks the deadline as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from hitrec_app.models import Challenge, Production, Record, User, utcnow
from hitrec_app.services import events
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from hitrec_app.services.validation import clean_text
from hitrec_app.vocabulary import (
    BOARD_ROOM,
    HOST_ROLES,
    RECORD_KINDS,
    TOTAL_BPS,
    EventKind,
    challenge_room,
)

CLOSING_SOON = timedelta(hours=48)


@dataclass(frozen=True)
class ChallengeInput:
    title: str
    prompt: str = ""
    instructions: str = ""
    accepted_kinds: tuple[str, ...] = RECORD_KINDS
    deadline: datetime | None = None
    production_id: int | None = None
    pool_cents: int | None = None
    contributors_share_bps: int | None = None


@dataclass(frozen=True)
class EntryPreview:
    id: int
    title: str
    kind: str


@dataclass(frozen=True)
class BoardItem:
    id: int
    title: str
    state: str
    status: str  # "open", "closing soon", "closed", "draft"
    host_name: str
    deadline: datetime | None
    entry_count: int
    money_line: str
    latest: list[EntryPreview] = field(default_factory=list)


# --- rules -------------------------------------------------------------------------------


def is_host(user: User) -> bool:
    return user.role in HOST_ROLES


def can_manage(user: User, challenge: Challenge) -> bool:
    return user.role == "admin" or challenge.host_id == user.id


def money_line(challenge: Challenge) -> str:
    """ "pool: $1,200.00, expected contributors' share: 50%", or "" when no money is involved."""
    if challenge.pool_cents is None:
        return ""
    dollars = f"${challenge.pool_cents // 100:,}.{challenge.pool_cents % 100:02d}"
    text = f"pool: {dollars}"
    if challenge.contributors_share_bps is not None:
        pct = challenge.contributors_share_bps / 100
        text += f", expected contributors' share: {pct:g}%"
    return text


def effective_status(challenge: Challenge, now: datetime | None = None) -> str:
    now = now or utcnow()
    if challenge.state == "open" and challenge.deadline is not None:
        if challenge.deadline <= now:
            return "closed"
        if challenge.deadline - now <= CLOSING_SOON:
            return "closing soon"
    return challenge.state


def accepted_kinds(challenge: Challenge) -> list[str]:
    return [k for k in challenge.accepted_kinds.split(",") if k in RECORD_KINDS]


def _clean(data: ChallengeInput, *, session: Session, now: datetime) -> dict:
    kinds = [k for k in RECORD_KINDS if k in set(data.accepted_kinds)]
    unknown = set(data.accepted_kinds) - set(RECORD_KINDS)
    if unknown:
        raise ValidationError(f"Unknown record kind: {', '.join(sorted(unknown))}.")
    if not kinds:
        raise ValidationError("Accept at least one kind of record.")
    if data.deadline is not None:
        if data.deadline.tzinfo is None:
            raise ValidationError("The deadline needs a time zone.")
        if data.deadline <= now:
            raise ValidationError("The deadline must be in the future.")
    share = data.contributors_share_bps
    if data.production_id is not None:
        production = session.get(Production, data.production_id)
        if production is None:
            raise ValidationError("That production does not exist.")
        if share is None and data.pool_cents is not None:
            share = production.contributors_share_bps
    if data.pool_cents is not None and data.pool_cents < 0:
        raise ValidationError("The pool cannot be negative.")
    if data.pool_cents is not None and data.pool_cents > 10**11:
        raise ValidationError("The pool is implausibly large.")
    if share is not None and not 0 <= share <= TOTAL_BPS:
        raise ValidationError("The contributors' share must be between 0% and 100%.")
    if data.pool_cents is not None and share is None:
        raise ValidationError("When there is a pool, say what share goes to contributors.")
    return {
        "title": clean_text(data.title, field="Title", max_len=200, required=True),
        "prompt": clean_text(data.prompt, field="Prompt", max_len=4000, required=True),
        "instructions": clean_text(data.instructions, field="Instructions", max_len=4000),
        "accepted_kinds": ",".join(kinds),
        "deadline": data.deadline,
        "production_id": data.production_id,
        "pool_cents": data.pool_cents,
        "contributors_share_bps": share,
    }


def _actor(session: Session, actor_id: int) -> User:
    user = session.get(User, actor_id)
    if user is None:
        raise PermissionDenied("Please sign in first.")
    return user


def _managed(session: Session, actor_id: int, challenge_id: int) -> tuple[User, Challenge]:
    user = _actor(session, actor_id)
    challenge = session.get(Challenge, challenge_id)
    if challenge is None:
        raise NotFound("That challenge does not exist.")
    if not can_manage(user, challenge):
        raise PermissionDenied("Only the challenge's host can change it.")
    return user, challenge


# --- commands ----------------------------------------------------------------------------


def create_challenge(
    *, session: Session, actor_id: int, data: ChallengeInput, publish: bool = False
) -> Challenge:
    user = _actor(session, actor_id)
    if not is_host(user):
        raise PermissionDenied("Only hosts can post challenges.")
    values = _clean(data, session=session, now=utcnow())
    challenge = Challenge(host_id=user.id or 0, state="open" if publish else "draft", **values)
    session.add(challenge)
    session.flush()
    if publish:
        events.publish(
            session, BOARD_ROOM, EventKind.CHALLENGE_OPENED, {"challenge_id": challenge.id}
        )
    return challenge


def update_challenge(
    *, session: Session, actor_id: int, challenge_id: int, data: ChallengeInput
) -> Challenge:
    _, challenge = _managed(session, actor_id, challenge_id)
    close_if_expired(session=session, challenge=challenge)
    if challenge.state == "closed":
        raise ValidationError("A closed challenge can no longer be edited.")
    values = _clean(data, session=session, now=utcnow())
    for key, value in values.items():
        setattr(challenge, key, value)
    _save_and_announce(session, challenge, EventKind.CHALLENGE_UPDATED)
    return challenge


def open_challenge(*, session: Session, actor_id: int, challenge_id: int) -> Challenge:
    _, challenge = _managed(session, actor_id, challenge_id)
    if challenge.state != "draft":
        raise ValidationError(f"Only a draft can be opened; this challenge is {challenge.state}.")
    if challenge.deadline is not None and challenge.deadline <= utcnow():
        raise ValidationError("The deadline has passed; move it into the future first.")
    challenge.state = "open"
    _save_and_announce(session, challenge, EventKind.CHALLENGE_OPENED)
    return challenge


def close_challenge(*, session: Session, actor_id: int, challenge_id: int) -> Challenge:
    _, challenge = _managed(session, actor_id, challenge_id)
    if challenge.state != "open":
        raise ValidationError(
            f"Only an open challenge can be closed; this one is {challenge.state}."
        )
    _close(session, challenge, utcnow())
    return challenge


def _close(session: Session, challenge: Challenge, when: datetime) -> None:
    challenge.state = "closed"
    challenge.closed_at = when
    _save_and_announce(session, challenge, EventKind.CHALLENGE_CLOSED)


def _save_and_announce(session: Session, challenge: Challenge, kind: EventKind) -> None:
    """Write the challenge and tell its room (after the commit) that it changed."""
    session.add(challenge)
    session.flush()
    events.publish(session, challenge_room(challenge.id or 0), kind, {"challenge_id": challenge.id})


def close_if_expired(
    *, session: Session, challenge: Challenge, now: datetime | None = None
) -> bool:
    now = now or utcnow()
    if challenge.state == "open" and challenge.deadline is not None:
        if challenge.deadline <= now:
            _close(session, challenge, challenge.deadline)
            return True
    return False


def _expired(now: datetime) -> SelectOfScalar[Challenge]:
    return select(Challenge).where(
        Challenge.state == "open",
        col(Challenge.deadline).is_not(None),
        col(Challenge.deadline) <= now,
    )


def close_expired_challenges(*, session: Session, now: datetime | None = None) -> list[int]:
    """Close every open challenge whose deadline is at or before `now`; returns their ids.

    Each one gets `closed_at` = its deadline and a "challenge.closed" event (delivered
    after commit), so open board and challenge pages update. Rows are locked (skipping
    rows another sweeper holds, on PostgreSQL) so two processes never close one twice.
    """
    now = now or utcnow()
    due = session.exec(
        _expired(now).order_by(col(Challenge.id)).with_for_update(skip_locked=True)
    ).all()
    for challenge in due:
        _close(session, challenge, challenge.deadline or now)
    return [c.id for c in due if c.id is not None]


def has_expired(*, session: Session, now: datetime | None = None) -> bool:
    return session.exec(_expired(now or utcnow()).limit(1)).first() is not None


# --- queries -----------------------------------------------------------------------------


def get_challenge(*, session: Session, challenge_id: int, viewer: User | None = None) -> Challenge:
    """A challenge the viewer may see (drafts only for their host and admins)."""
    return visible_to(session.get(Challenge, challenge_id), viewer)


def visible_to(challenge: Challenge | None, viewer: User | None) -> Challenge:
    """`challenge` if the viewer may see it (drafts only for their host and admins), else
    NotFound (also for no challenge at all)."""
    if challenge is None or (
        challenge.state == "draft" and (viewer is None or not can_manage(viewer, challenge))
    ):
        raise NotFound("That challenge does not exist.")
    return challenge


def entry_counts(*, session: Session, challenge_ids: list[int]) -> dict[int, int]:
    if not challenge_ids:
        return {}
    rows = session.exec(
        select(Record.challenge_id, func.count())
        .where(col(Record.challenge_id).in_(challenge_ids), col(Record.withdrawn_at).is_(None))
        .group_by(col(Record.challenge_id))
    )
    return {cid: n for cid, n in rows if cid is not None}


def latest_entries(*, session: Session, challenge_id: int, limit: int = 3) -> list[EntryPreview]:
    rows = session.exec(
        select(Record.id, Record.title, Record.kind)
        .where(Record.challenge_id == challenge_id, col(Record.withdrawn_at).is_(None))
        .order_by(col(Record.created_at).desc(), col(Record.id).desc())
        .limit(limit)
    )
    return [EntryPreview(id=i or 0, title=t, kind=k) for i, t, k in rows]


def board(
    *, session: Session, viewer: User | None = None, closed_limit: int = 20
) -> list[BoardItem]:
    """Open challenges (soonest deadline first), then closed ones, newest first.

    Drafts appear only for their host (and admins).
    """
    now = utcnow()
    live = list(
        session.exec(
            select(Challenge, User)
            .join(User, col(User.id) == Challenge.host_id)
            .where(Challenge.state == "open")
            .order_by(
                col(Challenge.deadline).is_(None), col(Challenge.deadline), col(Challenge.id).desc()
            )
            .limit(200)
        )
    )
    closed = list(
        session.exec(
            select(Challenge, User)
            .join(User, col(User.id) == Challenge.host_id)
            .where(Challenge.state == "closed")
            .order_by(col(Challenge.closed_at).desc(), col(Challenge.id).desc())
            .limit(closed_limit)
        )
    )
    drafts: list[tuple[Challenge, User]] = []
    if viewer is not None and is_host(viewer):
        query = (
            select(Challenge, User)
            .join(User, col(User.id) == Challenge.host_id)
            .where(Challenge.state == "draft")
            .order_by(col(Challenge.id).desc())
            .limit(50)
        )
        if viewer.role != "admin":
            query = query.where(Challenge.host_id == viewer.id)
        drafts = list(session.exec(query))
    rows = drafts + live + closed
    counts = entry_counts(session=session, challenge_ids=[c.id for c, _ in rows if c.id])
    items = []
    for challenge, host in rows:
        cid = challenge.id or 0
        items.append(
            BoardItem(
                id=cid,
                title=challenge.title,
                state=challenge.state,
                status=effective_status(challenge, now),
                host_name=host.display_name,
                deadline=challenge.deadline,
                entry_count=counts.get(cid, 0),
                money_line=money_line(challenge),
                latest=latest_entries(session=session, challenge_id=cid),
            )
        )
    return items


def productions(*, session: Session) -> list[Production]:
    """Productions a host can link a challenge to."""
    return list(session.exec(select(Production).order_by(Production.title).limit(200)))


def find_challenge(*, session: Session, challenge_id: int) -> Challenge | None:
    return session.get(Challenge, challenge_id)


def host_and_production(
    *, session: Session, challenge: Challenge
) -> tuple[User | None, Production | None]:
    host = session.get(User, challenge.host_id)
    production = (
        session.get(Production, challenge.production_id) if challenge.production_id else None
    )
    return host, production
