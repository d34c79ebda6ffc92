"""Live rooms bench (issues 8 and 9): N viewers on one page while members make changes.

Starts the real app (tests/e2e/live_app.py, prod mode, demo data, one backend worker) and
talks to it the way a browser does, over Reflex's own event protocol: a socket.io client
on `/_event` whose CONNECT packet carries `hydrate_and_load` with the page's router data
(the page's on_load handlers then run on the server, as for a browser), and whose later
events are `["event", {"name", "payload", "router_data"}]` (payload shapes copied from
a browser's websocket frames; the browser also sends `hashes` of its compiled initial
state, left out here, so each viewer's first snapshot arrives in full).

Three pages (`--page`):
- `challenge` (issue 8's scenario): N anonymous viewers on "The lighthouse at the end of the
  world" (route /challenges/[id], on_load ChallengeState.load + the room's join) while
  signed-in jules makes 5 changes/s, in turn: a new text entry (SubmitState.submit, sent as
  the browser sends an upload form: POST /_upload with the tab's token and the handler's
  name, the form in `__reflex_event_args`, from a tab on /records/new?challenge=ID), a heart
  (RecordState.toggle_heart from a tab on the entry's page; each entry is toggled once, so
  every heart count it reaches is new) and a comment (RecordState.add_comment, likewise).
- `record` (the first figures): N viewers on "The keeper's last log", jules posting a
  comment through `add_comment` 5 times a second.
- `proposal` (issue 9): N signed-in members on the demo film's open pay proposal (route
  /proposals/[id], on_load ProposalState.load + ProposalLive.join; proposals are for
  signed-in members, so each viewer is a member of its own, made in the run's database copy
  through accounts.sign_up and signed in through accounts.sign_in, its session token in the
  hydrate's vars as a browser's local storage sends it) while other members vote 10 times a
  second, each from a tab on the same page (ProposalState.vote, the vote form's fields):
  vote k is voter k // L's "agree" on line k % L (L lines), so that line's agree count only
  grows. There is no OLD path for this page: it was built on the broadcast path.

A viewer "has" a change when a delta it received shows it, read from the delta whatever
state carries it: an entry by its title (any string), a heart or a comment by the entry's
new count, either in a row `{"id": X, "hearts": n, ...}` (an entries list) or in a map
`hearts: {"X": n}` (a room's recent counts); a vote by its line's agree count at or past the
vote's, in the room's map `tallies: {"<payee>": {"agree": n, ...}}`. Latency of a change =
from sending it until the SLOWEST viewer has it. Reported: p50/p95/p99/max over all changes
(and p95 per kind), backend CPU over the posting phase (psutil, i.e. /proc, of the app's
process tree; 100% = one core), backend RSS growth per viewer, bytes received per viewer,
and a join storm: N viewers connecting at once, time until every one is hydrated and has the
room's snapshot (its entry count; the record page's heart count; the proposal's id). A change not seen
by every viewer within 10 s counts as lost; a point whose p95 passes 10 s is stopped and
reported SATURATED; a run of the OLD path is also stopped at `--old-cap` seconds (join
storm, posting and drain together) and reported as measured until then.

The viewers run in `--client-procs` worker processes (this file with `--worker`), each an
asyncio loop of sockets; the coordinator (this process: the poster's tabs, the schedule,
the bookkeeping) tells them which change to look for and they answer with the time their
slowest viewer had it (CLOCK_MONOTONIC is one clock for all processes). Each worker also
measures its own event-loop lag (a 20 ms ticker): with the client CPU it shows whether the
client, not the server, set the figures.

One run measures both paths back to back (`--path old,new`, the default; the proposal page
has only `new`): for each N and each run, OLD then NEW, each on a freshly started backend
over a fresh copy of the demo database, one backend up at a time. `old` is the
rx.SharedState rooms as on commit 06500ea, the last main before the broadcast path: the app
runs from a detached git worktree of that commit (`--tree`, default /tmp/rooms-old, made if
missing; LiveApp's `root=` sets its cwd and PYTHONPATH). `new` is this tree's broadcast
path. The pages, forms and handlers used are the same on both paths, so the frames sent are
the same.

    .venv/bin/python bench/rooms_bench.py --page challenge --path old,new \\
        --viewers 50,200,500,1000 --runs 3 --write-doc
    .venv/bin/python bench/rooms_bench.py --page proposal --viewers 50,200,500 --runs 3 \\
        --write-doc
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx  # Reflex's own HTTP client (a dependency of reflex): the upload form's POST
import psutil  # type: ignore[import-untyped]
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

ROOT = Path(__file__).resolve().parents[1]
WORKER_SCRIPT = str(Path(__file__).resolve())
sys.path.insert(0, str(ROOT))

RATE = {"record": 5.0, "challenge": 5.0, "proposal": 10.0}  # changes per second, per page
SATURATED_S = 10.0
POSTER, POSTER_PASSWORD = "jules", "hitrec-demo-2026"
RECORD_TITLE = "The keeper's last log"
CHALLENGE_TITLE = "The lighthouse at the end of the world"
PROPOSAL_TITLE = "Lighthouse film: how the contributors' pool is split"
MEMBER_PASSWORD = "hitrec-bench-2026"  # noqa: S105  (the bench's own accounts, in a copy)
EVENT_PREFIX = "42/_event,"
REFLEX_SUBPROTOCOL = "0.10.1"  # Reflex warns when the frontend version differs
ROOT_STATE = "reflex___state____state"
AUTH_STATE = f"{ROOT_STATE}.hitrec_app___state___base____auth_state"
RECORD_STATE = f"{AUTH_STATE}.hitrec_app___state___records____record_state"
PROPOSAL_STATE = f"{AUTH_STATE}.hitrec_app___state___proposals____proposal_state"
VOTE = f"{PROPOSAL_STATE}.vote"
SUBMIT = f"{AUTH_STATE}.hitrec_app___state___records____submit_state.submit"
ADD_COMMENT = f"{RECORD_STATE}.add_comment"
TOGGLE_HEART = f"{RECORD_STATE}.toggle_heart"
SESSION_VAR = f"{AUTH_STATE}.session_token_rx_state_"
VAR_SUFFIX = "_rx_state_"
BENCH_MARK = "bench "  # every title and comment the bench writes starts with it
OLD_COMMIT = "06500ea"  # the last main before the broadcast path (rx.SharedState rooms)
DEFAULT_OLD_TREE = Path(os.environ.get("ROOMS_BENCH_OLD_TREE", "/tmp/rooms-old"))  # noqa: S108
BUDGETS = "200 viewers p95 <= 100 ms; 1,000 viewers p95 <= 250 ms; a join storm of 1,000 all current within 10 s; <= 0.5 MB backend memory per viewer"

# The state whose delta carries a page's room snapshot, per path (a substring of its name).
ROOM_STATE = {
    ("record", "old"): "hitrec_app___state___records____record_room",
    ("record", "new"): "hitrec_app___state___records____record_live",
    ("challenge", "old"): "hitrec_app___state___challenges____challenge_room",
    ("challenge", "new"): "hitrec_app___state___challenges____challenge_live",
    ("proposal", "new"): "hitrec_app___state___proposals____proposal_live",
}
# What each page's changes are, in turn.
CYCLE = {"record": ("comment",), "challenge": ("entry", "heart", "comment"), "proposal": ("vote",)}


def router_data(path: str, query: dict[str, str]) -> dict[str, Any]:
    """The router data a browser sends for `path` (query: its route and query params)."""
    search = "&".join(f"{k}={v}" for k, v in query.items() if f"/{v}" not in path)
    return {"pathname": path, "asPath": path + (f"?{search}" if search else ""), "query": query}


# --- one browser tab -------------------------------------------------------------------------


class Tab:
    """One browser tab: an engine.io v4 / socket.io v5 client on `/_event` (websocket
    transport, as Reflex's frontend uses) that hydrates a page and hands every frame to
    `on_frame(text, now)`.

    Written on `websockets` because python-socketio's asyncio client needs aiohttp,
    which the project does not install. Packets: `0{..}` open, `40/_event,{auth}`
    connect (Reflex reads the hydrate event from the auth payload), `42/_event,[..]`
    events, `2`/`3` ping/pong. The token (the browser's per-tab client token) goes in
    the URL's query, as the browser sends it.
    """

    def __init__(
        self,
        url: str,
        route: dict[str, Any],
        on_frame: Callable[[str, float], None],
        vars_: dict[str, str] | None = None,
    ):
        self.url, self.route, self.on_frame = url, route, on_frame
        self.vars = vars_ or {}
        self.token = str(uuid.uuid4())
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.closed = asyncio.Event()

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                text = raw if isinstance(raw, str) else raw.decode()
                if text == "2":
                    await self.ws.send("3")
                    continue
                try:
                    self.on_frame(text, time.monotonic())
                except Exception as err:  # a bug in the bench, not a closed socket: say so
                    print(f"rooms_bench: reading a frame failed: {err!r}", file=sys.stderr)
        except Exception:  # noqa: S110  (closed by us or by a saturated server)
            pass
        finally:
            self.closed.set()

    async def connect(self) -> None:
        hydrate = {
            "name": f"{ROOT_STATE}.hydrate_and_load",
            "payload": {"vars": self.vars} if self.vars else {},
            "router_data": self.route,
        }
        ws_url = self.url.replace("http", "ws", 1)
        self.ws = await connect(
            f"{ws_url}/_event/?EIO=4&transport=websocket&token={self.token}",
            subprotocols=[Subprotocol(REFLEX_SUBPROTOCOL)],
            max_size=None,
            open_timeout=120,
            ping_interval=None,
            close_timeout=2,
        )
        opened = await self.ws.recv()
        if not str(opened).startswith("0"):
            raise ConnectionError(f"unexpected engine.io open packet {opened!r}")
        await self.ws.send("40/_event," + json.dumps({"event": hydrate}))
        while True:  # a busy server may ping ("2") before it acknowledges the connect
            raw = await self.ws.recv()
            ack = raw if isinstance(raw, str) else raw.decode()
            if ack == "2":
                await self.ws.send("3")
            elif ack.startswith("40/_event"):
                break
            elif ack.startswith(EVENT_PREFIX):
                self.on_frame(ack, time.monotonic())
            else:
                raise ConnectionError(f"socket.io connect refused: {ack[:200]}")
        self.reader = asyncio.create_task(self._read())

    async def send(self, name: str, payload: dict[str, Any]) -> None:
        assert self.ws is not None
        event = {"name": name, "payload": payload, "router_data": self.route}
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


# --- what a frame shows ------------------------------------------------------------------------


class Reader:
    """Turns a frame into the facts it shows, as short keys:
    - "hyd": the root state's `is_hydrated` became true;
    - "cur": the room state's snapshot var (`cur_var`) has its snapshot value `cur_value`;
    - "s:<text>": a string the bench wrote (an entry's title, a comment's body);
    - "h:<id>:<n>", "c:<id>:<n>": record <id> has n hearts / comments, read from a row
      `{"id": id, "hearts": n, "comments": m, ...}` or a map `hearts: {"<id>": n}`;
    - "a:<payee>:<n>": a proposal's line of that payee has n agree votes, read from the
      room's map `tallies: {"<payee>": {"agree": n, "objected": m, "abstain": k}}`.
    Identical frames (a room broadcast reaches every viewer as the same text) are read once.
    """

    def __init__(self, room_state: str, cur_var: str, cur_value: int):
        self.room_state, self.cur_var, self.cur_value = room_state, cur_var, cur_value
        self.cache: dict[str, tuple[str, ...]] = {}

    def keys(self, text: str) -> tuple[str, ...]:
        if not text.startswith(EVENT_PREFIX):
            return ()
        hit = self.cache.get(text)
        if hit is not None:
            return hit
        keys: set[str] = set()
        try:
            name, *args = json.loads(text[len(EVENT_PREFIX) :])
        except ValueError:
            name, args = "", []
        if name == "event" and args and isinstance(args[0], dict):
            delta = args[0].get("delta")
            if isinstance(delta, dict):
                self._delta(delta, keys)
        found = tuple(sorted(keys))
        if len(self.cache) > 512:
            self.cache.clear()
        self.cache[text] = found
        return found

    def _delta(self, delta: dict[str, Any], keys: set[str]) -> None:
        root = delta.get(ROOT_STATE)
        if isinstance(root, dict) and root.get(f"is_hydrated{VAR_SUFFIX}") is True:
            keys.add("hyd")
        for state, fields in delta.items():
            if not isinstance(fields, dict):
                continue
            if self.room_state in state and fields.get(self.cur_var + VAR_SUFFIX) == self.cur_value:
                keys.add("cur")
            _walk(fields, keys)


def _walk(value: Any, keys: set[str]) -> None:
    if isinstance(value, str):
        if value.startswith(BENCH_MARK):
            keys.add("s:" + value)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list) or (
                isinstance(item, str) and item.startswith(BENCH_MARK)
            ):
                _walk(item, keys)
    elif isinstance(value, dict):
        rid = value.get("id", value.get("record_id"))
        if isinstance(rid, int) and not isinstance(rid, bool):
            for field, tag in (("hearts", "h"), ("comments", "c")):
                n = value.get(field)
                if isinstance(n, int) and not isinstance(n, bool):
                    keys.add(f"{tag}:{rid}:{n}")
        for name, item in value.items():
            base = name.removesuffix(VAR_SUFFIX)
            if base in ("hearts", "comments") and isinstance(item, dict):
                tag = base[0]
                for k, n in item.items():
                    if isinstance(n, int) and str(k).isdigit():
                        keys.add(f"{tag}:{k}:{n}")
            elif base == "tallies" and isinstance(item, dict):
                for k, row in item.items():
                    agree = row.get("agree") if isinstance(row, dict) else None
                    if isinstance(agree, int) and str(k).isdigit():
                        keys.add(f"a:{k}:{agree}")
            elif isinstance(item, dict | list | str):
                _walk(item, keys)


# --- a worker process: a crowd of viewers ----------------------------------------------------


@dataclasses.dataclass
class Wait:
    """A change a worker is waiting for: which of its viewers lack it yet, since when."""

    cid: int
    lacking: set[int]
    t: float = 0.0  # the latest time one of its viewers had it
    first: bool = False  # "first" sent


class Crowd:
    """The viewers of one worker process. Commands arrive as JSON lines on stdin, answers go
    out as JSON lines on stdout:
    - {"op": "join", url, route, n, tokens (the viewers' sessions; none: anonymous),
      room_state, cur_var, cur_value, cap} -> {"ev": "joined", ok, failed, error, t_all
      (when the last viewer became current, or null), current}
    - {"op": "phase"}: counting bytes and event-loop lag starts
    - {"op": "expect", id, key} -> {"ev": "first", id} when one of its viewers has it, then
      {"ev": "seen", id, t} when all have it (t: when the slowest one had it)
    - {"op": "end"} -> {"ev": "stats", bytes, live, dead, lag_p99_ms, lag_max_ms, lacking}
    - {"op": "close"} -> {"ev": "closed"}
    Every viewer keeps the first time it had each fact, so a change is matched even when its
    frame arrived before the worker read the "expect" line.
    """

    def __init__(self) -> None:
        self.seen: list[dict[str, float]] = []
        self.tabs: list[Tab] = []
        self.alive: list[bool] = []
        self.reader: Reader | None = None
        self.bytes = 0
        self.counting = False
        self.lags: list[float] = []
        self.waiting: dict[str, Wait] = {}
        self.current = 0
        self.all_current = asyncio.Event()
        self.watchers: list[asyncio.Task[None]] = []

    @staticmethod
    def out(**msg: Any) -> None:
        sys.stdout.write(json.dumps(msg) + "\n")
        sys.stdout.flush()

    def _had(self, key: str, wait: Wait, i: int, now: float) -> None:
        wait.lacking.discard(i)
        wait.t = max(wait.t, now)
        if not wait.first:
            wait.first = True
            self.out(ev="first", id=wait.cid)
        if not wait.lacking:
            self.out(ev="seen", id=wait.cid, t=wait.t)
            del self.waiting[key]

    def frame(self, i: int, text: str, now: float) -> None:
        if self.counting:
            self.bytes += len(text)
        assert self.reader is not None
        mine = self.seen[i]
        for key in self.reader.keys(text):
            if key in mine:
                continue
            if key.startswith(("c:", "a:")):
                # A comment count (and a line's agree count, the bench's votes being new
                # agrees) only grows: a viewer shown n has every change that brought it
                # there, even if its frames skipped a count (one message after two votes).
                tag, rid, count = key.split(":")
                for lower in range(int(count) - 1, -1, -1):
                    below = f"{tag}:{rid}:{lower}"
                    if below in mine:
                        break
                    self._fact(i, below, now)
            self._fact(i, key, now)

    def _fact(self, i: int, key: str, now: float) -> None:
        """Viewer `i` has `key` (first at `now`)."""
        mine = self.seen[i]
        mine[key] = now
        if key in ("hyd", "cur") and "hyd" in mine and "cur" in mine:
            self.current += 1
            if self.current >= len(self.tabs):
                self.all_current.set()
        wait = self.waiting.get(key)
        if wait is not None and i in wait.lacking:
            self._had(key, wait, i, now)

    async def join(self, cmd: dict[str, Any]) -> None:
        self.lags, self.counting = [], True
        self.reader = Reader(cmd["room_state"], cmd["cur_var"], int(cmd["cur_value"]))
        n = int(cmd["n"])
        self.seen = [{} for _ in range(n)]
        self.alive = [True] * n

        def on_frame(i: int) -> Callable[[str, float], None]:
            return lambda text, now: self.frame(i, text, now)

        # Each viewer's session token (signed-in viewers), or none (anonymous viewers).
        tokens: list[str] = cmd.get("tokens") or []
        self.tabs = [
            Tab(
                cmd["url"],
                cmd["route"],
                on_frame(i),
                {SESSION_VAR: tokens[i]} if i < len(tokens) else None,
            )
            for i in range(n)
        ]
        end = time.monotonic() + float(cmd["cap"])  # connecting and becoming current
        connects = [asyncio.ensure_future(t.connect()) for t in self.tabs]
        _done, late = await asyncio.wait(connects, timeout=float(cmd["cap"]))
        for task in late:
            task.cancel()
        errors: list[BaseException] = []
        for i, (tab, task) in enumerate(zip(self.tabs, connects, strict=True)):
            err: BaseException | None = (
                TimeoutError("not connected within the cap") if task in late else task.exception()
            )
            if err is not None:
                errors.append(err)
                self.alive[i] = False
            else:
                self.watchers.append(asyncio.create_task(self._watch(i, tab)))
        self.current += len(errors)  # never current: not waited for
        if self.current >= n:
            self.all_current.set()
        t_all: float | None = None
        try:
            await asyncio.wait_for(self.all_current.wait(), max(0.0, end - time.monotonic()))
            if not errors:
                t_all = max(max(s["hyd"], s["cur"]) for s in self.seen)
        except TimeoutError:
            pass
        self.out(
            ev="joined",
            ok=n - len(errors),
            failed=len(errors),
            error=repr(errors[0])[:300] if errors else "",
            t_all=t_all,
            current=sum(1 for s in self.seen if "hyd" in s and "cur" in s),
            lag_p99_ms=_p99(self.lags),
        )
        self.counting = False

    async def _watch(self, i: int, tab: Tab) -> None:
        """A viewer whose socket closed is dropped from what is awaited (and counted dead)."""
        await tab.closed.wait()
        self.alive[i] = False
        for key, wait in list(self.waiting.items()):
            if i in wait.lacking:
                wait.lacking.discard(i)
                if not wait.lacking:
                    # Every viewer still lacking it is gone: seen by those that had it, if any.
                    self.out(ev="seen" if wait.first else "lost", id=wait.cid, t=wait.t)
                    del self.waiting[key]

    def expect(self, cid: int, key: str) -> None:
        live = [i for i, ok in enumerate(self.alive) if ok]
        had = [self.seen[i][key] for i in live if key in self.seen[i]]
        wait = Wait(cid, {i for i in live if key not in self.seen[i]}, max(had, default=0.0))
        if had:
            wait.first = True
            self.out(ev="first", id=cid)
        if wait.lacking:
            self.waiting[key] = wait
        else:
            self.out(ev="seen", id=cid, t=wait.t)

    async def ticker(self) -> None:
        """Event-loop lag: how late a 20 ms sleep wakes up while the phase runs."""
        step = 0.02
        while True:
            t0 = time.monotonic()
            await asyncio.sleep(step)
            if self.counting:
                self.lags.append(max(0.0, time.monotonic() - t0 - step) * 1000)

    def stats(self) -> None:
        lags = sorted(self.lags) or [0.0]
        live = sum(self.alive)
        self.out(
            ev="stats",
            bytes=self.bytes,
            live=live,
            dead=len(self.tabs) - live,
            lag_p99_ms=lags[min(len(lags) - 1, int(0.99 * len(lags)))],
            lag_max_ms=lags[-1],
            lacking={str(w.cid): len(w.lacking) for w in self.waiting.values()},
        )

    async def main(self) -> None:
        set_fd_limit()
        loop = asyncio.get_running_loop()
        stdin = asyncio.StreamReader(limit=2**24)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
        tick = asyncio.create_task(self.ticker())
        tasks: list[asyncio.Task[None]] = []
        while line := await stdin.readline():
            cmd = json.loads(line)
            op = cmd["op"]
            if op == "join":
                tasks.append(asyncio.create_task(self.join(cmd)))
            elif op == "phase":
                self.bytes, self.lags, self.counting = 0, [], True
            elif op == "expect":
                self.expect(int(cmd["id"]), str(cmd["key"]))
            elif op == "end":
                self.counting = False
                self.stats()
            elif op == "close":
                await asyncio.gather(*(t.close() for t in self.tabs))
                self.out(ev="closed")
                break
        tick.cancel()
        for task in tasks:
            task.cancel()


def _p99(xs: list[float]) -> float:
    ys = sorted(xs) or [0.0]
    return ys[min(len(ys) - 1, int(0.99 * len(ys)))]


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy (all cores, every process)."""
    t = psutil.cpu_times()
    return float(sum(t) - t.idle - getattr(t, "iowait", 0.0))


def set_fd_limit() -> None:
    """Raise the open-files limit to its hard maximum (each viewer is a socket, in the
    client and in the backend, which inherits the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# --- the coordinator ---------------------------------------------------------------------------


class Worker:
    """A worker process (`--worker`) and the stream of its answers."""

    def __init__(self, index: int, on_msg: Callable[[int, dict[str, Any]], None]):
        self.index, self.on_msg = index, on_msg
        self.proc: asyncio.subprocess.Process | None = None
        self.reader: asyncio.Task[None] | None = None
        self.ps: psutil.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            WORKER_SCRIPT,
            "--worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**24,
        )
        self.ps = psutil.Process(self.proc.pid)
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            self.on_msg(self.index, json.loads(line))

    async def send(self, **cmd: Any) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(cmd) + "\n").encode())
        await self.proc.stdin.drain()

    def cpu_s(self) -> float:
        try:
            assert self.ps is not None
            t = self.ps.cpu_times()
            return float(t.user + t.system)
        except psutil.Error:
            return 0.0

    async def stop(self) -> None:
        if self.proc is None:
            return
        try:
            await asyncio.wait_for(self.send(op="close"), 10)
            await asyncio.wait_for(self.proc.wait(), 20)
        except (TimeoutError, ConnectionError):
            if self.proc.returncode is None:
                self.proc.kill()
            await self.proc.wait()
        if self.reader is not None:
            self.reader.cancel()


@dataclasses.dataclass
class Change:
    cid: int
    kind: str  # "entry", "heart", "comment"
    key: str  # the fact a viewer has once it has the change
    sent: float = 0.0
    first: bool = False  # some viewer has it
    seen_at: dict[int, float] = dataclasses.field(default_factory=dict)  # worker -> t
    failed: str = ""  # the poster could not make it (e.g. no entry ready to heart)


@dataclasses.dataclass
class Result:
    viewers: int
    sent: int = 0
    lat_ms: dict[str, list[float]] = dataclasses.field(default_factory=dict)
    lost: dict[str, int] = dataclasses.field(default_factory=dict)
    absent: list[str] = dataclasses.field(default_factory=list)  # kinds no viewer ever had
    saturated: bool = False
    why: str = ""
    cpu_pct: float = 0.0
    client_cpu_pct: float = 0.0  # all worker processes (100% = one core)
    client_cpu_max_pct: float = 0.0  # the busiest worker process
    coordinator_cpu_pct: float = 0.0
    other_cores: float = 0.0  # the rest of the machine's CPU use (other work), in cores
    lag_p99_ms: float = 0.0  # worst worker's event-loop lag
    lag_max_ms: float = 0.0
    rss_per_viewer_mb: float = 0.0  # backend RSS growth over the join storm / N
    rss_end_per_viewer_mb: float = 0.0  # the same at the end of the posting (and drain)
    kb_per_viewer: float = 0.0
    join_s: float | None = None
    join_ok: int = 0
    join_cpu_pct: float = 0.0  # backend, while the join storm ran
    join_client_max_pct: float = 0.0  # busiest client process, likewise
    join_lag_p99_ms: float = 0.0  # worst client event-loop lag, likewise
    dead: int = 0
    load: float = 0.0  # the machine's 1-minute load average at the end of the posting

    def measured(self) -> list[str]:
        return [k for k in self.lat_ms.keys() | self.lost.keys() if k not in self.absent]

    def pct(self, q: float, kind: str | None = None) -> float:
        kinds = [kind] if kind else self.measured()
        xs = sorted(x for k in kinds for x in self.lat_ms.get(k, []))
        xs += [float("inf")] * sum(self.lost.get(k, 0) for k in kinds)
        if not xs:
            return float("nan")
        return xs[min(len(xs) - 1, max(0, round(q * len(xs)) - 1))]

    def lost_total(self) -> int:
        return sum(self.lost.get(k, 0) for k in self.measured())


@dataclasses.dataclass
class Setup:
    """What the bench reads from a path's fresh demo database (the same for every run)."""

    token: str  # jules's session
    challenge_id: int
    record_id: int
    entries: dict[int, tuple[int, int, bool]]  # demo entries: hearts, comments, jules hearted
    record_hearts: int
    # The proposal page's: the proposal, its current version's agree votes per payee, and
    # the sessions of the members made for the run (viewers, voters).
    proposal_id: int = 0
    agrees: dict[int, int] = dataclasses.field(default_factory=dict)
    viewer_tokens: list[str] = dataclasses.field(default_factory=list)
    voter_tokens: list[str] = dataclasses.field(default_factory=list)


class Poster:
    """Signed-in jules (or the voters): the tabs the changes are made from, and what each
    change should show.

    Challenge page: a tab on /records/new?challenge=ID (the submission form) and one tab per
    entry it hearts or comments on (the entry's page: the demo entries from the start, each
    new entry once the form's redirect names it). Record page: a tab on the record. Proposal
    page: one tab per voter on the proposal (the vote form is there)."""

    def __init__(self, url: str, page: str, setup: Setup):
        self.url, self.page, self.setup = url, page, setup
        self.vars = {SESSION_VAR: setup.token}
        self.tabs: dict[int, Tab] = {}
        self.ready: list[int] = []  # record tabs ready, oldest first
        self.hearts = {rid: h for rid, (h, _c, _j) in setup.entries.items()}
        self.comments = {rid: c for rid, (_h, c, _j) in setup.entries.items()}
        self.hearted = {rid: j for rid, (_h, _c, j) in setup.entries.items()}
        self.toggled: set[int] = set()
        self.submit_tab: Tab | None = None
        self.new_ids: asyncio.Queue[int] = asyncio.Queue()
        self.http = httpx.AsyncClient(timeout=120)
        self.tasks: set[asyncio.Task[Any]] = set()
        self.agrees = dict(setup.agrees)
        self.voters: list[Tab] = []

    async def _open(
        self,
        path: str,
        query: dict[str, str],
        on_frame: Callable[[str, float], None] | None = None,
        vars_: dict[str, str] | None = None,
    ) -> Tab:
        hydrated = asyncio.Event()

        def frame(text: str, now: float) -> None:
            if '"is_hydrated_rx_state_":true' in text:
                hydrated.set()
            if on_frame is not None:
                on_frame(text, now)

        tab = Tab(self.url, router_data(path, query), frame, vars_ or self.vars)
        await tab.connect()
        await asyncio.wait_for(hydrated.wait(), 120)
        return tab

    async def open_record(self, rid: int) -> None:
        self.tabs[rid] = await self._open(f"/records/{rid}", {"id": str(rid)})
        self.ready.append(rid)

    async def start(self) -> None:
        if self.page == "record":
            await self.open_record(self.setup.record_id)
            return
        if self.page == "proposal":
            pid = self.setup.proposal_id
            self.voters = list(
                await asyncio.gather(
                    *(
                        self._open(f"/proposals/{pid}", {"id": str(pid)}, vars_={SESSION_VAR: t})
                        for t in self.setup.voter_tokens
                    )
                )
            )
            return
        cid = self.setup.challenge_id

        def redirects(text: str, _now: float) -> None:
            for m in re.finditer(r'"_redirect".*?"path":\s*"/records/(\d+)"', text):
                self.new_ids.put_nowait(int(m.group(1)))

        self.submit_tab = await self._open("/records/new", {"challenge": str(cid)}, redirects)
        await asyncio.gather(*(self.open_record(rid) for rid in sorted(self.setup.entries)))

    def spawn(self, ch: Change, make: Callable[[Change], Any]) -> None:
        """Make change `ch` in the background (the schedule never waits for the server)."""

        async def guarded() -> None:
            try:
                await make(ch)
            except Exception as err:
                ch.failed = f"{ch.kind} not made: {err!r}"[:300]

        task = asyncio.ensure_future(guarded())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def plan(self, kind: str, tag: str, i: int) -> tuple[str, Callable[[Change], Any]] | None:
        """The fact change `i` of `kind` will show, and how to make it; None if it cannot be
        made now (no entry tab ready to heart, no voter left)."""
        if kind == "vote":
            # Vote i: voter i // L's "agree" on line i % L, so each vote raises its line's
            # agree count by one and that count names the vote.
            payees = sorted(self.agrees)
            payee, voter = payees[i % len(payees)], i // len(payees)
            if voter >= len(self.voters):
                return None
            self.agrees[payee] += 1
            form = {"value": "agree", "reason": "", "payee": str(payee)}
            return f"a:{payee}:{self.agrees[payee]}", lambda ch: self._send_from(
                ch, self.voters[voter], VOTE, form_payload(form)
            )
        if kind == "entry":
            title = f"{BENCH_MARK}{tag} entry {i}"
            return f"s:{title}", lambda ch: self._submit(ch, title)
        if kind == "heart":
            left = [rid for rid in self.ready if rid not in self.toggled]
            if not left:
                return None
            rid = left[-1]  # the newest entry: on the first page of every viewer
            self.toggled.add(rid)
            on = not self.hearted.get(rid, False)
            n = self.hearts.get(rid, 0) + (1 if on else -1)
            self.hearts[rid], self.hearted[rid] = n, on
            return f"h:{rid}:{n}", lambda ch: self._send(ch, rid, TOGGLE_HEART, {})
        body = f"{BENCH_MARK}{tag} comment {i}"
        if self.page == "record":
            rid = self.setup.record_id
            return f"s:{body}", lambda ch: self._send(ch, rid, ADD_COMMENT, comment_form(body))
        rid = self.ready[-1]
        self.comments[rid] = self.comments.get(rid, 0) + 1
        key = f"c:{rid}:{self.comments[rid]}"
        return key, lambda ch: self._send(ch, rid, ADD_COMMENT, comment_form(body))

    async def _send(self, ch: Change, rid: int, handler: str, payload: dict[str, Any]) -> None:
        await self._send_from(ch, self.tabs[rid], handler, payload)

    async def _send_from(self, ch: Change, tab: Tab, handler: str, payload: dict[str, Any]) -> None:
        ch.sent = time.monotonic()
        await tab.send(handler, payload)

    async def _submit(self, ch: Change, title: str) -> None:
        """A new text entry, posted as the browser posts the upload form (no file)."""
        assert self.submit_tab is not None
        form = {
            "form_data": {
                "__reflex_form_data__": [
                    ["kind", "text"],
                    ["title", title],
                    ["body", f"Written by the rooms bench ({title})."],
                    ["description", ""],
                    ["tags", ""],
                ]
            }
        }
        ch.sent = time.monotonic()
        resp = await self.http.post(
            f"{self.url}/_upload",
            headers={"reflex-client-token": self.submit_tab.token, "reflex-event-handler": SUBMIT},
            files={"__reflex_event_args": (None, json.dumps(form))},
        )
        refused = re.search(r'"error_rx_state_":\s*"([^"]+)"', resp.text)
        if resp.status_code != 200 or refused:
            ch.failed = f"submit refused: HTTP {resp.status_code} {resp.text[:200]}"
            return
        try:  # the entry is made; its page's tab is for the hearts and comments to come
            rid = await asyncio.wait_for(self.new_ids.get(), 60)
            self.hearts[rid], self.comments[rid], self.hearted[rid] = 0, 0, False
            await self.open_record(rid)
        except Exception as err:
            print(f"  could not open the new entry's page ({title}): {err!r}", flush=True)

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        tabs = [
            *self.tabs.values(),
            *self.voters,
            *([self.submit_tab] if self.submit_tab else []),
        ]
        await asyncio.gather(*(t.close() for t in tabs))
        await self.http.aclose()


def comment_form(body: str) -> dict[str, Any]:
    return {"form_data": {"__reflex_form_data__": [["body", body], ["field_comment", body]]}}


def form_payload(fields: dict[str, str]) -> dict[str, Any]:
    """A form's submit as the browser sends it: its named fields in the page's order."""
    return {"form_data": {"__reflex_form_data__": [[k, v] for k, v in fields.items()]}}


class Bench:
    """One path's app, measured: `run(n)` is one run of one point."""

    def __init__(self, app: Any, path: str, page: str, setup: Setup, procs: int):
        self.app, self.path, self.page, self.setup, self.procs = app, path, page, setup, procs
        self.changes: dict[int, Change] = {}
        self.workers: list[Worker] = []
        self.joined: list[dict[str, Any]] = []
        self.stats: list[dict[str, Any]] = []
        self.got = asyncio.Event()  # any answer arrived

    # backend process tree, read from /proc by psutil
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

    def on_msg(self, w: int, msg: dict[str, Any]) -> None:
        ev = msg.get("ev")
        if ev == "joined":
            self.joined.append(msg)
        elif ev == "stats":
            self.stats.append(msg)
        elif ev in ("first", "seen", "lost"):
            ch = self.changes.get(int(msg["id"]))
            if ch is not None:
                if ev == "first":
                    ch.first = True
                elif ev == "seen":
                    ch.seen_at[w] = float(msg["t"])
                else:  # every viewer of that worker that lacked it died
                    ch.failed = f"every viewer of client process {w} lacking it disconnected"
        self.got.set()

    async def _until(self, cond: Callable[[], bool], within: float) -> bool:
        end = time.monotonic() + max(0.0, within)
        while not cond():
            left = end - time.monotonic()
            if left <= 0:
                return False
            self.got.clear()
            try:
                await asyncio.wait_for(self.got.wait(), min(left, 0.5))
            except TimeoutError:
                pass
        return True

    def done(self, ch: Change) -> bool:
        return len(ch.seen_at) == len(self.workers) or bool(ch.failed)

    async def run(self, n: int, seconds: float, tag: str, cap: float, join_cap: float) -> Result:
        res = Result(viewers=n)
        deadline = time.monotonic() + cap
        self.changes, self.joined, self.stats = {}, [], []
        k = max(1, min(self.procs, n))
        self.workers = [Worker(i, self.on_msg) for i in range(k)]
        await asyncio.gather(*(w.start() for w in self.workers))
        poster = Poster(self.app.url, self.page, self.setup)
        try:
            await self._run(res, poster, n, seconds, tag, deadline, join_cap)
        finally:
            await poster.close()
            await asyncio.gather(*(w.stop() for w in self.workers))
        return res

    async def _run(
        self,
        res: Result,
        poster: Poster,
        n: int,
        seconds: float,
        tag: str,
        deadline: float,
        join_cap: float,
    ) -> None:
        if self.page == "challenge":
            cid = self.setup.challenge_id
            route = router_data(f"/challenges/{cid}", {"id": str(cid)})
            cur_var, cur_value = "entry_count", len(self.setup.entries)
        elif self.page == "proposal":
            pid = self.setup.proposal_id
            route = router_data(f"/proposals/{pid}", {"id": str(pid)})
            cur_var, cur_value = "pid", pid  # set by the join's snapshot
        else:
            rid = self.setup.record_id
            route = router_data(f"/records/{rid}", {"id": str(rid)})
            cur_var, cur_value = "hearts", self.setup.record_hearts
        rss0 = self.rss_mb()
        shares = [
            n // len(self.workers) + (1 if i < n % len(self.workers) else 0)
            for i in range(len(self.workers))
        ]
        tokens = self.setup.viewer_tokens  # signed-in viewers (the proposal page), else none
        if tokens and len(tokens) < n:
            raise ValueError(f"{n} viewers but {len(tokens)} viewer accounts")
        starts = [sum(shares[:i]) for i in range(len(shares))]
        # Join storm: every viewer connects at once.
        t0 = time.monotonic()
        cpu0, wcpu0 = self.cpu_s(), [w.cpu_s() for w in self.workers]
        cap = min(join_cap, deadline - t0)
        await asyncio.gather(
            *(
                w.send(
                    op="join",
                    url=self.app.url,
                    route=route,
                    n=share,
                    tokens=tokens[start : start + share],
                    room_state=ROOM_STATE[(self.page, self.path)],
                    cur_var=cur_var,
                    cur_value=cur_value,
                    cap=cap,
                )
                for w, share, start in zip(self.workers, shares, starts, strict=True)
            )
        )
        await self._until(lambda: len(self.joined) == len(self.workers), cap + 30)
        res.join_ok = sum(int(j["current"]) for j in self.joined)
        wall = max(1e-3, time.monotonic() - t0)
        res.join_cpu_pct = 100 * (self.cpu_s() - cpu0) / wall
        res.join_client_max_pct = max(
            (100 * (w.cpu_s() - c0) / wall for w, c0 in zip(self.workers, wcpu0, strict=True)),
            default=0.0,
        )
        res.join_lag_p99_ms = max((float(j.get("lag_p99_ms", 0.0)) for j in self.joined), default=0)
        failed = sum(int(j["failed"]) for j in self.joined)
        if failed:
            print(f"  {failed} viewer(s) could not connect: {self.joined[0]['error']}", flush=True)
        times = [j["t_all"] for j in self.joined]
        # Backend memory per viewer: its growth over the join storm (before the poster's
        # tabs open), divided by the viewers.
        res.rss_per_viewer_mb = max(0.0, self.rss_mb() - rss0) / max(1, n)
        if len(times) == len(self.workers) and all(t is not None for t in times):
            res.join_s = max(times) - t0
        else:
            res.saturated = True
            res.why = f"join storm: {res.join_ok}/{n} current within {cap:.0f} s"
            res.load = os.getloadavg()[0]
            return
        await asyncio.sleep(1.0)
        await asyncio.wait_for(poster.start(), 120)
        # The proposal's voters' tabs joined the viewers' room: presence tells the room once,
        # on its next tick (PRESENCE_TICK_SECONDS, 1 s); let that pass before posting.
        await asyncio.sleep(2.0 if self.page == "proposal" else 0.5)
        await self._post(res, poster, seconds, tag, deadline)
        res.rss_end_per_viewer_mb = max(0.0, self.rss_mb() - rss0) / max(1, n)

    async def _post(
        self, res: Result, poster: Poster, seconds: float, tag: str, deadline: float
    ) -> None:
        me = psutil.Process()
        await asyncio.gather(*(w.send(op="phase") for w in self.workers))
        cpu0, mine0, w0 = self.cpu_s(), me.cpu_times(), time.monotonic()
        busy0 = machine_busy_s()
        wcpu0 = [w.cpu_s() for w in self.workers]
        cycle = CYCLE[self.page]
        i = 0
        next_at = time.monotonic()
        end = min(next_at + seconds, deadline)
        while time.monotonic() < end:
            kind = cycle[i % len(cycle)]
            planned = poster.plan(kind, tag, i)
            if planned is None and kind == "heart":  # no entry ready to heart yet: a comment
                kind, planned = "comment", poster.plan("comment", tag, i)
            if planned is None:
                raise RuntimeError(f"change {i} ({kind}) cannot be made: too few voters?")
            key, make = planned
            ch = Change(i, kind, key, sent=time.monotonic())
            self.changes[i] = ch
            await asyncio.gather(*(w.send(op="expect", id=i, key=key) for w in self.workers))
            poster.spawn(ch, make)
            i += 1
            if self._saturated(i):
                res.saturated, res.why = True, "changes not seen by every viewer within 10 s"
                break
            next_at += 1 / RATE[self.page]
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        res.sent = i
        res.load = os.getloadavg()[0]
        # Drain: wait for the last changes (up to the saturation limit or the cap).
        await self._until(
            lambda: all(self.done(c) for c in self.changes.values()),
            min(SATURATED_S, deadline - time.monotonic()),
        )
        wall = time.monotonic() - w0
        res.cpu_pct = 100 * (self.cpu_s() - cpu0) / wall
        mine1 = me.cpu_times()
        res.coordinator_cpu_pct = (
            100 * (mine1.user + mine1.system - mine0.user - mine0.system) / wall
        )
        wcpu = [100 * (w.cpu_s() - c0) / wall for w, c0 in zip(self.workers, wcpu0, strict=True)]
        res.client_cpu_pct, res.client_cpu_max_pct = sum(wcpu), max(wcpu)
        ours = res.cpu_pct + res.client_cpu_pct + res.coordinator_cpu_pct
        res.other_cores = max(0.0, (machine_busy_s() - busy0) / wall - ours / 100)
        await asyncio.gather(*(w.send(op="end") for w in self.workers))
        await self._until(lambda: len(self.stats) == len(self.workers), 30)
        live = sum(int(s["live"]) for s in self.stats)
        res.dead = sum(int(s["dead"]) for s in self.stats)
        res.kb_per_viewer = sum(int(s["bytes"]) for s in self.stats) / 1024 / max(1, live)
        res.lag_p99_ms = max((float(s["lag_p99_ms"]) for s in self.stats), default=0.0)
        res.lag_max_ms = max((float(s["lag_max_ms"]) for s in self.stats), default=0.0)
        firsts: dict[str, bool] = {}
        for ch in self.changes.values():
            firsts[ch.kind] = firsts.get(ch.kind, False) or ch.first or bool(ch.seen_at)
            if ch.failed:
                print(f"  change {ch.cid} ({ch.kind}) lost: {ch.failed}", flush=True)
                res.lost[ch.kind] = res.lost.get(ch.kind, 0) + 1
            elif self.done(ch):
                ms = (max(ch.seen_at.values()) - ch.sent) * 1000
                res.lat_ms.setdefault(ch.kind, []).append(max(0.0, ms))
            else:
                res.lost[ch.kind] = res.lost.get(ch.kind, 0) + 1
        res.absent = sorted(k for k, seen in firsts.items() if not seen)
        if res.pct(0.95) > SATURATED_S * 1000 and not res.saturated:
            res.saturated, res.why = True, "p95 over 10 s"
        if time.monotonic() >= deadline and not res.saturated:
            res.saturated, res.why = True, "stopped at the time cap"

    def _saturated(self, sent: int) -> bool:
        """Too many changes still unseen 10 s after they were sent (kinds no viewer has seen
        at all, i.e. not shown by this page, do not count unless nothing was ever seen)."""
        now = time.monotonic()
        shown = {c.kind for c in self.changes.values() if c.first or c.seen_at}
        late = [
            c
            for c in self.changes.values()
            if not self.done(c) and now - c.sent > SATURATED_S and (c.kind in shown or not shown)
        ]
        return len(late) >= max(1, 0.05 * sent)


# --- set-up: the app, its database, the poster's session ---------------------------------------


def db_path(app: Any) -> Path:
    return Path(app.workdir) / "data" / "e2e.db"


def sign_in_token(app: Any) -> str:
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


def make_members(viewers: int, votes: int) -> None:
    """`--members VIEWERS VOTES`, run in the app's environment before it starts: the demo
    proposal, its current agree votes per line, and members for the run, each made through
    accounts.sign_up and signed in through accounts.sign_in (as sign_in_token does): one
    per viewer, and enough voters for VOTES new agree votes, one per line each. Prints them
    as one JSON line."""
    from sqlmodel import select

    from hitrec_app.db import session_scope
    from hitrec_app.models import PayProposal
    from hitrec_app.services import accounts, proposal_views

    with session_scope(write=True) as s:
        pid = s.exec(select(PayProposal.id).where(PayProposal.title == PROPOSAL_TITLE)).one()
        assert pid is not None
        agrees: dict[str, int] = {}
        for line in proposal_views.line_views(session=s, proposal_id=pid, viewer_id=None):
            if line.tally is None:  # hidden until close: no vote would reach a viewer
                raise SystemExit(f"{PROPOSAL_TITLE!r}: its tallies are hidden")
            agrees[str(line.payee.id)] = line.tally.agree
        tokens: dict[str, list[str]] = {}
        for role, count in (("viewer", viewers), ("voter", -(-votes // len(agrees)))):
            tokens[role] = []
            for i in range(count):
                name = f"bench-{role}-{i}"
                accounts.sign_up(
                    session=s, username=name, password=MEMBER_PASSWORD, accept_terms=True
                )
                signed = accounts.sign_in(
                    session=s, username=name, password=MEMBER_PASSWORD, client_ip="bench"
                )
                tokens[role].append(signed.token)
    print(json.dumps({"proposal_id": pid, "agrees": agrees, **tokens}))


def members(app: Any, viewers: int, votes: int) -> dict[str, Any]:
    out = subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, WORKER_SCRIPT, "--members", str(viewers), str(votes)],
        cwd=app.root,
        env=app.env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def read_setup(db: Path, token: str) -> Setup:
    with sqlite3.connect(db) as con:
        (cid,) = con.execute(
            "SELECT id FROM challenges WHERE title = ?", (CHALLENGE_TITLE,)
        ).fetchone()
        rid, record_hearts = con.execute(
            "SELECT id, heart_count FROM records WHERE title = ?", (RECORD_TITLE,)
        ).fetchone()
        mine = {
            r
            for (r,) in con.execute(
                "SELECT h.record_id FROM hearts h JOIN users u ON u.id = h.user_id "
                "WHERE u.username = ?",
                (POSTER,),
            )
        }
        entries = {
            int(r): (int(h), int(c), r in mine)
            for r, h, c in con.execute(
                "SELECT id, heart_count, comment_count FROM records "
                "WHERE challenge_id = ? AND withdrawn_at IS NULL",
                (cid,),
            )
        }
    return Setup(token, int(cid), int(rid), entries, int(record_hearts))


@dataclasses.dataclass
class Target:
    """One path's app: its own source tree, data folder (a pristine copy of the demo database
    with the poster's session, restored before every run) and backend."""

    path: str
    app: Any  # tests.e2e.live_app.LiveApp
    setup: Setup | None = None
    bench: Bench | None = None

    def pristine(self) -> Path:
        return db_path(self.app).with_suffix(".pristine")

    def prepare(self, page: str, procs: int, viewers: int, votes: int) -> None:
        """`viewers`, `votes`: the proposal page's members to make (the most viewers of any
        point, and voters for this many votes)."""
        db = db_path(self.app)
        token = sign_in_token(self.app)
        made = members(self.app, viewers, votes) if page == "proposal" else {}
        with sqlite3.connect(db) as con:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(db, self.pristine())
        self.setup = read_setup(db, token)
        if made:
            self.setup.proposal_id = int(made["proposal_id"])
            self.setup.agrees = {int(k): int(v) for k, v in made["agrees"].items()}
            self.setup.viewer_tokens, self.setup.voter_tokens = made["viewer"], made["voter"]
        self.bench = Bench(self.app, self.path, page, self.setup, procs)

    def restore(self) -> None:
        db = db_path(self.app)
        for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            extra.unlink(missing_ok=True)
        shutil.copyfile(self.pristine(), db)


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
            (tree / name).unlink(missing_ok=True)  # a link left dangling by another checkout
            (tree / name).symlink_to(ROOT / name)
    return tree


# --- reporting ---------------------------------------------------------------------------------


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
    ram = psutil.virtual_memory().total / 2**30
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {ram:.0f} GiB RAM, load average {load}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def commit(tree: Path = ROOT) -> str:
    def git(*args: str) -> str:
        return subprocess.run(  # noqa: S603  (git with our own arguments)
            ["git", *args],  # noqa: S607
            cwd=tree,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    try:
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", "hitrec_app")
        return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def fmt_ms(x: float) -> str:
    if x != x:  # nan: nothing measured
        return "-"
    if x == float("inf"):
        return "lost"
    return f"{x / 1000:.1f} s" if x >= 1000 else f"{x:.0f} ms"


def kinds_p95(r: Result, page: str) -> str:
    parts = []
    for kind in CYCLE[page]:
        if kind in r.absent:
            parts.append(f"{kind} not shown")
        elif kind in r.lat_ms or kind in r.lost:
            parts.append(f"{kind} {fmt_ms(r.pct(0.95, kind))}")
    return ", ".join(parts)


def join_text(r: Result) -> str:
    when = f"{r.join_s:.1f} s" if r.join_s is not None else "not all"
    return f"{when} ({r.join_ok}/{r.viewers})"


def run_line(path: str, n: int, k: int, r: Result, page: str) -> str:
    state = f" SATURATED ({r.why})" if r.saturated else ""
    return (
        f"{path} N={n} run {k}: p50 {fmt_ms(r.pct(0.5))} p95 {fmt_ms(r.pct(0.95))} p99 "
        f"{fmt_ms(r.pct(0.99))} max {fmt_ms(r.pct(1))} [p95 {kinds_p95(r, page)}] sent {r.sent} "
        f"lost {r.lost_total()} backend cpu {r.cpu_pct:.0f}% rss/viewer "
        f"{r.rss_per_viewer_mb:.2f} MB (after posting {r.rss_end_per_viewer_mb:.2f} MB) "
        f"{r.kb_per_viewer:.0f} KB/viewer join {join_text(r)} "
        f"(backend cpu {r.join_cpu_pct:.0f}%, busiest client process {r.join_client_max_pct:.0f}%, "
        f"client loop lag p99 {r.join_lag_p99_ms:.0f} ms) "
        f"client cpu {r.client_cpu_pct:.0f}% (busiest process {r.client_cpu_max_pct:.0f}%, "
        f"coordinator {r.coordinator_cpu_pct:.0f}%) loop lag p99 {r.lag_p99_ms:.0f} ms max "
        f"{r.lag_max_ms:.0f} ms{f' dead {r.dead}' if r.dead else ''} other work {r.other_cores:.1f} cores load {r.load:.1f}{state}"
    )


HEADER = (
    "| path | viewers | runs | p50 | p95 | p99 | max | p95 by kind | changes sent (lost) | "
    "backend CPU | RSS / viewer | KB / viewer | join storm (current) | client CPU, all / "
    "busiest process | client loop lag p99 | other work (cores) | load | |"
)


def table_row(path: str, r: Result, runs: list[Result], page: str) -> str:
    state = f"SATURATED: {r.why}" if r.saturated else "ok"
    return (
        f"| {path} | {r.viewers} | {len(runs)} | {fmt_ms(r.pct(0.5))} | {fmt_ms(r.pct(0.95))} | "
        f"{fmt_ms(r.pct(0.99))} | {fmt_ms(r.pct(1.0))} | {kinds_p95(r, page)} | {r.sent} "
        f"({r.lost_total()}) | {r.cpu_pct:.0f}% | {r.rss_per_viewer_mb:.2f} MB | "
        f"{r.kb_per_viewer:.0f} | {join_text(r)} | {r.client_cpu_pct:.0f}% / "
        f"{r.client_cpu_max_pct:.0f}% | {r.lag_p99_ms:.0f} ms | {r.other_cores:.1f} | "
        f"{r.load:.1f} | {state} |"
    )


def median_run(runs: list[Result]) -> Result:
    """The median run by p95 (a lost change counts as infinitely late)."""
    ranked = sorted(runs, key=lambda r: r.pct(0.95) if r.pct(0.95) == r.pct(0.95) else 0.0)
    return ranked[len(ranked) // 2]


def verdicts(medians: dict[tuple[str, int], Result], page: str) -> list[str]:
    """The budgets, read off the NEW path's median runs."""

    def p95(n: int, budget: float) -> str:
        r = medians.get(("new", n))
        if r is None:
            return f"{n} viewers p95 <= {budget:.0f} ms: not measured"
        ok = r.pct(0.95) <= budget and not r.saturated
        return f"{n} viewers p95 <= {budget:.0f} ms: {fmt_ms(r.pct(0.95))}, {'met' if ok else 'MISSED'}"

    if page == "proposal":  # issue 9: a vote reaching the slowest viewer, 10 votes/s
        lines = [p95(500, 200)]
    else:
        lines = [p95(200, 100), p95(1000, 250)]
        r = medians.get(("new", 1000))
        if r is None:
            lines.append("join storm of 1,000 within 10 s: not measured")
        else:
            ok = r.join_s is not None and r.join_s <= 10
            lines.append(
                f"join storm of 1,000 within 10 s: {join_text(r)}, {'met' if ok else 'MISSED'}"
            )
    # Memory per viewer at the largest N measured: at small N the backend's fixed growth
    # (the first connections, caches) divided by few viewers says little.
    mem = [(n, r.rss_per_viewer_mb) for (p, n), r in medians.items() if p == "new"]
    if mem:
        top_n, top = max(mem)
        lines.append(
            f"<= 0.5 MB backend memory per viewer: {top:.2f} MB at N={top_n}, "
            f"{'met' if top <= 0.5 else 'MISSED'}"
        )
    return lines


def client_note(runs: list[tuple[str, int, Result]]) -> str:
    """Whether the bench client could have set the figures, worst over every run: a client
    process near a full core would read its frames late (client-bound); a late event loop
    with the client's processes NOT busy means they waited for a CPU (the machine was
    oversubscribed: the backend, the client and any other work wanted more than 2 cores)."""
    if not runs:
        return ""
    cpu = max(max(r.client_cpu_max_pct, r.join_client_max_pct) for _p, _n, r in runs)
    lag = max(max(r.lag_p99_ms, r.join_lag_p99_ms) for _p, _n, r in runs)
    other = max(r.other_cores for _p, _n, r in runs)
    bound = [
        f"{p} N={n}" for p, n, r in runs if max(r.client_cpu_max_pct, r.join_client_max_pct) > 80
    ]
    waited = [
        f"{p} N={n}"
        for p, n, r in runs
        if max(r.client_cpu_max_pct, r.join_client_max_pct) <= 80
        and max(r.lag_p99_ms, r.join_lag_p99_ms) > 20
    ]
    parts = [
        f"Client check (join storms and posting phases): the busiest client process used at "
        f"most {cpu:.0f}% of a core, its event-loop lag p99 (a 20 ms ticker waking late) was "
        f"at most {lag:.0f} ms, and other work on the machine took up to {other:.1f} cores "
        "during a posting phase."
    ]
    if not bound and not waited:
        parts.append(
            "So the client was NOT the bottleneck: no client process near a full core and "
            "frames read within 20 ms (p99) of arriving."
        )
    if bound:
        parts.append(f"CLIENT-BOUND (a client process above 80% of a core): {', '.join(bound)}.")
    if waited:
        parts.append(
            "Client loop late while its processes were not busy (they waited for a CPU: the "
            f"machine was oversubscribed), figures pessimistic by up to the lag: {', '.join(waited)}."
        )
    return " ".join(parts)


def write_doc(heading: str, section: str) -> None:
    """Replace the section under `heading` (an exact heading line) in docs/benchmarks.md."""
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    lines = text.split("\n")
    if heading in lines:
        start = lines.index(heading)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        lines[start:end] = [*section.rstrip("\n").split("\n"), ""]
        text = "\n".join(lines)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")


# --- the matrix --------------------------------------------------------------------------------


async def bench_all(
    args: argparse.Namespace, targets: list[Target]
) -> tuple[dict[tuple[str, int], list[Result]], list[str], list[tuple[str, int, Result]]]:
    results: dict[tuple[str, int], list[Result]] = {}
    lines: list[str] = []
    every: list[tuple[str, int, Result]] = []
    for n in [int(x) for x in args.viewers.split(",")]:
        done: set[str] = set()  # paths whose point saturated: more runs only load the machine
        for k in range(args.runs):
            # OLD and NEW back to back for each run, each on a freshly started backend over a
            # fresh copy of the database (the old path never drops a closed tab from a room:
            # SharedState's `_linked_from`), only one backend up at a time.
            for t in targets:
                if t.path in done:
                    continue
                t.restore()
                t0 = time.monotonic()
                await asyncio.to_thread(t.app.start)
                print(f"  {t.path}: app up in {time.monotonic() - t0:.0f} s", flush=True)
                cap = args.old_cap if t.path == "old" else args.new_cap
                try:
                    assert t.bench is not None
                    r = await t.bench.run(n, args.seconds, f"{t.path}-{n}-{k}", cap, args.join_cap)
                finally:
                    await asyncio.to_thread(t.app.stop)
                results.setdefault((t.path, n), []).append(r)
                every.append((t.path, n, r))
                lines.append(run_line(t.path, n, k + 1, r, args.page))
                print(lines[-1], f"({time.monotonic() - t0:.0f} s with start and stop)", flush=True)
                if r.saturated:
                    done.add(t.path)
    return results, lines, every


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--page", choices=("challenge", "record", "proposal"), default="challenge")
    parser.add_argument(
        "--viewers", default="50,200", help="comma-separated N, e.g. 50,200,500,1000"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="posting time per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--path",
        default=None,
        help="old (rx.SharedState rooms, run from --tree), new (the broadcast path, this tree); "
        "default old,new (the proposal page: new, it has no old path)",
    )
    parser.add_argument(
        "--tree",
        type=Path,
        default=DEFAULT_OLD_TREE,
        help=f"the OLD code's tree (env ROOMS_BENCH_OLD_TREE; made as a git worktree at "
        f"{OLD_COMMIT} if missing)",
    )
    parser.add_argument("--client-procs", type=int, default=2, help="viewer worker processes")
    parser.add_argument(
        "--old-cap", type=float, default=240.0, help="s per OLD run (join+post+drain)"
    )
    parser.add_argument("--new-cap", type=float, default=600.0, help="s per NEW run")
    parser.add_argument("--join-cap", type=float, default=60.0, help="s a join storm may take")
    parser.add_argument("--write-doc", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the apps' data folders")
    args = parser.parse_args()
    paths = (args.path or ("new" if args.page == "proposal" else "old,new")).split(",")
    for p in paths:
        if p not in ("old", "new"):
            parser.error(f"--path {p}: old or new")
        if (args.page, p) not in ROOM_STATE:
            parser.error(f"--page {args.page} has no {p} path (built on the broadcast path)")
    set_fd_limit()
    from tests.e2e.live_app import LiveApp

    started = time.monotonic()
    info_before = machine()
    print(f"machine: {info_before}", flush=True)
    trees = {"old": old_tree(args.tree.resolve()), "new": ROOT}
    targets = [
        Target(p, LiveApp(Path(tempfile.mkdtemp(prefix=f"hitrec-rooms-{p}-")), root=trees[p]))
        for p in paths
    ]
    most = max(int(x) for x in args.viewers.split(","))
    votes = int(RATE[args.page] * args.seconds) + 10  # a few to spare
    for t in targets:
        t.prepare(args.page, args.client_procs, most, votes)
    commits = {t.path: commit(t.app.root) for t in targets}
    print(
        "trees: " + ", ".join(f"{t.path} {commits[t.path]} ({t.app.root})" for t in targets),
        flush=True,
    )
    try:
        results, run_lines, every = asyncio.run(bench_all(args, targets))
    except BaseException:
        for t in targets:
            print(f"{t.path}: server log and data kept in {t.app.workdir}", flush=True)
        raise
    else:
        if not args.keep:  # each data folder holds its own frontend build (~20 MB)
            for t in targets:
                shutil.rmtree(t.app.workdir, ignore_errors=True)
    finally:
        for t in targets:
            t.app.stop()
    took = time.monotonic() - started
    medians = {key: median_run(runs) for key, runs in results.items()}
    rows = [
        table_row(p, medians[(p, n)], results[(p, n)], args.page)
        for n in [int(x) for x in args.viewers.split(",")]
        for p in paths
        if (p, n) in results
    ]
    info_after = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine after: load average {info_after}; took {took / 60:.1f} min")
    print(HEADER)
    print("\n".join(rows))
    budget_lines = verdicts(medians, args.page) if "new" in paths else []
    for line in budget_lines:
        print("budget:", line)
    note = client_note(every)
    print(note)
    command = "python bench/rooms_bench.py " + " ".join(sys.argv[1:])
    if args.page == "challenge":
        heading = "## Live rooms: challenge page"
        what = (
            f'N anonymous viewers on one challenge page ("{CHALLENGE_TITLE}", hydrated with '
            "the page's route so its on_load runs as for a browser) while signed-in jules makes "
            "5 changes per second, in turn a new text entry (the submission form, posted to "
            "/_upload as the browser does), a heart and a comment (from the entry's page, "
            "RecordState.toggle_heart / add_comment). A viewer has an entry when a delta shows "
            "its title, a heart or comment when a delta shows the entry's new count (in an "
            "entries row or in the room's counts map)"
        )
    elif args.page == "proposal":
        heading = "## Live rooms: pay proposal"
        what = (
            f'N signed-in members on the demo film\'s open pay proposal ("{PROPOSAL_TITLE}", '
            "hydrated with the page's route so its on_load runs as for a browser; proposals "
            "are for signed-in members, so each viewer is a member of its own, made in the "
            "run's database copy through accounts.sign_up and signed in through "
            "accounts.sign_in, its session token sent in the hydrate as a browser's local "
            "storage sends it) while other members vote 10 times a second through the page's "
            "vote form (ProposalState.vote, the form's fields as the browser sends them), each "
            "from a tab on the same page, so the proposal's room holds the N viewers and the "
            f"{len(targets[0].setup.voter_tokens) if targets[0].setup else 0} voters' tabs. "
            'Vote k is voter k // L\'s "agree" on line k % L (L lines, 3 in the demo), so '
            "that line's agree count only grows; a viewer has vote k when a delta shows that "
            "line's tally (the room's `tallies` map) at or past the vote's agree count"
        )
    else:
        heading = "## Live rooms"
        what = (
            f'N anonymous viewers on one record page ("{RECORD_TITLE}") while signed-in jules '
            "posts a comment through `add_comment` 5 times a second; a viewer has a comment "
            "when a delta shows its body"
        )
    issue = "issue 9" if args.page == "proposal" else "issue 8"
    if "old" in paths:
        runs_text = (
            f"Median run by p95 of up to {args.runs}; a point with p95 > 10 s, or an OLD run "
            f"past {args.old_cap:.0f} s, is stopped and marked SATURATED with what was measured "
            "(and not run again). OLD and NEW run back to back for each run, one backend up at "
            "a time."
        )
        paths_text = (
            f"**Paths**: OLD = rx.SharedState rooms, commit {commits.get('old', OLD_COMMIT)} "
            f"(git worktree of {OLD_COMMIT}, the last main before the broadcast path); NEW = the "
            f"broadcast path, commit {commits.get('new', '-')}."
        )
    else:
        runs_text = (
            f"Median run by p95 of up to {args.runs}, each on a freshly started backend; a point "
            "with p95 > 10 s is stopped and marked SATURATED with what was measured (and not "
            "run again)."
        )
        paths_text = f"**Path**: NEW = the broadcast path, commit {commits.get('new', '-')}" + (
            "; there is no OLD path for this page: it was built on the broadcast path (no "
            "rx.SharedState version of it ever existed)."
            if args.page == "proposal"
            else " (OLD not run)."
        )
    section = "\n".join(
        [
            heading,
            "",
            f"`bench/rooms_bench.py --page {args.page}` ({issue}): the real app (prod mode, demo "
            "data, one backend worker, a fresh copy of the database for every run) and clients "
            "speaking Reflex's event protocol over socket.io. "
            + what
            + f", for {args.seconds:.0f} s. Latency = send until the SLOWEST viewer has the "
            "change; a change not seen by every viewer within 10 s is lost (counted as "
            'infinitely late). "p95 by kind": the same per kind of change ("not shown": no '
            "viewer ever had it, left out of the overall figures). Backend CPU over the posting "
            "phase (psutil, /proc of the app's process tree; 100% = one core); RSS / viewer = "
            "the backend's RSS growth over the join storm / N; KB received per viewer over the "
            "posting phase; join storm = all N connect at once until every one is hydrated and "
            "has the room's snapshot. The viewers run in client worker processes on the same "
            "machine; each measures its event-loop lag (a 20 ms ticker waking late), which with "
            "the client processes' CPU says whether the client could have set a figure (the "
            'client check below); "other work" = the machine\'s CPU use by everything else '
            "during the posting phase (other sessions' tests), in cores of 2. " + runs_text,
            "",
            paths_text + f" Measured {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} in "
            f"{took / 60:.0f} min.",
            f"Machine: {info_before} (after: load average {info_after}). The viewers ran in "
            f"{args.client_procs} client processes on the same machine.",
            "",
            HEADER,
            "|" + "---|" * (HEADER.count("|") - 1),
            *rows,
            "",
            *(
                ["Budgets (new path, one worker): " + "; ".join(budget_lines) + "."]
                if budget_lines
                else []
            ),
            "",
            note,
            "",
            "Every run:",
            "",
            *(f"- {x}" for x in run_lines),
            "",
            f"Run: `{command}`.",
            "",
        ]
    )
    if args.write_doc:
        write_doc(heading, section)
        print("wrote docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    if "--worker" in sys.argv:
        asyncio.run(Crowd().main())
        sys.exit(0)
    if "--members" in sys.argv:
        at = sys.argv.index("--members")
        make_members(int(sys.argv[at + 1]), int(sys.argv[at + 2]))
        sys.exit(0)
    sys.exit(main())
