"""Load test of the co-editing server, speaking y-websocket with `websockets` and pycrdt.

N writers each append 4 characters every 400 ms (what Etherpad's load tool does) and M
viewers watch, all on one draft, against the real server (`build_collab_app()` served in a
subprocess by granian, as Reflex serves its backend here, or by uvicorn; a freshly
migrated temporary SQLite database).

Latency is a keystroke's propagation time: from the writer sending its update to a
receiver having applied it. Receivers work it out from the Yjs state vector: writer w's
k-th append ends at clock 4k, and the writer noted when it sent that clock. Only a
subset of receivers ("samplers", which are viewers) decode updates and note arrival
times; the others only read their frames. The writers and watching viewers run in
`--procs` generator processes, the samplers in the parent; send and arrival times share
one monotonic clock and are matched after the run. The generator's CPU (all its
processes) and the CPU of everything else on the machine are reported too: when server
plus generator fill the cores, the figures are the machine's limit, not the server's.

    .venv/bin/python bench/collab_bench.py --writers 10 --viewers 40
    .venv/bin/python bench/collab_bench.py --writers 0 --sweep 200,300,400
    .venv/bin/python bench/collab_bench.py --report   # the standard set -> docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import platform
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Generator processes (spawned) import this module again: they reuse the parent's directory.
_TMP = Path(
    os.environ.get("HITREC_COLLAB_BENCH_TMP") or tempfile.mkdtemp(prefix="hitrec-collab-bench-")
)
os.environ["HITREC_COLLAB_BENCH_TMP"] = str(_TMP)
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
from hitrec_app.models import Draft, DraftCollaborator, User, UserSession, utcnow  # noqa: E402

APPEND_EVERY = 0.4
APPEND_CHARS = 4
BUDGET_P95_MS = 100.0
BUDGET_P99_MS = 250.0
DOCS = ROOT / "docs" / "benchmarks.md"


# -- set-up -------------------------------------------------------------------------------
def make_world(db_url: str, people: int) -> tuple[int, list[tuple[int, int]]]:
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
        # Editor tokens are tied to a live browser session: one each.
        sessions = [
            UserSession(
                user_id=u.id,
                token_hash=secrets.token_hex(32),
                expires_at=utcnow() + timedelta(days=1),
            )
            for u in users
        ]
        session.add_all(sessions)
        session.commit()
        return draft.id, [(u.id, s.id) for u, s in zip(users, sessions, strict=True)]  # type: ignore[misc]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    db_url: str, port: int, *, kind: str = "granian", deflate: bool = False
) -> subprocess.Popen[bytes]:
    """The collab app alone, one worker, served as Reflex serves it here (granian: Reflex uses it
    when gunicorn is not installed) or by uvicorn."""
    env = {**os.environ, "HITREC_DATABASE_URL": db_url}
    target = "hitrec_app.collab.asgi:build_collab_app"
    if kind == "granian":
        cmd = [
            sys.executable, "-m", "granian", "--interface", "asgi", "--factory", target,
            "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
    else:
        # Compressing each tiny Yjs frame once per connection cost about a quarter of the
        # server's CPU in a profile; granian does not negotiate it either.
        cmd = [
            sys.executable, "-m", "uvicorn", target, "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            "--no-access-log", "--ws-per-message-deflate", "true" if deflate else "false",
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
    sent_at: dict[int, dict[int, float]] = field(default_factory=dict)  # client -> clock -> t
    arrivals: list[tuple[int, int, int, float]] = field(default_factory=list)
    frames: int = 0
    appends: int = 0
    closed: list[str] = field(default_factory=list)


class Writer:
    """Appends 4 characters every 400 ms after its own text; reads (and drops) what comes in,
    answering only the server's sync request. It notes when each append (Yjs clock) went out."""

    def __init__(self, url: str, rng: random.Random, stats: Stats) -> None:
        self.url, self.rng, self.stats = url, rng, stats
        self.doc: Doc = Doc()
        self.text = Text()
        self.doc["content"] = self.text
        self.client_id = self.doc.client_id
        self.sent_at: dict[int, float] = {}
        stats.sent_at[self.client_id] = self.sent_at
        self.pending: list[bytes] = []
        self.doc.observe(self._on_update)
        self.ws: ClientConnection | None = None
        self.appends = 0

    def _on_update(self, event: TransactionEvent) -> None:
        self.pending.append(protocol.create_update_message(event.update))

    async def connect(self) -> None:
        self.ws = await connect(self.url, max_size=None, ping_interval=None, open_timeout=60)
        await self.ws.send(protocol.step1(self.doc.get_state()))

    async def read(self) -> None:
        assert self.ws is not None
        try:
            async for frame in self.ws:
                self.stats.frames += 1
                if frame[:2] == b"\x00\x00":  # the server asks what we have
                    message = protocol.parse(frame)  # type: ignore[arg-type]
                    await self.ws.send(protocol.step2(self.doc.get_update(message.payload)))
        except ConnectionClosed as err:
            self.stats.closed.append(f"writer: {err}")

    async def write(self, stop: asyncio.Event) -> None:
        assert self.ws is not None
        await asyncio.sleep(self.rng.uniform(0, APPEND_EVERY))
        next_at = time.perf_counter()
        while not stop.is_set():
            # Appending after our own text: writers skip applying others' updates to spare
            # the generator's CPU; the position is still a real concurrent insert.
            self.text += "".join(self.rng.choices("abcdefghij ", k=APPEND_CHARS))
            self.appends += 1
            self.stats.appends += 1
            frames, self.pending = self.pending, []
            self.sent_at[self.appends * APPEND_CHARS] = time.perf_counter()
            for frame in frames:
                await self.ws.send(frame)
            next_at += APPEND_EVERY
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


