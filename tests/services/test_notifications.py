"""Notification kinds and who may mark a notification read."""

import pytest

from hitrec_app.models import Notification
from hitrec_app.services import notifications
from tests.factories import make_user


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def test_notification_kinds_must_be_registered_and_can_be_added(session):
    user = make_user(session, "ada")
    with pytest.raises(ValueError, match="unregistered"):
        notifications.notify(session=session, user_id=user.id, kind="nope", message="x")
    notifications.register_kind("test.kind", "Test")
    notifications.notify(session=session, user_id=user.id, kind="test.kind", message="hello")
    assert notifications.list_notifications(session=session, user_id=user.id)[0].label == "Test"


def test_marking_someone_elses_notification_is_refused(session):
    ada = make_user(session, "ada")
    bo = make_user(session, "bob")
    note = notifications.notify(
        session=session, user_id=ada.id, kind=notifications.REMIXED, message="x"
    )
    with pytest.raises(Exception, match="does not exist"):
        notifications.mark_read(session=session, user_id=bo.id, notification_id=note.id)
    assert session.get(Notification, note.id).read_at is None
