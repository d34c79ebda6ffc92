"""Live-session races on PostgreSQL (SQLite's writers are serial): two host tabs, a double
submit, a submit meeting the end of its round. Each command runs in its own connection; the
outcome must be what it would have been had they run one after the other."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from hitrec_app.models import LiveEntry, LiveParticipant, LiveRound
from hitrec_app.services import live_entries, live_rounds, live_sessions, live_views
from hitrec_app.services.errors import ValidationError
from tests.factories import make_user
from tests.services.live_setup import make_cast, start
from tests.services.test_postgres_concurrency import _race


def test_two_host_tabs_with_the_same_view_one_applies_the_other_is_told_to_reload(
    pg_session, pg_url
):
    cast = make_cast(pg_session)
    seq = cast.live.seq

    def start_round(number):
        return lambda s: (
            live_rounds.start_round(
                session=s,
                user_id=cast.host.id,
                session_id=cast.live.id,
                number=number,
                expected_seq=seq,
            ).number
        )

    first, second = _race(pg_url, start_round(1), start_round(2))
    assert first == 1
    assert isinstance(second, ValidationError) and "moved on" in str(second)
    pg_session.expire_all()
    view = live_views.session_view(session=pg_session, session_id=cast.live.id, viewer_id=None)
    assert view.seq == seq + 1 and [r.state for r in view.rounds][:2] == ["running", "pending"]


def test_two_host_actions_without_a_seq_both_apply_in_order(pg_session, pg_url):
    cast = make_cast(pg_session)
    one = start(pg_session, cast, 1)

    def extend(seconds):
        return lambda s: (
            live_rounds.extend_round(
                session=s, user_id=cast.host.id, session_id=cast.live.id, number=1, seconds=seconds
            ).ends_at
        )

    first, second = _race(pg_url, extend(10), extend(20))
    assert (first - one.ends_at).total_seconds() == 10
    assert (second - one.ends_at).total_seconds() == 30, "the second saw the first's end time"
    items = live_views.timeline(session=pg_session, session_id=cast.live.id)
    extended = [(i.seq, i.payload["seconds"]) for i in items if i.kind == "round.extended"]
    assert extended == [(3, 10), (4, 20)]


def test_a_double_submit_in_two_connections_makes_one_entry(pg_session, pg_url):
    cast = make_cast(pg_session)
    one = start(pg_session, cast, 1)

    def send(s):
        return live_entries.submit_entry(
            session=s, user_id=cast.ada.id, round_id=one.id, text="Rain, rain."
        ).id

    first, second = _race(pg_url, send, send)
    assert first == second
    count = select(func.count()).select_from(LiveEntry).where(LiveEntry.round_id == one.id)
    assert pg_session.exec(count).one() == 1


def test_the_end_of_a_round_waits_for_submits_under_way_and_refuses_later_ones(pg_session, pg_url):
    cast = make_cast(pg_session)
    one = start(pg_session, cast, 1)

    def send(user):
        return lambda s: (
            live_entries.submit_entry(
                session=s, user_id=user.id, round_id=one.id, text=f"{user.username}'s rain."
            ).id
        )

    def end_round(s):
        return live_rounds.end_round(
            session=s, user_id=cast.host.id, session_id=cast.live.id, number=1
        ).state

    # A submit under way when the host ends the round: it counts, then the round closes.
    entry_id, state = _race(pg_url, send(cast.ada), end_round)
    assert isinstance(entry_id, int) and state == "voting"
    pg_session.expire_all()
    ended = pg_session.get(LiveRound, one.id)
    assert pg_session.get(LiveEntry, entry_id).created_at <= ended.ends_at


def test_a_submit_behind_the_end_of_its_round_is_refused(pg_session, pg_url):
    cast = make_cast(pg_session)
    one = start(pg_session, cast, 1)
    state, refused = _race(
        pg_url,
        lambda s: (
            live_rounds.end_round(
                session=s, user_id=cast.host.id, session_id=cast.live.id, number=1
            ).state
        ),
        lambda s: live_entries.submit_entry(
            session=s, user_id=cast.bob.id, round_id=one.id, text="Late."
        ),
    )
    assert state == "voting"
    assert isinstance(refused, ValidationError) and "takes no more entries" in str(refused)


def test_a_double_join_in_two_connections_keeps_one_place(pg_session, pg_url):
    cast = make_cast(pg_session)
    dee = make_user(pg_session, "dee")

    def join(s):
        return live_sessions.join(session=s, user_id=dee.id, code=cast.live.code).id

    first, second = _race(pg_url, join, join)
    assert first == second
    rows = pg_session.exec(select(LiveParticipant).where(LiveParticipant.user_id == dee.id)).all()
    assert len(rows) == 1
