"""Load test of the co-editing server, speaking y-websocket with `websockets` and pycrdt.

N writers each append 4 characters every 400 ms (what Etherpad's load tool does) and M
viewers watch, all on one draft, against the real server (uvicorn serving
`build_collab_app()` in a subprocess, on a freshly migrated temporary SQLite database).

Latency is a keystroke's propagation time: from the writer sending its update to a
receiver having applied it. Receivers work it out from the Yjs state vector: writer w's
k-th append ends at clock 4k, and the writer noted when it sent that clock. Only a
subset of receivers ("samplers", which are viewers) decode updates and measure; the
others only read their frames, so the generator does not starve the server on a small
machine. The generator's own CPU is reported too: if it is near 100% of a core the
figures are the generator's limit, not the server's.

    .venv/bin/python bench/collab_bench.py --writers 10 --viewers 40
    .venv/bin/python bench/collab_bench.py --report   # the standard set -> docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="hitrec-collab-bench-"))
os.environ.setdefault("HITREC_DATA_DIR", str(_TMP))
os.environ.setdefault("HITREC_SECRET_KEY", "collab-bench-secret")

import psutil  # noqa: E402
from pycrdt import Doc, Text, TransactionEvent  # noqa: E402
from sqlmodel import Session  # noqa: E402
from websockets.asyncio.client import ClientConnection, connect  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from hitrec_app.collab import protocol  # noqa: E402
from hitrec_app.collab.tokens import issue_token  # noqa: E402
from hitrec_app.db import get_engine  # noqa: E402
from hitrec_app.models import Draft, DraftCollaborator, User, utcnow  # noqa: E402

APPEND_EVERY = 0.4
APPEND_CHARS = 4
BUDGET_P95_MS = 100.0
BUDGET_P99_MS = 250.0
DOCS = ROOT / "docs" / "benchmarks.md"


# -- set-up -------------------------------------------------------------------------------
def make_world(db_url: str, people: int) -> tuple[int, list[int]]:
    from alembic.config import Config

    from alembic import command

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.cmd_opts = type("Opts", (), {"x": [f"url={db_url}"]})()  # type: ignore[assignment]
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "head")
    with Session(get_engine(db_url, immediate=True)) as session:
        users = [
            User(
                username=f"bench{i}",
                username_key=f"bench{i}",
                display_name=f"Bench {i}",
                password_hash="-",  # noqa: S106  (nobody signs in: tokens are issued directly)
                terms_version="bench",
                terms_accepted_at=utcnow(),
            )
            for i in range(people)
        ]
        session.add_all(users)
        session.flush()
        draft = Draft(title="Load test", owner_id=users[0].id)
        session.add(draft)
        session.flush()
        session.add_all(
            DraftCollaborator(draft_id=draft.id, user_id=u.id, role="owner" if i == 0 else "editor")
            for i, u in enumerate(users)
        )
        session.commit()
        return draft.id, [u.id for u in users]  # type: ignore[misc]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_url: str, port: int, *, deflate: bool = False) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HITREC_DATABASE_URL": db_url}
    # Compressing each tiny Yjs frame once per connection cost about a quarter of the server's
    # CPU in a profile; Reflex's production server (granian) does not negotiate it either.
    cmd = [
        sys.executable, "-m", "uvicorn", "hitrec_app.collab.asgi:build_collab_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
        "--ws-per-message-deflate", "true" if deflate else "false",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("collab server did not start")


# -- clients ------------------------------------------------------------------------------
@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    sent: int = 0
    frames: int = 0
    closed: list[str] = field(default_factory=list)
    measuring: bool = False


class Writer:
    def __init__(self, url: str, rng: random.Random) -> None:
        self.url, self.rng = url, rng
        self.doc: Doc = Doc()
        self.text = Text()
        self.doc["content"] = self.text
        self.client_id = self.doc.client_id
        self.sent_at: dict[int, float] = {}  # clock after an append -> when it was sent
        self.pending: list[bytes] = []
        self.doc.observe(self._on_update)
        self.ws: ClientConnection | None = None
        self.appends = 0

    def _on_update(self, event: TransactionEvent) -> None:
        self.pending.append(protocol.create_update_message(event.update))

    async def connect(self) -> None:
        self.ws = await connect(self.url, max_size=None, ping_interval=None, open_timeout=60)
        await self.ws.send(protocol.step1(self.doc.get_state()))

    async def read(self, stats: Stats) -> None:
        assert self.ws is not None
        try:
            async for frame in self.ws:
                stats.frames += 1
                if frame[:2] == b"\x00\x00":  # the server asks what we have
                    message = protocol.parse(frame)  # type: ignore[arg-type]
                    await self.ws.send(protocol.step2(self.doc.get_update(message.payload)))
        except ConnectionClosed as err:
            stats.closed.append(f"writer: {err}")

    async def write(self, stop: asyncio.Event, stats: Stats) -> None:
        assert self.ws is not None
        await asyncio.sleep(self.rng.uniform(0, APPEND_EVERY))
        next_at = time.perf_counter()
        while not stop.is_set():
            # Appending after our own text: writers skip applying others' updates to spare
            # the generator's CPU; the position is still a real concurrent insert.
            chars = "".join(self.rng.choices("abcdefghij ", k=APPEND_CHARS))
            self.text += chars
            self.appends += 1
            clock = self.appends * APPEND_CHARS
            frames, self.pending = self.pending, []
            self.sent_at[clock] = time.perf_counter()
            for frame in frames:
                await self.ws.send(frame)
            if stats.measuring:
                stats.sent += 1
            next_at += APPEND_EVERY
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


class Viewer:
    def __init__(self, url: str, sampler: bool, writers: dict[int, Writer]) -> None:
        self.url, self.sampler, self.writers = url, sampler, writers
        self.doc: Doc = Doc()
        self.text = Text()
        self.doc["content"] = self.text
        self.seen: dict[int, int] = {}
        self.ws: ClientConnection | None = None

    async def connect(self) -> None:
        self.ws = await connect(self.url, max_size=None, ping_interval=None, open_timeout=60)
        await self.ws.send(protocol.step1(self.doc.get_state()))

    async def read(self, stats: Stats) -> None:
        assert self.ws is not None
        try:
            async for frame in self.ws:
                stats.frames += 1
                if not self.sampler:
                    continue
                message = protocol.parse(frame)  # type: ignore[arg-type]
                if message.kind == "step1":
                    await self.ws.send(protocol.step2(b"\x00\x00"))
                elif message.kind in ("step2", "update"):
                    self.doc.apply_update(message.payload)
                    self._measure(stats, time.perf_counter())
        except ConnectionClosed as err:
            stats.closed.append(f"viewer: {err}")

    def _measure(self, stats: Stats, now: float) -> None:
        state = protocol.decode_state_vector(self.doc.get_state())
        for client_id, clock in state.items():
            writer = self.writers.get(client_id)
            before = self.seen.get(client_id, 0)
            if writer is None or clock <= before:
                continue
            self.seen[client_id] = clock
            if stats.measuring:
                for c in range(before + APPEND_CHARS, clock + 1, APPEND_CHARS):
                    sent = writer.sent_at.get(c)
                    if sent is not None:
                        stats.latencies.append((now - sent) * 1000)


# -- one run ------------------------------------------------------------------------------
@dataclass
class Result:
    writers: int
    viewers: int
    samplers: int
    seconds: float
    p50: float
    p95: float
    p99: float
    samples: int
    updates_per_s: float
    frames_per_s: float
    server_cpu: float  # share of one core
    generator_cpu: float
    server_rss_mb: float
    converged: bool
    errors: int
    load: float  # the machine's 1-minute load average at the end (other processes included)

    @property
    def within_budget(self) -> bool:
        return self.converged and self.errors == 0 and self.p95 <= BUDGET_P95_MS

    def line(self) -> str:
        return (
            f"writers={self.writers} viewers={self.viewers} (samplers {self.samplers}): "
            f"p50 {self.p50:.1f} ms, p95 {self.p95:.1f} ms, p99 {self.p99:.1f} ms "
            f"({self.samples} samples), {self.updates_per_s:.0f} updates/s in, "
            f"{self.frames_per_s:.0f} frames/s out, server CPU {self.server_cpu:.0%}, "
            f"generator CPU {self.generator_cpu:.0%}, server RSS {self.server_rss_mb:.0f} MB, "
            f"converged={self.converged}, errors={self.errors}, load average {self.load:.1f}"
        )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(
    writers: int, viewers: int, seconds: float, samplers: int, deflate: bool = False
) -> Result:
    samplers = min(samplers, viewers) if viewers else samplers
    viewers_total = max(viewers, samplers)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=_TMP))
    db_url = f"sqlite:///{work / 'bench.db'}"
    draft_id, user_ids = make_world(db_url, writers + viewers_total)
    port = free_port()
    server = start_server(db_url, port, deflate=deflate)
    proc = psutil.Process(server.pid)
    me = psutil.Process()
    rng = random.Random(1)
    stats = Stats()

    def url(user_id: int) -> str:
        return (
            f"ws://127.0.0.1:{port}/collab/draft-{draft_id}?token={issue_token(user_id, draft_id)}"
        )

    try:
        ws_writers = [Writer(url(uid), rng) for uid in user_ids[:writers]]
        by_client = {w.client_id: w for w in ws_writers}
        ws_viewers = [
            Viewer(url(uid), i < samplers, by_client) for i, uid in enumerate(user_ids[writers:])
        ]
        everyone = [*ws_writers, *ws_viewers]
        sem = asyncio.Semaphore(25)  # connect in waves, as a real crowd would

        async def join(c: Writer | Viewer) -> None:
            async with sem:
                await c.connect()

        await asyncio.gather(*(join(c) for c in everyone))
        readers = [asyncio.create_task(c.read(stats)) for c in everyone]
        stop = asyncio.Event()
        typing = [asyncio.create_task(w.write(stop, stats)) for w in ws_writers]
        await asyncio.sleep(2.0)  # warm-up
        stats.measuring = True
        cpu0, my0, t0 = proc.cpu_times(), me.cpu_times(), time.perf_counter()
        frames0 = stats.frames
        await asyncio.sleep(seconds)
        stats.measuring = False
        elapsed = time.perf_counter() - t0
        cpu1, my1 = proc.cpu_times(), me.cpu_times()
        frames = stats.frames - frames0
        rss = proc.memory_info().rss / 2**20
        stop.set()
        await asyncio.gather(*typing)

        # Convergence: a newcomer, and every sampler, ends with every writer's every append.
        expected = sum(w.appends for w in ws_writers) * APPEND_CHARS
        fresh = Viewer(url(user_ids[-1]), True, by_client)
        await fresh.connect()
        fresh_reader = asyncio.create_task(fresh.read(Stats()))
        converged = False
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            lengths = {len(str(v.text)) for v in [fresh, *ws_viewers[:samplers]]}
            texts = {str(v.text) for v in [fresh, *ws_viewers[:samplers]]}
            if lengths == {expected} and len(texts) == 1:
                converged = True
                break
            await asyncio.sleep(0.1)
        for c in [*everyone, fresh]:
            if c.ws is not None:
                await c.ws.close()
        for task in [*readers, fresh_reader]:
            task.cancel()
        await asyncio.gather(*readers, fresh_reader, return_exceptions=True)
    finally:
        server.terminate()
        server.wait(30)

    # After a restart the stored draft is the same text.
    if converged:
        from hitrec_app.collab import store

        with Session(get_engine(db_url)) as session:
            stored = store.load(session=session, draft_id=draft_id).document.content
        converged = stored == str(fresh.text)

    def busy(a, b) -> float:  # noqa: ANN001
        return (b.user + b.system - a.user - a.system) / elapsed

    return Result(
        writers=writers,
        viewers=viewers,
        samplers=samplers,
        seconds=round(elapsed, 1),
        p50=percentile(stats.latencies, 0.50),
        p95=percentile(stats.latencies, 0.95),
        p99=percentile(stats.latencies, 0.99),
        samples=len(stats.latencies),
        updates_per_s=stats.sent / elapsed,
        frames_per_s=frames / elapsed,
        server_cpu=busy(cpu0, cpu1),
        generator_cpu=busy(my0, my1),
        server_rss_mb=rss,
        converged=converged,
        errors=len(stats.closed),
        load=os.getloadavg()[0],
    )


def search(
    seconds: float, samplers: int, start: int = 50, limit: int = 600
) -> tuple[Result | None, Result | None, list[Result]]:
    """The most writers (no other viewers) with p95 within budget: grow, then bisect."""
    tried: list[Result] = []

    def attempt(n: int) -> Result:
        result = asyncio.run(run(n, 0, seconds, samplers))
        print(result.line(), flush=True)
        tried.append(result)
        return result

    good: Result | None = None
    bad: Result | None = None
    n = start
    while n <= limit:
        result = attempt(n)
        if result.within_budget:
            good, n = result, n * 2
        else:
            bad = result
            break
    if good is None or bad is None:
        return good, bad, tried
    lo, hi = good.writers, bad.writers
    while hi - lo > max(10, lo // 8):
        mid = (lo + hi) // 2
        result = attempt(mid)
        if result.within_budget:
            good, lo = result, mid
        else:
            bad, hi = result, mid
    return good, bad, tried


# -- report -------------------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = psutil.virtual_memory().total / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def row(r: Result) -> str:
    verdict = "within" if r.within_budget else "MISSES"
    return (
        f"| {r.writers} | {r.viewers} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} | {r.updates_per_s:.0f} "
        f"| {r.frames_per_s:.0f} | {r.server_cpu:.0%} | {r.generator_cpu:.0%} | {r.server_rss_mb:.0f} "
        f"| {'yes' if r.converged else 'NO'} | {r.load:.1f} | {verdict} |"
    )


def write_docs(
    results: list[Result], best: Result | None, first_bad: Result | None, seconds: float
) -> None:
    header = (
        "| writers | viewers | p50 ms | p95 ms | p99 ms | updates/s in | frames/s out | server CPU "
        "| generator CPU | server RSS MB | converged | load avg | p95 budget |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    best_line = (
        f"**Most writers within p95 <= {BUDGET_P95_MS:.0f} ms: {best.writers}** "
        f"(budget: >= 300; first count over budget: {first_bad.writers if first_bad else 'none tried'})."
        if best
        else "No writer count tried met the budget."
    )
    section = f"""## Co-editing

Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `bench/collab_bench.py --report` on {machine()}.
Server: uvicorn (one worker) serving `build_collab_app()`, temporary SQLite database (WAL),
every update committed before it is relayed. Generator: the same machine, one Python process
(`websockets` + pycrdt); each writer appends {APPEND_CHARS} characters every {APPEND_EVERY * 1000:.0f} ms;
latency = writer's send to a sampling viewer having applied the update, over {seconds:.0f} s
after a 2 s warm-up; CPU is the share of one core during that window. Budgets (DESIGN.md):
p95 <= {BUDGET_P95_MS:.0f} ms and p99 <= {BUDGET_P99_MS:.0f} ms at 50 writers + 200 viewers;
>= 300 writers within p95 <= {BUDGET_P95_MS:.0f} ms.

