"""A live round's life: start, extend, end, entries (late ones refused), spotlight, the vote."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from hitrec_app.models import LiveEntry, utcnow
from hitrec_app.services import live_entries, live_moderation, live_rounds, live_views
from hitrec_app.services.errors import ValidationError
from hitrec_app.services.uploads import UploadError
from hitrec_app.settings import settings
from hitrec_app.vocabulary import LIVE_ENTRY_MAX
from tests.services.live_setup import end, make_cast, png, round_of, start, submit, time_is_up


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def _host(cast):
    return {"user_id": cast.host.id, "session_id": cast.live.id}


def test_a_round_runs_from_start_to_reveal_and_refuses_what_makes_no_sense(session):
    cast = make_cast(session)
    before = utcnow()
    one = start(session, cast, 1)
    assert one.state == "running"
    assert timedelta(seconds=60) <= one.ends_at - before < timedelta(seconds=61)
    with pytest.raises(ValidationError, match="Round 1 is still running: end it first"):
        live_rounds.start_round(session=session, number=2, **_host(cast))
    session.rollback()
    with pytest.raises(ValidationError, match="Round 2 is not running"):
        live_rounds.end_round(session=session, number=2, **_host(cast))
    session.rollback()
    with pytest.raises(ValidationError, match="not voting"):
        live_rounds.reveal(session=session, number=1, **_host(cast))
    session.rollback()

    old_end = one.ends_at
    one = live_rounds.extend_round(session=session, number=1, seconds=30, **_host(cast))
    session.commit()
    assert one.ends_at == old_end + timedelta(seconds=30)
    with pytest.raises(ValidationError, match="1 to 600 seconds"):
        live_rounds.extend_round(session=session, number=1, seconds=0, **_host(cast))
    session.rollback()

    one = end(session, cast, 1)  # early: entries close now
    assert one.state == "voting" and one.ends_at <= utcnow()
    with pytest.raises(ValidationError, match="vote is still open: reveal it first"):
        live_rounds.start_round(session=session, number=2, **_host(cast))
    session.rollback()
    with pytest.raises(ValidationError, match="not running"):
        live_rounds.extend_round(session=session, number=1, seconds=30, **_host(cast))
    session.rollback()
    one = live_rounds.reveal(session=session, number=1, **_host(cast))
    session.commit()
    assert one.state == "revealed"
    with pytest.raises(ValidationError, match="already played"):
        live_rounds.start_round(session=session, number=1, **_host(cast))
    session.rollback()
    assert start(session, cast, 2).state == "running"


def test_a_round_cannot_start_before_the_lobby_opens(session):
    cast = make_cast(session)
    cast.live.state = "scheduled"
    session.add(cast.live)
    session.commit()
    with pytest.raises(ValidationError, match="Open the lobby first"):
        live_rounds.start_round(session=session, number=1, **_host(cast))


def test_entries_are_taken_until_time_is_up_then_refused_with_the_closing_time(session):
    cast = make_cast(session)
    one = round_of(session, cast.live, 1)
    session.rollback()
    with pytest.raises(ValidationError, match="Round 1 has not started yet"):
        submit(session, cast.ada, one, "Too early.")
    session.rollback()
    one = start(session, cast, 1)
    entry = submit(session, cast.ada, one, "Rain writes on every window.")
    assert entry.text == "Rain writes on every window."
    time_is_up(session, one)
    with pytest.raises(ValidationError) as refused:
        submit(session, cast.bob, one, "Just in time?")
    session.rollback()
    assert str(refused.value) == (f"Time is up: entries closed at {one.ends_at:%H:%M:%S} UTC.")
    # Extending reopens entries from now.
    one = live_rounds.extend_round(session=session, number=1, seconds=20, **_host(cast))
    session.commit()
    assert submit(session, cast.bob, one, "Made it after all.").text == "Made it after all."
    one = end(session, cast, 1)
    with pytest.raises(ValidationError, match="closed: it takes no more entries"):
        submit(session, cast.cyd, one, "Late.")


def test_a_double_submit_makes_one_entry_and_a_second_submit_revises_it(session):
    cast = make_cast(session)
    one = start(session, cast, 1)
    first = submit(session, cast.ada, one, "Rain on the roof.")
    again = submit(session, cast.ada, one, "Rain on the roof.")
    assert again.id == first.id and again.updated_at is None  # the same click twice: no change
    revised = submit(session, cast.ada, one, "Rain on the tin roof.")
    assert revised.id == first.id and revised.text == "Rain on the tin roof."
    count = select(func.count()).select_from(LiveEntry).where(LiveEntry.round_id == one.id)
    assert session.exec(count).one() == 1
    view = live_views.session_view(session=session, session_id=cast.live.id, viewer_id=cast.ada.id)
    assert view.my_entry is not None and view.my_entry.text == "Rain on the tin roof."


def test_text_entries_are_checked_like_records(session):
    cast = make_cast(session)
    one = start(session, cast, 1)
    with pytest.raises(ValidationError, match="Your entry is required"):
        submit(session, cast.ada, one, "   ")
    session.rollback()
    with pytest.raises(ValidationError, match=f"at most {LIVE_ENTRY_MAX} characters"):
        submit(session, cast.ada, one, "x" * (LIVE_ENTRY_MAX + 1))
    session.rollback()
    with pytest.raises(ValidationError, match="takes text, not an image"):
        submit(session, cast.ada, one, "", image=png())


def test_image_entries_go_through_the_record_upload_checks(session):
    cast = make_cast(session)
    for number in (1, 2):
        start(session, cast, number)
        end(session, cast, number)
        live_rounds.reveal(session=session, number=number, **_host(cast))
        session.commit()
    three = start(session, cast, 3)
    with pytest.raises(ValidationError, match="Choose the image"):
        submit(session, cast.ada, three, "A caption alone")
    session.rollback()
    with pytest.raises(UploadError, match="not a PNG, JPEG, WebP or GIF"):
        submit(session, cast.ada, three, "", image=b"GIF89a but not really")
    session.rollback()
    entry = submit(session, cast.ada, three, "The lamp at dusk", image=png())
    assert entry.file_path.startswith("records/") and entry.thumbnail_path
    assert (settings.upload_dir / entry.file_path).exists()
    old = entry.file_path
    entry = submit(session, cast.ada, three, "The lamp at dusk", image=png())
    assert entry.file_path != old
    assert not (settings.upload_dir / old).exists(), "the replaced picture is removed"


def test_votes_one_each_never_ones_own_changeable_until_the_reveal(session):
    cast = make_cast(session)
    one = start(session, cast, 1)
    ada = submit(session, cast.ada, one, "Ada's six words about the rain.")
    bob = submit(session, cast.bob, one, "Bob's six words about the rain.")
    with pytest.raises(ValidationError, match="opens when its entries close"):
        live_entries.cast_vote(session=session, user_id=cast.cyd.id, entry_id=ada.id)
    session.rollback()
    end(session, cast, 1)
    with pytest.raises(ValidationError, match="not your own"):
        live_entries.cast_vote(session=session, user_id=cast.ada.id, entry_id=ada.id)
    session.rollback()
    live_entries.cast_vote(session=session, user_id=cast.ada.id, entry_id=bob.id)
    live_entries.cast_vote(session=session, user_id=cast.cyd.id, entry_id=ada.id)
    session.commit()
    changed = live_entries.cast_vote(session=session, user_id=cast.cyd.id, entry_id=bob.id)
    session.commit()
    assert changed.entry_id == bob.id
    view = live_views.session_view(session=session, session_id=cast.live.id, viewer_id=cast.cyd.id)
    assert view.my_vote == bob.id
    assert view.tally.votes == 2 and [(r.entry_id, r.votes) for r in view.tally.rows] == [
        (bob.id, 2)
    ]
    # A host outside the session does not vote.
    with pytest.raises(Exception, match="Join the session first"):
        live_entries.cast_vote(session=session, user_id=cast.host.id, entry_id=bob.id)
    session.rollback()
    live_rounds.reveal(session=session, number=1, **_host(cast))
    session.commit()
    with pytest.raises(ValidationError, match="vote on round 1 is over"):
        live_entries.cast_vote(session=session, user_id=cast.cyd.id, entry_id=ada.id)
    session.rollback()
    view = live_views.session_view(session=session, session_id=cast.live.id, viewer_id=None)
    assert view.tally.revealed and view.tally.winner_ids == [bob.id]


def test_a_hidden_tally_shows_only_the_number_of_votes_until_the_reveal(session):
    cast = make_cast(session)
    live_rounds.set_tally_hidden(session=session, number=1, hidden=True, **_host(cast))
    session.commit()
    one = start(session, cast, 1)
    ada = submit(session, cast.ada, one, "Ada's six words about the rain.")
    end(session, cast, 1)
    live_entries.cast_vote(session=session, user_id=cast.bob.id, entry_id=ada.id)
    session.commit()
    public = live_views.session_view(
        session=session, session_id=cast.live.id, viewer_id=cast.bob.id
    )
    assert public.tally.votes == 1 and public.tally.rows == [] and not public.tally.visible
    host = live_views.session_view(session=session, session_id=cast.live.id, viewer_id=cast.host.id)
    assert [(r.entry_id, r.votes) for r in host.tally.rows] == [(ada.id, 1)]
    live_rounds.reveal(session=session, number=1, **_host(cast))
    session.commit()
    public = live_views.session_view(
        session=session, session_id=cast.live.id, viewer_id=cast.bob.id
    )
    assert public.tally.visible and public.tally.winner_ids == [ada.id]


def test_spotlight_hide_and_the_view_a_reconnecting_participant_gets(session):
    cast = make_cast(session)
    one = start(session, cast, 1)
    ada = submit(session, cast.ada, one, "Ada's six words about the rain.")
    bob = submit(session, cast.bob, one, "Bob's six words about the rain.")
    live_moderation.spotlight(session=session, entry_id=ada.id, **_host(cast))
    session.commit()
    # A reload: back in the round, with the server's end time and clock, and one's own entry.
    view = live_views.session_view(session=session, session_id=cast.live.id, viewer_id=cast.bob.id)
    assert view.current.number == 1 and view.current.state == "running"
    assert view.current.ends_at == one.ends_at.isoformat()
    assert datetime.fromisoformat(view.server_now) < datetime.fromisoformat(view.current.ends_at)
    assert view.my_entry.id == bob.id and view.spotlight.id == ada.id
    assert [e.id for e in view.entries] == [ada.id, bob.id]
    # Hiding the spotlit entry turns the spotlight off and takes it out of every list.
    live_moderation.hide_entry(session=session, entry_id=ada.id, **_host(cast))
    session.commit()
    view = live_views.session_view(session=session, session_id=cast.live.id, viewer_id=cast.cyd.id)
    assert view.spotlight is None and [e.id for e in view.entries] == [bob.id]
    with pytest.raises(ValidationError, match="already hidden"):
        live_moderation.hide_entry(session=session, entry_id=ada.id, **_host(cast))
    session.rollback()
    with pytest.raises(ValidationError, match="hid your entry"):
        submit(session, cast.ada, one, "Let me back in.")
    session.rollback()
    end(session, cast, 1)
    with pytest.raises(ValidationError, match="hid that entry"):
        live_entries.cast_vote(session=session, user_id=cast.cyd.id, entry_id=ada.id)


def test_only_a_spotlit_entry_can_be_answered(session):
    cast = make_cast(session)
    one = start(session, cast, 1)
    ada = submit(session, cast.ada, one, "Ada's six words about the rain.")
    bob = submit(session, cast.bob, one, "Bob's six words about the rain.")
    end(session, cast, 1)
    live_moderation.spotlight(session=session, entry_id=ada.id, **_host(cast))
    session.commit()
    live_rounds.reveal(session=session, number=1, **_host(cast))
    session.commit()
    two = start(session, cast, 2)
    with pytest.raises(ValidationError, match="only an entry the host spotlighted"):
        submit(session, cast.cyd, two, "An answer.", answers_entry_id=bob.id)
    session.rollback()
    answer = submit(session, cast.cyd, two, "The rain answers back.", answers_entry_id=ada.id)
    assert answer.answers_entry_id == ada.id


@pytest.mark.parametrize("hidden", ["false", "true", 0, 1, None])
def test_hiding_a_tally_takes_a_real_yes_or_no(session, hidden):
    """A browser's "false" is text, and truthy: it must not hide the tally."""
    cast = make_cast(session)
    with pytest.raises(ValidationError, match="shown live or hidden"):
        live_rounds.set_tally_hidden(session=session, number=1, hidden=hidden, **_host(cast))
    session.rollback()
    assert not round_of(session, cast.live, 1).tally_hidden
