"""Live sessions: set-up, the lobby, who may drive, and the order of host actions."""

from datetime import timedelta

import pytest

from hitrec_app.models import utcnow
from hitrec_app.services import (
    live_entries,
    live_moderation,
    live_results,
    live_rounds,
    live_sessions,
    live_views,
)
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from hitrec_app.services.live_sessions import MOVED_ON, RoundInput
from hitrec_app.vocabulary import LIVE_CODE_ALPHABET, LIVE_CODE_LENGTH
from tests.factories import make_user, open_challenge
from tests.services.live_setup import make_cast, start, submit


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def test_a_host_schedules_a_session_with_rounds_and_a_readable_join_code(session):
    host = make_user(session, "host", role="host")
    challenge = open_challenge(session, host, accepted_kinds=("text", "image"))
    when = utcnow() + timedelta(days=2)
    live = live_sessions.schedule_session(
        session=session,
        user_id=host.id,
        challenge_id=challenge.id,
        title="  Friday sprint ",
        rounds=[RoundInput("Six words.", "text", 60), RoundInput("Draw it.", "image", 120, True)],
        scheduled_for=when,
    )
    session.commit()
    assert len(live.code) == LIVE_CODE_LENGTH and set(live.code) <= set(LIVE_CODE_ALPHABET)
    view = live_views.session_view(session=session, session_id=live.id, viewer_id=host.id)
    assert (view.title, view.state, view.seq, view.can_drive) == (
        "Friday sprint",
        "scheduled",
        0,
        True,
    )
    assert view.scheduled_for == when.isoformat()
    assert [(r.number, r.kind, r.duration_s, r.tally_hidden, r.state) for r in view.rounds] == [
        (1, "text", 60, False, "pending"),
        (2, "image", 120, True, "pending"),
    ]
    # Rounds change only before the first one starts.
    live_sessions.add_round(
        session=session,
        user_id=host.id,
        session_id=live.id,
        data=RoundInput("One more.", "text", 30),
    )
    live_sessions.edit_round(
        session=session,
        user_id=host.id,
        session_id=live.id,
        round_id=view.rounds[0].id,
        data=RoundInput("Seven words.", "text", 45),
    )
    session.commit()
    view = live_views.session_view(session=session, session_id=live.id, viewer_id=None)
    assert [(r.number, r.prompt, r.duration_s) for r in view.rounds] == [
        (1, "Seven words.", 45),
        (2, "Draw it.", 120),
        (3, "One more.", 30),
    ]
    assert view.seq == 2 and view.can_drive is False


@pytest.mark.parametrize(
    ("rounds", "message"),
    [
        ([], "at least one round"),
        ([RoundInput("", "text", 60)], "prompt is required"),
        ([RoundInput("Hum it.", "audio", 60)], "short texts or images"),
        ([RoundInput("Quick!", "text", 3)], "10 seconds to 60 minutes"),
        ([RoundInput("Slow.", "text", 10_000)], "10 seconds to 60 minutes"),
        # A form's "false" is text: not taken as true (hidden), refused.
        ([RoundInput("Six words.", "text", 60, "false")], "shown live or hidden"),  # type: ignore[arg-type]
    ],
)
def test_bad_rounds_are_refused_with_a_clear_message(session, rounds, message):
    host = make_user(session, "host", role="host")
    challenge = open_challenge(session, host)
    with pytest.raises(ValidationError, match=message):
        live_sessions.schedule_session(
            session=session, user_id=host.id, challenge_id=challenge.id, title="T", rounds=rounds
        )


def test_only_the_challenges_host_or_an_admin_schedules_and_only_for_open_challenges(session):
    host = make_user(session, "host", role="host")
    other_host = make_user(session, "other", role="host")
    admin = make_user(session, "mod", role="admin")
    challenge = open_challenge(session, host, accepted_kinds=("text",))
    rounds = [RoundInput("Go.", "text", 60)]
    with pytest.raises(PermissionDenied):
        live_sessions.schedule_session(
            session=session,
            user_id=other_host.id,
            challenge_id=challenge.id,
            title="T",
            rounds=rounds,
        )
    with pytest.raises(ValidationError, match="accepts text records, not image"):
        live_sessions.schedule_session(
            session=session,
            user_id=host.id,
            challenge_id=challenge.id,
            title="T",
            rounds=[RoundInput("Draw.", "image", 60)],
        )
    assert (
        live_sessions.schedule_session(
            session=session, user_id=admin.id, challenge_id=challenge.id, title="T", rounds=rounds
        ).host_id
        == admin.id
    )
    challenge.state = "closed"
    session.add(challenge)
    session.commit()
    with pytest.raises(ValidationError, match="open challenges"):
        live_sessions.schedule_session(
            session=session, user_id=host.id, challenge_id=challenge.id, title="T", rounds=rounds
        )