class Viewer:
    """Watches. A sampler applies every update and notes when each writer's clock advanced
    (latency is worked out afterwards against the writers' send times); others only read."""

    def __init__(self, url: str, sampler: bool, stats: Stats) -> None:
        self.url, self.sampler, self.stats = url, sampler, stats
        self.doc: Doc = Doc()
        self.text = Text()
        self.doc["content"] = self.text
        self.seen: dict[int, int] = {}
        self.ws: ClientConnection | None = None

    async def connect(self) -> None:
        self.ws = await connect(self.url, max_size=None, ping_interval=None, open_timeout=60)
        await self.ws.send(protocol.step1(self.doc.get_state()))

    async def read(self) -> None:
        assert self.ws is not None
        try:
            async for frame in self.ws:
                self.stats.frames += 1
                if not self.sampler:
                    continue
                message = protocol.parse(frame)  # type: ignore[arg-type]
                if message.kind == "step1":
                    await self.ws.send(protocol.step2(b"\x00\x00"))
                elif message.kind in ("step2", "update"):
                    self.doc.apply_update(message.payload)
                    now = time.perf_counter()
                    state = protocol.decode_state_vector(self.doc.get_state())
                    for client_id, clock in state.items():
                        before = self.seen.get(client_id, 0)
                        if clock > before:
                            self.seen[client_id] = clock
                            self.stats.arrivals.append((client_id, before, clock, now))
        except ConnectionClosed as err:
            self.stats.closed.append(f"viewer: {err}")


async def _connect_all(clients: list[Writer] | list[Viewer] | list[Writer | Viewer]) -> None:
    sem = asyncio.Semaphore(25)  # connect in waves, as a real crowd would

    async def join(c: Writer | Viewer) -> None:
        async with sem:
            await c.connect()

    await asyncio.gather(*(join(c) for c in clients))


async def _close_all(clients: list, tasks: list[asyncio.Task]) -> None:  # type: ignore[type-arg]
    for c in clients:
        if c.ws is not None:
            await c.ws.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


# -- generator processes ------------------------------------------------------------------
def _helper(conn: Connection, writer_urls: list[str], viewer_urls: list[str], seed: int) -> None:
    """A generator process: its share of writers and non-sampling viewers.

    Steps, driven by the parent over `conn`: connect and report "ready"; on "go" start
    typing; on "stop" stop typing and send back the send times; on "close" disconnect.
    """
    asyncio.run(_helper_main(conn, writer_urls, viewer_urls, seed))


