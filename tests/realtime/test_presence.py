"""Presence per room (hitrec_app/realtime/presence.py): who is counted, what one tick sends,
and how a closed, moved-on or silent tab stops being counted.

Most tests use the fake socket.io namespace of test_broadcast.py (rooms, emits, who is
connected, `disconnect(sid)` as python-socketio does it). The silent-socket test runs a real
python-socketio server in this process (uvicorn, websocket transport, as Reflex serves it)
with raw engine.io clients, because the point there is the real heartbeat: a client that
stops answering pings without closing is closed by engine.io, and that disconnect reaches
presence through the same hook as Reflex's namespace.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import socketio
import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from hitrec_app.realtime import broadcast, presence
from hitrec_app.realtime import reflex_internals as internals
from hitrec_app.state.challenges import ChallengeLive
from hitrec_app.state.records import RecordLive
from hitrec_app.vocabulary import PRESENCE_NAMES, challenge_room, record_room
from tests.realtime.test_broadcast import FakeNamespace

ROOM = record_room(1)
PAGE = "/records/1"


@pytest.fixture
def namespace(monkeypatch):
    fake = FakeNamespace()
    monkeypatch.setattr(broadcast, "_namespace", lambda: fake)
    monkeypatch.setattr(presence, "_namespace", lambda: fake)
    monkeypatch.setattr(presence, "_app", None)
    presence.reset()
    presence.start()  # hooks the fake namespace's disconnects, as at the app's start
    yield fake
    presence.reset()


def run(coro):
    return asyncio.run(coro)


def watch(sid, room=ROOM, *, user=None, name="", path=PAGE, live=RecordLive):
    return presence.watch(sid, room, live, path=path, user_id=user, name=name)


def presence_emits(fake: FakeNamespace) -> dict[str, dict]:
    """room -> the presence it was sent (each room at most once, or the test fails)."""
    sent: dict[str, dict] = {}
    for event, payload, room in fake.emits:
        assert event == internals.EVENT
        assert room not in sent, f"{room} was sent twice"
        (vars_,) = json.loads(payload)["delta"].values()
        sent[room] = {name.removesuffix("_rx_state_"): value for name, value in vars_.items()}
    return sent


def test_signed_in_users_count_once_whatever_their_tabs_and_anonymous_tabs_each(namespace):
    watch("a1")
    watch("a2")
    watch("alice-1", user=1, name="Alice")
    assert watch("alice-2", user=1, name="Alice") == {"watching": 3, "watchers": ["Alice"]}
    watch("bob", user=2, name="Bob")
    assert presence.now(ROOM) == {"watching": 4, "watchers": ["Alice", "Bob"]}
    # Alice closes one of her two tabs: still watching; an anonymous tab goes: one fewer.
    namespace.disconnect("alice-1")
    namespace.disconnect("a1")
    assert presence.now(ROOM) == {"watching": 3, "watchers": ["Alice", "Bob"]}
    namespace.disconnect("alice-2")
    assert presence.now(ROOM) == {"watching": 2, "watchers": ["Bob"]}
    assert namespace.emits == []  # joins and leaves send nothing by themselves


def test_the_names_are_the_first_signed_in_arrivals_and_bounded(namespace):
    for n in range(PRESENCE_NAMES + 4):
        watch(f"s{n}", user=n + 1, name=f"User {n}")
    watch("anon")
    now = presence.now(ROOM)
    assert now["watching"] == PRESENCE_NAMES + 5
    assert now["watchers"] == [f"User {n}" for n in range(PRESENCE_NAMES)]
    namespace.disconnect("s0")  # the first named leaves: the next arrival is named
    assert presence.now(ROOM)["watchers"] == [f"User {n}" for n in range(1, PRESENCE_NAMES + 1)]


def test_a_join_storm_is_one_publish_per_changed_room_per_tick(namespace):
    for n in range(1000):
        watch(f"r{n}", user=n + 1 if n % 2 else None, name=f"U{n}")
    watch("c1", challenge_room(4), live=ChallengeLive, path="/challenges/4")
    watch("c2", challenge_room(4), live=ChallengeLive, path="/challenges/4", user=7, name="Ada")
    assert namespace.emits == []
    assert run(presence.tick()) == 2
    sent = presence_emits(namespace)
    assert sent == {
        ROOM: {"watching": 1000, "watchers": ["U1", "U3", "U5"][:PRESENCE_NAMES]},
        challenge_room(4): {"watching": 2, "watchers": ["Ada"]},
    }
    # Each went to its own Live state's vars.
    keys = {room: next(iter(json.loads(p)["delta"])) for _, p, room in namespace.emits}
    assert keys == {
        ROOM: internals.delta_key(RecordLive),
        challenge_room(4): internals.delta_key(ChallengeLive),
    }


def test_nothing_is_published_while_nobody_comes_or_goes(namespace):
    watch("a")
    watch("b", record_room(2), path="/records/2")
    assert run(presence.tick()) == 2
    namespace.emits.clear()
    assert run(presence.tick()) == 0
    # A tab that joins the room it already watches (its page's on_load ran again) changes nothing.
    watch("a")
    assert run(presence.tick()) == 0
    assert namespace.emits == []
    # A change in one room tells that room only.
    watch("c", record_room(2), path="/records/2")
    assert run(presence.tick()) == 1
    assert presence_emits(namespace) == {record_room(2): {"watching": 2, "watchers": []}}


def test_a_disconnected_socket_is_gone_at_the_next_tick(namespace):
    watch("a")
    watch("bob", user=2, name="Bob")
    run(presence.tick())
    namespace.emits.clear()
    namespace.disconnect("bob")  # a closed tab: python-socketio's disconnect, hooked by start()
    assert run(presence.tick()) == 1
    assert presence_emits(namespace) == {ROOM: {"watching": 1, "watchers": []}}


def test_the_last_viewer_leaving_drops_the_room_without_a_message(namespace):
    watch("a")
    run(presence.tick())
    namespace.emits.clear()
    namespace.disconnect("a")
    assert run(presence.tick()) == 0  # nobody left to tell
    assert presence.now(ROOM) == {"watching": 0, "watchers": []}
    assert presence._rooms == {}


def test_a_join_that_runs_after_its_socket_closed_counts_nobody(namespace):
    namespace.disconnect("late")  # the tab closed before its page's join ran
    assert watch("late") == {"watching": 0, "watchers": []}
    assert run(presence.tick()) == 0
    assert presence._tabs == {}


def test_a_tab_that_moves_on_stops_counting_where_it_was(namespace):
    watch("t", user=3, name="Tomas")
    watch("other")
    # Its next page's on_load, in either order with that page's join: another record page...
    presence.arrive("t", "/records/2")
    watch("t", record_room(2), path="/records/2", user=3, name="Tomas")
    assert presence.now(ROOM) == {"watching": 1, "watchers": []}
    assert presence.now(record_room(2)) == {"watching": 1, "watchers": ["Tomas"]}
    watch("t", path=PAGE, user=3, name="Tomas")  # ...back to the first, join first this time
    presence.arrive("t", PAGE)
    assert presence.now(ROOM) == {"watching": 2, "watchers": ["Tomas"]}
    assert presence.now(record_room(2))["watching"] == 0
    # ...then a page without a room (the home page): counted nowhere.
    presence.arrive("t", "/")
    assert presence.now(ROOM) == {"watching": 1, "watchers": []}
    assert run(presence.tick()) == 1  # record 2 is empty and dropped; record 1 is told
    assert presence_emits(namespace) == {ROOM: {"watching": 1, "watchers": []}}


# --- a silent socket, on a real python-socketio server -----------------------------------------


class WatchNamespace(socketio.AsyncNamespace):
    """A stand-in for Reflex's event namespace: `on_disconnect(sid)` is a plain method, as
    `EventNamespace.on_disconnect` is; a "watch" event does what a page's join does."""

    def on_disconnect(self, sid):
        pass

    async def on_watch(self, sid, data):
        await self.enter_room(sid, ROOM)
        presence.watch(
            sid, ROOM, RecordLive, path=PAGE, user_id=data.get("user"), name=data.get("name", "")
        )


