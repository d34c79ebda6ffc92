"""Accounts, sign-in sessions, roles and sign-in rate limiting."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from hitrec_app.models import LoginAttempt, User, UserSession, utcnow
from hitrec_app.services import events
from hitrec_app.services.errors import (
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationError,
)
from hitrec_app.services.passwords import hash_password, verify_password
from hitrec_app.services.validation import check_password, clean_text, clean_username
from hitrec_app.settings import settings
from hitrec_app.vocabulary import ACCOUNTS_ROOM, ACTIVITY_ROOM, ROLES, TERMS_VERSION, EventKind

log = logging.getLogger(__name__)

# Rolling windows: a real user is never locked out for longer than the window.
ATTEMPT_WINDOW = timedelta(minutes=15)
MAX_FAILS_PER_ACCOUNT = 5
MAX_FAILS_PER_CLIENT = 20
SIGNUP_WINDOW = timedelta(hours=1)
MAX_SIGNUPS_PER_CLIENT = 10
# Sign-ups are counted in the sign-in attempts table under a key no username can have.
_SIGNUP_KEY = "#signup"


@dataclass(frozen=True)
class SignIn:
    user: User
    token: str  # the raw token, handed to the browser once; only its hash is stored


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_user_by_username(*, session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username_key == username.strip().lower())).first()


def shown_name(*, session: Session, user_id: int) -> str | None:
    """The name others see for a user (display name, else username); None if no such account."""
    user = session.get(User, user_id)
    return None if user is None else user.display_name or user.username


def count_users(*, session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def sign_up(
    *,
    session: Session,
    username: str,
    password: str,
    accept_terms: bool,
    display_name: str = "",
    client_ip: str | None = None,
) -> User:
    """Create an account. With `client_ip`, sign-ups are rate-limited per client address."""
    name = clean_username(username)
    check_password(password, name)
    display = clean_text(display_name, field="Display name", max_len=80) or name
    if not accept_terms:
        raise ValidationError("Please accept the studio's terms to join.")
    if get_user_by_username(session=session, username=name) is not None:
        raise ValidationError(f"The username '{name}' is taken; please pick another.")
    if client_ip is not None:
        _check_signup_rate(session=session, client_ip=client_ip)
    # The very first account runs the studio.
    role = "admin" if count_users(session=session) == 0 else "member"
    user = User(
        username=name,
        username_key=name.lower(),
        display_name=display,
        password_hash=hash_password(password),
        role=role,
        terms_version=TERMS_VERSION,
        terms_accepted_at=utcnow(),
    )
    session.add(user)
    session.flush()
    events.publish(
        session,
        ACTIVITY_ROOM,
        EventKind.USER_JOINED,
        {"username": user.username, "name": user.display_name},
    )
    if client_ip is not None:
        session.add(
            LoginAttempt(username_key=_SIGNUP_KEY, client_ip=client_ip[:64], created_at=utcnow())
        )
    log.info("user signed up: %s (id %s)", user.username, user.id)
    return user


def _check_signup_rate(*, session: Session, client_ip: str) -> None:
    since = utcnow() - SIGNUP_WINDOW
    count = session.exec(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.username_key == _SIGNUP_KEY,
            LoginAttempt.client_ip == client_ip[:64],
            LoginAttempt.created_at >= since,
        )
    ).one()
    if count >= MAX_SIGNUPS_PER_CLIENT:
        raise RateLimited("Too many new accounts from your network. Try again in an hour.")


def _recent_failures(*, session: Session, now: datetime, **where: str) -> int:
    since = now - ATTEMPT_WINDOW
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.created_at >= since, LoginAttempt.username_key != _SIGNUP_KEY)
    )
    for column, value in where.items():
        query = query.where(getattr(LoginAttempt, column) == value)
    return session.exec(query).one()


def _retry_minutes(*, session: Session, now: datetime, **where: str) -> int:
    query = select(func.min(LoginAttempt.created_at)).where(
        LoginAttempt.created_at >= now - ATTEMPT_WINDOW, LoginAttempt.username_key != _SIGNUP_KEY
    )
    for column, value in where.items():
        query = query.where(getattr(LoginAttempt, column) == value)
    oldest = session.exec(query).one()
    if oldest is None:
        return 1
    if oldest.tzinfo is None:  # SQLite aggregate bypasses the column type
        oldest = oldest.replace(tzinfo=UTC)
    left = (oldest + ATTEMPT_WINDOW - now).total_seconds()
    return max(1, int(left // 60) + 1)


def sign_in(*, session: Session, username: str, password: str, client_ip: str) -> SignIn:
    """Check the password and open a new session; rate-limited per account and per client."""
    key = (username or "").strip().lower()[:64]
    ip = (client_ip or "unknown")[:64]
    now = utcnow()
    if not key or not password:
        raise ValidationError("Enter your username and password.")
    if _recent_failures(session=session, now=now, username_key=key) >= MAX_FAILS_PER_ACCOUNT:
        minutes = _retry_minutes(session=session, now=now, username_key=key)
        raise RateLimited(
            f"Too many failed sign-ins for this account. Try again in {minutes} minute(s)."
        )
    if _recent_failures(session=session, now=now, client_ip=ip) >= MAX_FAILS_PER_CLIENT:
        minutes = _retry_minutes(session=session, now=now, client_ip=ip)
        raise RateLimited(
            f"Too many failed sign-ins from your network. Try again in {minutes} minute(s)."
        )
    user = get_user_by_username(session=session, username=key)
    if not verify_password(password, user.password_hash if user else None):
        session.add(LoginAttempt(username_key=key, client_ip=ip, created_at=now))
        # No username in the log: people sometimes type their password into that field.
        log.info("failed sign-in attempt")
        # Keep the failure even though the caller's transaction ends in an error.
        session.commit()
        raise AuthenticationFailed("Wrong username or password.")
    assert user is not None
    session.exec(
        delete(LoginAttempt).where(
            col(LoginAttempt.username_key) == key, col(LoginAttempt.client_ip) == ip
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id or 0,
            token_hash=_hash_token(token),
            expires_at=now + timedelta(days=settings.session_days),
        )
    )
    log.info("user signed in: %s", user.username)
    return SignIn(user=user, token=token)


def _is_live(row: UserSession | None) -> bool:
    return row is not None and row.revoked_at is None and row.expires_at > utcnow()


def session_for_token(*, session: Session, token: str | None) -> UserSession | None:
    """The live (unexpired, unrevoked) session of a raw session token, else None."""
    if not token or len(token) > 200:
        return None
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == _hash_token(token))
    ).first()
    return row if _is_live(row) else None


def user_for_token(*, session: Session, token: str | None) -> User | None:
    """The user of a live (unexpired, unrevoked) session token, else None."""
    row = session_for_token(session=session, token=token)
    return session.get(User, row.user_id) if row is not None else None


def session_is_live(*, session: Session, session_id: int, user_id: int) -> bool:
    """Whether session `session_id` belongs to `user_id` and is neither revoked nor expired
    (for holders of a session's id rather than its token, such as a co-editing token)."""
    row = session.get(UserSession, session_id)
    return _is_live(row) and row is not None and row.user_id == user_id


def sign_out(*, session: Session, token: str | None) -> None:
    """Revoke the session. After the commit, `EventKind.SESSION_REVOKED` is published so live
    connections opened with it (co-editing websockets) are closed at once."""
    if not token:
        return
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == _hash_token(token))
    ).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        session.flush()
        events.publish(
            session,
            ACCOUNTS_ROOM,
            EventKind.SESSION_REVOKED,
            {"session_id": row.id, "user_id": row.user_id},
        )


def update_profile(*, session: Session, user_id: int, display_name: str, bio: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("That account no longer exists.")
    user.display_name = clean_text(display_name, field="Display name", max_len=80, required=True)
    user.bio = clean_text(bio, field="Bio", max_len=2000)
    session.add(user)
    return user


def set_avatar(*, session: Session, user_id: int, relative_path: str | None) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("That account no longer exists.")
    user.avatar_path = relative_path
    session.add(user)
    return user


def set_role(*, session: Session, actor_id: int | None, username: str, role: str) -> User:
    """Change a user's role. `actor_id=None` means the operator's command line."""
    if role not in ROLES:
        raise ValidationError(f"Role must be one of: {', '.join(ROLES)}.")
    if actor_id is not None:
        actor = session.get(User, actor_id)
        if actor is None or actor.role != "admin":
            raise PermissionDenied("Only an admin can change roles.")
    user = get_user_by_username(session=session, username=username)
    if user is None:
        raise NotFound(f"No user called '{username}'.")
    if actor_id is not None and user.id == actor_id and role != "admin":
        raise ValidationError("You cannot remove your own admin role.")
    user.role = role
    session.add(user)
    return user


def list_users(*, session: Session, limit: int = 200) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.created_at)).limit(limit)))
