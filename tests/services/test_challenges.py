from datetime import timedelta

import pytest

from hitrec_app.models import Challenge, Production, utcnow
from hitrec_app.services import challenges, events
from hitrec_app.services.challenges import ChallengeInput
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from tests.factories import make_user, open_challenge, text_record


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def test_only_hosts_and_admins_create_challenges(session):
    member = make_user(session, "mem")
    host = make_user(session, "hosty", role="host")
    admin = make_user(session, "boss", role="admin")
    with pytest.raises(PermissionDenied, match="Only hosts"):
        challenges.create_challenge(
            session=session, actor_id=member.id, data=ChallengeInput(title="T", prompt="P")
        )
    for user in (host, admin):
        made = challenges.create_challenge(
            session=session, actor_id=user.id, data=ChallengeInput(title="T", prompt="P")
        )
        assert made.state == "draft" and made.host_id == user.id


def test_draft_opens_then_closes_and_never_goes_back(session):
    host = make_user(session, "hosty", role="host")
    c = challenges.create_challenge(
        session=session, actor_id=host.id, data=ChallengeInput(title="T", prompt="P")
    )
    with pytest.raises(ValidationError, match="Only an open challenge"):
        challenges.close_challenge(session=session, actor_id=host.id, challenge_id=c.id)
    challenges.open_challenge(session=session, actor_id=host.id, challenge_id=c.id)
    assert c.state == "open"
    with pytest.raises(ValidationError, match="Only a draft"):
        challenges.open_challenge(session=session, actor_id=host.id, challenge_id=c.id)
    challenges.close_challenge(session=session, actor_id=host.id, challenge_id=c.id)
    assert c.state == "closed" and c.closed_at is not None
    with pytest.raises(ValidationError, match="closed challenge can no longer be edited"):
        challenges.update_challenge(
            session=session,
            actor_id=host.id,
            challenge_id=c.id,
            data=ChallengeInput(title="T2", prompt="P"),
        )


def test_only_the_challenges_host_or_an_admin_changes_it(session):
    host = make_user(session, "hosty", role="host")
    other_host = make_user(session, "other", role="host")
    admin = make_user(session, "boss", role="admin")
    c = open_challenge(session, host)
    with pytest.raises(PermissionDenied):
        challenges.update_challenge(
            session=session,
            actor_id=other_host.id,
            challenge_id=c.id,
            data=ChallengeInput(title="Hijacked", prompt="P"),
        )
    challenges.update_challenge(
        session=session,
        actor_id=admin.id,
        challenge_id=c.id,
        data=ChallengeInput(title="Renamed", prompt="P"),
    )
    assert c.title == "Renamed"


def test_drafts_are_hidden_from_everyone_but_their_host(session):
    host = make_user(session, "hosty", role="host")
    member = make_user(session, "mem")
    c = challenges.create_challenge(
        session=session, actor_id=host.id, data=ChallengeInput(title="Secret", prompt="P")
    )
    with pytest.raises(NotFound):
        challenges.get_challenge(session=session, challenge_id=c.id, viewer=member)
    assert (
        challenges.get_challenge(session=session, challenge_id=c.id, viewer=host).title == "Secret"
    )
    assert "Secret" not in [i.title for i in challenges.board(session=session, viewer=member)]
    assert "Secret" in [i.title for i in challenges.board(session=session, viewer=host)]


def test_past_deadline_challenges_close_themselves(session):
    host = make_user(session, "hosty", role="host")
    member = make_user(session, "mem")
    c = open_challenge(session, host, deadline=utcnow() + timedelta(hours=1))
    c.deadline = utcnow() - timedelta(minutes=1)  # time passes
    session.add(c)
    session.commit()
    assert challenges.effective_status(c) == "closed"
    with pytest.raises(ValidationError, match="closed"):
        text_record(session, member, challenge=c)
    session.rollback()
    assert challenges.close_expired_challenges(session=session) == [c.id]
    session.commit()
    assert session.get(Challenge, c.id).state == "closed"