class RawClient:
    """An engine.io v4 / socket.io v5 client over `websockets` (as bench/rooms_bench.py's
    Viewer) that answers pings until told to stop; stopping is a dropped network: no close."""

    def __init__(self) -> None:
        self.ws: ClientConnection | None = None
        self.answering = True
        self.reader: asyncio.Task[None] | None = None

    async def open(self, port: int, data: dict) -> None:
        self.ws = await connect(
            f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", ping_interval=None
        )
        assert str(await self.ws.recv()).startswith("0")
        await self.ws.send("40/_event,")
        assert str(await self.ws.recv()).startswith("40/_event,")
        await self.ws.send("42/_event," + json.dumps(["watch", data]))
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for message in self.ws:
                if message == "2" and self.answering:
                    await self.ws.send("3")
        except Exception:  # closed by the server
            pass

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


async def _until(predicate, bound: float) -> bool:
    """Wait until `predicate()` holds, for at most `bound` seconds; whether it held."""
    deadline = time.monotonic() + bound
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def test_a_silent_socket_is_closed_by_the_heartbeat_and_gone_at_the_next_tick(monkeypatch):
    heartbeat = 0.5  # ping interval and timeout, seconds: a silent client goes after <= 1 s
    bound = 20.0  # far beyond the heartbeat: the test waits, it does not time anything
    server_sio = socketio.AsyncServer(
        async_mode="asgi",
        ping_interval=heartbeat,
        ping_timeout=heartbeat,
        transports=["websocket"],
    )
    real = WatchNamespace("/_event")
    server_sio.register_namespace(real)
    recorder = FakeNamespace()  # what the ticks publish
    monkeypatch.setattr(broadcast, "_namespace", lambda: recorder)
    monkeypatch.setattr(presence, "_namespace", lambda: real)
    monkeypatch.setattr(presence, "_app", None)
    presence.reset()

    async def scenario() -> None:
        presence.start()  # the disconnect hook, on the real namespace
        server = uvicorn.Server(
            uvicorn.Config(
                socketio.ASGIApp(server_sio),
                host="127.0.0.1",
                port=0,
                log_level="warning",
                lifespan="off",
            )
        )
        serving = asyncio.create_task(server.serve())
        try:
            assert await _until(lambda: server.started, bound)
            port = server.servers[0].sockets[0].getsockname()[1]
            alive, silent = RawClient(), RawClient()
            await alive.open(port, {"user": 1, "name": "Alice"})
            await silent.open(port, {"user": 2, "name": "Bob"})
            assert await _until(lambda: presence.now(ROOM)["watching"] == 2, bound)
            assert await presence.tick() == 1
            recorder.emits.clear()

            silent.answering = False  # the network drops: no close frame, no pongs
            assert await _until(lambda: presence.now(ROOM)["watching"] == 1, bound)
            assert presence.now(ROOM) == {"watching": 1, "watchers": ["Alice"]}
            assert await presence.tick() == 1
            assert presence_emits(recorder) == {ROOM: {"watching": 1, "watchers": ["Alice"]}}

            await alive.close()  # a closed tab
            assert await _until(lambda: presence.now(ROOM)["watching"] == 0, bound)
            await silent.close()
        finally:
            server.should_exit = True
            await serving
            presence.reset()

    run(scenario())
