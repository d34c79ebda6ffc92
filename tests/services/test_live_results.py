"""The end of a live session (entries become credited records with lineage), its replayable
timeline, and what its room hears."""

import pytest
from sqlmodel import col, select

from hitrec_app.models import Record, RecordAuthor, RecordSource
from hitrec_app.services import (
    events,
    live_entries,
    live_moderation,
    live_results,
    live_rounds,
    live_views,
    records,
)
from hitrec_app.services.errors import ValidationError
from hitrec_app.vocabulary import EventKind, LiveMoment, live_room
from tests.services.live_setup import end, make_cast, png, round_of, start, submit


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def _host(cast):
    return {"user_id": cast.host.id, "session_id": cast.live.id}


def _play(session, cast):
    """Round 1: ada and bob write, the host hides bob's entry and spotlights ada's, cyd votes
    for ada's. Round 2: cyd answers ada's spotlit entry, bob writes, and it is left voting.
    Returns the entries by name."""
    one = start(session, cast, 1)
    ada1 = submit(session, cast.ada, one, "Rain writes on every window.\nAnd then it stops.")
    bob1 = submit(session, cast.bob, one, "Buy cheap watches now!!!")
    live_moderation.hide_entry(session=session, entry_id=bob1.id, **_host(cast))
    live_moderation.spotlight(session=session, entry_id=ada1.id, **_host(cast))
    session.commit()
    end(session, cast, 1)
    live_entries.cast_vote(session=session, user_id=cast.cyd.id, entry_id=ada1.id)
    session.commit()
    live_rounds.reveal(session=session, number=1, **_host(cast))
    session.commit()
    two = start(session, cast, 2)
    cyd2 = submit(session, cast.cyd, two, "The window writes back.", answers_entry_id=ada1.id)
    bob2 = submit(session, cast.bob, two, "A fair answer this time.")
    end(session, cast, 2)  # left voting: the end of the session reveals it
    live_entries.cast_vote(session=session, user_id=cast.ada.id, entry_id=cyd2.id)
    session.commit()
    return {"ada1": ada1, "bob1": bob1, "cyd2": cyd2, "bob2": bob2}


def test_every_shown_entry_becomes_a_credited_record_and_answers_cite_what_they_answer(session):
    cast = make_cast(session)
    played = _play(session, cast)
    live_rounds.reveal(session=session, number=2, **_host(cast))
    session.commit()
    start(session, cast, 3)
    with pytest.raises(ValidationError, match="Round 3 is still running"):
        live_results.end_session(session=session, **_host(cast))
    session.rollback()
    view = live_views.session_view(session=session, session_id=cast.live.id, viewer_id=None)
    assert view.current.number == 3 and view.state == "running"
    three = round_of(session, cast.live, 3)
    session.commit()
    ada3 = submit(session, cast.ada, three, "", image=png())
    end(session, cast, 3)

    result = live_results.end_session(session=session, **_host(cast))
    session.commit()
    made = {
        r.id: r for r in session.exec(select(Record).where(col(Record.id).in_(result.record_ids)))
    }
    assert len(made) == 4, "ada1, cyd2, bob2 and ada3; bob's hidden entry is no record"
    by_entry = {}
    for key, entry in {**played, "ada3": ada3}.items():
        session.refresh(entry)
        by_entry[key] = entry.record_id
    assert by_entry["bob1"] is None
    ada1 = made[by_entry["ada1"]]
    assert (ada1.kind, ada1.title, ada1.body) == (
        "text",
        "Rain writes on every window.",
        "Rain writes on every window.\nAnd then it stops.",
    )
    assert ada1.challenge_id == cast.challenge.id and ada1.submitted_by_id == cast.ada.id
    assert "Friday sprint" in ada1.description and "live" in ada1.tags
    picture = made[by_entry["ada3"]]
    assert picture.kind == "image" and picture.file_path == ada3.file_path
    credits = {
        (a.record_id, a.user_id)
        for a in session.exec(
            select(RecordAuthor).where(col(RecordAuthor.record_id).in_(list(made)))
        )
    }
    assert credits == {
        (by_entry["ada1"], cast.ada.id),
        (by_entry["cyd2"], cast.cyd.id),
        (by_entry["bob2"], cast.bob.id),
        (by_entry["ada3"], cast.ada.id),
    }
    sources = session.exec(select(RecordSource.record_id, RecordSource.source_id)).all()
    assert sources == [(by_entry["cyd2"], by_entry["ada1"])]
    session.refresh(ada1)
    assert ada1.remix_count == 1
    view = live_views.session_view(session=session, session_id=cast.live.id, viewer_id=None)
    assert view.state == "finished" and view.ended_at is not None
    assert [r.state for r in view.rounds] == ["revealed", "revealed", "revealed"]
    # The author owns the record like any other: they may edit it.
    records.update_record(
        session=session,
        user_id=cast.ada.id,
        record_id=ada1.id,
        title="Windows",
        description="",
        tags="live",
    )
    session.commit()

    # Ending again (a second click) changes nothing and returns the same records.
    again = live_results.end_session(session=session, expected_seq=0, **_host(cast))
    session.commit()
    assert again.record_ids == result.record_ids
    assert len(session.exec(select(Record)).all()) == 4


