"""The broadcast path: one room change is serialised once and written to every subscriber.

A page's live data live in a plain `rx.State` substate (one per kind of room, e.g.
`RecordLive`). When a tab opens the page, its join handler calls `subscribe(sid, room)`,
which puts the tab's socket in the python-socketio room named after our room token, and sets
the tab's own vars to the room's current snapshot (one query). When the room changes, the
code that learnt of it (a `rooms.on` handler, after the service's commit) calls
`publish(room, StateCls, {"var": value})`: that builds ONE Reflex `StateUpdate` holding only
the changed vars and emits it once to the socket.io room; python-socketio encodes the packet
once and writes the same bytes to every member. No per-client state is loaded or saved, so
the cost of a change does not grow with the work per viewer, only with the bytes written.

The backend copy of each tab's state is not touched by a publish, so it lags the browser.
That is safe because room vars are only ever set by the join snapshot (which reads the
database) and by publishes: no other handler dirties them, so a tab's own events never send
stale room values back. A rehydrate sends the backend copy, but the page's on_load join runs
right after it and sends a fresh snapshot.

Every Reflex internal used here is in `reflex_internals`.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from hitrec_app.realtime import reflex_internals as internals

_app: rx.App | None = None


def install(app: rx.App) -> None:
    """Remember the app whose socket.io namespace the broadcasts go through."""
    global _app
    _app = app


def _namespace() -> Any:
    if _app is None:
        raise RuntimeError("realtime.broadcast.install(app) was not called")
    return internals.event_namespace(_app)


async def subscribe(sid: str, room: str, *, leave_prefix: str | None = None) -> None:
    """Put the socket `sid` in `room`. With `leave_prefix`, first leave the other rooms whose
    names start with it (a tab that moves from one record page to another in the same
    connection stops getting the first record's changes). A closed socket leaves all its rooms
    by itself (python-socketio forgets it on disconnect). An event that did not come over a
    socket (no sid) subscribes nothing."""
    if not sid:
        return
    namespace = _namespace()
    if leave_prefix is not None:
        for other in namespace.rooms(sid):
            if other != room and other.startswith(leave_prefix):
                await namespace.leave_room(sid, other)
    await namespace.enter_room(sid, room)


async def leave(sid: str, prefix: str) -> None:
    """Take the socket `sid` out of every room whose name starts with `prefix` (a tab whose
    user signed out stops getting that user's inbox)."""
    if not sid:
        return
    namespace = _namespace()
    for room in namespace.rooms(sid):
        if room != sid and room.startswith(prefix):
            await namespace.leave_room(sid, room)


async def unsubscribe(sid: str, room: str) -> None:
    """Take the socket `sid` out of `room`."""
    await _namespace().leave_room(sid, room)


async def publish(room: str, state_cls: type[rx.State], changes: dict[str, Any]) -> None:
    """Set `changes` (var name -> new value) on `state_cls` in every browser subscribed to
    `room`: one `StateUpdate`, emitted once (python-socketio encodes it once for the room)."""
    if not changes:
        return
    update = internals.state_update(state_cls, changes)
    await _namespace().emit(internals.EVENT, update, to=room)