async def _helper_main(
    conn: Connection, writer_urls: list[str], viewer_urls: list[str], seed: int
) -> None:
    loop = asyncio.get_running_loop()
    stats = Stats()
    rng = random.Random(seed)
    writers = [Writer(u, rng, stats) for u in writer_urls]
    viewers = [Viewer(u, False, stats) for u in viewer_urls]
    everyone: list[Writer | Viewer] = [*writers, *viewers]
    await _connect_all(everyone)
    readers = [asyncio.create_task(c.read()) for c in everyone]
    conn.send("ready")
    assert await loop.run_in_executor(None, conn.recv) == "go"
    stop = asyncio.Event()
    typing = [asyncio.create_task(w.write(stop)) for w in writers]
    assert await loop.run_in_executor(None, conn.recv) == "stop"
    stop.set()
    await asyncio.gather(*typing)
    conn.send((stats.appends, stats.sent_at, stats.frames, stats.closed))
    assert await loop.run_in_executor(None, conn.recv) == "close"
    await _close_all(everyone, readers)
    conn.send("closed")


# -- one run ------------------------------------------------------------------------------
@dataclass
class Result:
    writers: int
    viewers: int
    samplers: int
    server: str
    seconds: float
    p50: float
    p95: float
    p99: float
    samples: int
    updates_per_s: float
    frames_per_s: float
    server_cpu: float  # share of one core
    generator_cpu: float
    others_cpu: float  # everything else on the machine during the window, in cores
    server_rss_mb: float
    converged: bool
    errors: int
    load: float  # the machine's 1-minute load average at the end (other processes included)

    @property
    def within_budget(self) -> bool:
        return self.converged and self.errors == 0 and self.p95 <= BUDGET_P95_MS

    def line(self) -> str:
        return (
            f"writers={self.writers} viewers={self.viewers} (samplers {self.samplers}, "
            f"{self.server}): p50 {self.p50:.1f} ms, p95 {self.p95:.1f} ms, p99 {self.p99:.1f} ms "
            f"({self.samples} samples), {self.updates_per_s:.0f} updates/s in, "
            f"{self.frames_per_s:.0f} frames/s out, server CPU {self.server_cpu:.0%}, "
            f"generator CPU {self.generator_cpu:.0%}, other processes {self.others_cpu:.2f} cores, "
            f"server RSS {self.server_rss_mb:.0f} MB, converged={self.converged}, "
            f"errors={self.errors}, load average {self.load:.1f}"
        )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _cpu(procs: list[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def _machine_busy() -> float:
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + t.irq + t.softirq + getattr(t, "steal", 0.0)


async def run(
    writers: int,
    viewers: int,
    seconds: float,
    samplers: int,
    deflate: bool = False,
    server_kind: str = "granian",
    procs: int = 2,
) -> Result:
    samplers = min(samplers, viewers) if viewers else samplers
    viewers_total = max(viewers, samplers)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=_TMP))
    db_url = f"sqlite:///{work / 'bench.db'}"
    draft_id, people = make_world(db_url, writers + viewers_total)
    port = free_port()
    server = start_server(db_url, port, kind=server_kind, deflate=deflate)
    loop = asyncio.get_running_loop()
    stats = Stats()

    def url(user: tuple[int, int]) -> str:
        token = issue_token(user[0], draft_id, user[1])  # one connection per token
        return f"ws://127.0.0.1:{port}/collab/draft-{draft_id}?token={token}"

    ctx = mp.get_context("spawn")
    helpers: list[tuple[BaseProcess, Connection]] = []
    try:
        server_procs = [psutil.Process(server.pid)]
        server_procs += psutil.Process(server.pid).children(recursive=True)
        writer_urls = [url(p) for p in people[:writers]]
        viewer_ids = people[writers:]
        sampler_urls = [url(uid) for uid in viewer_ids[:samplers]]
        watcher_urls = [url(uid) for uid in viewer_ids[samplers:]]
        n = max(1, procs)
        for i in range(n):
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(
                target=_helper,
                args=(theirs, writer_urls[i::n], watcher_urls[i::n], i + 1),
                daemon=True,
            )
            proc.start()
            helpers.append((proc, mine))
        sampling = [Viewer(u, True, stats) for u in sampler_urls]
        await _connect_all(sampling)
        readers = [asyncio.create_task(v.read()) for v in sampling]
        for _, pipe in helpers:
            assert await loop.run_in_executor(None, pipe.recv) == "ready"
        for _, pipe in helpers:
            pipe.send("go")
        generator_procs = [psutil.Process(), *(psutil.Process(p.pid) for p, _ in helpers)]
        await asyncio.sleep(2.0)  # warm-up
        t0 = time.perf_counter()
        cpu0, gen0, all0 = _cpu(server_procs), _cpu(generator_procs), _machine_busy()
        frames0 = stats.frames
        await asyncio.sleep(seconds)
        t1 = time.perf_counter()
        cpu1, gen1, all1 = _cpu(server_procs), _cpu(generator_procs), _machine_busy()
        frames_sampled = stats.frames - frames0
        rss = sum(p.memory_info().rss for p in server_procs) / 2**20
        elapsed = t1 - t0
        expected = 0
        for _, pipe in helpers:
            pipe.send("stop")
        for _, pipe in helpers:
            appends, sent_at, _frames, closed = await loop.run_in_executor(None, pipe.recv)
            expected += appends * APPEND_CHARS
            stats.sent_at.update(sent_at)
            stats.closed.extend(closed)
        # Convergence: a newcomer, and every sampler, ends with every writer's every append.
        fresh = Viewer(url(people[-1]), True, Stats())
        await fresh.connect()
        fresh_reader = asyncio.create_task(fresh.read())
        converged = False
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            texts = {str(v.text) for v in [fresh, *sampling]}
            if len(texts) == 1 and len(next(iter(texts))) == expected:
                converged = True
                break
            await asyncio.sleep(0.1)
        for _, pipe in helpers:
            pipe.send("close")
        for _, pipe in helpers:
            await loop.run_in_executor(None, pipe.recv)
        await _close_all([*sampling, fresh], [*readers, fresh_reader])
    finally:
        for proc, _ in helpers:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
        server.terminate()
        server.wait(30)

    # After a restart the stored draft is the same text.
    if converged:
        from hitrec_app.collab import store

        with Session(get_engine(db_url)) as session:
            stored = store.load(session=session, draft_id=draft_id).document.content
        converged = stored == str(fresh.text)

    latencies: list[float] = []
    sent_in_window = 0
    for sent in stats.sent_at.values():
        sent_in_window += sum(1 for t in sent.values() if t0 <= t < t1)
    for client_id, before, clock, now in stats.arrivals:
        sent = stats.sent_at.get(client_id)
        if sent is None:
            continue
        for c in range(before + APPEND_CHARS, clock + 1, APPEND_CHARS):
            t = sent.get(c)
            if t is not None and t0 <= t < t1:
                latencies.append((now - t) * 1000)
    # Frames out per second: what every receiver got, estimated from the samplers' window
    # (each sampler gets what each other receiver gets).
    receivers = writers + viewers_total
    frames_per_s = frames_sampled / max(1, len(sampling)) * receivers / elapsed
    server_cpu = (cpu1 - cpu0) / elapsed
    generator_cpu = (gen1 - gen0) / elapsed
    return Result(
        writers=writers,
        viewers=viewers,
        samplers=samplers,
        server=server_kind,
        seconds=round(elapsed, 1),
        p50=percentile(latencies, 0.50),
        p95=percentile(latencies, 0.95),
        p99=percentile(latencies, 0.99),
        samples=len(latencies),
        updates_per_s=sent_in_window / elapsed,
        frames_per_s=frames_per_s,
        server_cpu=server_cpu,
        generator_cpu=generator_cpu,
        others_cpu=max(0.0, (all1 - all0) / elapsed - server_cpu - generator_cpu),
        server_rss_mb=rss,
        converged=converged,
        errors=len(stats.closed),
        load=os.getloadavg()[0],
    )


