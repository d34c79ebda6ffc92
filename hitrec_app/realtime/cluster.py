"""Several backend workers: what changes when Redis is configured.

Redis is the one Reflex keeps its state in (`REFLEX_REDIS_URL`, read through Reflex's
config). Without it nothing here touches Redis: the socket.io server keeps python-socketio's
in-memory manager and the rooms' small memory (`RecentCounts`) lives in the process.

With it:
- `install(app)` makes a `RoomRedisManager` (python-socketio's `AsyncRedisManager`) the
  client manager of Reflex's socket.io server. A `broadcast.publish` (an emit to a socket.io
  room) is written to this worker's members of the room and published ONCE on the channel
  `<prefix>:socketio`; every other worker's manager receives that one message and writes it
  to its own members (python-socketio encodes a room emit once per worker). The cost of a
  change is one Redis publish whatever the number of subscribers or workers.
  An emit to one socket of this worker (Reflex's own per-tab deltas) stays local: Reflex
  already routes a tab's delta to the worker holding its socket (its Redis token manager's
  "lost and found"), so publishing those too would only add a Redis message per event that
  every other worker decodes and drops.
- `RecentCounts` keeps each map in a Redis hash shared by every worker (one script call per
  change, one pipelined read per join), so a worker never publishes a map that lacks the
  counts another worker kept.

`HITREC_REDIS_PREFIX` (default "hitrec") names the channel and keys: pub/sub channels are
shared by every database of a Redis server, so two deployments (or test runs) on one Redis
need different prefixes.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import reflex as rx
from engineio import exceptions as engineio_exceptions  # type: ignore[import-untyped]
from engineio import packet as engineio_packet
from engineio.async_socket import AsyncSocket  # type: ignore[import-untyped]
from reflex.config import get_config
from socketio import AsyncManager, AsyncRedisManager  # type: ignore[import-untyped]
from socketio import packet as socketio_packet

from hitrec_app.realtime import broadcast
from hitrec_app.realtime import reflex_internals as internals

DEFAULT_PREFIX = "hitrec"
COUNTS_TTL_SECONDS = 24 * 3600  # a room's counts nobody changed for a day are dropped


def redis_url() -> str | None:
    """The Redis Reflex keeps its state in, or None (one process, nothing shared)."""
    return get_config().redis_url or None


def prefix() -> str:
    return os.environ.get("HITREC_REDIS_PREFIX", "").strip() or DEFAULT_PREFIX


class FanOutManager(AsyncManager):
    """python-socketio's in-memory manager, except that an emit writes its one encoded packet
    to the recipients' sockets in a plain loop.

    `AsyncManager.emit` encodes the packet once but then creates one asyncio task per
    recipient to hand it to the socket, and waits for them all: with 1,000 viewers that is
    1,000 tasks per room message, measured as a fifth of the backend's CPU while a room took
    5 changes a second. Handing a packet to an engine.io socket only puts it on the socket's
    unbounded queue (its writer task sends it), so the tasks buy nothing. Messages with
    acknowledgement callbacks (none of ours) keep python-socketio's path. The python-socketio
    internals this uses are pinned in tests/realtime/test_reflex_internals.py."""

    name = "hitrec-fan-out"

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str | None = None,
        room: str | None = None,
        **kwargs: Any,
    ) -> Any:
        room = kwargs.pop("to", None) or room
        skip_sid, callback = kwargs.get("skip_sid"), kwargs.get("callback")
        if callback is not None or namespace is None or namespace not in self.rooms:
            return await super().emit(event, data, namespace, room=room, **kwargs)
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        encoded = self.server.packet_class(
            socketio_packet.EVENT, namespace=namespace, data=[event, *args]
        ).encode()
        packets = [
            engineio_packet.Packet(engineio_packet.MESSAGE, part)
            for part in (encoded if isinstance(encoded, list) else [encoded])
        ]
        # A list first: a socket may join or leave the room while a send awaits.
        for sid, eio_sid in list(self.get_participants(namespace, room)):
            if sid not in skip:
                for pkt in packets:
                    await self.server._send_eio_packet(eio_sid, pkt)


class RoomRedisManager(AsyncRedisManager, FanOutManager):
    """python-socketio's Redis manager, except that an emit to one socket connected to this
    worker is written to it directly instead of going through Redis, each worker writes a
    room message to its sockets as `FanOutManager` does (python-socketio's pub/sub manager
    hands it to the next manager in the MRO, which is `FanOutManager`), and a room message
    published by another worker makes this worker forget the room's join snapshot before the
    message reaches this worker's sockets (`broadcast.snapshot`)."""

    name = "hitrec-rooms"

    async def _handle_emit(self, message: dict[str, Any]) -> Any:
        # python-socketio calls this for each "emit" message another worker published
        # (`AsyncPubSubManager._thread`), before writing it to this worker's sockets.
        room = message.get("room")
        if isinstance(room, str):
            broadcast.forget_snapshot(room)
        return await super()._handle_emit(message)

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str | None = None,
        room: str | None = None,
        **kwargs: Any,
    ) -> Any:
        target = kwargs.get("to") or room
        if target is not None and self.is_connected(target, namespace or "/"):
            kwargs["ignore_queue"] = True
        return await super().emit(event, data, namespace=namespace, room=room, **kwargs)


def room_manager(url: str, channel_prefix: str | None = None) -> RoomRedisManager:
    return RoomRedisManager(url, channel=f"{channel_prefix or prefix()}:socketio")


