"""Several workers on a real Redis: a room change made in one worker reaches the room's
subscribers on every worker through ONE Redis publish, and the rooms' recent counts are
shared. Two python-socketio servers stand for two workers; their "clients" are registered
with the managers and every packet a server would write to a socket is recorded.

Redis comes from HITREC_TEST_REDIS_URL (default the machine's, 127.0.0.1:6379;
scripts/services.sh starts it); each test uses channels and keys of its own."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from redis import asyncio as aioredis
from reflex.utils import format
from socketio import AsyncManager, AsyncNamespace, AsyncServer

from hitrec_app.realtime import broadcast, cluster
from hitrec_app.realtime import reflex_internals as internals
from hitrec_app.state.records import RecordLive

REDIS_URL = os.environ.get("HITREC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
NAMESPACE = "/_event"


def _redis_reachable() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as err:
        return str(err)
    return None


_unreachable = _redis_reachable()
needs_redis = pytest.mark.skipif(
    _unreachable is not None,
    reason=f"Redis is not reachable at {REDIS_URL} ({_unreachable}); start it with "
    "scripts/services.sh",
)


@pytest.fixture
def prefix() -> str:
    """Channel and key prefix of this test; its keys are deleted afterwards."""
    name = f"hitrec-test-{uuid.uuid4().hex[:12]}"
    yield name
    if _unreachable is None:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{name}:*"))
        if keys:
            client.delete(*keys)
        client.close()


class Worker:
    """One worker's socket.io server (Reflex's JSON, the event namespace) and what it wrote
    to each of its clients' sockets."""

    def __init__(self, manager: AsyncManager):
        self.server = AsyncServer(
            async_mode="asgi", json=SimpleNamespace(dumps=format.json_dumps, loads=json.loads)
        )
        self.app = SimpleNamespace(sio=self.server)
        internals.use_client_manager(self.app, manager)
        self.namespace = AsyncNamespace(NAMESPACE)
        self.server.register_namespace(self.namespace)
        self.sent: dict[str, list[str]] = {}

        async def send(eio_sid: str, pkt: Any) -> None:
            self.sent.setdefault(eio_sid, []).append(pkt.encode())

        self.server._send_eio_packet = send  # the sockets' writes

    async def connect(self, n: int, room: str) -> list[str]:
        """`n` clients connected to this worker, each subscribed to `room`; their sids."""
        sids = []
        for _ in range(n):
            eio_sid = uuid.uuid4().hex
            sid = await self.server.manager.pre_connect(eio_sid, NAMESPACE)
            await self.server.manager.connect(sid, NAMESPACE)
            await self.namespace.enter_room(sid, room)
            self.sent[eio_sid] = []
            sids.append(sid)
        return sids


async def _until(check: Callable[[], Awaitable[bool] | bool], what: str) -> None:
    """Wait until `check()` holds (a deadline only against hanging, not a timing claim)."""
    for _ in range(500):
        result = check()
        if await result if asyncio.iscoroutine(result) else result:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


class ChannelTap:
    """Counts the messages published on a channel, up to a marker this test publishes last
    (Redis delivers a channel's messages in the order it executed the publishes)."""

    def __init__(self, client: aioredis.Redis, channel: str):
        self.client = client
        self.channel = channel
        self.pubsub = client.pubsub(ignore_subscribe_messages=True)

    async def start(self) -> None:
        await self.pubsub.subscribe(self.channel)

    async def count(self) -> int:
        marker = f"marker-{uuid.uuid4().hex}"
        await self.client.publish(self.channel, marker)
        seen = 0
        for _ in range(500):
            # None: nothing yet, or a subscribe confirmation (ignored).
            message = await self.pubsub.get_message(timeout=0.02)
            if message is None:
                continue
            if message["data"] == marker.encode():
                return seen
            seen += 1
        raise AssertionError("the marker never came back")


async def _two_workers(channel_prefix: str) -> tuple[Worker, Worker, aioredis.Redis]:
    workers = [Worker(cluster.room_manager(REDIS_URL, channel_prefix)) for _ in range(2)]
    for worker in workers:
        internals.start_client_manager(worker.app)
    client = aioredis.Redis.from_url(REDIS_URL)
    channel = f"{channel_prefix}:socketio"

    async def both_listening() -> bool:
        ((_, listeners),) = await client.pubsub_numsub(channel)
        return listeners >= 2

    await _until(both_listening, "both workers subscribed to the channel")
    return workers[0], workers[1], client


async def _stop(*workers: Worker) -> None:
    for worker in workers:
        manager = worker.server.manager
        manager.thread.cancel()
        if manager.redis is not None:
            await manager.redis.aclose()