def test_the_timeline_replays_the_session_in_order_without_hidden_text(session):
    cast = make_cast(session)
    played = _play(session, cast)
    live_results.end_session(session=session, **_host(cast))
    session.commit()
    items = live_views.timeline(session=session, session_id=cast.live.id)
    kinds = [(i.kind, i.round_number) for i in items]
    assert kinds == [
        (LiveMoment.LOBBY_OPENED, None),
        (LiveMoment.ROUND_STARTED, 1),
        (LiveMoment.ENTRY_SUBMITTED, 1),
        (LiveMoment.ENTRY_SUBMITTED, 1),
        (LiveMoment.ENTRY_HIDDEN, 1),
        (LiveMoment.SPOTLIGHT, 1),
        (LiveMoment.ROUND_ENDED, 1),
        (LiveMoment.ROUND_REVEALED, 1),
        (LiveMoment.ROUND_STARTED, 2),
        (LiveMoment.ENTRY_SUBMITTED, 2),
        (LiveMoment.ENTRY_SUBMITTED, 2),
        (LiveMoment.ROUND_ENDED, 2),
        (LiveMoment.ROUND_REVEALED, 2),
        (LiveMoment.SESSION_ENDED, None),
    ]
    # Host actions are numbered in order (ending the session also revealed round 2: one
    # action); an entry carries the number of the host action it followed.
    assert [i.seq for i in items] == [1, 2, 2, 2, 3, 4, 5, 6, 7, 7, 7, 8, 9, 9]
    texts = {i.payload.get("entry_id"): i.payload.get("text") for i in items[2:4]}
    assert texts[played["ada1"].id].startswith("Rain writes")
    assert texts[played["bob1"].id] == "(hidden by the host)"
    revealed = items[7]
    assert revealed.payload["winner_ids"] == [played["ada1"].id]
    assert revealed.payload["rows"] == [{"entry_id": played["ada1"].id, "votes": 1}]
    assert items[-1].payload["records"] == 3
    assert items[1].summary == "Round 1 started: Six words about rain."
    assert items[4].summary == "The host hid an entry by bob."
    assert items[-1].summary == "The session ended; 3 entries became records."


def test_the_room_hears_each_change_after_the_commit_and_nothing_rolled_back(session):
    cast = make_cast(session)
    seen: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        room = live_room(cast.live.id)
        one = live_rounds.start_round(session=session, number=1, **_host(cast))
        assert seen == []
        session.commit()
        assert [(e.room, e.kind) for e in seen] == [
            (room, EventKind.LIVE_ROUND),
            (room, EventKind.LIVE_SESSION),
        ]
        assert seen[0].data["round"]["ends_at"] == one.ends_at.isoformat()
        assert seen[0].data["seq"] == 2 and seen[1].data["state"] == "running"
        seen.clear()

        entry = live_entries.submit_entry(
            session=session, user_id=cast.ada.id, round_id=one.id, text="Rain and more rain."
        )
        session.rollback()  # the entry is lost: nobody hears of it
        assert seen == []
        entry = submit(session, cast.ada, one, "Rain and more rain.")
        assert [e.kind for e in seen] == [EventKind.LIVE_ENTRY]
        assert seen[0].data["change"] == "new"
        assert seen[0].data["entry"]["text"] == "Rain and more rain."
        assert seen[0].data["entry"]["author_username"] == "ada"
        seen.clear()

        live_moderation.spotlight(session=session, entry_id=entry.id, **_host(cast))
        session.commit()
        assert [e.kind for e in seen] == [EventKind.LIVE_SPOTLIGHT]
        assert seen[0].data["entry"]["id"] == entry.id
        seen.clear()

        live_rounds.set_tally_hidden(session=session, number=1, hidden=True, **_host(cast))
        session.commit()
        other = submit(session, cast.bob, one, "Bob's rain.")
        end(session, cast, 1)
        seen.clear()
        live_entries.cast_vote(session=session, user_id=cast.cyd.id, entry_id=other.id)
        session.commit()
        assert [e.kind for e in seen] == [EventKind.LIVE_TALLY]
        hidden = seen[0].data["tally"]
        assert hidden["votes"] == 1 and hidden["rows"] == [] and hidden["visible"] is False
        seen.clear()

        live_moderation.remove_participant(
            session=session, participant_id=cast.bob.id, **_host(cast)
        )
        session.commit()
        kinds = [e.kind for e in seen]
        assert EventKind.LIVE_ENTRY in kinds and kinds[-1] == EventKind.LIVE_LOBBY
        assert seen[-1].data["change"] == "removed" and seen[-1].data["participants"] == 2
        tallies = [e.data["tally"]["votes"] for e in seen if e.kind == EventKind.LIVE_TALLY]
        assert tallies and tallies[-1] == 0, "bob's hidden entry no longer counts"
        # No countdown ticks: nothing but the changes themselves was ever sent.
        assert all(e.kind.startswith("live.") for e in seen)
    finally:
        unsubscribe()
