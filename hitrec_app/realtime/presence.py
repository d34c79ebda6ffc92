"""Presence: how many are watching a room's page, and who among the signed-in.

Each tab (socket sid) watches at most one room: the page it is on. A page's live join
(`RecordLive.join`, `ChallengeLive.join`) calls `watch(...)` with the signed-in user resolved
on the server (never from the browser); every page's on_load calls `arrive(sid, path)`, so
a tab that moves on to a page without a room (in-app navigation keeps the socket) stops
being counted; a closed socket is forgotten when it disconnects (`on_disconnect`, hooked on
Reflex's event namespace at start-up). A tab whose network drops sends no close: engine.io
closes it when it stops answering pings (rxconfig.py sets the heartbeat so that this happens
within `PRESENCE_GONE_WITHIN` seconds).

Cheap: a join or a leave costs O(1) here and sends nothing. Every `PRESENCE_TICK_SECONDS`
the tick sends, for each room whose viewers changed since the previous tick, ONE
`broadcast.publish(room, LiveCls, {"watching": n, "watchers": [names]})`: a storm of 1,000
joins costs one message per room per tick, not 1,000 x 1,000.

Counted: each signed-in user once (whatever their number of tabs) plus each anonymous tab;
named: the first `PRESENCE_NAMES` signed-in users to arrive (display names). Kept per
worker: with several backend workers each counts only its own sockets (cross-worker
presence is a later issue).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import reflex as rx

from hitrec_app.realtime import broadcast
from hitrec_app.realtime import reflex_internals as internals
from hitrec_app.vocabulary import (
    PRESENCE_GONE_WITHIN,
    PRESENCE_NAMES,
    PRESENCE_TICK_SECONDS,
)

log = logging.getLogger(__name__)


@dataclass
class _Viewer:
    """One signed-in user watching a room, and how many of their tabs are in it."""

    name: str
    tabs: int = 0


@dataclass
class _Room:
    live: type[rx.State]  # the Live state whose `watching`/`watchers` vars show it
    users: dict[int, _Viewer] = field(default_factory=dict)  # in order of arrival
    anonymous: int = 0  # tabs without a signed-in user

    def payload(self) -> dict[str, Any]:
        return {
            "watching": len(self.users) + self.anonymous,
            "watchers": [v.name for v in islice(self.users.values(), PRESENCE_NAMES)],
        }


@dataclass(frozen=True)
class _Watch:
    room: str
    path: str  # the page the tab watches from
    user_id: int | None


_app: rx.App | None = None
_rooms: dict[str, _Room] = {}
_tabs: dict[str, _Watch] = {}  # sid -> what it watches
_changed: set[str] = set()  # rooms whose viewers changed since the last tick


def install(app: rx.App) -> None:
    """Start presence with the app: the tick (a lifespan task, which also hooks the event
    namespace's disconnects once the backend runs). Called once from hitrec_app.py."""
    global _app
    _app = app
    app.register_lifespan_task(presence_loop)


def _namespace() -> Any:
    if _app is None:
        raise RuntimeError("realtime.presence.install(app) was not called")
    return internals.event_namespace(_app)


def watch(
    sid: str, room: str, live: type[rx.State], *, path: str, user_id: int | None, name: str
) -> dict[str, Any]:
    """Count the tab `sid` as watching `room` from the page `path`, as the signed-in user
    (`user_id`, display `name`) or anonymously (`user_id` None), instead of any room it
    watched before. Returns the room's presence now (the join's snapshot, this tab
    included). A socket that is already gone (its join ran after it closed) is not counted."""
    if sid and internals.is_open(_namespace(), sid):
        before = _tabs.get(sid)
        if before is None or (before.room, before.user_id) != (room, user_id):
            forget(sid)
            _add(room, live, user_id, name)
        _tabs[sid] = _Watch(room, path, user_id)
    return now(room)


def _add(room: str, live: type[rx.State], user_id: int | None, name: str) -> None:
    state = _rooms.get(room)
    if state is None:
        state = _rooms[room] = _Room(live)
    if user_id is None:
        state.anonymous += 1
    else:
        state.users.setdefault(user_id, _Viewer(name)).tabs += 1
    _changed.add(room)


def arrive(sid: str, path: str) -> None:
    """Every page's on_load: a tab on another page than the one it watched from stops being
    counted there (in-app navigation keeps the socket). Order-free with the page's join:
    the join of the page arrived at records this same `path`."""
    current = _tabs.get(sid)
    if current is not None and current.path != path:
        forget(sid)


def forget(sid: str) -> None:
    """The tab `sid` watches nothing any more (it closed, or left the page). Idempotent."""
    current = _tabs.pop(sid, None)
    if current is None:
        return
    state = _rooms.get(current.room)
    if state is None:
        return
    if current.user_id is None:
        state.anonymous -= 1
    else:
        viewer = state.users[current.user_id]
        viewer.tabs -= 1
        if viewer.tabs == 0:
            del state.users[current.user_id]
    _changed.add(current.room)


def now(room: str) -> dict[str, Any]:
    """The room's presence as the tick would send it."""
    state = _rooms.get(room)
    return state.payload() if state else {"watching": 0, "watchers": []}


async def tick() -> int:
    """Send each room whose viewers changed since the last tick its presence: one publish
    per changed room. A room nobody watches any more is dropped (nobody is there to show it
    to). Returns the number of publishes."""
    changed = list(_changed)
    _changed.clear()
    sent = 0
    for room in changed:
        state = _rooms.get(room)
        if state is None:
            continue
        if not state.users and not state.anonymous:
            del _rooms[room]
            continue
        try:
            # Presence is not part of a room's join snapshots (a join reads it from `now`).
            await broadcast.publish(room, state.live, state.payload(), snapshot_changed=False)
            sent += 1
        except Exception:
            log.exception("sending the presence of %s failed", room)
    return sent


def start() -> None:
    """Forget each socket of the event namespace when it disconnects (the hook in
    `reflex_internals.on_disconnect`), and warn if the socket heartbeat keeps a silent tab
    longer than `PRESENCE_GONE_WITHIN`."""
    internals.on_disconnect(_namespace(), forget)
    if _app is not None:
        ping_interval, ping_timeout = internals.socket_ping(_app)
        if ping_interval + ping_timeout + PRESENCE_TICK_SECONDS > PRESENCE_GONE_WITHIN:
            log.warning(
                "socket heartbeat %.0f s + %.0f s: a tab whose network drops stays counted "
                "for more than %s s (see REFLEX_SOCKET_INTERVAL/TIMEOUT in rxconfig.py)",
                ping_interval,
                ping_timeout,
                PRESENCE_GONE_WITHIN,
            )


async def presence_loop(interval: float = PRESENCE_TICK_SECONDS) -> None:
    """Lifespan task: `start()`, then tick every `interval` seconds."""
    start()
    while True:
        await asyncio.sleep(interval)
        try:
            await tick()
        except Exception:
            log.exception("presence tick failed")


def reset() -> None:
    """Forget every room and tab (tests)."""
    _rooms.clear()
    _tabs.clear()
    _changed.clear()
