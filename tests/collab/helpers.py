"""A y-websocket client on pycrdt (what a browser's WebsocketProvider does) and a server thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable

import uvicorn
from pycrdt import Doc, Text, TransactionEvent, create_update_message
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from hitrec_app.collab import protocol
from hitrec_app.collab.asgi import build_collab_app
from hitrec_app.collab.room import Limits
from hitrec_app.collab.server import CollabServer

REMOTE = "remote"


def byte_index(text: str, index: int) -> int:
    """pycrdt positions are UTF-8 bytes: the offset of code point `index`."""
    return len(text[:index].encode())


class YClient:
    """One editor: a pycrdt replica synced over a real websocket with the y-websocket protocol."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.doc: Doc = Doc()
        self.text = Text()
        self.doc["content"] = self.text
        self._applying = False
        self.ws: ClientConnection | None = None
        self.synced = asyncio.Event()
        self.received: list[bytes] = []
        self.close_code: int | None = None
        self.close_reason: str = ""
        self._reader: asyncio.Task[None] | None = None
        self._subscription = self.doc.observe(self._on_local)
        self._outbox: list[bytes] = []

    # -- local editing --------------------------------------------------------------
    def _on_local(self, event: TransactionEvent) -> None:
        # Only the replica's own edits go out (as y-websocket does: origin !== provider).
        if self._applying:
            return
        self._outbox.append(create_update_message(event.update))

    def insert(self, index: int, value: str) -> None:
        self.text.insert(byte_index(str(self.text), index), value)

    def delete(self, index: int, length: int) -> None:
        current = str(self.text)
        start, stop = byte_index(current, index), byte_index(current, index + length)
        del self.text[start:stop]

    @property
    def content(self) -> str:
        return str(self.text)

    async def flush(self) -> None:
        pending, self._outbox = self._outbox, []
        if self.ws is None:
            self._outbox = pending + self._outbox  # offline: kept for the next sync
            return
        for frame in pending:
            try:
                await self.ws.send(frame)
            except ConnectionClosed:
                return

    # -- connection -------------------------------------------------------------------
    async def connect(self) -> YClient:
        self.synced.clear()
        self.close_code = None
        self.ws = await connect(self.url, max_size=None, open_timeout=10)
        self._outbox.clear()  # what the server lacks goes in the step-2 reply instead
        try:
            await self.ws.send(protocol.step1(self.doc.get_state()))
        except ConnectionClosed:
            pass  # refused at once; the reader records the close code
        # The reader gets this connection itself: a disconnect() right after connect()
        # may clear self.ws before the task first runs.
        self._reader = asyncio.get_running_loop().create_task(self._read(self.ws))
        return self

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for frame in ws:
                assert isinstance(frame, bytes)
                self.received.append(frame)
                message = protocol.parse(frame)
                if message.kind == "step1":
                    await ws.send(protocol.step2(self.doc.get_update(message.payload)))
                elif message.kind in ("step2", "update"):
                    self._applying = True
                    try:
                        self.doc.apply_update(message.payload)
                    finally:
                        self._applying = False
                    if message.kind == "step2":
                        self.synced.set()
        except ConnectionClosed:
            pass
        finally:
            self.close_code = ws.close_code
            self.close_reason = ws.close_reason or ""
            if self.ws is ws:
                self.ws = None

    async def disconnect(self) -> None:
        ws = self.ws
        self.ws = None
        if ws is not None:
            await ws.close()
        if self._reader is not None:
            await self._reader

    async def wait_closed(self, limit: float = 10) -> int | None:
        assert self._reader is not None
        await asyncio.wait_for(self._reader, limit)
        return self.close_code

    async def send_raw(self, frame: bytes | str) -> None:
        assert self.ws is not None
        await self.ws.send(frame)


async def eventually(check: Callable[[], bool], within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.005)


class ServerThread:
    """`build_collab_app()` served by uvicorn on 127.0.0.1 in a background thread."""

    def __init__(self, db_url: str, limits: Limits | None = None) -> None:
        self.app = build_collab_app(db_url=db_url, limits=limits)
        self.server: CollabServer = self.app.state.collab_server
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="on", ws="websockets-sansio"
        )
        self.uvicorn = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.uvicorn.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.uvicorn.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("collab server did not start")
            time.sleep(0.01)
        return self

    def url(self, draft_id: int, token: str) -> str:
        return f"ws://127.0.0.1:{self.port}/collab/draft-{draft_id}?token={token}"

    def call(self, fn: Callable[[], object]) -> object:
        """Run `fn` on the server's loop and return its result."""
        loop = self.server.loop
        assert loop is not None
        done = threading.Event()
        box: list[object] = []

        def run() -> None:
            box.append(fn())
            done.set()

        loop.call_soon_threadsafe(run)
        done.wait(10)
        return box[0]

    def stop(self) -> None:
        self.uvicorn.should_exit = True
        self.thread.join(20)
        self.sock.close()
