"""The live views on the broadcast path: what each join subscribes to and what each room
change emits (one message to the room, only the changed vars), with a fake namespace."""

from __future__ import annotations

import asyncio
import functools
import json

import pytest
from sqlmodel import Session

from hitrec_app.db import session_scope
from hitrec_app.realtime import broadcast
from hitrec_app.realtime import reflex_internals as internals
from hitrec_app.services import notifications
from hitrec_app.services.events import RoomEvent
from hitrec_app.state import activity as activity_state
from hitrec_app.state import base as base_state
from hitrec_app.state import challenges as challenge_state
from hitrec_app.state import notifications as notification_state
from hitrec_app.tasks import challenge_expiry
from hitrec_app.vocabulary import ACTIVITY_ROOM, BOARD_ROOM, EventKind, inbox_room
from tests.factories import make_user, open_challenge
from tests.realtime.test_broadcast import FakeNamespace
from tests.state.test_handler_args import _signed_in


@pytest.fixture
def namespace(monkeypatch):
    fake = FakeNamespace()
    monkeypatch.setattr(broadcast, "_namespace", lambda: fake)
    return fake


@pytest.fixture
def live_db(monkeypatch, db_url):
    scoped = functools.partial(session_scope, url=db_url)
    for module in (
        base_state,
        notification_state,
        activity_state,
        challenge_state,
        challenge_expiry,
    ):
        monkeypatch.setattr(module, "session_scope", scoped)
    return db_url


def run(coro):
    return asyncio.run(coro)


def _with_sid(monkeypatch, sid: str) -> None:
    monkeypatch.setattr(internals, "socket_sid", lambda _state: sid)


def _delta(payload: str, state_cls) -> dict:
    return json.loads(payload)["delta"][internals.delta_key(state_cls)]


def _notify(session: Session, user_id: int) -> None:
    notifications.notify(
        session=session, user_id=user_id, kind=notifications.COMMENTED, message="Hi", link="/"
    )
    session.commit()


# --- the inbox bell ----------------------------------------------------------------------------


def test_inbox_join_subscribes_the_tab_to_its_own_users_inbox_only(
    live_db, session, namespace, monkeypatch
):
    maya, jules = make_user(session, "maya"), make_user(session, "jules")
    session.commit()
    _notify(session, maya.id)
    _notify(session, maya.id)
    _notify(session, jules.id)
    state = _signed_in(session, maya, notification_state.InboxLive)
    _with_sid(monkeypatch, "tab1")
    run(notification_state.InboxLive.join.fn(state))
    assert state.unread == 2
    assert namespace.rooms("tab1") == [inbox_room(maya.id), "tab1"]
    assert namespace.emits == []  # joining costs the others nothing


def test_inbox_join_signed_out_leaves_the_inbox_and_shows_nothing(
    live_db, session, namespace, monkeypatch
):
    maya = make_user(session, "maya")
    session.commit()
    _notify(session, maya.id)
    state = _signed_in(session, maya, notification_state.InboxLive)
    _with_sid(monkeypatch, "tab1")
    run(notification_state.InboxLive.join.fn(state))
    root = state.parent_state
    assert root is not None
    auth = root.get_substate(base_state.AuthState.get_full_name().split(".")[1:])
    auth.session_token = ""  # signed out in this tab
    run(notification_state.InboxLive.join.fn(state))
    assert state.unread == 0
    assert namespace.rooms("tab1") == ["tab1"]


def test_a_new_notification_is_one_message_to_that_users_inbox(live_db, session, namespace):
    maya = make_user(session, "maya")
    session.commit()
    _notify(session, maya.id)
    event = RoomEvent(
        room=inbox_room(maya.id), kind=EventKind.NOTIFICATION_NEW, data={"user_id": maya.id}
    )
    run(notification_state._on_notification(event))
    ((name, payload, to),) = namespace.emits
    assert (name, to) == (internals.EVENT, inbox_room(maya.id))
    assert _delta(payload, notification_state.InboxLive) == {"unread_rx_state_": 1}
    assert "router" not in payload


# --- the home feed -----------------------------------------------------------------------------


def test_feed_join_subscribes_and_snapshots_without_telling_the_others(
    live_db, session, namespace, monkeypatch
):
    make_user(session, "maya")
    session.commit()
    state = _signed_in(session, make_user(session, "jules"), activity_state.ActivityLive)
    _with_sid(monkeypatch, "tab1")
    run(activity_state.ActivityLive.join.fn(state))
    assert sorted(item.text for item in state.items) == [
        "jules joined the studio",
        "maya joined the studio",
    ]
    assert ACTIVITY_ROOM in namespace.rooms("tab1")
    assert namespace.emits == []


def test_a_feed_change_is_one_message_to_the_feed_room(live_db, session, namespace):
    make_user(session, "maya")
    session.commit()
    for n in range(50):
        run(broadcast.subscribe(f"tab{n}", ACTIVITY_ROOM))
    event = RoomEvent(room=ACTIVITY_ROOM, kind=EventKind.USER_JOINED, data={})
    run(activity_state._refresh_activity(event))
    ((_, payload, to),) = namespace.emits
    assert to == ACTIVITY_ROOM
    (items,) = _delta(payload, activity_state.ActivityLive).values()
    assert len(items) == 1 and "joined the studio" in items[0]["text"]


# --- the challenge board -----------------------------------------------------------------------


def test_board_join_subscribes_and_snapshots_without_telling_the_others(
    live_db, session, namespace, monkeypatch
):
    host = make_user(session, "host", role="host")
    open_challenge(session, host, title="Lighthouse")
    session.commit()
    state = _signed_in(session, host, challenge_state.BoardLive)
    _with_sid(monkeypatch, "tab1")
    run(challenge_state.BoardLive.join.fn(state))
    assert [row.title for row in state.items] == ["Lighthouse"]
    assert BOARD_ROOM in namespace.rooms("tab1")
    assert namespace.emits == []


def test_a_board_change_is_one_message_to_the_board_room(live_db, session, namespace):
    host = make_user(session, "host", role="host")
    open_challenge(session, host, title="Lighthouse")
    session.commit()
    for n in range(50):
        run(broadcast.subscribe(f"tab{n}", BOARD_ROOM))
    event = RoomEvent(room=BOARD_ROOM, kind=EventKind.CHALLENGE_OPENED, data={})
    run(challenge_state._on_entries_changed(event))
    ((_, payload, to),) = namespace.emits
    assert to == BOARD_ROOM
    (items,) = _delta(payload, challenge_state.BoardLive).values()
    assert [item["title"] for item in items] == ["Lighthouse"]
