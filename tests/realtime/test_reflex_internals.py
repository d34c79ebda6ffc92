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


def test_reflex_builds_its_socketio_server_with_the_default_manager_at_app_creation():
    """`use_client_manager` swaps the manager right after `rx.App(...)`: Reflex must still build
    `App.sio` in `_setup_state` (called from `__post_init__`) only when none was given, with
    python-socketio's default manager and Reflex's JSON, and python-socketio must still take
    the manager in `__init__` and initialise it on the first connection."""
    from socketio import AsyncServer
    from socketio.async_pubsub_manager import AsyncPubSubManager
    from socketio.base_server import BaseServer

    assert "sio" in {f.name for f in dataclasses.fields(App)}
    setup = inspect.getsource(App._setup_state)
    assert "if not self.sio:" in setup
    assert "self.sio = AsyncServer(" in setup
    assert "client_manager" not in setup
    assert "json=SimpleNamespace(" in setup
    assert "self._setup_state()" in inspect.getsource(App._enable_state)
    assert "self._enable_state()" in inspect.getsource(App.__post_init__)
    assert "self.manager_initialized = False" in inspect.getsource(BaseServer.__init__)
    connect = inspect.getsource(AsyncServer._handle_eio_connect)
    assert "if not self.manager_initialized:" in connect
    assert "self.manager.initialize()" in connect
    # The server passes `ignore_queue` on to the manager, which then skips Redis.
    assert "ignore_queue=ignore_queue" in inspect.getsource(AsyncServer.emit)
    assert "kwargs.get('ignore_queue')" in inspect.getsource(AsyncPubSubManager.emit)


def test_reflex_routes_a_tabs_delta_to_the_worker_holding_its_socket_by_itself():
    """Why `cluster.RoomRedisManager` keeps an emit to one local sid out of Redis: Reflex only
    emits a tab's delta where the tab's socket is, and hands others to its token manager."""
    source = inspect.getsource(EventNamespace.emit_update)
    assert "socket_record.instance_id != self._token_manager.instance_id" in source
    assert "emit_lost_and_found(token, update)" in source


def test_the_client_manager_is_swapped_before_use_and_started_once():
    from socketio import AsyncManager, AsyncServer

    server = AsyncServer(async_mode="asgi")
    app = SimpleNamespace(sio=server)
    manager = AsyncManager()
    internals.use_client_manager(app, manager)  # type: ignore[arg-type]
    assert server.manager is manager
    assert manager.server is server
    internals.start_client_manager(app)  # type: ignore[arg-type]
    assert server.manager_initialized
    with pytest.raises(RuntimeError, match="already in use"):
        internals.use_client_manager(app, AsyncManager())  # type: ignore[arg-type]
