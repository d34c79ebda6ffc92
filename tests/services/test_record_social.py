"""Hearts and comments on records."""

import pytest

from hitrec_app.services import notifications, record_social
from hitrec_app.services.errors import ValidationError
from tests.factories import make_user, text_record


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def test_one_heart_per_user_and_unheart(session):
    ada = make_user(session, "ada")
    bo = make_user(session, "bob")
    rec = text_record(session, ada)
    assert record_social.set_heart(session=session, user_id=bo.id, record_id=rec.id, on=True) == 1
    assert record_social.set_heart(session=session, user_id=bo.id, record_id=rec.id, on=True) == 1
    assert record_social.set_heart(session=session, user_id=ada.id, record_id=rec.id, on=True) == 2
    assert record_social.set_heart(session=session, user_id=bo.id, record_id=rec.id, on=False) == 1
    assert not record_social.has_hearted(session=session, user_id=bo.id, record_id=rec.id)


def test_comments_notify_authors_but_not_the_commenter(session):
    ada = make_user(session, "ada")
    bo = make_user(session, "bob")
    rec = text_record(session, ada)
    record_social.add_comment(session=session, user_id=bo.id, record_id=rec.id, body="Lovely")
    record_social.add_comment(session=session, user_id=ada.id, record_id=rec.id, body="Thanks")
    assert [c.body for c in record_social.list_comments(session=session, record_id=rec.id)] == [
        "Lovely",
        "Thanks",
    ]
    assert [n.kind for n in notifications.list_notifications(session=session, user_id=ada.id)] == [
        "record.commented"
    ]
    assert notifications.list_notifications(session=session, user_id=bo.id) == []
    with pytest.raises(ValidationError, match="Comment is required"):
        record_social.add_comment(session=session, user_id=bo.id, record_id=rec.id, body=" ")


def test_comments_page_shows_the_newest_and_pages_back_on_request(session):
    ada = make_user(session, "ada")
    rec = text_record(session, ada)
    for n in range(205):
        record_social.add_comment(session=session, user_id=ada.id, record_id=rec.id, body=f"c{n}")
    newest = record_social.comments_page(session=session, record_id=rec.id, limit=50)
    assert [c.body for c in newest.items] == [f"c{n}" for n in range(155, 205)]
    assert newest.more
    older = record_social.comments_page(
        session=session, record_id=rec.id, limit=50, before_id=newest.items[0].id
    )
    assert [c.body for c in older.items] == [f"c{n}" for n in range(105, 155)]
    assert newest.previous_id == older.items[-1].id
    last = record_social.comments_page(
        session=session, record_id=rec.id, limit=200, before_id=older.items[0].id
    )
    assert [c.body for c in last.items] == [f"c{n}" for n in range(105)]
    assert not last.more
    assert last.previous_id == 0
    between = record_social.comments_between(
        session=session,
        record_id=rec.id,
        after_id=older.items[9].id,
        before_id=newest.items[0].id,
        limit=30,
    )
    assert [c.body for c in between] == [f"c{n}" for n in range(115, 145)]
    # Past 200 comments the newest still show (they used to be cut off).
    assert record_social.list_comments(session=session, record_id=rec.id)[-1].body == "c204"
