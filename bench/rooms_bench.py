"""Live rooms bench (issue 8): N viewers on one record page, a member commenting 5 times a second.

Starts the real app (tests/e2e/live_app.py, prod mode, demo data, one backend worker) and
talks to it the way a browser does, over Reflex's own event protocol: a socket.io client
on `/_event` whose CONNECT packet carries `hydrate_and_load` with the page's router data
(the page's on_load handlers then run on the server, as for a browser), and whose later
events are `["event", {"name", "payload", "router_data"}]` (payload shapes copied from
a browser's websocket frames; the browser also sends `hashes` of its compiled initial
state, left out here, so each viewer's first snapshot arrives in full). N anonymous
viewers open "The keeper's last log"; a signed-in client (jules; its session token,
opened with accounts.sign_in as the sign-in handler does, goes in the hydrate event as the
browser's local storage var) posts comments through the page's `add_comment` handler at
5/s.

Latency of a change = from sending the comment until the SLOWEST viewer has received a
delta containing its body. Reported: p50/p95/p99/max, backend CPU over the posting
phase (psutil, app process tree, 100% = one core), backend RSS growth per viewer, and
a join storm (N viewers connecting at once: time until every viewer is hydrated and has
the room's comments). A point whose p95 passes 10 s is stopped and reported saturated.
Three runs per point, the median run (by p95) reported. Writes the "## Live rooms"
section of docs/benchmarks.md.

One run measures both paths back to back (`--path old,new`, the default): for each N and
each run, OLD then NEW, each on a freshly started backend, one backend up at a time.
`old` is the rx.SharedState rooms (RecordRoom) as on commit 06500ea, the last main before
the broadcast path: the app runs from a detached git worktree of that commit (`--tree`,
default /tmp/rooms-old, made if missing; LiveApp's `root=` sets its cwd and PYTHONPATH).
`new` is this tree's broadcast path (RecordLive, hitrec_app/realtime/broadcast.py): the
page's on_load `RecordLive.join`, run by the hydrate event as for a browser, puts the
tab's socket in the record's socket.io room, and each comment arrives as one StateUpdate
with RecordLive's `comments`. The page, the comment form and `add_comment` are the same
on both paths, so the frames sent are the same.

    .venv/bin/python bench/rooms_bench.py [--viewers 50,200] [--seconds 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.live_app import LiveApp  # noqa: E402

RECORD_TITLE = "The keeper's last log"
POSTER, POSTER_PASSWORD = "jules", "hitrec-demo-2026"
RATE = 5.0  # changes per second
SATURATED_S = 10.0
ROOT_STATE = "reflex___state____state"
RUN_LINES: list[str] = []  # every run, for the doc below the table of medians
EVENT_PREFIX = "42/_event,"
REFLEX_SUBPROTOCOL = "0.10.1"  # Reflex warns when the frontend version differs
AUTH_STATE = f"{ROOT_STATE}.hitrec_app___state___base____auth_state"


@dataclasses.dataclass(frozen=True)
class Path_:
    """What a path's page looks like on the wire: its route, the state whose delta carries
    the room's comments, and the handler that posts one."""

    route: str  # with {rid}
    room_state_marker: str  # a substring of the room state's full name
    comments_var: str
    add_comment: str


PATHS = {
    "old": Path_(
        route="/records/{rid}",
        room_state_marker="hitrec_app___state___records____record_room",
        comments_var="comments_rx_state_",
        add_comment=f"{AUTH_STATE}.hitrec_app___state___records____record_state.add_comment",
    ),
    # The broadcast path (issue 8): `RecordLive.join` (the page's on_load, run by the
    # hydrate event) puts the tab's socket in the record's socket.io room and sends the
    # snapshot; each new comment is ONE StateUpdate `{record_live: {comments: [...]}}` (the
    # newest LIVE_COMMENTS rows) emitted once to that room (hitrec_app/realtime/broadcast.py).
    # The comment form and its handler are unchanged from the old path.
    "new": Path_(
        route="/records/{rid}",
        room_state_marker="hitrec_app___state___records____record_live",
        comments_var="comments_rx_state_",
        add_comment=f"{AUTH_STATE}.hitrec_app___state___records____record_state.add_comment",
    ),
}
OLD_COMMIT = "06500ea"  # the last main before the broadcast path (RecordRoom, rx.SharedState)
DEFAULT_OLD_TREE = Path(os.environ.get("ROOMS_BENCH_OLD_TREE", "/tmp/rooms-old"))  # noqa: S108


