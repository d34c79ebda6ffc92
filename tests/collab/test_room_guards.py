"""The room's guards against costly or out-of-bounds traffic, driven directly (no sockets).

Viewers never make the server apply or trial anything; every connection has frame, byte
and reply budgets (a fake clock: no timing); updates may only touch the draft's Text.
"""

from __future__ import annotations

import pytest
from pycrdt import Array, Doc, Map, Text, create_update_message

from hitrec_app.collab import close_codes as cc
from hitrec_app.collab import protocol
from hitrec_app.collab.close_codes import CloseConnection
from hitrec_app.collab.document import DraftDocument
from hitrec_app.collab.persisted import LoadedDraft
from hitrec_app.collab.room import Limits, Peer, Room


class FakePeer(Peer):
    def __init__(self, user_id: int, role: str) -> None:
        super().__init__(user_id, f"user {user_id}", role)
        self.inbox: list[bytes] = []

    def deliver(self, frame: bytes) -> None:
        self.inbox.append(frame)

    def kick(self, code: int, reason: str) -> None:
        self.closing = True


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _persist(rows: object, snapshot: object) -> None:
    return None


def make_room(limits: Limits | None = None, clock: Clock | None = None) -> Room:
    loaded = LoadedDraft(document=DraftDocument(), last_seq=0, snapshot_seq=0, stored_bytes=0)
    return Room(1, loaded, persist=_persist, limits=limits, clock=clock or Clock())


def client_update(text: str, doc: Doc | None = None) -> tuple[Doc, bytes]:
    doc = doc or Doc()
    if "content" not in doc.keys():
        doc["content"] = Text()
    before = doc.get_state()
    content = doc.get("content", type=Text)
    content.insert(len(str(content).encode()), text)
    return doc, doc.get_update(before)


def update_frame(update: bytes) -> bytes:
    return create_update_message(update)


def refused(room: Room, peer: Peer, frame: bytes) -> CloseConnection:
    with pytest.raises(CloseConnection) as info:
        room.handle(peer, frame)
    return info.value


@pytest.fixture
def no_trials(monkeypatch):
    """Fail the test if anything copies the document to try an update on it."""

    def trial(self: DraftDocument, update: bytes) -> None:
        raise AssertionError("the document was copied to trial an update")

    monkeypatch.setattr(DraftDocument, "trial", trial)


# -- viewers ------------------------------------------------------------------------------
def test_a_viewers_update_is_refused_at_once_even_when_the_server_has_it(no_trials):
    room = make_room()
    owner, viewer = FakePeer(1, "owner"), FakePeer(2, "viewer")
    room.join(owner)
    room.join(viewer)
    _, update = client_update("Chapter one")
    room.handle(owner, update_frame(update))
    # Re-sending what the server already has used to be "tried" on a copy of the document.
    err = refused(room, viewer, update_frame(update))
    assert (err.code, err.reason) == (cc.FORBIDDEN, "You can read this draft but not change it.")
    err = refused(room, viewer, update_frame(b"\x00\x00"))
    assert err.code == cc.FORBIDDEN


def test_a_viewers_sync_reply_is_ignored_unread(no_trials, monkeypatch):
    room = make_room()
    owner, viewer = FakePeer(1, "owner"), FakePeer(2, "viewer")
    room.join(owner)
    room.join(viewer)
    doc, update = client_update("Shared text")
    room.handle(owner, update_frame(update))
    seq = room.seq

    def apply(self: DraftDocument, update: bytes, origin: object) -> None:
        raise AssertionError("a viewer's update was applied")

    monkeypatch.setattr(DraftDocument, "apply", apply)
    # What it has anyway (as y-websocket sends on every connect) and offline "edits".
    room.handle(viewer, protocol.step2(doc.get_update()))
    _, offline = client_update(" and more", doc)
    room.handle(viewer, protocol.step2(offline))
    room.handle(viewer, protocol.step2(b"\x00\x00"))
    assert not viewer.closing
    assert room.document.content == "Shared text"
    assert room.seq == seq


def test_a_demoted_editor_is_refused_without_a_trial(no_trials):
    room = make_room()
    peer = FakePeer(1, "editor")
    room.join(peer)
    _, first = client_update("mine")
    room.handle(peer, update_frame(first))
    peer.role = "viewer"
    assert refused(room, peer, update_frame(first)).code == cc.FORBIDDEN


