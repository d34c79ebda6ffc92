"""Micro-bench: the CPU one room message costs per socket in engine.io's writer wait,
engine.io's own `AsyncSocket.poll` (an `asyncio.wait_for` per packet) against
`cluster._poll_without_a_task`, side by side in one run.

1,000 sockets, each with a writer task as engine.io runs one (poll, then one awaited send
per packet: an `asyncio.sleep(0)` stands for the websocket write), receive 200 messages put
on every queue 5 ms apart, as the fan-out loop puts them. CPU time of the process
(`time.process_time`, so other work on the machine does not count) / (sockets x messages).
Two rounds of each, alternating.

    .venv/bin/python bench/engineio_poll_bench.py
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from engineio import exceptions  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hitrec_app.realtime import cluster

SOCKETS, MESSAGES = 1000, 200

Poll = Callable[[Any], Awaitable[list[Any]]]


async def cpu_per_socket_message(poll: Poll) -> float:
    written = 0
    all_written = asyncio.Event()

    async def writer(sock: Any) -> None:
        nonlocal written
        while True:
            try:
                packets = await poll(sock)
            except exceptions.QueueEmpty:
                return
            if not packets:
                return
            for _ in packets:
                written += 1
                if written == SOCKETS * MESSAGES:
                    all_written.set()
                await asyncio.sleep(0)

    server = SimpleNamespace(ping_interval=10, ping_timeout=10)
    socks = [SimpleNamespace(queue=asyncio.Queue(), server=server) for _ in range(SOCKETS)]
    tasks = [asyncio.ensure_future(writer(s)) for s in socks]
    await asyncio.sleep(0.1)
    start = time.process_time()
    for _ in range(MESSAGES):
        for sock in socks:
            sock.queue.put_nowait("4[event]")
        await asyncio.sleep(0.005)
    await all_written.wait()
    cpu = time.process_time() - start
    for sock in socks:
        sock.queue.put_nowait(None)
    await asyncio.gather(*tasks)
    return cpu / (SOCKETS * MESSAGES)


def main() -> None:
    for name, poll in [
        ("engine.io poll", cluster.STOCK_POLL),
        ("ours", cluster._poll_without_a_task),
    ] * 2:
        print(
            f"{name}: {asyncio.run(cpu_per_socket_message(poll)) * 1e6:.1f} us CPU per socket and message"
        )


if __name__ == "__main__":
    main()
