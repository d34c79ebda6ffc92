"""Rooms of shared state, the one mechanism every live feature uses.

A page joins a room by linking an `rx.SharedState` subclass to a token such as
`challenge-7` (`await join(self, "challenge-7")` inside an event handler). Any code
with the app running can then change that room's state for every linked client
with `await push(RoomCls, "challenge-7", mutate)`, or simply set some of its vars
with `await put(RoomCls, "challenge-7", entry_count=3)`.

Services stay free of reflex: they call `hitrec_app.services.events.publish`, and
`on(kind_prefix)` handlers registered here turn committed events into pushes.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import reflex as rx

from hitrec_app.realtime import broadcast
from hitrec_app.services import events

log = logging.getLogger(__name__)

S = TypeVar("S", bound=rx.SharedState)
Handler = Callable[[events.RoomEvent], Awaitable[None]]

_TOKEN_RE = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
_app: rx.App | None = None
_loop: asyncio.AbstractEventLoop | None = None
_handlers: list[tuple[str, Handler]] = []


def room_token(kind: str, ident: int | str | None = None) -> str:
    """A room token Reflex accepts (no underscores): `room_token("challenge", 7)`."""
    token = kind if ident is None else f"{kind}-{ident}"
    if not _TOKEN_RE.match(token):
        raise ValueError(f"invalid room token {token!r}")
    return token


async def join(state: S, token: str) -> S:
    """Link `state` (inside one of its own event handlers) to the room `token`."""
    return await state._link_to(room_token(token))


async def push(state_cls: type[S], token: str, mutate: Callable[[S], Any]) -> None:
    """Apply `mutate` to the room's shared state; every linked client gets the delta."""
    if _app is None:
        raise RuntimeError("realtime.install(app) was not called")
    async with _app.modify_state(rx.BaseStateToken(ident=room_token(token), cls=state_cls)) as root:
        room = await root.get_state(state_cls)
        result = mutate(room)
        if inspect.isawaitable(result):
            await result


async def put(state_cls: type[S], token: str, **values: Any) -> None:
    """`push` for the common change: set the room's vars to new values
    (`await put(InboxRoom, inbox_room(7), unread=3)`)."""

    def assign(room: S) -> None:
        for name, value in values.items():
            setattr(room, name, value)

    await push(state_cls, token, assign)


def on(kind_prefix: str) -> Callable[[Handler], Handler]:
    """Register an async handler for committed service events whose kind starts with the prefix."""

    def register(fn: Handler) -> Handler:
        _handlers.append((kind_prefix, fn))
        return fn

    return register


async def _dispatch(event: events.RoomEvent) -> None:
    for prefix, fn in _handlers:
        if event.kind.startswith(prefix):
            try:
                await fn(event)
            except Exception:
                log.exception("room handler %s failed for %s", fn.__name__, event.kind)


def _on_service_event(event: events.RoomEvent) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        loop.create_task(_dispatch(event))
    elif _loop is not None and not _loop.is_closed():
        asyncio.run_coroutine_threadsafe(_dispatch(event), _loop)
    # No event loop at all (a CLI script): nobody is connected to tell.


async def _capture_loop() -> None:
    global _loop
    _loop = asyncio.get_running_loop()


def install(app: rx.App) -> None:
    """Connect services' events to the app's rooms. Called once from hitrec_app.py."""
    global _app
    _app = app
    broadcast.install(app)
    events.subscribe(_on_service_event)
    app.register_lifespan_task(_capture_loop)


async def refresh_members(
    room_cls: type[S],
    token: str,
    private_cls: type[rx.State],
    refresh: Callable[[Any], Any],
) -> None:
    """Run `refresh(private_state)` for every connected client linked to the room.

    For rooms whose members each see their own slice of the data (own sort, own page):
    the room itself stays small and each member re-reads what it shows.
    """
    if _app is None:
        raise RuntimeError("realtime.install(app) was not called")
    members: set[str] = set()

    def collect(room: S) -> None:
        members.update(room._linked_from)

    await push(room_cls, token, collect)
    namespace = _app.event_namespace
    manager = namespace._token_manager if namespace is not None else None
    for client in members:
        if manager is not None and not await manager.is_token_connected(client):
            continue
        try:
            async with _app.modify_state(rx.BaseStateToken(ident=client, cls=private_cls)) as root:
                state = await root.get_state(private_cls)
                result = refresh(state)
                if inspect.isawaitable(result):
                    await result
        except Exception:
            log.exception("refreshing a member of %s failed", token)