{header}
{chr(10).join(row(r) for r in results)}

{best_line}
The writer search runs writers plus a few sampling viewers only. Both processes share the
machine's 2 cores: when generator CPU nears 100 % the generator, not only the server, limits
the figures. "load avg" is the machine's 1-minute load average at the end of each run: this
machine was shared with other work while measuring, and runs with a load above ~2 got less
than the 2 cores (a server CPU share far below 100 % with high latency is that, not idling).
"""
    old = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    start = old.find("## Co-editing")
    if start == -1:
        new = old.rstrip() + "\n\n" + section
    else:
        end = old.find("\n## ", start + 1)
        new = old[:start] + section + (old[end + 1 :] if end != -1 else "")
    DOCS.parent.mkdir(exist_ok=True)
    DOCS.write_text(new)
    print(f"wrote {DOCS}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--viewers", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--samplers", type=int, default=8)
    parser.add_argument("--search", action="store_true", help="find the most writers within budget")
    parser.add_argument("--deflate", action="store_true", help="let uvicorn compress frames")
    parser.add_argument(
        "--report", action="store_true", help="standard set, written to docs/benchmarks.md"
    )
    args = parser.parse_args()
    print(machine(), flush=True)
    if args.report:
        results = []
        for w, v in ((10, 40), (50, 200)):
            result = asyncio.run(run(w, v, args.seconds, args.samplers))
            print(result.line(), flush=True)
            results.append(result)
        best, first_bad, tried = search(args.seconds, args.samplers)
        write_docs(results + tried, best, first_bad, args.seconds)
    elif args.search:
        best, first_bad, _ = search(args.seconds, args.samplers)
        print(f"most writers within budget: {best.writers if best else None}")
    else:
        result = asyncio.run(
            run(args.writers, args.viewers, args.seconds, args.samplers, args.deflate)
        )
        print(result.line())


if __name__ == "__main__":
    main()
