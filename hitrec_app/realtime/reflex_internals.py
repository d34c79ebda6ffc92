"""Every Reflex internal the broadcast path relies on, in one place.

Reflex has no public API to send one delta to many clients, so the broadcast path
(`hitrec_app.realtime.broadcast`) speaks Reflex's own wire protocol. Each item below names
the internal it uses; tests/realtime/test_reflex_internals.py pins them, so a Reflex upgrade
that changes any of them fails the unit suite instead of silently breaking live pages.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.state import BaseState, StateUpdate
from reflex.utils import format
from reflex_base.constants.event import SocketEvent
from reflex_base.constants.route import RouteVar
from reflex_base.constants.state import FIELD_MARKER

log = logging.getLogger(__name__)

REFLEX_VERSION = "0.10.1"
"""The Reflex version these internals were read from (a test compares it with the installed one)."""

EVENT = str(SocketEvent.EVENT)
"""The socket.io event name under which the frontend receives a `StateUpdate` ("event")."""

SESSION_ID_KEY = str(RouteVar.SESSION_ID)
"""The router-data key holding the client's socket.io sid (`state.router.session.session_id`)."""


def event_namespace(app: rx.App) -> Any:
    """`App.event_namespace`: Reflex's python-socketio `AsyncNamespace` ("/_event") that every
    browser tab is connected to; it offers `enter_room`, `leave_room`, `rooms` and `emit`."""
    namespace = app.event_namespace
    if namespace is None:
        raise RuntimeError("the app has no event namespace yet (the backend is not running)")
    return namespace


def socket_sid(state: BaseState) -> str:
    """The socket.io sid of the tab whose event `state` is handling, from the router session
    (`RouterData.session.session_id`, filled from router data key `SESSION_ID_KEY`)."""
    return state.router.session.session_id


def page_route(state: BaseState) -> str:
    """The page whose event `state` is handling, as the route key Reflex registered its
    on_load under (`format.format_route(route)`, e.g. "challenges/[id]", "index", "404"):
    `EventNamespace.on_event` rewrites the event's router-data path to "/" + the route the
    app's router matched the URL to (`App.router(path)`, "404" if none), which the state
    reads back as `router.route_id`."""
    return state.router.route_id.removeprefix("/")


def delta_key(state_cls: type[BaseState]) -> str:
    """The key of a state's vars in a delta: `BaseState.get_full_name()`
    (e.g. "reflex___state____state.hitrec_app___state___records____record_live")."""
    return state_cls.get_full_name()


def var_key(name: str) -> str:
    """The key of one var inside a state's delta: the var name + `FIELD_MARKER` ("_rx_state_")."""
    return name + FIELD_MARKER


def state_update(state_cls: type[BaseState], changes: dict[str, Any]) -> StateUpdate:
    """A `StateUpdate` (what `EventNamespace.emit_update` sends) setting `changes` on
    `state_cls` in the browser: `{delta_key: {var_key(name): value}}`, nothing else (no router
    data). Unknown var names are refused: the frontend would silently ignore them."""
    fields = state_cls.get_fields()
    unknown = [name for name in changes if name not in fields]
    if unknown:
        raise ValueError(f"{state_cls.__name__} has no vars {unknown}")
    return StateUpdate(
        delta={delta_key(state_cls): {var_key(name): value for name, value in changes.items()}}
    )


def encode(update: StateUpdate) -> str:
    """The JSON the socket.io server writes for `update`: Reflex's `format.json_dumps` (the
    `json=` its AsyncServer is built with) with Reflex's serializers (dataclasses, datetimes)."""
    return format.json_dumps(update)


