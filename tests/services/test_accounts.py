from datetime import timedelta

import pytest
from sqlmodel import select

from hitrec_app.models import LoginAttempt, User, UserSession, utcnow
from hitrec_app.services import accounts, events
from hitrec_app.services.errors import (
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationError,
)
from hitrec_app.vocabulary import TERMS_VERSION, EventKind
from tests.factories import PASSWORD, make_user


def test_first_user_is_admin_and_later_users_are_members(session):
    first = accounts.sign_up(
        session=session, username="Founder", password=PASSWORD, accept_terms=True
    )
    second = accounts.sign_up(
        session=session, username="second", password=PASSWORD, accept_terms=True
    )
    assert (first.role, second.role) == ("admin", "member")


def test_sign_up_stores_terms_acceptance_and_argon2id_hash(session):
    user = accounts.sign_up(
        session=session,
        username="writer",
        password=PASSWORD,
        accept_terms=True,
        display_name="A Writer",
    )
    assert user.terms_version == TERMS_VERSION
    assert user.terms_accepted_at.tzinfo is not None
    assert abs((utcnow() - user.terms_accepted_at).total_seconds()) < 60
    assert user.password_hash.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in user.password_hash
    assert PASSWORD not in user.password_hash
    assert user.display_name == "A Writer"


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("ab", "3 to 32"),
        ("x" * 33, "3 to 32"),
        ("has space", "letters, digits"),
        ("-dash", "start and end"),
        ("émile", "letters, digits"),
        ("admin", "reserved"),
    ],
)
def test_bad_usernames_are_refused_with_a_clear_reason(session, username, message):
    with pytest.raises(ValidationError, match=message):
        accounts.sign_up(session=session, username=username, password=PASSWORD, accept_terms=True)


def test_usernames_are_unique_case_insensitively(session):
    make_user(session, "RiverSong")
    with pytest.raises(ValidationError, match="taken"):
        accounts.sign_up(
            session=session, username="riversong", password=PASSWORD, accept_terms=True
        )


def test_terms_must_be_accepted(session):
    with pytest.raises(ValidationError, match="terms"):
        accounts.sign_up(session=session, username="nobody", password=PASSWORD, accept_terms=False)
    assert session.exec(select(User)).all() == []


@pytest.mark.parametrize(
    ("password", "message"), [("short", "at least 10"), ("y" * 300, "at most")]
)
def test_weak_passwords_are_refused(session, password, message):
    with pytest.raises(ValidationError, match=message):
        accounts.sign_up(session=session, username="someone", password=password, accept_terms=True)


def test_sign_in_gives_a_new_token_each_time_and_stores_only_its_hash(session):
    make_user(session, "poet")
    first = accounts.sign_in(
        session=session, username="POET", password=PASSWORD, client_ip="1.2.3.4"
    )
    second = accounts.sign_in(
        session=session, username="poet", password=PASSWORD, client_ip="1.2.3.4"
    )
    assert first.token != second.token
    hashes = session.exec(select(UserSession.token_hash)).all()
    assert len(hashes) == 2
    assert first.token not in hashes and second.token not in hashes
    assert accounts.user_for_token(session=session, token=first.token).username == "poet"


def test_wrong_password_and_unknown_user_fail_the_same_way(session):
    make_user(session, "poet")
    with pytest.raises(AuthenticationFailed, match="Wrong username or password"):
        accounts.sign_in(
            session=session, username="poet", password="wrong password!", client_ip="ip"
        )
    with pytest.raises(AuthenticationFailed, match="Wrong username or password"):
        accounts.sign_in(session=session, username="ghost", password=PASSWORD, client_ip="ip")


def test_failed_attempt_is_kept_even_though_the_call_raises(session):
    make_user(session, "poet")
    with pytest.raises(AuthenticationFailed):
        accounts.sign_in(
            session=session, username="poet", password="wrong password!", client_ip="ip"
        )
    session.rollback()
    assert len(session.exec(select(LoginAttempt)).all()) == 1


def test_sign_out_revokes_the_session(session):
    make_user(session, "poet")
    result = accounts.sign_in(session=session, username="poet", password=PASSWORD, client_ip="ip")
    accounts.sign_out(session=session, token=result.token)
    assert accounts.user_for_token(session=session, token=result.token) is None


def test_sign_out_announces_the_revoked_session_after_the_commit(session):
    user = make_user(session, "poet")
    result = accounts.sign_in(session=session, username="poet", password=PASSWORD, client_ip="ip")
    session.commit()
    row = accounts.session_for_token(session=session, token=result.token)
    assert row is not None and row.id is not None
    assert accounts.session_is_live(session=session, session_id=row.id, user_id=user.id)
    seen: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        accounts.sign_out(session=session, token=result.token)
        assert seen == []
        session.commit()
        assert [(e.kind, e.data) for e in seen] == [
            (EventKind.SESSION_REVOKED, {"session_id": row.id, "user_id": user.id})
        ]
        accounts.sign_out(session=session, token=result.token)  # already out: no news
        session.commit()
        assert len(seen) == 1
    finally:
        unsubscribe()
    assert not accounts.session_is_live(session=session, session_id=row.id, user_id=user.id)
    assert accounts.session_for_token(session=session, token=result.token) is None