@needs_redis
def test_a_change_in_one_worker_reaches_every_subscriber_of_both_through_one_publish(
    prefix, monkeypatch
):
    async def scenario() -> None:
        a, b, client = await _two_workers(prefix)
        tap = ChannelTap(client, f"{prefix}:socketio")
        await tap.start()
        on_a = await a.connect(40, "record-7")
        on_b = await b.connect(60, "record-7")
        await b.connect(5, "record-8")  # another room: gets nothing
        assert await tap.count() == 0  # subscribing is local: no Redis traffic

        monkeypatch.setattr(broadcast, "_namespace", lambda: a.namespace)
        await broadcast.publish("record-7", RecordLive, {"hearts": 4})

        def delivered(worker: Worker, n: int) -> bool:
            return sum(len(packets) == 1 for packets in worker.sent.values()) == n

        await _until(lambda: delivered(a, len(on_a)) and delivered(b, len(on_b)), "delivery")
        assert await tap.count() == 1  # ONE publish for 100 subscribers on two workers
        packets = {p for w in (a, b) for sent in w.sent.values() for p in sent}
        assert len(packets) == 1  # the same bytes everywhere
        (packet,) = packets
        head, body = packet.split(",", 1)
        assert head == f"42{NAMESPACE}"  # engine.io message, socket.io event, our namespace
        assert json.loads(body) == [
            internals.EVENT,
            {"delta": {internals.delta_key(RecordLive): {"hearts_rx_state_": 4}}},
        ]
        assert sum(len(sent) for sent in b.sent.values()) == len(on_b)  # none to record-8

        await _stop(a, b)
        await client.aclose()

    asyncio.run(scenario())


@needs_redis
def test_an_emit_to_one_local_socket_stays_in_its_worker(prefix):
    """Reflex's own per-tab deltas go to one sid of the worker holding the socket: no Redis
    message for every other worker to decode and drop."""

    async def scenario() -> None:
        a, b, client = await _two_workers(prefix)
        tap = ChannelTap(client, f"{prefix}:socketio")
        await tap.start()
        (sid,) = await a.connect(1, "record-7")
        await a.namespace.emit(internals.EVENT, {"delta": {}}, to=sid)
        await _until(lambda: any(a.sent.values()), "delivery to the local socket")
        assert await tap.count() == 0
        await _stop(a, b)
        await client.aclose()

    asyncio.run(scenario())


def test_without_redis_install_keeps_everything_in_this_process(monkeypatch):
    monkeypatch.setattr(cluster, "redis_url", lambda: None)
    server = AsyncServer(async_mode="asgi")
    registered: list[Any] = []
    app = SimpleNamespace(sio=server, register_lifespan_task=registered.append)
    cluster.install(app)  # type: ignore[arg-type]
    assert type(server.manager) is cluster.FanOutManager  # in memory, no Redis
    assert registered == []
    assert isinstance(cluster.recent_counts(kept=3, rooms=2), cluster.MemoryCounts)


def test_with_redis_install_routes_room_emits_through_it(monkeypatch):
    monkeypatch.setattr(cluster, "redis_url", lambda: REDIS_URL)
    monkeypatch.setenv("HITREC_REDIS_PREFIX", "hitrec-one")
    server = AsyncServer(async_mode="asgi")
    registered: list[Any] = []
    app = SimpleNamespace(sio=server, register_lifespan_task=registered.append)
    cluster.install(app)  # type: ignore[arg-type]
    assert isinstance(server.manager, cluster.RoomRedisManager)
    assert server.manager.server is server
    assert server.manager.channel == "hitrec-one:socketio"
    assert len(registered) == 1  # listens from start-up
    assert not server.manager_initialized  # nothing connects to Redis before the loop runs
    assert isinstance(cluster.recent_counts(kept=3, rooms=2), cluster.RedisCounts)


# --- the rooms' recent counts ------------------------------------------------------------------


def test_memory_counts_keep_the_most_recent_per_map_and_the_most_recent_maps():
    async def scenario() -> None:
        counts = cluster.MemoryCounts(kept=2, rooms=2)
        assert await counts.put("challenge-1", "hearts", "5", 1) == {"5": 1}
        assert await counts.put("challenge-1", "hearts", "6", 2) == {"5": 1, "6": 2}
        assert await counts.put("challenge-1", "hearts", "5", 3) == {"6": 2, "5": 3}
        assert await counts.put("challenge-1", "hearts", "7", 1) == {"5": 3, "7": 1}
        await counts.put("challenge-1", "remixes", "5", 1)
        await counts.put("challenge-2", "hearts", "9", 1)  # a third map: the oldest goes
        assert await counts.get("challenge-1", "hearts", "remixes") == [{}, {"5": 1}]
        assert await counts.get("challenge-2", "hearts") == [{"9": 1}]

    asyncio.run(scenario())


