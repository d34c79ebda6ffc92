"""Test data factories."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from datetime import timedelta

from sqlmodel import Session

from hitrec_app.models import User, UserSession, utcnow
from hitrec_app.services import accounts

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