async def _poll_without_a_task(self: AsyncSocket) -> list[Any]:
    """engine.io's `AsyncSocket.poll` (what a websocket's writer task awaits before each
    write), the same except for how it waits: the stock one waits for the next packet with
    `asyncio.wait_for`, which on Python 3.11 makes a task, two futures and a timer for every
    packet written to every socket. With 1,000 viewers of a room that is most of the cost of
    a room message after its encoding (py-spy: about half of the per-socket write). Here a
    packet already queued is taken at once, and otherwise the wait is one `asyncio.timeout`
    around `queue.get()` (a timer, no task). Same results: the packets queued so far (a
    `None` in the queue, the close signal, ends the list and stays queued), `[]` once
    closed, and `QueueEmpty` after `ping_interval + ping_timeout` without a packet or when
    cancelled. Pinned in tests/realtime/test_reflex_internals.py."""
    queue = self.queue
    try:
        if queue.empty():
            async with asyncio.timeout(self.server.ping_interval + self.server.ping_timeout):
                first = await queue.get()
        else:
            first = queue.get_nowait()
        queue.task_done()
    except (TimeoutError, asyncio.CancelledError):
        raise engineio_exceptions.QueueEmpty() from None
    if first is None:
        return []
    packets = [first]
    while True:
        try:
            pkt = queue.get_nowait()
        except asyncio.QueueEmpty:
            break
        queue.task_done()
        if pkt is None:
            queue.put_nowait(None)
            break
        packets.append(pkt)
    return packets


STOCK_POLL = AsyncSocket.poll


def install(app: rx.App) -> None:
    """The socket.io server's client manager (before the server runs): `FanOutManager`, or
    with Redis configured `RoomRedisManager`, which routes room emits through Redis; and the
    engine.io sockets' writers wait for packets without a task per packet."""
    AsyncSocket.poll = _poll_without_a_task
    url = redis_url()
    if url is None:
        internals.use_client_manager(app, FanOutManager())
        return
    internals.use_client_manager(app, room_manager(url))

    async def listen() -> None:
        # Subscribe to the channel at start-up, not when the first client connects: a
        # change published meanwhile would miss that first client's rooms.
        internals.start_client_manager(app)

    app.register_lifespan_task(listen)


# --- the rooms' small shared memory ---------------------------------------------------------


class MemoryCounts:
    """The most recent counts (key -> count) per (room, name), at most `kept` per map (the
    least recently changed dropped), at most `rooms` maps (the least recently changed map
    dropped). In this process: correct only while there is one worker."""

    def __init__(self, *, kept: int, rooms: int):
        self.kept = kept
        self.rooms = rooms
        self._maps: dict[tuple[str, str], dict[str, int]] = {}

    async def put(self, room: str, name: str, key: str, value: int) -> dict[str, int]:
        """Set one count; the room's whole map as it now is."""
        old = self._maps.pop((room, name), {})
        fresh = {k: v for k, v in old.items() if k != key}
        fresh[key] = value
        if len(fresh) > self.kept:
            fresh = dict(list(fresh.items())[-self.kept :])
        self._maps[(room, name)] = fresh
        if len(self._maps) > self.rooms:
            del self._maps[next(iter(self._maps))]
        return fresh

    async def get(self, room: str, *names: str) -> list[dict[str, int]]:
        return [dict(self._maps.get((room, name), {})) for name in names]


# KEYS: the map's hash, its order (a sorted set: key -> change number).
# ARGV: key, value, kept, ttl seconds. Returns the hash as a flat list (key, value, ...).
_PUT_SCRIPT = """
local last = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local seq = 1
if last[2] then seq = tonumber(last[2]) + 1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if extra > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, extra - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1)
  redis.call('HDEL', KEYS[1], unpack(old))
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return redis.call('HGETALL', KEYS[1])
"""


class RedisCounts:
    """`MemoryCounts` shared by every worker: a Redis hash per (room, name), trimmed to the
    `kept` most recently changed keys by one script (one round trip per change, none per
    subscriber); a map nobody changed for `ttl` seconds expires."""

    def __init__(
        self, url: str, *, kept: int, key_prefix: str | None = None, ttl: int = COUNTS_TTL_SECONDS
    ):
        self.url = url
        self.kept = kept
        self.ttl = ttl
        self.key_prefix = f"{key_prefix or prefix()}:counts"
        self._client: Any = None
        self._put: Any = None

    def _redis(self) -> Any:
        if self._client is None:
            from redis import asyncio as aioredis

            self._client = aioredis.Redis.from_url(self.url, decode_responses=True)
            self._put = self._client.register_script(_PUT_SCRIPT)
        return self._client

    def _key(self, room: str, name: str) -> str:
        return f"{self.key_prefix}:{room}:{name}"

    async def put(self, room: str, name: str, key: str, value: int) -> dict[str, int]:
        self._redis()
        key_ = self._key(room, name)
        flat = await self._put(keys=[key_, key_ + ":order"], args=[key, value, self.kept, self.ttl])
        return {flat[i]: int(flat[i + 1]) for i in range(0, len(flat), 2)}

    async def get(self, room: str, *names: str) -> list[dict[str, int]]:
        pipe = self._redis().pipeline(transaction=False)
        for name in names:
            pipe.hgetall(self._key(room, name))
        maps = await pipe.execute()
        return [{k: int(v) for k, v in m.items()} for m in maps]

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


RecentCounts = MemoryCounts | RedisCounts


def recent_counts(*, kept: int, rooms: int) -> RecentCounts:
    """The store for recent counts: shared through Redis when it is configured."""
    url = redis_url()
    return RedisCounts(url, kept=kept) if url else MemoryCounts(kept=kept, rooms=rooms)