def test_people_join_by_code_once_the_lobby_opens_and_joining_again_keeps_their_place(session):
    host = make_user(session, "host", role="host")
    ada = make_user(session, "ada")
    challenge = open_challenge(session, host)
    live = live_sessions.schedule_session(
        session=session,
        user_id=host.id,
        challenge_id=challenge.id,
        title="T",
        rounds=[RoundInput("Go.", "text", 60)],
    )
    session.commit()
    with pytest.raises(ValidationError, match="lobby has not opened yet"):
        live_sessions.join(session=session, user_id=ada.id, code=live.code)
    live_sessions.open_lobby(session=session, user_id=host.id, session_id=live.id)
    session.commit()
    typed = f" {live.code[:3].lower()}-{live.code[3:].lower()} "
    first = live_sessions.join(session=session, user_id=ada.id, code=typed)
    session.commit()
    again = live_sessions.join(session=session, user_id=ada.id, code=live.code)
    session.commit()
    assert again.id == first.id
    view = live_views.session_view(session=session, session_id=live.id, viewer_id=ada.id)
    assert view.joined and view.participant_count == 1
    assert [p.username for p in view.participants] == ["ada"]
    with pytest.raises(NotFound, match="No live session has the code"):
        live_sessions.join(session=session, user_id=ada.id, code="ZZZZZZ")
    with pytest.raises(ValidationError, match="You host this session"):
        live_sessions.join(session=session, user_id=host.id, code=live.code)
    with pytest.raises(PermissionDenied, match="sign in"):
        live_sessions.join(session=session, user_id=999_999, code=live.code)


def test_a_removed_participant_cannot_rejoin_submit_or_vote_and_their_entries_are_hidden(session):
    cast = make_cast(session)
    one = start(session, cast, 1)
    bad = submit(session, cast.bob, one, "Spam spam spam.")
    good = submit(session, cast.ada, one, "Rain on the tin roof again.")
    live_moderation.remove_participant(
        session=session, user_id=cast.host.id, session_id=cast.live.id, participant_id=cast.bob.id
    )
    session.commit()
    with pytest.raises(PermissionDenied, match="removed you"):
        live_sessions.join(session=session, user_id=cast.bob.id, code=cast.live.code)
    with pytest.raises(PermissionDenied, match="removed you"):
        submit(session, cast.bob, one, "Again.")
    session.rollback()
    live_rounds.end_round(session=session, user_id=cast.host.id, session_id=cast.live.id, number=1)
    session.commit()
    with pytest.raises(PermissionDenied, match="removed you"):
        live_entries.cast_vote(session=session, user_id=cast.bob.id, entry_id=good.id)
    session.rollback()
    view = live_views.session_view(session=session, session_id=cast.live.id, viewer_id=cast.ada.id)
    assert [e.id for e in view.entries] == [good.id]
    assert view.participant_count == 2 and "bob" not in [p.username for p in view.participants]
    bobs = live_views.session_view(session=session, session_id=cast.live.id, viewer_id=cast.bob.id)
    assert bobs.removed and not bobs.joined
    assert bobs.my_entry is not None and bobs.my_entry.id == bad.id and bobs.my_entry.hidden
    host_view = live_views.session_view(
        session=session, session_id=cast.live.id, viewer_id=cast.host.id
    )
    assert [(e.id, e.hidden) for e in host_view.entries] == [(bad.id, True), (good.id, False)]


