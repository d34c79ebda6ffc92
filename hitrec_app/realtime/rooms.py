"""Service events to live views: the one way committed changes reach the browsers.

Services stay free of reflex: they call `hitrec_app.services.events.publish`, and
`on(kind_prefix)` handlers registered here (in the state modules) turn committed events into
broadcasts (`hitrec_app.realtime.broadcast.publish`) to the rooms the live views subscribe to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import reflex as rx

from hitrec_app.realtime import broadcast, cluster
from hitrec_app.services import events

log = logging.getLogger(__name__)

Handler = Callable[[events.RoomEvent], Awaitable[None]]

_loop: asyncio.AbstractEventLoop | None = None
_handlers: list[tuple[str, Handler]] = []


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
    """Connect services' events to the live views' rooms. Called once from hitrec_app.py."""
    broadcast.install(app)
    cluster.install(app)  # with Redis: room emits reach every worker through one publish
    events.subscribe(_on_service_event)
    app.register_lifespan_task(_capture_loop)
