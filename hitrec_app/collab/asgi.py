"""The websocket route `/collab/draft-{id}?token=...`, as a Starlette app to mount into Reflex.

    collab_app = build_collab_app()
    app = rx.App(..., api_transformer=collab_app)
    app.register_lifespan_task(collab_app.state.collab_lifespan)

Reflex mounts the sub-app inside its own, so the sub-app's lifespan never runs there:
the server is started by the lifespan task instead. Build a fresh app per `rx.App`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from hitrec_app.collab import close_codes as cc
from hitrec_app.collab.close_codes import CloseConnection
from hitrec_app.collab.room import Limits, Peer
from hitrec_app.collab.server import CollabServer, kick
from hitrec_app.collab.tokens import verify_token
from hitrec_app.services.errors import AuthenticationFailed
from hitrec_app.vocabulary import draft_id_of_room

log = logging.getLogger(__name__)

COLLAB_PATH = "/collab/{room}"

__all__ = ["COLLAB_PATH", "build_collab_app", "kick"]


class WebSocketPeer(Peer):
    """A peer behind a Starlette websocket: frames queue here and one task writes them."""

    def __init__(
        self, ws: WebSocket, user_id: int, name: str, role: str, limits: Limits, session_id: int
    ) -> None:
        super().__init__(user_id, name, role, session_id)
        self.ws = ws
        self.limits = limits
        self._queue: deque[bytes] = deque()
        self._queued_bytes = 0
        self._ready = asyncio.Event()
        self._close: tuple[int, str] | None = None
        self.deadline: asyncio.Timeout | None = None

    def deliver(self, frame: bytes) -> None:
        if self.closing:
            return
        self._queue.append(frame)
        self._queued_bytes += len(frame)
        if self._queued_bytes > self.limits.max_queued_bytes:
            self.kick(cc.TOO_SLOW, "Your connection could not keep up; reconnecting.")
            return
        self._ready.set()

    def kick(self, code: int, reason: str) -> None:
        if self.closing:
            return
        self.closing = True
        self._queue.clear()
        self._queued_bytes = 0
        self._close = (code, cc.short_reason(reason))
        self._ready.set()
        # Wait this long for the client's close frame, then give up on it.
        if self.deadline is not None:
            self.deadline.reschedule(
                asyncio.get_running_loop().time() + self.limits.close_wait_seconds
            )

    async def run_sender(self) -> None:
        try:
            while True:
                await self._ready.wait()
                self._ready.clear()
                while self._queue:
                    frame = self._queue.popleft()
                    self._queued_bytes -= len(frame)
                    await self.ws.send_bytes(frame)
                if self._close is not None:
                    code, reason = self._close
                    await self.ws.close(code, reason)
                    return
        except Exception as err:  # the client went away mid-send
            log.debug("send to user %s failed: %s", self.user_id, err)
            self.closing = True


async def close_and_drain(ws: WebSocket, code: int, reason: str, wait: float) -> None:
    """Close, then wait for the client's close frame: dropping TCP right after the close
    frame makes browsers report 1006 instead of our code, and y-websocket then retries."""
    try:
        await ws.close(code, cc.short_reason(reason))
        async with asyncio.timeout(wait):
            while (await ws.receive())["type"] != "websocket.disconnect":
                pass
    except (TimeoutError, RuntimeError, OSError):
        pass


def _endpoint(server: CollabServer) -> Callable[[WebSocket], Awaitable[None]]:
    limits = server.limits

    async def collab_socket(ws: WebSocket) -> None:
        # Accept first: a refusal before accepting reaches the browser as 1006 and makes
        # y-websocket retry forever; a 4401 after accepting stops it.
        await ws.accept()
        draft_id = draft_id_of_room(ws.path_params.get("room", ""))
        if draft_id is None:
            return await close_and_drain(
                ws, cc.NOT_FOUND, "No such draft.", limits.close_wait_seconds
            )
        try:
            claims = verify_token(ws.query_params.get("token", ""), draft_id)
            server.used_tokens.claim(claims)  # one connection per token
        except AuthenticationFailed as err:
            return await close_and_drain(ws, cc.UNAUTHORIZED, str(err), limits.close_wait_seconds)
        user_id, session_id = claims.user_id, claims.session_id
        generation = server.generation(draft_id, user_id)
        try:
            role, name = await asyncio.to_thread(server.membership, draft_id, user_id, session_id)
            peer = WebSocketPeer(ws, user_id, name, role, limits, session_id)
            room = await server.open(draft_id, peer, generation)
        except CloseConnection as err:
            return await close_and_drain(ws, err.code, err.reason, limits.close_wait_seconds)
        sender = asyncio.get_running_loop().create_task(peer.run_sender())
        try:
            async with asyncio.timeout(None) as deadline:
                peer.deadline = deadline
                while True:
                    message = await ws.receive()
                    if message["type"] == "websocket.disconnect":
                        break
                    if peer.closing:
                        continue  # draining until the client's close frame arrives
                    data = message.get("bytes")
                    try:
                        if data is None:
                            raise CloseConnection(
                                cc.MALFORMED, "Text frames are not part of the protocol."
                            )
                        room.handle(peer, data)
                    except CloseConnection as err:
                        peer.kick(err.code, err.reason)
                    except Exception:
                        log.exception("draft %s: message from user %s failed", draft_id, user_id)
                        peer.kick(cc.SERVER_ERROR, "Something went wrong; reconnecting.")
        except (TimeoutError, RuntimeError, OSError):
            pass
        finally:
            server.release(draft_id, room, peer)
            peer.closing = True
            if not sender.done():
                sender.cancel()

    return collab_socket


def build_collab_app(*, db_url: str | None = None, limits: Limits | None = None) -> Starlette:
    """A fresh co-editing app and server. `app.state.collab_lifespan` starts and stops it."""
    server = CollabServer(db_url=db_url, limits=limits)
    app = Starlette(
        routes=[WebSocketRoute(COLLAB_PATH, _endpoint(server))],
        lifespan=lambda _app: server.lifespan(),
    )
    app.state.collab_server = server
    app.state.collab_lifespan = server.lifespan
    return app