def router_data(path: str, rid: int) -> dict[str, Any]:
    p = PATHS[path].route.format(rid=rid)
    return {"pathname": p, "asPath": p, "query": {"id": str(rid)}}


class Viewer:
    """One browser tab: an engine.io v4 / socket.io v5 client on `/_event` (websocket
    transport, as Reflex's frontend uses) that hydrates the page and records deltas.

    Written on `websockets` because python-socketio's asyncio client needs aiohttp,
    which the project does not install. Packets: `0{..}` open, `40/_event,{auth}`
    connect (Reflex reads the hydrate event from the auth payload), `42/_event,[..]`
    events, `2`/`3` ping/pong.
    """

    def __init__(self, bench: Bench, vars_: dict[str, str] | None = None):
        self.bench = bench
        self.vars = vars_ or {}
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.hydrated = asyncio.Event()
        self.current = asyncio.Event()

    def _on_event(self, msg: Any) -> None:
        now = time.monotonic()
        delta = msg.get("delta") if isinstance(msg, dict) else None
        if not delta:
            return
        if delta.get(ROOT_STATE, {}).get("is_hydrated_rx_state_") is True:
            self.hydrated.set()
        spec = PATHS[self.bench.path]
        for name, fields in delta.items():
            if spec.room_state_marker in name and spec.comments_var in fields:
                self.current.set()
                for row in fields[spec.comments_var]:
                    self.bench.seen(self, row.get("body", ""), now)

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                text = raw if isinstance(raw, str) else raw.decode()
                if text == "2":
                    await self.ws.send("3")
                elif text.startswith(EVENT_PREFIX):
                    name, *args = json.loads(text[len(EVENT_PREFIX) :])
                    if name == "event" and args:
                        self._on_event(args[0])
        except Exception:  # noqa: S110  (closed by us or by a saturated server)
            pass

    async def connect(self) -> None:
        hydrate = {
            "name": f"{ROOT_STATE}.hydrate_and_load",
            "payload": {"vars": self.vars} if self.vars else {},
            "router_data": router_data(self.bench.path, self.bench.rid),
        }
        ws_url = self.bench.url.replace("http", "ws", 1)
        self.ws = await connect(
            f"{ws_url}/_event/?EIO=4&transport=websocket&token={uuid.uuid4()}",
            subprotocols=[Subprotocol(REFLEX_SUBPROTOCOL)],
            max_size=None,
            open_timeout=60,
            ping_interval=None,
        )
        opened = await self.ws.recv()
        if not str(opened).startswith("0"):
            raise ConnectionError(f"unexpected engine.io open packet {opened!r}")
        await self.ws.send("40/_event," + json.dumps({"event": hydrate}))
        ack = str(await self.ws.recv())
        if not ack.startswith("40/_event"):
            raise ConnectionError(f"socket.io connect refused: {ack[:200]}")
        self.reader = asyncio.create_task(self._read())

    async def send(self, name: str, payload: dict[str, Any]) -> None:
        assert self.ws is not None
        event = {
            "name": name,
            "payload": payload,
            "router_data": router_data(self.bench.path, self.bench.rid),
        }
        await self.ws.send(EVENT_PREFIX + json.dumps(["event", event]))

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await self.ws.send("41/_event,")
                await self.ws.close()
            except Exception:  # noqa: S110  (a saturated server may already have dropped it)
                pass
        if self.reader is not None:
            self.reader.cancel()


@dataclasses.dataclass
class Result:
    viewers: int
    sent: int = 0
    lat_ms: list[float] = dataclasses.field(default_factory=list)
    missing: int = 0
    saturated: bool = False
    cpu_pct: float = 0.0
    client_cpu_pct: float = 0.0
    rss_per_viewer_mb: float = 0.0
    join_s: float = 0.0
    join_ok: int = 0
    load: float = 0.0  # the machine's 1-minute load average at the end of the run

    def pct(self, q: float) -> float:
        if not self.lat_ms and not self.missing:
            return float("nan")
        xs = sorted(self.lat_ms) + [float("inf")] * self.missing
        return xs[min(len(xs) - 1, max(0, round(q * len(xs)) - 1))]