def sweep(
    counts: list[int], seconds: float, samplers: int, server_kind: str, procs: int
) -> tuple[Result | None, Result | None, list[Result]]:
    """Writers only (plus the sampling viewers), at each count: the most within budget, and
    the first count above it that was over budget."""
    tried: list[Result] = []
    for n in sorted(counts):
        result = asyncio.run(run(n, 0, seconds, samplers, server_kind=server_kind, procs=procs))
        print(result.line(), flush=True)
        tried.append(result)
    good = [r for r in tried if r.within_budget]
    best = max(good, key=lambda r: r.writers) if good else None
    above = [r for r in tried if not r.within_budget and (best is None or r.writers > best.writers)]
    first_bad = min(above, key=lambda r: r.writers) if above else None
    return best, first_bad, tried


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
        f"| {r.frames_per_s:.0f} | {r.server_cpu:.0%} | {r.generator_cpu:.0%} | {r.others_cpu:.2f} "
        f"| {r.server_rss_mb:.0f} | {'yes' if r.converged else 'NO'} | {r.load:.1f} | {verdict} |"
    )


def write_docs(
    results: list[Result],
    best: Result | None,
    first_bad: Result | None,
    seconds: float,
    server_kind: str,
    procs: int,
) -> None:
    header = (
        "| writers | viewers | p50 ms | p95 ms | p99 ms | updates/s in | frames/s out | server CPU "
        "| generator CPU | other processes (cores) | server RSS MB | converged | load avg "
        "| p95 budget |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    best_line = (
        f"**Most writers within p95 <= {BUDGET_P95_MS:.0f} ms: {best.writers}** "
        f"(budget: >= 300; first count tried over budget: "
        f"{first_bad.writers if first_bad else 'none'})."
        if best
        else "No writer count tried met the budget."
    )
    section = f"""## Co-editing

Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `bench/collab_bench.py --report` on {machine()}.
Server: {server_kind} (one worker; Reflex runs its backend with granian here) serving
`build_collab_app()`, temporary SQLite database (WAL), every update committed before it is
relayed. Generator: the same machine, {procs} processes for the writers and watching viewers
plus one for the sampling viewers (`websockets` + pycrdt); each writer appends {APPEND_CHARS}
characters every {APPEND_EVERY * 1000:.0f} ms; latency = a writer's send to a sampling viewer
having applied the update (one monotonic clock across processes), for every append sent in
the {seconds:.0f} s window after a 2 s warm-up. CPU is the share of one core during that
window; "other processes" is the rest of the machine's CPU use in that window (work that
is not this benchmark), in cores. Budgets (see "Budgets" above): p95 <= {BUDGET_P95_MS:.0f} ms and
p99 <= {BUDGET_P99_MS:.0f} ms at 50 writers + 200 viewers; >= 300 writers within
p95 <= {BUDGET_P95_MS:.0f} ms.

{header}
{chr(10).join(row(r) for r in results)}

{best_line}
"load avg" is the machine's 1-minute load average at the end of each run, this benchmark's
own processes included (about 2-4 while it runs on this 2-core machine).
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
    parser.add_argument(
        "--server", choices=("granian", "uvicorn"), default="granian", help="ASGI server"
    )
    parser.add_argument("--procs", type=int, default=2, help="generator processes for the crowd")
    parser.add_argument(
        "--sweep", default="", help="writer counts to try, e.g. 200,300,400 (writers only)"
    )
    parser.add_argument("--deflate", action="store_true", help="let uvicorn compress frames")
    parser.add_argument(
        "--report", action="store_true", help="standard set, written to docs/benchmarks.md"
    )
    args = parser.parse_args()
    print(machine(), flush=True)
    counts = [int(n) for n in args.sweep.split(",") if n.strip()]
    if args.report:
        results = []
        for w, v in ((10, 40), (50, 200)):
            result = asyncio.run(
                run(w, v, args.seconds, args.samplers, server_kind=args.server, procs=args.procs)
            )
            print(result.line(), flush=True)
            results.append(result)
        best, first_bad, tried = sweep(
            counts or [100, 200, 300, 350, 400, 450],
            args.seconds,
            args.samplers,
            args.server,
            args.procs,
        )
        write_docs(results + tried, best, first_bad, args.seconds, args.server, args.procs)
    elif counts:
        best, first_bad, _ = sweep(counts, args.seconds, args.samplers, args.server, args.procs)
        print(f"most writers within budget: {best.writers if best else None}")
    else:
        result = asyncio.run(
            run(
                args.writers,
                args.viewers,
                args.seconds,
                args.samplers,
                args.deflate,
                server_kind=args.server,
                procs=args.procs,
            )
        )
        print(result.line())


if __name__ == "__main__":
    main()
