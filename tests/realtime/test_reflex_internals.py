"""Pins every Reflex internal the broadcast path uses: if one of these fails after a Reflex
upgrade, read hitrec_app/realtime/reflex_internals.py again against the new Reflex."""

import dataclasses
import inspect
import json
from importlib.metadata import version
from types import SimpleNamespace

import pytest
from reflex.app import App, EventNamespace
from reflex.istate.data import RouterData, SessionData
from reflex.state import StateUpdate
from socketio import AsyncNamespace

from hitrec_app.realtime import reflex_internals as internals
from hitrec_app.state.records import CommentRow, RecordLive


def test_reflex_version_is_the_one_the_internals_were_read_from():
    assert version("reflex") == internals.REFLEX_VERSION


def test_event_name_and_session_key():
    assert internals.EVENT == "event"
    assert internals.SESSION_ID_KEY == "sid"
    assert {"client_token", "session_id"} <= {f.name for f in dataclasses.fields(SessionData)}


def test_event_namespace_is_a_socketio_namespace_with_rooms():
    assert issubclass(EventNamespace, AsyncNamespace)
    assert "event_namespace" in dir(App)
    for name in ("enter_room", "leave_room", "emit"):
        assert inspect.iscoroutinefunction(getattr(AsyncNamespace, name)), name
    assert list(inspect.signature(AsyncNamespace.emit).parameters)[:4] == [
        "self",
        "event",
        "data",
        "to",
    ]
    assert list(inspect.signature(AsyncNamespace.enter_room).parameters)[:3] == [
        "self",
        "sid",
        "room",
    ]
    assert callable(AsyncNamespace.rooms)
    # Reflex itself emits a StateUpdate to one sid under the same event name.
    source = inspect.getsource(EventNamespace.emit_update)
    assert "self.emit(str(constants.SocketEvent.EVENT), update, to=socket_record.sid)" in source


def test_state_update_shape_and_full_names():
    assert [f.name for f in dataclasses.fields(StateUpdate)] == ["delta", "events", "final"]
    assert internals.delta_key(RecordLive) == (
        "reflex___state____state.hitrec_app___state___records____record_live"
    )
    assert internals.var_key("hearts") == "hearts_rx_state_"


def test_state_update_encodes_only_the_changed_vars():
    row = CommentRow(
        id=1, author_name="Ada", author_username="ada", body="Hi", created_at=_at(), at="now"
    )
    update = internals.state_update(RecordLive, {"comments": [row], "hearts": 3})
    decoded = json.loads(internals.encode(update))
    assert decoded == {
        "delta": {
            internals.delta_key(RecordLive): {
                "comments_rx_state_": [
                    {
                        "id": 1,
                        "author_name": "Ada",
                        "author_username": "ada",
                        "body": "Hi",
                        "created_at": decoded["delta"][internals.delta_key(RecordLive)][
                            "comments_rx_state_"
                        ][0]["created_at"],
                        "at": "now",
                    }
                ],
                "hearts_rx_state_": 3,
            }
        }
    }
    assert "router" not in internals.encode(update)


def test_unknown_vars_are_refused():
    with pytest.raises(ValueError, match="no vars"):
        internals.state_update(RecordLive, {"heart": 1})


def test_socket_sid_comes_from_the_router_session():
    router = RouterData.from_router_data({"sid": "abc", "token": "t"})
    assert router.session.session_id == "abc"
    assert internals.socket_sid(SimpleNamespace(router=router)) == "abc"


def _at():
    from datetime import datetime

    return datetime(2026, 1, 1, 12, 0)