class Bench:
    def __init__(self, app: LiveApp, path: str, rid: int, token: str):
        self.app, self.path, self.rid, self.token = app, path, rid, token
        self.url = app.url
        self.sent_at: dict[str, float] = {}
        self.pending: dict[str, set[int]] = {}
        self.done_at: dict[str, float] = {}
        self.viewer_ids: set[int] = set()
        self.drained = asyncio.Event()

    def seen(self, viewer: Viewer, body: str, now: float) -> None:
        waiting = self.pending.get(body)
        if waiting is None or id(viewer) not in waiting:
            return
        waiting.discard(id(viewer))
        if not waiting:
            self.done_at[body] = now
            del self.pending[body]
            if not self.pending:
                self.drained.set()

    def tree(self) -> list[psutil.Process]:
        assert self.app.proc is not None
        top = psutil.Process(self.app.proc.pid)
        return [top, *top.children(recursive=True)]

    def cpu_s(self) -> float:
        total = 0.0
        for p in self.tree():
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
        return total

    def rss_mb(self) -> float:
        total = 0
        for p in self.tree():
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20

    async def run(self, n: int, seconds: float, tag: str) -> Result:
        res = Result(viewers=n)
        clean_comments(self.app, self.rid)
        rss0 = self.rss_mb()
        viewers = [Viewer(self) for _ in range(n)]
        self.viewer_ids = {id(v) for v in viewers}
        # Join storm: every viewer connects at once.
        t0 = time.monotonic()
        outcomes = await asyncio.gather(*(v.connect() for v in viewers), return_exceptions=True)
        live = [v for v, o in zip(viewers, outcomes, strict=True) if not isinstance(o, Exception)]
        failed = [o for o in outcomes if isinstance(o, Exception)]
        if failed:
            print(f"  {len(failed)} viewer(s) could not connect: {failed[0]!r}", flush=True)
        if not live:
            raise RuntimeError("no viewer could connect")

        async def ready(v: Viewer) -> None:
            await v.hydrated.wait()
            await v.current.wait()

        _done, _ = await asyncio.wait([asyncio.ensure_future(ready(v)) for v in live], timeout=60)
        res.join_s = time.monotonic() - t0
        res.join_ok = sum(1 for v in live if v.hydrated.is_set() and v.current.is_set())
        await asyncio.sleep(1.0)
        poster = Viewer(self, {f"{AUTH_STATE}.session_token_rx_state_": self.token})
        await poster.connect()
        await asyncio.wait_for(poster.hydrated.wait(), 60)
        await asyncio.sleep(0.5)
        ids = {id(v) for v in live}
        me = psutil.Process()
        cpu0, mine0, w0 = self.cpu_s(), me.cpu_times(), time.monotonic()
        i = 0
        next_at = time.monotonic()
        end = next_at + seconds
        while time.monotonic() < end:
            body = f"bench {tag} #{i}"
            self.pending[body] = set(ids)
            self.sent_at[body] = time.monotonic()
            await poster.send(PATHS[self.path].add_comment, {"form_data": form(body)})
            i += 1
            oldest = min((self.sent_at[b] for b in self.pending), default=None)
            if oldest is not None and time.monotonic() - oldest > SATURATED_S:
                late = sum(
                    1 for b in self.pending if time.monotonic() - self.sent_at[b] > SATURATED_S
                )
                if late >= max(1, 0.05 * i):
                    res.saturated = True
                    break
            next_at += 1 / RATE
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        res.sent = i
        res.load = os.getloadavg()[0]
        # Drain: wait for the last changes (up to the saturation limit).
        drain_end = time.monotonic() + SATURATED_S
        self.drained.clear()
        if self.pending:
            try:
                await asyncio.wait_for(self.drained.wait(), drain_end - time.monotonic())
            except TimeoutError:
                pass
        wall = time.monotonic() - w0
        res.cpu_pct = 100 * (self.cpu_s() - cpu0) / wall
        mine1 = me.cpu_times()
        res.client_cpu_pct = 100 * (mine1.user + mine1.system - mine0.user - mine0.system) / wall
        res.rss_per_viewer_mb = max(0.0, self.rss_mb() - rss0) / max(1, n)
        mine = [b for b in self.sent_at if b.startswith(f"bench {tag} ")]
        for b in mine:
            if b in self.done_at:
                res.lat_ms.append((self.done_at[b] - self.sent_at[b]) * 1000)
            else:
                res.missing += 1
        if res.pct(0.95) > SATURATED_S * 1000:
            res.saturated = True
        self.pending.clear()
        await asyncio.gather(poster.close(), *(v.close() for v in viewers))
        await asyncio.sleep(2.0)
        return res


def form(body: str) -> dict[str, Any]:
    return {"__reflex_form_data__": [["body", body], ["field_comment", body]]}


def db_path(app: LiveApp) -> Path:
    return app.workdir / "data" / "e2e.db"


def record_id(app: LiveApp) -> int:
    with sqlite3.connect(db_path(app)) as db:
        row = db.execute("SELECT id FROM records WHERE title = ?", (RECORD_TITLE,)).fetchone()
    return int(row[0])


