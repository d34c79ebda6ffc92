from hitrec_app.services import events
from tests.factories import make_user


def test_events_are_delivered_only_after_commit(session):
    seen: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        events.publish(session, "activity", "test.thing", {"n": 1})
        assert seen == []
        session.commit()
        assert [(e.room, e.kind, e.data) for e in seen] == [("activity", "test.thing", {"n": 1})]
    finally:
        unsubscribe()


def test_rolled_back_events_are_never_delivered(session):
    seen: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        events.publish(session, "activity", "test.lost")
        session.rollback()
        session.commit()
        assert seen == []
    finally:
        unsubscribe()


def test_sign_up_announces_the_new_member(session):
    seen: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        make_user(session, "newbie")
        assert any(e.kind == "user.joined" and e.data["username"] == "newbie" for e in seen)
    finally:
        unsubscribe()
