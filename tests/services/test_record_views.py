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