def use_client_manager(app: rx.App, manager: Any) -> None:
    """Make `manager` (a python-socketio `AsyncManager`, e.g. an `AsyncRedisManager`) the
    client manager of Reflex's socket.io server. `App.sio` is the `AsyncServer` that Reflex
    builds in `App.__post_init__` (its `_setup_state`) with python-socketio's default
    in-memory manager and `json=` Reflex's serializer; `AsyncServer.__init__` only does
    `self.manager = client_manager; client_manager.set_server(self)` with it, and the manager
    is first used (`initialize()`) when the first client connects. So swapping it right after
    `rx.App(...)`, before the server runs, is the same as building the server with it."""
    server = app.sio
    if server is None:
        raise RuntimeError("the app has no socket.io server (state is disabled)")
    if server.manager_initialized or server.manager.rooms:
        raise RuntimeError("the socket.io server is already in use; swap its manager earlier")
    server.manager = manager
    manager.set_server(server)


def start_client_manager(app: rx.App) -> None:
    """Initialise the socket.io server's client manager now (a Redis manager starts listening
    on its channel) instead of on the first client's connection, as python-socketio's
    `AsyncServer._handle_eio_connect` would (`manager_initialized` guards it)."""
    server = app.sio
    if server is None or server.manager_initialized:
        return
    server.manager_initialized = True
    server.manager.initialize()


def is_open(namespace: Any, sid: str) -> bool:
    """Whether the socket `sid` is connected, or still connecting, to `namespace` on this
    worker (False once its disconnect has begun): python-socketio's manager
    `is_connected(sid, ns)` or `is_pre_connected(sid, ns)` (a handler enqueued by the
    connect handler, e.g. Reflex's hydrate, may run before the connection completes)."""
    manager, name = namespace.server.manager, namespace.namespace
    return bool(manager.is_connected(sid, name) or manager.is_pre_connected(sid, name))


_DISCONNECT_CALLBACKS = "_hitrec_disconnect_callbacks"


def on_disconnect(namespace: Any, callback: Callable[[str], None]) -> None:
    """Call `callback(sid)` whenever a socket of `namespace` disconnects: a closed tab, or a
    socket engine.io closed because it stopped answering pings.

    python-socketio dispatches "disconnect" by looking `on_disconnect` up on the namespace
    instance (`AsyncNamespace.trigger_event`), and Reflex's `EventNamespace.on_disconnect(sid)`
    is a plain (not async) method, so this wraps it on the instance: Reflex's clean-up runs
    first, then the callbacks (each one's failure logged, never raised into Reflex). The
    callbacks must be idempotent: python-socketio calls a handler again without the reason
    argument if the first call raises TypeError. Registering twice adds a second callback
    only; the method is wrapped once."""
    callbacks: list[Callable[[str], None]] | None = namespace.__dict__.get(_DISCONNECT_CALLBACKS)
    if callbacks is not None:
        callbacks.append(callback)
        return
    original = namespace.on_disconnect
    if inspect.iscoroutinefunction(original):
        raise TypeError("the namespace's on_disconnect is async now: read reflex_internals again")
    callbacks = [callback]

    def wrapped(sid: str, *args: Any) -> Any:
        try:
            return original(sid, *args)
        finally:
            for notify in callbacks:
                try:
                    notify(sid)
                except Exception:
                    log.exception("a disconnect callback failed for %s", sid)

    setattr(namespace, _DISCONNECT_CALLBACKS, callbacks)
    namespace.on_disconnect = wrapped


def socket_ping(app: rx.App) -> tuple[float, float]:
    """The engine.io heartbeat of the app's socket server (`App.sio`, python-socketio's
    `AsyncServer`, built by Reflex from `REFLEX_SOCKET_INTERVAL` / `REFLEX_SOCKET_TIMEOUT`;
    its engine.io server `sio.eio` holds them): (ping interval, ping timeout) in seconds. A
    websocket client that sends nothing is closed `interval + timeout` seconds after its
    last packet."""
    if app.sio is None:
        raise RuntimeError("the app has no socket server yet")
    eio = app.sio.eio
    return float(eio.ping_interval), float(eio.ping_timeout)
