"""Reading records: a challenge's entries, search."""

import pytest

from hitrec_app.services import challenges, record_social, record_views, records
from hitrec_app.services.errors import ValidationError
from tests.factories import make_user, open_challenge, text_record


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def test_board_sorts_and_filters(session):
    host = make_user(session, "hosty", role="host")
    ada = make_user(session, "ada")
    c = open_challenge(session, host)
    a = text_record(session, ada, "A", challenge=c)
    b = text_record(session, ada, "B", challenge=c)
    cc = text_record(session, ada, "C", challenge=c, sources=[a])
    text_record(session, ada, "D", challenge=c, sources=[a])
    record_social.set_heart(session=session, user_id=host.id, record_id=b.id, on=True)
    session.commit()

    def titles(**kw):
        return [
            r.title
            for r in record_views.challenge_entries(session=session, challenge_id=c.id, **kw).rows
        ]

    assert titles() == ["D", "C", "B", "A"]
    assert titles(sort="hearts")[0] == "B"
    assert titles(sort="remixes")[0] == "A"
    assert titles(never_remixed=True) == ["D", "C", "B"]
    assert titles(kind="image") == []
    page = record_views.challenge_entries(session=session, challenge_id=c.id, per_page=3, page=2)
    assert (page.total, page.pages, [r.title for r in page.rows]) == (4, 2, ["A"])
    records.withdraw_record(session=session, user_id=ada.id, record_id=cc.id)
    session.commit()
    assert "C" not in titles()
    with pytest.raises(ValidationError):
        record_views.challenge_entries(session=session, challenge_id=c.id, sort="evil; drop")
    assert challenges.board(session=session)[0].entry_count == 3


def test_the_live_window_is_the_newest_entries_still_up_and_the_one_before_them(session):
    host = make_user(session, "hosty", role="host")
    ada = make_user(session, "ada")
    c, other = open_challenge(session, host), open_challenge(session, host, title="Sea")
    assert record_views.live_entries(session=session, challenge_id=c.id, limit=2) == (
        record_views.LiveEntries(rows=[], previous_id=0)
    )
    a, b, cc, d = (text_record(session, ada, t, challenge=c) for t in "ABCD")
    text_record(session, ada, "Elsewhere", challenge=other)
    records.withdraw_record(session=session, user_id=ada.id, record_id=cc.id)
    session.commit()
    live = record_views.live_entries(session=session, challenge_id=c.id, limit=2)
    assert ([r.title for r in live.rows], live.previous_id) == (["D", "B"], a.id)
    live = record_views.live_entries(session=session, challenge_id=c.id, limit=3)
    assert ([r.title for r in live.rows], live.previous_id) == (["D", "B", "A"], 0)
    # The page a viewer loads names the newest entry it was read against (withdrawn or not).
    page = record_views.challenge_entries(session=session, challenge_id=c.id)
    assert page.newest_id == d.id
    assert record_views.challenge_entries(session=session, challenge_id=b.id + 999).newest_id == 0


def test_taken_down_entries_are_remembered_deleted_or_withdrawn_newest_first(session):
    host = make_user(session, "hosty", role="host")
    ada = make_user(session, "ada")
    c = open_challenge(session, host)
    source, kept, gone = (text_record(session, ada, t, challenge=c) for t in ("S", "K", "G"))
    text_record(session, host, "Built on S", sources=[source])
    text_record(session, ada, "Standalone")
    session.commit()
    assert records.withdraw_record(session=session, user_id=ada.id, record_id=gone.id) == "deleted"
    assert records.withdraw_record(session=session, user_id=ada.id, record_id=source.id) == (
        "withdrawn"
    )
    session.commit()
    assert record_views.removed_entries(session=session, challenge_id=c.id, limit=5) == [
        source.id,
        gone.id,
    ]
    assert record_views.removed_entries(session=session, challenge_id=c.id, limit=1) == [source.id]
    assert kept.id not in record_views.removed_entries(session=session, challenge_id=c.id, limit=5)


def test_edited_titles_are_the_latest_edits_of_entries_still_up(session):
    host = make_user(session, "hosty", role="host")
    ada = make_user(session, "ada")
    c = open_challenge(session, host)
    a, b, _ = (text_record(session, ada, t, challenge=c) for t in ("A", "B", "C"))
    session.commit()
    assert record_views.edited_titles(session=session, challenge_id=c.id, limit=5) == {}
    for record, title in ((a, "A, again"), (b, "B, again")):
        records.update_record(
            session=session,
            user_id=ada.id,
            record_id=record.id,
            title=title,
            description="",
            tags="",
        )
        session.commit()
    assert record_views.edited_titles(session=session, challenge_id=c.id, limit=5) == {
        a.id: "A, again",
        b.id: "B, again",
    }
    assert list(record_views.edited_titles(session=session, challenge_id=c.id, limit=5)) == [
        b.id,
        a.id,
    ]
    assert record_views.edited_titles(session=session, challenge_id=c.id, limit=1) == {
        b.id: "B, again"
    }


def test_search_by_title_and_tag(session):
    ada = make_user(session, "ada")
    text_record(session, ada, "The keeper's log", tags="lighthouse,story")
    text_record(session, ada, "Rain notes", tags="rain")
    text_record(session, ada, "100% pure", tags="")

    def found(q):
        return sorted(r.title for r in record_views.search_records(session=session, query=q))

    assert found("KEEPER") == ["The keeper's log"]
    assert found("lighthouse") == ["The keeper's log"]
    assert found("#rain") == ["Rain notes"]
    assert found("%") == ["100% pure"]
    assert found("") == []