def test_deadline_must_be_in_the_future_and_pool_needs_a_share(session):
    host = make_user(session, "hosty", role="host")
    with pytest.raises(ValidationError, match="future"):
        challenges.create_challenge(
            session=session,
            actor_id=host.id,
            data=ChallengeInput(title="T", prompt="P", deadline=utcnow() - timedelta(days=1)),
        )
    with pytest.raises(ValidationError, match="share"):
        challenges.create_challenge(
            session=session,
            actor_id=host.id,
            data=ChallengeInput(title="T", prompt="P", pool_cents=1000),
        )
    with pytest.raises(ValidationError, match="at least one kind"):
        challenges.create_challenge(
            session=session,
            actor_id=host.id,
            data=ChallengeInput(title="T", prompt="P", accepted_kinds=()),
        )


def test_pool_is_shown_up_front_using_the_productions_share(session):
    host = make_user(session, "hosty", role="host")
    prod = Production(title="Film", host_id=host.id, contributors_share_bps=5000)
    session.add(prod)
    session.commit()
    c = open_challenge(session, host, production_id=prod.id, pool_cents=120_000)
    assert challenges.money_line(c) == "pool: $1,200.00, expected contributors' share: 50%"
    item = next(i for i in challenges.board(session=session) if i.id == c.id)
    assert item.money_line.startswith("pool: $1,200.00")


def test_board_counts_entries_and_shows_the_latest(session):
    host = make_user(session, "hosty", role="host")
    member = make_user(session, "mem")
    c = open_challenge(session, host, deadline=utcnow() + timedelta(hours=5))
    text_record(session, member, "First", challenge=c)
    text_record(session, member, "Second", challenge=c)
    item = next(i for i in challenges.board(session=session) if i.id == c.id)
    assert item.entry_count == 2
    assert [e.title for e in item.latest] == ["Second", "First"]
    assert item.status == "closing soon"


def test_entries_must_be_of_an_accepted_kind(session):
    host = make_user(session, "hosty", role="host")
    member = make_user(session, "mem")
    c = open_challenge(session, host, accepted_kinds=("audio",))
    with pytest.raises(ValidationError, match="accepts audio records, not text"):
        text_record(session, member, challenge=c)


def test_close_expired_challenges_closes_only_the_due_ones_and_tells_their_pages(session):
    host = make_user(session, "hosty", role="host")
    now = utcnow()
    due = open_challenge(session, host, title="Due", deadline=now + timedelta(minutes=5))
    later = open_challenge(session, host, title="Later", deadline=now + timedelta(hours=3))
    no_deadline = open_challenge(session, host, title="Whenever")
    draft = challenges.create_challenge(
        session=session,
        actor_id=host.id,
        data=ChallengeInput(title="Draft", prompt="P", deadline=now + timedelta(minutes=1)),
    )
    session.commit()
    seen: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        # Nothing is due yet.
        assert challenges.close_expired_challenges(session=session, now=now) == []
        session.commit()
        # Ten minutes on, only the open challenge whose deadline passed closes ...
        ten_on = now + timedelta(minutes=10)
        assert challenges.close_expired_challenges(session=session, now=ten_on) == [due.id]
        assert seen == []  # ... and pages hear of it only once it is committed
        session.commit()
        assert [(e.room, e.kind, e.data) for e in seen] == [
            (f"challenge-{due.id}", "challenge.closed", {"challenge_id": due.id})
        ]
        # A second sweep finds nothing more to do.
        assert challenges.close_expired_challenges(session=session, now=ten_on) == []
        session.commit()
    finally:
        unsubscribe()
    session.expire_all()
    closed = session.get(Challenge, due.id)
    assert closed.state == "closed" and closed.closed_at == closed.deadline
    assert [session.get(Challenge, c.id).state for c in (later, no_deadline, draft)] == [
        "open",
        "open",
        "draft",
    ]
    board = {i.title: i.status for i in challenges.board(session=session, viewer=host)}
    assert board["Due"] == "closed" and board["Later"] != "closed"


def test_a_rolled_back_sweep_closes_nothing_and_tells_nobody(session):
    host = make_user(session, "hosty", role="host")
    c = open_challenge(session, host, deadline=utcnow() + timedelta(minutes=5))
    seen: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        later = utcnow() + timedelta(minutes=6)
        assert challenges.close_expired_challenges(session=session, now=later) == [c.id]
        session.rollback()
    finally:
        unsubscribe()
    assert seen == []
    session.expire_all()
    assert session.get(Challenge, c.id).state == "open"
