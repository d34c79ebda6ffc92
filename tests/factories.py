"""Test data factories: every test builds its users, sessions, drafts, challenges and records
here (each commits, so the row is visible to other sessions and to the app)."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from hitrec_app.models import Challenge, Draft, Record, User, UserSession, utcnow
from hitrec_app.services import accounts, challenges, drafts, records
from hitrec_app.services.challenges import ChallengeInput
from hitrec_app.services.records import RecordInput

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_user(
    session: Session, username: str | None = None, *, role: str = "member", password: str = PASSWORD
) -> User:
    name = username or f"user{next(_seq)}"
    user = accounts.sign_up(session=session, username=name, password=password, accept_terms=True)
    user.role = role
    session.add(user)
    session.commit()
    return user


def make_session(session: Session, user_id: int, *, days: int = 1, token: str | None = None) -> int:
    """A browser session for `user_id` (no password hashing); returns its id. With `token`,
    that raw session token signs in to it (for `accounts.sign_out` and the like)."""
    row = UserSession(
        user_id=user_id,
        token_hash=hashlib.sha256(token.encode()).hexdigest() if token else secrets.token_hex(32),
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(row)
    session.commit()
    assert row.id is not None
    return row.id


def _id(row: User | Draft | Challenge | Record) -> int:
    assert row.id is not None, "commit the row first"
    return row.id


def make_draft(
    session: Session,
    owner: User,
    title: str = "A story",
    *,
    members: Iterable[tuple[User, str]] = (),
) -> Draft:
    """A draft owned by `owner`, with each (user, role) of `members` invited."""
    draft = drafts.create_draft(session=session, owner_id=_id(owner), title=title)
    for user, role in members:
        drafts.invite(
            session=session,
            actor_id=_id(owner),
            draft_id=_id(draft),
            username=user.username,
            role=role,
        )
    session.commit()
    return draft


def open_challenge(session: Session, host: User, **kw: Any) -> Challenge:
    """A published challenge (title "Rain" unless given); `kw` go to `ChallengeInput`."""
    data = ChallengeInput(
        title=kw.pop("title", "Rain"), prompt=kw.pop("prompt", "Record rain."), **kw
    )
    challenge = challenges.create_challenge(
        session=session, actor_id=_id(host), data=data, publish=True
    )
    session.commit()
    return challenge


def text_record(
    session: Session,
    user: User,
    title: str = "A story",
    *,
    sources: Iterable[Record] = (),
    challenge: Challenge | None = None,
    tags: str = "",
    body: str = "Once upon a time.",
) -> Record:
    """A text record by `user`, remixing `sources`, entered in `challenge` when given."""
    record = records.submit_record(
        session=session,
        user_id=_id(user),
        data=RecordInput(
            kind="text",
            title=title,
            body=body,
            tags=tags,
            challenge_id=challenge.id if challenge else None,
            source_ids=tuple(_id(s) for s in sources),
        ),
    )
    session.commit()
    return record
