"""A viewer never sees a change whose transaction rolled back: on the broadcast path, a
service's event reaches the room only after its commit, as one message."""

from __future__ import annotations

import asyncio
import functools

from hitrec_app.db import session_scope
from hitrec_app.realtime import rooms
from hitrec_app.services import events, record_social
from hitrec_app.state import records as record_state
from hitrec_app.vocabulary import record_room
from tests.factories import make_user, text_record
from tests.realtime.test_broadcast import namespace  # noqa: F401  (the fixture)


def test_a_rolled_back_comment_is_never_broadcast_and_a_committed_one_is_once(
    namespace,  # noqa: F811
    session,
    db_url,
    monkeypatch,
):
    monkeypatch.setattr(record_state, "session_scope", functools.partial(session_scope, url=db_url))
    author = make_user(session, "author")
    rec = text_record(session, author, "Tides")
    session.commit()
    delivered: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(delivered.append)
    try:
        record_social.add_comment(
            session=session, user_id=author.id, record_id=rec.id, body="Never happened"
        )
        session.rollback()
        assert delivered == []

        record_social.add_comment(session=session, user_id=author.id, record_id=rec.id, body="Kept")
        assert delivered == []  # not before the commit
        session.commit()
    finally:
        unsubscribe()
    assert [e.kind for e in delivered] == ["comment.created"]

    for event in delivered:
        asyncio.run(rooms._dispatch(event))
    assert len(namespace.emits) == 1
    _event, payload, room = namespace.emits[0]
    assert room == record_room(rec.id)
    assert "Kept" in payload and "Never happened" not in payload
