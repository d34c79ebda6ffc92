"""The broadcast path with a fake socket.io namespace that records what it is asked to do."""

import asyncio
import json
from types import SimpleNamespace

import pytest

from hitrec_app.realtime import broadcast
from hitrec_app.realtime import reflex_internals as internals
from hitrec_app.state.records import RecordLive


class FakeNamespace:
    """python-socketio's room bookkeeping, and every emit (encoded as the server would); its
    own `server.manager` for who is connected; `disconnect(sid)` as a closing socket."""

    namespace = "/_event"

    def __init__(self):
        self.members: dict[str, set[str]] = {}
        self.emits: list[tuple[str, str, str]] = []
        self.gone: set[str] = set()
        self.server = SimpleNamespace(manager=self)

    def is_connected(self, sid, namespace):
        return sid not in self.gone

    def is_pre_connected(self, sid, namespace):
        return False

    def on_disconnect(self, sid):
        """Reflex's own clean-up (nothing here)."""

    def disconnect(self, sid):
        """As python-socketio: no longer connected, the namespace's disconnect handler, then
        out of every room."""
        self.gone.add(sid)
        self.on_disconnect(sid)
        for sids in self.members.values():
            sids.discard(sid)

    def rooms(self, sid):
        return [room for room, sids in self.members.items() if sid in sids] + [sid]

    async def enter_room(self, sid, room):
        self.members.setdefault(room, set()).add(sid)

    async def leave_room(self, sid, room):
        self.members.get(room, set()).discard(sid)

    async def emit(self, event, data, to):
        self.emits.append((event, internals.encode(data), to))


@pytest.fixture
def namespace(monkeypatch):
    fake = FakeNamespace()
    monkeypatch.setattr(broadcast, "_namespace", lambda: fake)
    return fake


def run(coro):
    return asyncio.run(coro)


@pytest.mark.parametrize("subscribers", [1, 3, 500])
def test_one_emit_per_change_whatever_the_number_of_subscribers(namespace, subscribers):
    for n in range(subscribers):
        run(broadcast.subscribe(f"sid{n}", "record-7"))
    run(broadcast.publish("record-7", RecordLive, {"hearts": 4}))
    assert len(namespace.emits) == 1
    event, payload, to = namespace.emits[0]
    assert (event, to) == ("event", "record-7")
    assert len(namespace.members["record-7"]) == subscribers
    assert json.loads(payload) == {
        "delta": {internals.delta_key(RecordLive): {"hearts_rx_state_": 4}}
    }


def test_payload_carries_only_the_changed_vars_and_no_router_data(namespace):
    run(broadcast.publish("record-7", RecordLive, {"remixes": 2}))
    ((_, payload, _),) = namespace.emits
    assert "router" not in payload
    assert list(json.loads(payload)["delta"][internals.delta_key(RecordLive)]) == [
        "remixes_rx_state_"
    ]


def test_nothing_changed_emits_nothing(namespace):
    run(broadcast.publish("record-7", RecordLive, {}))
    assert namespace.emits == []


def test_subscribe_leaves_the_other_rooms_of_the_same_kind(namespace):
    run(broadcast.subscribe("a", "record-1", leave_prefix="record-"))
    run(broadcast.subscribe("a", "board"))
    run(broadcast.subscribe("a", "record-2", leave_prefix="record-"))
    assert "a" not in namespace.members["record-1"]
    assert "a" in namespace.members["record-2"]
    assert "a" in namespace.members["board"]
    run(broadcast.leave("a", "record-"))  # e.g. a tab's inbox when its user signs out
    assert "a" not in namespace.members["record-2"]
    assert "a" in namespace.members["board"]


def test_unknown_var_is_refused_before_anything_is_sent(namespace):
    with pytest.raises(ValueError):
        run(broadcast.publish("record-7", RecordLive, {"nope": 1}))
    assert namespace.emits == []


def test_without_install_it_says_so(monkeypatch):
    monkeypatch.setattr(broadcast, "_app", None)
    with pytest.raises(RuntimeError, match="install"):
        run(broadcast.publish("record-7", RecordLive, {"hearts": 1}))


def test_no_sid_subscribes_nothing(namespace):
    run(broadcast.subscribe("", "record-7"))
    assert namespace.members == {}