@needs_redis
def test_redis_counts_are_shared_by_workers_and_cost_one_round_trip_per_change(prefix):
    async def scenario() -> None:
        a = cluster.RedisCounts(REDIS_URL, kept=2, key_prefix=prefix)
        b = cluster.RedisCounts(REDIS_URL, kept=2, key_prefix=prefix)
        assert await a.put("challenge-1", "hearts", "5", 1) == {"5": 1}
        # Worker B's map holds worker A's count: its publish does not revert it.
        assert await b.put("challenge-1", "hearts", "6", 2) == {"5": 1, "6": 2}
        assert await a.put("challenge-1", "hearts", "5", 3) == {"5": 3, "6": 2}
        assert await b.put("challenge-1", "hearts", "7", 1) == {"5": 3, "7": 1}  # 6 oldest
        await a.put("challenge-1", "remixes", "5", 4)
        assert await b.get("challenge-1", "hearts", "remixes") == [{"5": 3, "7": 1}, {"5": 4}]
        assert await b.get("challenge-2", "hearts") == [{}]

        sent: list[tuple[Any, ...]] = []
        client = a._redis()
        real = client.execute_command

        async def counting(*args: Any, **kwargs: Any) -> Any:
            sent.append(args)
            return await real(*args, **kwargs)

        client.execute_command = counting
        await a.put("challenge-1", "hearts", "8", 1)
        assert [args[0] for args in sent] == ["EVALSHA"]  # one round trip per change

        ttl = await client.ttl(f"{prefix}:counts:challenge-1:hearts")
        assert 0 < ttl <= cluster.COUNTS_TTL_SECONDS  # idle rooms expire
        await a.close()
        await b.close()

    asyncio.run(scenario())


def test_a_room_message_from_another_worker_forgets_the_rooms_join_snapshot_first(prefix):
    """A tab joining on this worker must not get a snapshot older than a message another
    worker published to the room: the snapshot is forgotten before the message is written to
    this worker's sockets (python-socketio's `_handle_emit`, called for each message from the
    channel). No Redis connection is needed: the message is handed in as the channel would."""
    broadcast._snapshots.clear()

    async def scenario() -> None:
        worker = Worker(cluster.room_manager(REDIS_URL, prefix))
        await worker.connect(3, "record-7")
        reads: list[int] = []

        def read() -> int:
            reads.append(1)
            return len(reads)

        assert broadcast.snapshot("record-7", read) == 1
        assert broadcast.snapshot("record-8", read) == 2
        assert broadcast.snapshot("record-7", read) == 1  # kept: no second read
        kept_at_delivery: list[bool] = []

        async def send(eio_sid: str, pkt: Any) -> None:
            kept_at_delivery.append("record-7" in broadcast._snapshots)

        worker.server._send_eio_packet = send
        await worker.server.manager._handle_emit(
            {
                "method": "emit",
                "event": internals.EVENT,
                "data": {"delta": {}},
                "namespace": NAMESPACE,
                "room": "record-7",
                "host_id": "another-worker",
            }
        )
        assert kept_at_delivery == [False, False, False]  # forgotten before any write
        assert broadcast.snapshot("record-7", read) == 3  # read again
        assert broadcast.snapshot("record-8", read) == 2  # another room: still kept

    asyncio.run(scenario())
    broadcast._snapshots.clear()


@pytest.mark.parametrize("redis_manager", [False, True])
def test_a_room_message_is_written_to_every_socket_without_a_task_per_socket(
    prefix, monkeypatch, redis_manager
):
    """1,000 viewers must not cost 1,000 asyncio tasks per room message (python-socketio's
    `AsyncManager.emit` makes one per recipient). With Redis the local delivery goes through
    the same loop (`_handle_emit` of the pub/sub manager -> `FanOutManager.emit`)."""
    import socketio.async_manager

    created: list[object] = []
    real_create_task = asyncio.create_task

    def counting_create_task(coro, **kwargs):
        created.append(coro)
        return real_create_task(coro, **kwargs)

    monkeypatch.setattr(socketio.async_manager.asyncio, "create_task", counting_create_task)

    async def scenario() -> None:
        manager = (
            cluster.room_manager(REDIS_URL, prefix) if redis_manager else cluster.FanOutManager()
        )
        worker = Worker(manager)
        sids = await worker.connect(100, "challenge-3")
        await worker.connect(7, "challenge-4")
        message = {
            "event": internals.EVENT,
            "data": {"delta": {"x": 1}},
            "namespace": NAMESPACE,
            "room": "challenge-3",
        }
        if redis_manager:  # as a message from another worker arrives
            await manager._handle_emit({**message, "method": "emit", "host_id": "other"})
        else:
            await worker.namespace.emit(message["event"], message["data"], room="challenge-3")
        written = [p for sent in worker.sent.values() for p in sent]
        assert len(written) == len(sids)  # each socket of the room once, none of the other
        assert len(set(written)) == 1  # the same bytes
        assert created == []

    asyncio.run(scenario())


def test_python_socketios_plain_manager_makes_a_task_per_socket(monkeypatch):
    """What `FanOutManager` avoids, so the test above can fail: the stock manager's tasks."""
    import socketio.async_manager

    created: list[object] = []
    real_create_task = asyncio.create_task
    monkeypatch.setattr(
        socketio.async_manager.asyncio,
        "create_task",
        lambda coro, **kw: created.append(coro) or real_create_task(coro, **kw),
    )

    async def scenario() -> None:
        worker = Worker(AsyncManager())
        await worker.connect(100, "challenge-3")
        await worker.namespace.emit(internals.EVENT, {"delta": {}}, room="challenge-3")
        assert len(created) == 100

    asyncio.run(scenario())
