"""Reaching the running co-editing server from request handlers (Reflex states, services)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from hitrec_app.collab.document import DraftDocument
from hitrec_app.collab.server import CollabServer, current_server

T = TypeVar("T")


def _on_its_loop(server: CollabServer) -> bool:
    try:
        return asyncio.get_running_loop() is server.loop
    except RuntimeError:
        return False


def live_document(draft_id: int) -> DraftDocument | None:
    """The in-memory document of a loaded room, when called on the server's own loop."""
    server = current_server()
    if server is None or not _on_its_loop(server):
        return None
    room = server.rooms.get(draft_id)
    if room is None or room.broken:
        return None
    return room.document


async def on_server(
    fn: Callable[[CollabServer], Coroutine[Any, Any, T]],
) -> tuple[bool, T | None]:
    """Run `fn(server)` on the running server's loop; (False, None) when no server runs."""
    server = current_server()
    if server is None or server.loop is None or server.loop.is_closed():
        return False, None
    if _on_its_loop(server):
        return True, await fn(server)
    future = asyncio.run_coroutine_threadsafe(fn(server), server.loop)
    return True, await asyncio.wrap_future(future)


def db_url(explicit: str | None) -> str | None:
    if explicit is not None:
        return explicit
    server = current_server()
    return server.db_url if server is not None else None