def clean_comments(app: LiveApp, rid: int) -> None:
    """Drop earlier runs' comments: the old path lists the oldest 200 comments only."""
    with sqlite3.connect(db_path(app), timeout=30) as db:
        db.execute("DELETE FROM comments WHERE body LIKE 'bench %'")
        db.execute(
            "UPDATE records SET comment_count = "
            "(SELECT count(*) FROM comments WHERE record_id = ?) WHERE id = ?",
            (rid, rid),
        )


def sign_in_token(app: LiveApp) -> str:
    """Open a session for the poster the way the sign-in handler does (accounts.sign_in)."""
    code = (
        "from hitrec_app.db import session_scope\n"
        "from hitrec_app.services import accounts\n"
        "with session_scope(write=True) as s:\n"
        f"    print(accounts.sign_in(session=s, username={POSTER!r}, "
        f"password={POSTER_PASSWORD!r}, client_ip='bench').token)\n"
    )
    out = subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", code],
        cwd=app.root,
        env=app.env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} CPUs, load average {load}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def commit(tree: Path = ROOT) -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=tree,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def fmt_ms(x: float) -> str:
    if x == float("inf"):
        return "lost"
    return f"{x / 1000:.1f} s" if x >= 1000 else f"{x:.0f} ms"


def row(path: str, r: Result, runs: list[Result]) -> str:
    state = "SATURATED" if r.saturated else "ok"
    return (
        f"| {path} | {r.viewers} | {len(runs)} | {fmt_ms(r.pct(0.5))} | {fmt_ms(r.pct(0.95))} | "
        f"{fmt_ms(r.pct(0.99))} | {fmt_ms(r.pct(1.0))} | {r.sent} ({r.missing} not seen by all) | "
        f"{r.cpu_pct:.0f}% | {r.rss_per_viewer_mb:.2f} MB | {r.join_s:.1f} s ({r.join_ok}/"
        f"{r.viewers}) | {r.load:.1f} | {state} |"
    )


def write_doc(section: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    heading = "## Live rooms"
    if heading in text:
        start = text.index(heading)
        nxt = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[nxt + 1 :] if nxt != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")


def old_tree(tree: Path) -> Path:
    """The OLD code's tree: a detached git worktree at OLD_COMMIT (made if missing), sharing
    this tree's .venv and .tools."""
    if not (tree / "hitrec_app").is_dir():
        subprocess.run(  # noqa: S603
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), OLD_COMMIT],  # noqa: S607
            check=True,
        )
    for name in (".venv", ".tools"):
        if not (tree / name).exists():
            (tree / name).symlink_to(ROOT / name)
    return tree


@dataclasses.dataclass
class Target:
    """One path's app: its own source tree, data folder and backend."""

    path: str
    app: LiveApp
    bench: Bench | None = None


