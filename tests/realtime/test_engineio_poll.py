"""`cluster._poll_without_a_task`, the engine.io socket writer's wait without a task per
packet, gives what engine.io's own `AsyncSocket.poll` gives in every case the writer meets
(both run side by side on the same queues), and the stock code it replaces is pinned so an
engine.io upgrade that changes it fails here."""

from __future__ import annotations

import asyncio
import inspect
from types import SimpleNamespace
from typing import Any

import pytest
from engineio import exceptions
from engineio.async_socket import AsyncSocket

from hitrec_app.realtime import cluster


def _socket(queued: list[Any], *, wait: float = 5.0) -> Any:
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for item in queued:
        queue.put_nowait(item)
    server = SimpleNamespace(ping_interval=wait / 2, ping_timeout=wait / 2)
    return SimpleNamespace(queue=queue, server=server)


POLLS = pytest.mark.parametrize(
    "poll", [cluster.STOCK_POLL, cluster._poll_without_a_task], ids=["engineio", "ours"]
)


def test_the_stock_poll_is_what_ours_replaces():
    source = inspect.getsource(cluster.STOCK_POLL)
    for line in (
        "packets = [await asyncio.wait_for(",
        "self.queue.get(),",
        "self.server.ping_interval + self.server.ping_timeout)]",
        "except (asyncio.TimeoutError, asyncio.CancelledError):",
        "raise exceptions.QueueEmpty()",
        "if packets == [None]:",
        "pkt = self.queue.get_nowait()",
        "self.queue.put_nowait(None)",
        "packets.append(pkt)",
    ):
        assert line in source, f"engine.io's AsyncSocket.poll changed: {line!r} is gone"
    assert "packets = await self.poll()" in inspect.getsource(AsyncSocket._websocket_handler)


@POLLS
def test_queued_packets_come_together_up_to_the_close_signal(poll):
    async def scenario() -> None:
        sock = _socket(["a", "b", None, "c"])
        assert await poll(sock) == ["a", "b"]
        # The close signal is queued again (behind what followed it): a later poll ends
        # the writer.
        assert await poll(sock) == ["c"]
        assert await poll(sock) == []

    asyncio.run(scenario())


@POLLS
def test_a_packet_queued_while_waiting_is_returned(poll):
    async def scenario() -> None:
        sock = _socket([])
        waiting = asyncio.ensure_future(poll(sock))
        await asyncio.sleep(0.01)
        assert not waiting.done()
        sock.queue.put_nowait("ping")
        sock.queue.put_nowait("delta")
        assert await waiting in (["ping"], ["ping", "delta"])

    asyncio.run(scenario())


@POLLS
def test_nothing_for_the_heartbeat_window_or_a_cancel_is_queue_empty(poll):
    async def scenario() -> None:
        with pytest.raises(exceptions.QueueEmpty):
            await poll(_socket([], wait=0.05))
        waiting = asyncio.ensure_future(poll(_socket([])))
        await asyncio.sleep(0.01)
        waiting.cancel()
        with pytest.raises(exceptions.QueueEmpty):
            await waiting

    asyncio.run(scenario())


@POLLS
def test_task_accounting_matches(poll):
    async def scenario() -> None:
        sock = _socket(["a", "b"])
        await poll(sock)
        await asyncio.wait_for(sock.queue.join(), 1)  # every get was marked done

    asyncio.run(scenario())


def test_install_puts_ours_on_every_engineio_socket(monkeypatch):
    monkeypatch.setattr(AsyncSocket, "poll", cluster.STOCK_POLL)
    app = SimpleNamespace()
    monkeypatch.setattr(cluster.internals, "use_client_manager", lambda *_: None)
    monkeypatch.setattr(cluster, "redis_url", lambda: None)
    cluster.install(app)  # type: ignore[arg-type]
    assert AsyncSocket.poll is cluster._poll_without_a_task
