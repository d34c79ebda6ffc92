"""Convergence under a hostile network, through the project's own admission, room and storage.

Hundreds of seeded runs drive the room's message handler directly (no sockets) so the
network can misbehave: messages are delivered out of order and duplicated, connections
drop with messages in flight, clients keep typing offline and reconnect. At the end
every replica, the server's copy and a reload from the database hold the same text,
and each author is credited with exactly the characters of theirs that survived (each
client types from its own alphabet, so the surviving text itself says who wrote what).

A shorter run does the same over real websockets against the served app.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator

import pytest
from pycrdt import Doc, Text, TransactionEvent
from sqlmodel import Session

from hitrec_app.collab import protocol, store
from hitrec_app.collab.room import Limits, Peer, Room
from hitrec_app.collab.server import CollabServer
from hitrec_app.collab.tokens import issue_token
from hitrec_app.db import get_engine
from hitrec_app.services import drafts
from tests.collab.helpers import ServerThread, YClient, byte_index, eventually
from tests.conftest import migrate
from tests.factories import make_session, make_user

SEEDS = 300
ALPHABETS = ["abcdé", "FGHIJ", "😀😎🎉✓", "日本語中", "ßüöä"]


class FakePeer(Peer):
    def __init__(self, user_id: int, name: str, role: str) -> None:
        super().__init__(user_id, name, role)
        self.inbox: list[bytes] = []
        self.kicked: tuple[int, str] | None = None

    def deliver(self, frame: bytes) -> None:
        if not self.closing:
            self.inbox.append(frame)

    def kick(self, code: int, reason: str) -> None:
        self.closing = True
        self.kicked = (code, reason)


class SimClient:
    def __init__(self, user_id: int, role: str, alphabet: str, session_id: int) -> None:
        self.user_id, self.role, self.alphabet = user_id, role, alphabet
        self.session_id = session_id
        self.doc = Doc()
        self.text = Text()
        self.doc["content"] = self.text
        self.peer: FakePeer | None = None
        self.to_server: list[bytes] = []
        self._remote = False
        self.doc.observe(self._on_change)

    def _on_change(self, event: TransactionEvent) -> None:
        if not self._remote and self.peer is not None:
            self.to_server.append(protocol.create_update_message(event.update))

    def edit(self, rng: random.Random) -> None:
        current = str(self.text)
        if current and rng.random() < 0.4:
            start = rng.randrange(len(current))
            stop = min(len(current), start + rng.randint(1, 4))
            del self.text[byte_index(current, start) : byte_index(current, stop)]
        else:
            at = rng.randint(0, len(current))
            self.text.insert(
                byte_index(current, at), "".join(rng.choices(self.alphabet, k=rng.randint(1, 3)))
            )

    def receive(self, frame: bytes) -> None:
        message = protocol.parse(frame)
        if message.kind == "step1":
            self.to_server.append(protocol.step2(self.doc.get_update(message.payload)))
        elif message.kind in ("step2", "update"):
            self._remote = True
            try:
                self.doc.apply_update(message.payload)
            finally:
                self._remote = False


class Simulation:
    def __init__(
        self, server: CollabServer, draft_id: int, clients: list[SimClient], rng: random.Random
    ) -> None:
        self.server, self.draft_id, self.clients, self.rng = server, draft_id, clients, rng
        self.room: Room | None = None

    async def connect(self, client: SimClient) -> None:
        role, name = self.server.membership(self.draft_id, client.user_id, client.session_id)
        peer = FakePeer(client.user_id, name, role)
        gen = self.server.generation(self.draft_id, client.user_id)
        self.room = await self.server.open(self.draft_id, peer, gen)
        client.peer = peer
        client.to_server = [protocol.step1(client.doc.get_state())]

    def disconnect(self, client: SimClient) -> None:
        assert client.peer is not None and self.room is not None
        self.server.release(self.draft_id, self.room, client.peer)
        client.peer, client.to_server = None, []  # in-flight messages are lost both ways

    def to_server(self, client: SimClient, *, in_order: bool = False) -> None:
        assert client.peer is not None and self.room is not None
        i = 0 if in_order else self.rng.randrange(len(client.to_server))
        frame = (
            client.to_server[i]
            if (not in_order and self.rng.random() < 0.15)
            else client.to_server.pop(i)
        )
        self.room.handle(client.peer, frame)
        assert client.peer.kicked is None, client.peer.kicked

    def to_client(self, client: SimClient, *, in_order: bool = False) -> None:
        assert client.peer is not None
        inbox = client.peer.inbox
        i = 0 if in_order else self.rng.randrange(len(inbox))
        frame = inbox[i] if (not in_order and self.rng.random() < 0.15) else inbox.pop(i)
        client.receive(frame)

    async def step(self) -> None:
        rng = self.rng
        client = rng.choice(self.clients)
        roll = rng.random()
        if client.peer is None:
            if roll < 0.3:
                await self.connect(client)
            elif client.role == "editor" and roll < 0.6:
                client.edit(rng)  # offline typing
        elif roll < 0.3 and client.role == "editor":
            client.edit(rng)
        elif roll < 0.55 and client.to_server:
            self.to_server(client)
        elif roll < 0.8 and client.peer.inbox:
            self.to_client(client)
        elif roll < 0.85:
            self.disconnect(client)
        else:
            await asyncio.sleep(0)  # let the writer commit and relay

    async def settle(self) -> None:
        for client in self.clients:
            if client.peer is None:
                await self.connect(client)
        assert self.room is not None
        quiet = 0
        while quiet < 3:
            moved = False
            for client in self.clients:
                while client.to_server:
                    self.to_server(client, in_order=True)
                    moved = True
                while client.peer is not None and client.peer.inbox:
                    self.to_client(client, in_order=True)
                    moved = True
            busy = bool(self.room._outbox) or self.room.durable_seq != self.room.seq
            if moved or busy:
                quiet = 0
                await asyncio.sleep(0.002)
            else:
                quiet += 1
                await asyncio.sleep(0.002)


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, list[int], list[int], dict[int, int]]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('convergence') / 'c.db'}"
    migrate(url)
    with Session(get_engine(url, immediate=True), expire_on_commit=False) as session:
        users = [make_user(session, f"writer{i}") for i in range(len(ALPHABETS))]
        reader = make_user(session, "reader")
        ids = [u.id for u in users]
        draft_ids = []
        for _ in range(SEEDS + 1):
            draft = drafts.create_draft(session=session, owner_id=ids[0], title="Sim")
            for user in users[1:]:
                drafts.invite(
                    session=session, actor_id=ids[0], draft_id=draft.id, username=user.username
                )
            drafts.invite(
                session=session,
                actor_id=ids[0],
                draft_id=draft.id,
                username=reader.username,
                role="viewer",
            )
            draft_ids.append(draft.id)
        session.commit()
        everyone = [*ids, reader.id]
        sessions = {uid: make_session(session, uid) for uid in everyone}
        yield url, everyone, draft_ids, sessions


async def simulate(
    url: str, user_ids: list[int], draft_id: int, seed: int, sessions: dict[int, int]
) -> None:
    rng = random.Random(seed)
    limits = Limits(
        compact_every_updates=rng.choice([3, 10, 1000]),
        auto_snapshot_seconds=rng.choice([0.0, 3600.0]),
        idle_unload_seconds=3600,
    )
    server = CollabServer(db_url=url, limits=limits)
    n_writers = rng.randint(2, len(ALPHABETS))
    clients = [
        SimClient(user_ids[i], "editor", ALPHABETS[i], sessions[user_ids[i]])
        for i in range(n_writers)
    ]
    clients.append(SimClient(user_ids[-1], "viewer", "", sessions[user_ids[-1]]))
    sim = Simulation(server, draft_id, clients, rng)
    for client in clients:
        if rng.random() < 0.7:
            await sim.connect(client)
    for _ in range(rng.randint(40, 120)):
        await sim.step()
    await sim.settle()

    room = sim.room
    assert room is not None
    text = room.document.content
    for client in clients:
        assert str(client.text) == text, f"seed {seed}: replica of user {client.user_id} differs"
    assert room.document.is_consistent(), f"seed {seed}"
    expected = {
        c.user_id: sum(ch in c.alphabet for ch in text) for c in clients if c.role == "editor"
    }
    expected = {k: v for k, v in expected.items() if v}
    assert room.document.authorship.shares() == expected, f"seed {seed}"

    # What the database holds, with the room still running, is the same document...
    with Session(get_engine(url)) as session:
        live = store.load(session=session, draft_id=draft_id).document
    assert live.content == text and live.authorship.shares() == expected, f"seed {seed}"
    # ...and so is a reload after the room shut down (closing snapshot, log compaction).
    for client in clients:
        sim.disconnect(client)
    await server.shutdown()
    with Session(get_engine(url)) as session:
        reloaded = store.load(session=session, draft_id=draft_id)
    assert reloaded.document.content == text, f"seed {seed}"
    assert reloaded.document.authorship.runs() == room.document.authorship.runs(), f"seed {seed}"
    assert store.count_updates(session=Session(get_engine(url)), draft_id=draft_id) == 0


def test_hundreds_of_seeded_runs_converge_and_credit_the_right_authors(world):
    url, user_ids, draft_ids, sessions = world

    async def main() -> None:
        for seed in range(SEEDS):
            await simulate(url, user_ids, draft_ids[seed], seed, sessions)

    asyncio.run(main())


def test_random_concurrent_editing_over_real_websockets_converges(world):
    url, user_ids, draft_ids, sessions = world
    draft_id = draft_ids[-1]
    server = ServerThread(url, Limits(compact_every_updates=25, idle_unload_seconds=0.5)).start()
    rng = random.Random(2024)

    def url_for(user_id: int) -> str:
        return server.url(draft_id, issue_token(user_id, draft_id, sessions[user_id]))

    async def main() -> None:
        writers = [await YClient(url_for(uid)).connect() for uid in user_ids[:4]]
        viewer = await YClient(url_for(user_ids[-1])).connect()
        for _ in range(150):
            client = rng.choice(writers)
            roll = rng.random()
            if client.ws is None:
                if roll < 0.5:
                    client.url = url_for(user_ids[writers.index(client)])
                    await client.connect()
                else:
                    _edit(client, rng, ALPHABETS[writers.index(client)])  # offline
            elif roll < 0.08:
                await client.disconnect()
            else:
                _edit(client, rng, ALPHABETS[writers.index(client)])
                if rng.random() < 0.7:
                    await client.flush()
            if rng.random() < 0.3:
                await asyncio.sleep(0.002)
        for i, client in enumerate(writers):
            if client.ws is None:
                client.url = url_for(user_ids[i])
                await client.connect()
            await client.flush()

        def same() -> bool:
            texts = {c.content for c in [*writers, viewer]}
            room = server.server.rooms.get(draft_id)
            return len(texts) == 1 and room is not None and room.document.content in texts

        await eventually(same, within=20)
        text = viewer.content
        for client in [*writers, viewer]:
            await client.disconnect()
        return text

    try:
        text = asyncio.run(main())
    finally:
        server.stop()
    with Session(get_engine(url)) as session:
        reloaded = store.load(session=session, draft_id=draft_id).document
    assert reloaded.content == text
    expected = {uid: sum(ch in ALPHABETS[i] for ch in text) for i, uid in enumerate(user_ids[:4])}
    assert reloaded.authorship.shares() == {k: v for k, v in expected.items() if v}


def _edit(client: YClient, rng: random.Random, alphabet: str) -> None:
    n = len(client.content)
    if n and rng.random() < 0.35:
        start = rng.randrange(n)
        client.delete(start, min(n - start, rng.randint(1, 3)))
    else:
        client.insert(rng.randint(0, n), "".join(rng.choices(alphabet, k=rng.randint(1, 4))))