async def bench_all(args: argparse.Namespace, targets: list[Target]) -> list[str]:
    lines: list[str] = []
    paths = [t.path for t in targets]
    results: dict[tuple[str, int], list[Result]] = {}
    for n in [int(x) for x in args.viewers.split(",")]:
        done: set[str] = set()  # paths whose point saturated: more runs only load the machine
        for k in range(args.runs):
            # OLD and NEW back to back for each run, each on a freshly started backend (the
            # old path never drops a closed tab from a room: SharedState's `_linked_from`),
            # only one backend up at a time.
            for t in targets:
                if t.path in done:
                    continue
                t0 = time.monotonic()
                await asyncio.to_thread(t.app.start)
                print(f"  {t.path}: app up in {time.monotonic() - t0:.0f} s", flush=True)
                try:
                    if t.bench is None:
                        rid = record_id(t.app)
                        t.bench = Bench(t.app, t.path, rid, sign_in_token(t.app))
                    r = await t.bench.run(n, args.seconds, f"{t.path}-{n}-{k}")
                finally:
                    await asyncio.to_thread(t.app.stop)
                results.setdefault((t.path, n), []).append(r)
                RUN_LINES.append(
                    f"{t.path} N={n} run {k + 1}: p50 {fmt_ms(r.pct(0.5))} p95 "
                    f"{fmt_ms(r.pct(0.95))} p99 {fmt_ms(r.pct(0.99))} max {fmt_ms(r.pct(1))} "
                    f"sent {r.sent} lost {r.missing} cpu {r.cpu_pct:.0f}% "
                    f"(bench client {r.client_cpu_pct:.0f}%) rss/viewer "
                    f"{r.rss_per_viewer_mb:.2f} MB join {r.join_s:.1f} s "
                    f"({r.join_ok}/{n}) load {r.load:.1f}{' SATURATED' if r.saturated else ''}",
                )
                print(RUN_LINES[-1], flush=True)
                if r.saturated:
                    done.add(t.path)
        for path in paths:
            runs = results.get((path, n), [])
            if runs:
                ranked = sorted(runs, key=lambda r: r.pct(0.95))
                lines.append(row(path, ranked[len(ranked) // 2], runs))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--viewers", default="50,200", help="comma-separated N, e.g. 50,200,500")
    parser.add_argument("--seconds", type=float, default=20.0, help="posting time per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--path",
        default="old,new",
        help="old (rx.SharedState rooms, run from --tree), new (the broadcast path, this tree)",
    )
    parser.add_argument(
        "--tree",
        type=Path,
        default=DEFAULT_OLD_TREE,
        help=f"the OLD code's tree (env ROOMS_BENCH_OLD_TREE; made as a git worktree at "
        f"{OLD_COMMIT} if missing)",
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    for p in args.path.split(","):
        if p not in PATHS:
            parser.error(f"--path {p}: one of {', '.join(PATHS)}")
    info_before = machine()
    print(f"machine: {info_before}", flush=True)
    trees = {"old": old_tree(args.tree.resolve()), "new": ROOT}
    targets = [
        Target(
            p,
            LiveApp(Path(tempfile.mkdtemp(prefix=f"hitrec-rooms-{p}-")), root=trees[p]),
        )
        for p in args.path.split(",")
    ]
    commits = ", ".join(f"{t.path} {commit(t.app.root)} ({t.app.root})" for t in targets)
    print(f"trees: {commits}", flush=True)
    try:
        lines = asyncio.run(bench_all(args, targets))
    finally:
        for t in targets:
            t.app.stop()
    info = machine()
    print(f"machine after: {info}")
    header = (
        "| path | viewers | runs | p50 | p95 | p99 | max | comments sent | backend CPU | "
        "RSS / viewer | join storm (current) | load | |"
    )
    print(header)
    print("\n".join(lines))
    section = "\n".join(
        [
            "## Live rooms",
            "",
            "`bench/rooms_bench.py` (issue 8): the real app (prod mode, demo data, one backend "
            'worker); N anonymous viewers on one record page ("The keeper\'s last log") '
            "speaking Reflex's event protocol over socket.io (`hydrate_and_load` with the "
            "page's route, as a browser sends it), while signed-in jules posts comments through "
            "`add_comment` at 5 per second for "
            f"{args.seconds:.0f} s. Latency = send until the SLOWEST viewer has a delta with "
            "that comment; comments not seen by every viewer within 10 s after posting stops "
            "count as lost (infinite). Backend CPU over the posting phase (100% = one core), "
            "backend RSS growth per viewer, join storm = all N connect at once until every one "
            "is hydrated and has the room's comments. Median run by p95 of up to "
            f"{args.runs}; a point with p95 > 10 s is stopped and marked SATURATED. "
            + "OLD and NEW run back to back for each run, each on a freshly started backend "
            "(only one up at a time): the old path never drops a closed tab from a room "
            "(reflex/istate/shared.py: `_linked_from` keeps every token that ever joined; "
            '"TODO: remove disconnected clients"), so each run starts clean.',
            "",
            "**Paths measured**: OLD = rx.SharedState rooms (`RecordRoom`), run from a git "
            f"worktree of commit {OLD_COMMIT} (the last main before the broadcast path); NEW = "
            "the broadcast path (`RecordLive`, one StateUpdate per change emitted to the "
            "record's socket.io room). Commits: "
            f"{commits.replace(str(ROOT), 'this tree')}, "
            f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}.",
            f"Machine: {info_before} (after: load average "
            f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}).",
            "",
            header,
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
            *lines,
            "",
            "Every run:",
            "",
            *(f"- {x}" for x in RUN_LINES),
            "",
            "Budgets (issue 8, one worker): 200 viewers p95 <= 100 ms; 1,000 viewers p95 <= "
            "250 ms; 1,000 connecting at once all current within 10 s; <= 0.5 MB per viewer. "
            "Run: `.venv/bin/python bench/rooms_bench.py --viewers 50,200 --runs 3 "
            "--seconds 20` (default `--path old,new`; OLD from `--tree`, default "
            f"{DEFAULT_OLD_TREE}, a worktree at {OLD_COMMIT}).",
            "",
        ]
    )
    if not args.no_write:
        write_doc(section)
        print("wrote docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
