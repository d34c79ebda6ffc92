"""Test data factories."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from hitrec_app.models import User
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
