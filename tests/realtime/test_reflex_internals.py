"""Pins every Reflex internal the broadcast path uses: if one of these fails after a Reflex
upgrade, read hitrec_app/realtime/reflex_internals.py again against the new Reflex."""

import asyncio
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


# --- presence: who is connected, the disconnect hook, the socket heartbeat ---------------------


def _manager_namespace():
    from socketio import AsyncServer

    server = AsyncServer(async_mode="asgi")
    return server.manager, SimpleNamespace(namespace="/_event", server=server)


def test_is_open_while_connecting_and_connected_not_once_disconnecting():
    import asyncio

    manager, namespace = _manager_namespace()

    async def lifecycle() -> None:
        # Inside the connect handler (where Reflex enqueues the page's hydrate and on_load).
        sid = await manager.pre_connect("eio-1", "/_event")
        assert internals.is_open(namespace, sid)
        await manager.connect(sid, "/_event")
        assert internals.is_open(namespace, sid)
        manager.pre_disconnect(sid, "/_event")  # python-socketio does this before the handler
        assert not internals.is_open(namespace, sid)
        await manager.disconnect(sid, "/_event", ignore_queue=True)
        assert not internals.is_open(namespace, sid)
        assert not internals.is_open(namespace, "never-seen")

    asyncio.run(lifecycle())


def test_reflexs_disconnect_handler_is_a_plain_method_taking_the_sid():
    assert not inspect.iscoroutinefunction(EventNamespace.on_disconnect)
    assert list(inspect.signature(EventNamespace.on_disconnect).parameters) == ["self", "sid"]
    # python-socketio finds a namespace's handler by name on the instance.
    source = inspect.getsource(AsyncNamespace.trigger_event)
    assert "handler_name = 'on_' + (event or '')" in source
    assert "getattr(self, handler_name)" in source


class _ReflexLikeNamespace(AsyncNamespace):
    def __init__(self):
        super().__init__("/_event")
        self.cleaned: list[str] = []

    def on_disconnect(self, sid):  # as EventNamespace.on_disconnect(sid)
        self.cleaned.append(sid)


def test_on_disconnect_runs_after_reflexs_clean_up_through_python_socketios_dispatch():
    import asyncio

    namespace = _ReflexLikeNamespace()
    seen: list[str] = []
    internals.on_disconnect(namespace, lambda sid: 1 / 0)  # a failing callback is logged only
    internals.on_disconnect(namespace, seen.append)
    # python-socketio passes a reason; a handler without one is called again without it.
    asyncio.run(namespace.trigger_event("disconnect", "sid-1", "transport close"))
    assert namespace.cleaned == ["sid-1"]
    assert set(seen) == {"sid-1"}  # once or twice (callbacks are idempotent), never missed


def test_socket_heartbeat_comes_from_reflexs_environment_which_rxconfig_sets():
    from datetime import timedelta

    from reflex_base.environment import environment

    import rxconfig  # noqa: F401  (sets the heartbeat defaults)
    from hitrec_app.vocabulary import (
        PRESENCE_GONE_WITHIN,
        PRESENCE_TICK_SECONDS,
        SOCKET_PING_INTERVAL,
        SOCKET_PING_TIMEOUT,
    )

    source = inspect.getsource(App._setup_state)
    assert "ping_interval=environment.REFLEX_SOCKET_INTERVAL.get().total_seconds()" in source
    assert "ping_timeout=environment.REFLEX_SOCKET_TIMEOUT.get().total_seconds()" in source
    assert environment.REFLEX_SOCKET_INTERVAL.get() == timedelta(seconds=SOCKET_PING_INTERVAL)
    assert environment.REFLEX_SOCKET_TIMEOUT.get() == timedelta(seconds=SOCKET_PING_TIMEOUT)
    assert SOCKET_PING_INTERVAL + SOCKET_PING_TIMEOUT + PRESENCE_TICK_SECONDS < PRESENCE_GONE_WITHIN
    # engine.io closes a websocket that sends nothing for ping_interval + ping_timeout, and
    # keeps both on its server object (where `socket_ping` reads them).
    from engineio.async_socket import AsyncSocket

    handler = inspect.getsource(AsyncSocket._websocket_handler)
    assert "self.server.ping_interval + self.server.ping_timeout)" in handler
    from socketio import AsyncServer

    sio = AsyncServer(async_mode="asgi", ping_interval=7, ping_timeout=3)
    assert internals.socket_ping(SimpleNamespace(sio=sio)) == (7.0, 3.0)  # type: ignore[arg-type]


def test_python_socketio_fan_out_is_what_fanoutmanager_copies():
    """`cluster.FanOutManager.emit` does what python-socketio's `AsyncManager.emit` does for a
    message without callbacks (encode once, one engine.io MESSAGE packet per part, hand it to
    `server._send_eio_packet` per participant) minus the task per recipient, which is safe
    because an engine.io socket's `send` only queues the packet."""
    from engineio.async_socket import AsyncSocket
    from socketio.async_manager import AsyncManager as StockManager
    from socketio.async_pubsub_manager import AsyncPubSubManager
    from socketio.async_server import AsyncServer as StockServer

    emit = inspect.getsource(StockManager.emit)
    assert "pkt = self.server.packet_class(" in emit
    assert "packet.EVENT, namespace=namespace, data=[event] + data)" in emit
    assert "eio_pkt = [eio_packet.Packet(eio_packet.MESSAGE, p)" in emit
    assert "for sid, eio_sid in self.get_participants(namespace, room):" in emit
    assert "self.server._send_eio_packet(eio_sid, p)" in emit
    assert "await self.eio.send_packet(eio_sid, eio_pkt)" in inspect.getsource(
        StockServer._send_eio_packet
    )
    send = inspect.getsource(AsyncSocket.send)
    assert "await self.queue.put(pkt)" in send
    # ... on an unbounded asyncio queue (maxsize 0: `put` never waits).
    from engineio.async_server import AsyncServer as EngineServer

    assert "self.queue = self.server.create_queue()" in inspect.getsource(
        inspect.getmodule(AsyncSocket).AsyncSocket.__mro__[1].__init__
    )
    queue = EngineServer(async_mode="asgi").create_queue()
    assert isinstance(queue, asyncio.Queue) and queue.maxsize == 0
    handle = inspect.getsource(AsyncPubSubManager._handle_emit)
    assert "await super().emit(message['event'], data," in handle


def test_an_events_page_is_the_route_key_reflex_registered_its_on_load_under():
    """`EventNamespace.on_event` rewrites the event's path to the route the app's router
    matched ("404" if none), `App.add_page` keys on_load by `format_route(route)`, and
    `App.get_load_events` looks on_load up by the same match."""
    from reflex.utils import format

    source = inspect.getsource(EventNamespace.on_event)
    assert 'router_data[constants.RouteVar.PATH] = "/" + (' in source
    assert 'self.app.router(path) or "404"' in source
    assert "self._load_events[page.route]" in inspect.getsource(App._commit_page)
    assert "self._load_events.get(" in inspect.getsource(App.get_load_events)
    assert [format.format_route(r) for r in ("/", "/challenges/[id]", "/404")] == [
        "index",
        "challenges/[id]",
        "404",
    ]
    state = SimpleNamespace(
        router=RouterData.from_router_data({"pathname": "/challenges/[id]", "asPath": "/c/3"})
    )
    assert internals.page_route(state) == "challenges/[id]"  # type: ignore[arg-type]
