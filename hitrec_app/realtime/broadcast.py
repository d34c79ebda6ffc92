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

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

import reflex as rx

from hitrec_app.realtime import reflex_internals as internals

T = TypeVar("T")

_app: rx.App | None = None


def install(app: rx.App) -> None:
    """Remember the app whose socket.io namespace the broadcasts go through."""
    global _app
    _app = app
    app.register_lifespan_task(_forget_closed_sockets)


def _namespace() -> Any:
    if _app is None:
        raise RuntimeError("realtime.broadcast.install(app) was not called")
    return internals.event_namespace(_app)


# sid -> the rooms `subscribe` put that socket in. python-socketio can tell a socket's rooms
# (`namespace.rooms(sid)`), but by scanning every room of the namespace, and every socket is a
# room of its own: O(tabs) per join, O(tabs^2) for a join storm (8% of the backend's CPU in a
# 1,000-tab storm). Forgotten when the socket disconnects (python-socketio then takes it out
# of its rooms by itself).
_joined: dict[str, set[str]] = {}


async def _forget_closed_sockets() -> None:
    """Lifespan task: forget a socket's rooms when it disconnects."""
    internals.on_disconnect(_namespace(), forget_socket)


def forget_socket(sid: str) -> None:
    _joined.pop(sid, None)


async def subscribe(sid: str, room: str, *, leave_prefix: str | None = None) -> None:
    """Put the socket `sid` in `room`. With `leave_prefix`, first leave the other rooms whose
    names start with it (a tab that moves from one record page to another in the same
    connection stops getting the first record's changes). A closed socket leaves all its rooms
    by itself (python-socketio forgets it on disconnect). An event that did not come over a
    socket (no sid) subscribes nothing."""
    if not sid:
        return
    namespace = _namespace()
    mine = _joined.setdefault(sid, set())
    if leave_prefix is not None:
        for other in [r for r in mine if r != room and r.startswith(leave_prefix)]:
            await namespace.leave_room(sid, other)
            mine.discard(other)
    await namespace.enter_room(sid, room)
    mine.add(room)
    if not internals.is_open(namespace, sid):
        _joined.pop(sid, None)  # it closed before its join ran: no disconnect will follow


async def leave(sid: str, prefix: str) -> None:
    """Take the socket `sid` out of every room whose name starts with `prefix` (a tab whose
    user signed out stops getting that user's inbox)."""
    mine = _joined.get(sid) if sid else None
    if not mine:
        return
    namespace = _namespace()
    for room in [r for r in mine if r.startswith(prefix)]:
        await namespace.leave_room(sid, room)
        mine.discard(room)


async def publish(
    room: str, state_cls: type[rx.State], changes: dict[str, Any], *, snapshot_changed: bool = True
) -> None:
    """Set `changes` (var name -> new value) on `state_cls` in every browser subscribed to
    `room`: one `StateUpdate`, emitted once (python-socketio encodes it once for the room).
    `snapshot_changed=False`: the message changes nothing a join reads through `snapshot`
    (presence's counts), so the room's snapshots are kept."""
    if not changes:
        return
    update = internals.state_update(state_cls, changes)
    if snapshot_changed:
        forget_snapshot(room)
    await _namespace().emit(internals.EVENT, update, to=room)


# --- join snapshots, read once per room change -----------------------------------------------

SNAPSHOTS_KEPT = 1000  # rooms whose latest snapshots this process keeps
SNAPSHOT_MAX_AGE = 60.0  # seconds: what time alone changes (e.g. "closing soon") is this late

# room -> part -> (when read, value)
_snapshots: OrderedDict[str, dict[str, tuple[float, Any]]] = OrderedDict()
_versions: dict[str, int] = {}


def snapshot(
    room: str, read: Callable[[], T], *, part: str = "", max_age: float = SNAPSHOT_MAX_AGE
) -> T:
    """The room's join snapshot: `read()` (a database read) at most once per room change,
    whatever the number of tabs joining (a join storm of 1,000 tabs after a restart reads
    once, not 1,000 times). `part` names another read of the same room, forgotten with it
    (e.g. what a page's load reads alike for every viewer), and `max_age` how long it is
    kept at most when the room does not change.

    Correct because every room message forgets the room's snapshots BEFORE it is written to
    the room's sockets (`publish` here; `forget_snapshot` from the Redis manager for a message
    published by another worker), and a joining tab subscribes BEFORE it asks: a change is
    either in the message the tab gets, or committed before the snapshot is read again. A
    read during which the room changed is returned but not kept. Call only from the event
    loop's thread (reads run without awaiting, so nothing interleaves with one)."""
    now = time.monotonic()
    parts = _snapshots.get(room)
    kept = parts.get(part) if parts is not None else None
    if kept is not None and now - kept[0] < max_age:
        _snapshots.move_to_end(room)
        return cast(T, kept[1])
    version = _versions.get(room, 0)
    value = read()
    if _versions.get(room, 0) == version:
        _snapshots.setdefault(room, {})[part] = (now, value)
        _snapshots.move_to_end(room)
        if len(_snapshots) > SNAPSHOTS_KEPT:
            _snapshots.popitem(last=False)
    return value


def forget_snapshot(room: str) -> None:
    """The room changed: the next join reads its snapshots again."""
    _snapshots.pop(room, None)
    _versions[room] = _versions.get(room, 0) + 1
    if len(_versions) > 10 * SNAPSHOTS_KEPT:
        _versions.clear()  # a read in flight is then kept once too often: re-read next change