def test_only_the_host_or_an_admin_drives_the_session(session):
    cast = make_cast(session)
    admin = make_user(session, "mod", role="admin")
    other_host = make_user(session, "other", role="host")
    sid = cast.live.id
    for intruder in (cast.ada, other_host):
        for action in (
            lambda uid: live_rounds.start_round(
                session=session, user_id=uid, session_id=sid, number=1
            ),
            lambda uid: live_sessions.open_lobby(session=session, user_id=uid, session_id=sid),
            lambda uid: live_moderation.remove_participant(
                session=session, user_id=uid, session_id=sid, participant_id=cast.bob.id
            ),
            lambda uid: live_results.end_session(session=session, user_id=uid, session_id=sid),
        ):
            with pytest.raises(PermissionDenied, match="host or an admin"):
                action(intruder.id)
            session.rollback()
    row = live_rounds.start_round(session=session, user_id=admin.id, session_id=sid, number=1)
    session.commit()
    assert row.state == "running"


def test_ids_from_another_session_are_refused(session):
    cast = make_cast(session)
    other_challenge = open_challenge(session, cast.host, title="Other")
    other = live_sessions.schedule_session(
        session=session,
        user_id=cast.host.id,
        challenge_id=other_challenge.id,
        title="Other",
        rounds=[RoundInput("Go.", "text", 60)],
    )
    session.commit()
    one = start(session, cast, 1)
    entry = submit(session, cast.ada, one, "Rain, again, always rain.")
    with pytest.raises(NotFound, match="not part of this session"):
        live_moderation.hide_entry(
            session=session, user_id=cast.host.id, session_id=other.id, entry_id=entry.id
        )
    session.rollback()
    with pytest.raises(NotFound, match="not part of this session"):
        live_moderation.spotlight(
            session=session, user_id=cast.host.id, session_id=cast.live.id, entry_id=10**6
        )
    session.rollback()
    with pytest.raises(NotFound, match="not part of this session"):
        live_sessions.edit_round(
            session=session,
            user_id=cast.host.id,
            session_id=other.id,
            round_id=one.id,
            data=RoundInput("Hijack.", "text", 60),
        )
    session.rollback()
    with pytest.raises(NotFound, match="not in this session"):
        live_moderation.remove_participant(
            session=session, user_id=cast.host.id, session_id=other.id, participant_id=cast.ada.id
        )
    session.rollback()
    # A participant of one session cannot submit to another's round.
    other_round = live_sessions.locked_round(session, other, 1)
    session.rollback()
    with pytest.raises(PermissionDenied, match="Join the session first"):
        live_entries.submit_entry(
            session=session, user_id=cast.ada.id, round_id=other_round.id, text="Hi."
        )
    session.rollback()
    for bad in (0, -1, 2**40, "1"):
        with pytest.raises(NotFound):
            live_entries.submit_entry(session=session, user_id=cast.ada.id, round_id=bad, text="x")
        session.rollback()


def test_a_stale_expected_seq_is_refused_so_two_host_tabs_cannot_conflict(session):
    cast = make_cast(session)
    sid = cast.live.id
    seen = live_views.session_view(session=session, session_id=sid, viewer_id=cast.host.id).seq
    # Tab A starts round 1 with what it saw; tab B, still showing the same, tries round 2.
    live_rounds.start_round(
        session=session, user_id=cast.host.id, session_id=sid, number=1, expected_seq=seen
    )
    session.commit()
    with pytest.raises(ValidationError, match="moved on"):
        live_rounds.start_round(
            session=session, user_id=cast.host.id, session_id=sid, number=2, expected_seq=seen
        )
    session.rollback()
    assert str(ValidationError(MOVED_ON)).endswith("reload to see where it is now.")
    now = live_views.session_view(session=session, session_id=sid, viewer_id=cast.host.id)
    assert now.seq == seen + 1 and now.current is not None and now.current.number == 1
    # With the fresh number the action applies.
    live_rounds.extend_round(
        session=session,
        user_id=cast.host.id,
        session_id=sid,
        number=1,
        seconds=30,
        expected_seq=now.seq,
    )
    session.commit()
    assert live_views.session_view(session=session, session_id=sid, viewer_id=None).seq == seen + 2


@pytest.mark.parametrize("challenge_id", ["1", 1.0, None, True, 2**70])
def test_a_challenge_id_that_is_not_a_whole_number_is_not_found(session, challenge_id):
    host = make_user(session, "host", role="host")
    open_challenge(session, host)
    with pytest.raises(NotFound, match="That challenge does not exist"):
        live_sessions.schedule_session(
            session=session,
            user_id=host.id,
            challenge_id=challenge_id,
            title="T",
            rounds=[RoundInput("Six words.")],
        )