def test_a_session_is_live_only_for_its_own_user_until_it_expires(session):
    poet = make_user(session, "poet")
    other = make_user(session, "other")
    result = accounts.sign_in(session=session, username="poet", password=PASSWORD, client_ip="ip")
    session.commit()
    row = accounts.session_for_token(session=session, token=result.token)
    assert row is not None and row.id is not None
    assert accounts.session_is_live(session=session, session_id=row.id, user_id=poet.id)
    assert not accounts.session_is_live(session=session, session_id=row.id, user_id=other.id)
    assert not accounts.session_is_live(session=session, session_id=row.id + 99, user_id=poet.id)
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.commit()
    assert not accounts.session_is_live(session=session, session_id=row.id, user_id=poet.id)


def test_expired_sessions_are_not_accepted(session):
    make_user(session, "poet")
    result = accounts.sign_in(session=session, username="poet", password=PASSWORD, client_ip="ip")
    row = session.exec(select(UserSession)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.commit()
    assert accounts.user_for_token(session=session, token=result.token) is None
    assert accounts.user_for_token(session=session, token="") is None
    assert accounts.user_for_token(session=session, token="forged-token") is None


def _fail(session, username: str, ip: str) -> None:
    with pytest.raises(AuthenticationFailed):
        accounts.sign_in(
            session=session, username=username, password="wrong password!", client_ip=ip
        )


def test_account_is_rate_limited_then_recovers_after_the_window(session):
    make_user(session, "poet")
    for i in range(accounts.MAX_FAILS_PER_ACCOUNT):
        _fail(session, "poet", f"10.0.0.{i}")
    with pytest.raises(RateLimited, match=r"this account.*Try again in"):
        accounts.sign_in(session=session, username="poet", password=PASSWORD, client_ip="10.9.9.9")
    # Later the real user gets in: attempts age out of the rolling window.
    for attempt in session.exec(select(LoginAttempt)).all():
        attempt.created_at = utcnow() - accounts.ATTEMPT_WINDOW - timedelta(seconds=1)
        session.add(attempt)
    session.commit()
    assert accounts.sign_in(
        session=session, username="poet", password=PASSWORD, client_ip="10.9.9.9"
    )


def test_client_is_rate_limited_across_accounts(session):
    make_user(session, "poet")
    for i in range(accounts.MAX_FAILS_PER_CLIENT):
        _fail(session, f"guess{i}", "6.6.6.6")
    with pytest.raises(RateLimited, match="your network"):
        accounts.sign_in(session=session, username="poet", password=PASSWORD, client_ip="6.6.6.6")
    # Another client is unaffected.
    assert accounts.sign_in(
        session=session, username="poet", password=PASSWORD, client_ip="7.7.7.7"
    )


def test_only_admins_change_roles(session):
    admin = make_user(session, "boss", role="admin")
    member = make_user(session, "pleb")
    with pytest.raises(PermissionDenied):
        accounts.set_role(session=session, actor_id=member.id, username="pleb", role="host")
    assert (
        accounts.set_role(session=session, actor_id=admin.id, username="pleb", role="host").role
        == "host"
    )
    with pytest.raises(ValidationError, match="Role must be"):
        accounts.set_role(session=session, actor_id=admin.id, username="pleb", role="emperor")
    with pytest.raises(NotFound):
        accounts.set_role(session=session, actor_id=admin.id, username="ghost", role="host")
    with pytest.raises(ValidationError, match="own admin"):
        accounts.set_role(session=session, actor_id=admin.id, username="boss", role="member")
    # The operator's command line (actor None) may do anything.
    assert (
        accounts.set_role(session=session, actor_id=None, username="pleb", role="admin").role
        == "admin"
    )


def test_profile_update_validates(session):
    user = make_user(session, "poet")
    updated = accounts.update_profile(
        session=session, user_id=user.id, display_name=" Poet ", bio="hi"
    )
    assert (updated.display_name, updated.bio) == ("Poet", "hi")
    with pytest.raises(ValidationError, match="Display name is required"):
        accounts.update_profile(session=session, user_id=user.id, display_name="  ", bio="")
    with pytest.raises(ValidationError, match="Bio must be at most 2000"):
        accounts.update_profile(session=session, user_id=user.id, display_name="P", bio="x" * 2001)


def test_sign_ups_are_rate_limited_per_client_but_do_not_count_as_failed_sign_ins(session):
    for i in range(accounts.MAX_SIGNUPS_PER_CLIENT):
        accounts.sign_up(
            session=session,
            username=f"bulk{i}",
            password=PASSWORD,
            accept_terms=True,
            client_ip="9.9.9.9",
        )
    with pytest.raises(RateLimited, match="new accounts"):
        accounts.sign_up(
            session=session,
            username="onemore",
            password=PASSWORD,
            accept_terms=True,
            client_ip="9.9.9.9",
        )
    # Another network may still join, and sign-ins from the busy one still work.
    accounts.sign_up(
        session=session,
        username="elsewhere",
        password=PASSWORD,
        accept_terms=True,
        client_ip="8.8.8.8",
    )
    assert accounts.sign_in(
        session=session, username="bulk0", password=PASSWORD, client_ip="9.9.9.9"
    )


def test_failed_sign_in_log_never_names_what_was_typed(session, caplog):
    make_user(session, "poet")
    caplog.set_level("DEBUG")
    typed = "my-password-typed-as-username"
    with pytest.raises(AuthenticationFailed):
        accounts.sign_in(session=session, username=typed, password=PASSWORD, client_ip="ip")
    with pytest.raises(AuthenticationFailed):
        accounts.sign_in(
            session=session, username="poet", password="wrong password!", client_ip="ip"
        )
    assert typed not in caplog.text and "wrong password!" not in caplog.text
    assert "failed sign-in" in caplog.text