def test_a_join_snapshot_is_read_once_per_room_change(namespace):
    broadcast._snapshots.clear()
    reads: list[str] = []

    def read(room: str):
        def go() -> str:
            reads.append(room)
            return f"{room} #{len(reads)}"

        return go

    for _ in range(100):  # a join storm: one read
        assert broadcast.snapshot("record-1", read("record-1")) == "record-1 #1"
    assert broadcast.snapshot("record-2", read("record-2")) == "record-2 #2"
    asyncio.run(broadcast.publish("record-1", RecordLive, {"hearts": 3}))
    assert broadcast.snapshot("record-1", read("record-1")) == "record-1 #3"  # changed: re-read
    assert broadcast.snapshot("record-2", read("record-2")) == "record-2 #2"
    assert reads == ["record-1", "record-2", "record-1"]
    broadcast._snapshots.clear()


def test_a_snapshot_read_while_its_room_changed_is_not_kept(namespace):
    broadcast._snapshots.clear()

    def racing_read() -> str:
        broadcast.forget_snapshot("record-1")  # a change lands while the read runs
        return "maybe stale"

    assert broadcast.snapshot("record-1", racing_read) == "maybe stale"
    assert broadcast.snapshot("record-1", lambda: "fresh") == "fresh"
    assert broadcast.snapshot("record-1", lambda: "not read") == "fresh"
    broadcast._snapshots.clear()


def test_a_snapshot_is_read_again_once_it_is_old(namespace, monkeypatch):
    broadcast._snapshots.clear()
    clock = [1000.0]
    monkeypatch.setattr(broadcast.time, "monotonic", lambda: clock[0])
    assert broadcast.snapshot("challenge-1", lambda: "closing soon? no") == "closing soon? no"
    clock[0] += broadcast.SNAPSHOT_MAX_AGE + 1
    assert broadcast.snapshot("challenge-1", lambda: "closing soon") == "closing soon"
    broadcast._snapshots.clear()


def test_a_room_change_forgets_every_part_of_the_rooms_snapshot_but_presence_keeps_them(
    namespace,
):
    assert broadcast.snapshot("challenge-1", lambda: "room") == "room"
    assert broadcast.snapshot("challenge-1", lambda: "page", part="page") == "page"
    assert broadcast.snapshot("challenge-1", lambda: "not read", part="page") == "page"
    # Presence's counts are not part of what a join reads through `snapshot`.
    run(broadcast.publish("challenge-1", RecordLive, {"watching": 3}, snapshot_changed=False))
    assert broadcast.snapshot("challenge-1", lambda: "not read", part="page") == "page"
    run(broadcast.publish("challenge-1", RecordLive, {"hearts": 3}))
    assert broadcast.snapshot("challenge-1", lambda: "room 2") == "room 2"
    assert broadcast.snapshot("challenge-1", lambda: "page 2", part="page") == "page 2"


def test_a_part_is_kept_no_longer_than_its_own_max_age(namespace, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(broadcast.time, "monotonic", lambda: clock[0])
    assert broadcast.snapshot("challenge-1", lambda: "old", part="page", max_age=5) == "old"
    clock[0] += 6
    assert broadcast.snapshot("challenge-1", lambda: "new", part="page", max_age=5) == "new"


class CountingRooms(FakeNamespace):
    """python-socketio's `rooms(sid)` scans every room of the namespace (each socket is one):
    counted, as a join storm would pay it once per tab."""

    def __init__(self):
        super().__init__()
        self.scans = 0

    def rooms(self, sid):
        self.scans += 1
        return super().rooms(sid)


def test_subscribing_and_leaving_never_scan_every_room_and_a_closed_socket_is_forgotten(
    monkeypatch,
):
    fake = CountingRooms()
    monkeypatch.setattr(broadcast, "_namespace", lambda: fake)
    internals.on_disconnect(fake, broadcast.forget_socket)
    for n in range(200):
        run(broadcast.subscribe(f"tab{n}", "inbox-1", leave_prefix="inbox-"))
        run(broadcast.leave(f"tab{n}", "inbox-"))
        run(broadcast.subscribe(f"tab{n}", "challenge-1", leave_prefix="challenge-"))
    assert fake.scans == 0
    assert len(fake.members["challenge-1"]) == 200 and fake.members["inbox-1"] == set()
    fake.disconnect("tab0")
    assert "tab0" not in broadcast._joined and "tab1" in broadcast._joined
    # A join that runs after its socket closed keeps nothing of it either.
    fake.gone.add("late")
    run(broadcast.subscribe("late", "challenge-1"))
    assert "late" not in broadcast._joined