# -- rate limits --------------------------------------------------------------------------
def test_frames_over_the_budget_close_the_connection_with_a_clear_reason():
    clock = Clock()
    room = make_room(Limits(frames_per_second=2, frames_burst=5), clock)
    peer = FakePeer(1, "editor")
    room.join(peer)
    ping = protocol.step1(room.document.state_vector())
    for _ in range(5):
        room.handle(peer, ping)
    err = refused(room, peer, ping)
    assert (err.code, err.reason) == (
        cc.RATE_LIMITED,
        "Too many messages from this editor; reconnecting.",
    )
    # The budget refills at the sustained rate.
    fresh = FakePeer(2, "editor")
    room.join(fresh)
    for _ in range(5):
        room.handle(fresh, ping)
    clock.now += 1.0
    room.handle(fresh, ping)
    room.handle(fresh, ping)
    assert refused(room, fresh, ping).code == cc.RATE_LIMITED


def test_bytes_over_the_budget_close_the_connection():
    clock = Clock()
    limits = Limits(max_message_bytes=4096, bytes_per_second=100, bytes_burst=4096)
    room = make_room(limits, clock)
    peer = FakePeer(1, "editor")
    room.join(peer)
    doc = Doc()
    for _ in range(3):
        doc, update = client_update("x" * 1200, doc)
        room.handle(peer, update_frame(update))
    doc, update = client_update("x" * 1200, doc)
    assert refused(room, peer, update_frame(update)).code == cc.RATE_LIMITED
    assert room.document.content == "x" * 3600


def test_whole_document_replies_are_budgeted_too():
    clock = Clock()
    limits = Limits(reply_bytes_per_second=1000, reply_bytes_burst=25_000)
    room = make_room(limits, clock)
    owner = FakePeer(1, "owner")
    room.join(owner)
    _, update = client_update("y" * 10_000)
    room.handle(owner, update_frame(update))
    reader = FakePeer(2, "viewer")
    room.join(reader)
    everything = protocol.step1(b"\x00")  # an empty state vector: the whole document
    for _ in range(3):
        room.handle(reader, everything)  # the third goes into debt
    assert refused(room, reader, everything).code == cc.RATE_LIMITED
    # Small replies (the editor's "saved" pings) cost little.
    pinger = FakePeer(3, "viewer")
    room.join(pinger)
    current = protocol.step1(room.document.state_vector())
    for _ in range(500):
        room.handle(pinger, current)


def test_default_limits_allow_fast_typing_with_presence_and_pings():
    clock = Clock()
    room = make_room(clock=clock)
    peer = FakePeer(1, "editor")
    room.join(peer)
    doc = Doc()
    awareness = protocol.encode_awareness([(7, 1, '{"cursor":{"anchor":1}}')])
    for i in range(20 * 60):  # a minute at 20 keystrokes a second, each with a cursor move
        doc, update = client_update("a", doc)
        room.handle(peer, update_frame(update))
        room.handle(peer, awareness)
        if i % 3 == 0:
            room.handle(peer, protocol.step1(room.document.state_vector()))
        clock.now += 0.05
    # A big paste and a reconnect's whole-document sync in one go are fine too.
    doc, update = client_update("p" * 400_000, doc)
    room.handle(peer, update_frame(update))
    room.handle(peer, protocol.step1(b"\x00"))
    assert not peer.closing


# -- only the draft's text ----------------------------------------------------------------
@pytest.mark.parametrize("root", ["notes", "meta", "content-map"])
def test_updates_touching_anything_but_the_text_are_refused_unapplied(root):
    room = make_room()
    peer = FakePeer(1, "editor")
    room.join(peer)
    doc, update = client_update("text")
    room.handle(peer, update_frame(update))
    before, seq = room.document.state(), room.seq
    if root == "notes":
        other = Doc()
        other["notes"] = Array(["z" * 50_000])
        payload = other.get_update()
    elif root == "meta":
        before_sv = doc.get_state()
        doc["meta"] = Map({"hidden": "z" * 50_000})
        doc.get("content", type=Text).insert(4, "!")  # mixed with a real edit
        payload = doc.get_update(before_sv)
    else:
        other = Doc()
        other["content"] = Map({"hidden": "z" * 50_000})  # keys on the text's own root
        payload = other.get_update()
    for frame in (update_frame(payload), protocol.step2(payload)):
        err = refused(room, peer, frame)
        assert (err.code, err.reason) == (
            cc.MALFORMED,
            "This editor sent changes outside the draft's text; reload.",
        )
    assert list(room.document.doc.keys()) == ["content"]
    assert room.document.state() == before and room.seq == seq
