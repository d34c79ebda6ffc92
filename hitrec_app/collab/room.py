"""A draft's room: the server copy of the document, its connected peers and their presence.

The order of things for an edit: parse strictly, check the sender may edit and the
document stays under its caps, apply it with the sender as origin (attribution), queue
what it produced; a single writer task commits everything queued in one database
transaction (shared with the other rooms' batches: see `committer.py`) and only then
relays it. Replies to a sync request wait behind the same
commit, so nobody ever receives text that is not yet saved. Under load the writer
batches: while one commit runs the next batch gathers, and after a relay it waits a
little (longer for more peers, see `Limits.batch_seconds_per_peer`) before the next
one; each batch is merged into one update that is serialised once and written to every
peer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pycrdt import merge_updates

from hitrec_app.collab import close_codes as cc
from hitrec_app.collab import protocol
from hitrec_app.collab.authorship import Credits
from hitrec_app.collab.close_codes import CloseConnection
from hitrec_app.collab.colors import identity
from hitrec_app.collab.document import EMPTY_UPDATE, TEXT_NAME, CrdtError
from hitrec_app.collab.persisted import LoadedDraft, SnapshotData, UpdateRow, snapshot_of
from hitrec_app.collab.rate_limit import RateLimit
from hitrec_app.collab.updates import root_names
from hitrec_app.vocabulary import EDIT_ROLES

log = logging.getLogger(__name__)

# Commits updates (and a snapshot) for the room; returns the snapshot's id. Raises if nothing
# was saved.
Persist = Callable[[list[UpdateRow], SnapshotData | None], Awaitable[int | None]]


@dataclass(frozen=True)
class Limits:
    max_message_bytes: int = 2 * 1024 * 1024
    max_doc_points: int = 500_000  # code points of text in one draft
    max_doc_bytes: int = 16 * 1024 * 1024  # encoded Yjs state (text plus CRDT metadata)
    max_awareness_bytes: int = 32 * 1024
    max_awareness_clients: int = 4  # Yjs client ids one connection may speak for
    max_queued_bytes: int = 8 * 1024 * 1024  # unsent bytes before a peer counts as too slow
    auto_snapshot_seconds: float = 180.0
    compact_every_updates: int = 2000
    tick_seconds: float = 15.0
    # Under sustained load a room commits and relays at most once per this many seconds per
    # connected peer (capped below): every relay costs one frame per peer, so a crowd gets
    # fewer, fuller frames; a lone keystroke in a quiet room still goes out at once.
    batch_seconds_per_peer: float = 0.0001
    max_batch_seconds: float = 0.03
    idle_unload_seconds: float = 30.0
    close_wait_seconds: float = 5.0
    # Per-connection token buckets (a sustained rate plus a burst); a connection over one is
    # closed with RATE_LIMITED. Fast typing with presence and "saved" pings is ~40 frames/s;
    # a paste or an offline catch-up is one big frame (the burst is at least one message).
    frames_per_second: float = 100.0
    frames_burst: float = 600.0
    bytes_per_second: float = 1024 * 1024
    bytes_burst: float = 4 * 1024 * 1024
    # Replies to sync requests: a request with an empty state vector costs a whole-document
    # encode, so a connection may have a few whole copies, then about one every few seconds.
    reply_bytes_per_second: float = 4 * 1024 * 1024
    reply_bytes_burst: float = 40 * 1024 * 1024


class Peer:
    """One connection's identity and outgoing queue; subclasses move the bytes."""

    def __init__(self, user_id: int, name: str, role: str, session_id: int | None = None) -> None:
        self.user_id = user_id
        self.name = name
        self.role = role
        self.session_id = session_id  # the browser session the connection was opened with
        self.client_ids: set[int] = set()
        self.identity = identity(user_id, name)
        self.closing = False
        self.rate: RateLimit | None = None  # set when it joins a room

    @property
    def can_edit(self) -> bool:
        return self.role in EDIT_ROLES

    def deliver(self, frame: bytes) -> None:
        raise NotImplementedError

    def kick(self, code: int, reason: str) -> None:
        raise NotImplementedError


@dataclass
class _Accepted:
    seq: int
    user_id: int | None
    data: bytes
    sender: Peer | None


@dataclass
class _Reply:
    peer: Peer
    frame: bytes


@dataclass
class _SnapshotRequest:
    kind: str
    label: str | None
    by: int | None
    done: asyncio.Future[int] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


def _user_of(origin: Any) -> int | None:
    if isinstance(origin, Credits):
        return origin.by
    if isinstance(origin, int) and not isinstance(origin, bool):
        return origin
    return None


class Room:
    def __init__(
        self,
        draft_id: int,
        loaded: LoadedDraft,
        *,
        persist: Persist,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.draft_id = draft_id
        self.document = loaded.document
        self.seq = loaded.last_seq
        self.durable_seq = loaded.last_seq
        self.stored_bytes = loaded.stored_bytes
        self.limits = limits or Limits()
        self.peers: set[Peer] = set()
        self.broken = False
        self._persist = persist
        self._clock = clock
        self._since_snapshot = loaded.last_seq - loaded.snapshot_seq
        self._since_history = self._since_snapshot
        self._last_history = clock()
        self._outbox: deque[_Accepted | _Reply | _SnapshotRequest] = deque()
        self._wake = asyncio.Event()
        self._stopping = False
        self._writer: asyncio.Task[None] | None = None
        self._last_flush = float("-inf")
        self._awareness: dict[int, tuple[int, str]] = {}
        self._awareness_owner: dict[int, Peer] = {}

    # -- lifecycle ----------------------------------------------------------------
    def start(self) -> None:
        self._writer = asyncio.get_running_loop().create_task(
            self._run_writer(), name=f"collab-writer-draft-{self.draft_id}"
        )

    async def stop(self) -> None:
        """Commit what is queued, take a closing snapshot if anything changed, stop the writer."""
        self._stopping = True
        self._wake.set()
        if self._writer is not None:
            await asyncio.shield(self._writer)

    def join(self, peer: Peer) -> None:
        if peer.rate is None:
            peer.rate = self._rate_limit()
        self.peers.add(peer)
        # Ask for what the client has that we lack (its offline edits arrive as step 2).
        peer.deliver(protocol.step1(self.document.state_vector()))
        if self._awareness:
            peer.deliver(
                protocol.encode_awareness([(c, k, s) for c, (k, s) in self._awareness.items()])
            )

    def _rate_limit(self) -> RateLimit:
        lim = self.limits
        return RateLimit(
            frames=(lim.frames_per_second, lim.frames_burst),
            # The burst always pays for one message of the largest size allowed.
            bytes_in=(lim.bytes_per_second, max(lim.bytes_burst, lim.max_message_bytes)),
            replies=(lim.reply_bytes_per_second, lim.reply_bytes_burst),
            clock=self._clock,
        )

    def leave(self, peer: Peer) -> None:
        self.peers.discard(peer)
        gone = []
        for client_id in peer.client_ids:
            if self._awareness_owner.get(client_id) is peer:
                del self._awareness_owner[client_id]
                clock, _ = self._awareness.pop(client_id, (0, ""))
                gone.append((client_id, clock + 1, "null"))
        if gone:
            self._broadcast(protocol.encode_awareness(gone), skip=peer)

    def kick_user(self, user_id: int, code: int, reason: str) -> int:
        peers = [p for p in self.peers if p.user_id == user_id]
        for peer in peers:
            peer.kick(code, reason)
        return len(peers)

    def kick_session(self, session_id: int, code: int, reason: str) -> int:
        peers = [p for p in self.peers if p.session_id == session_id]
        for peer in peers:
            peer.kick(code, reason)
        return len(peers)

    def set_role(self, user_id: int, role: str) -> None:
        for peer in self.peers:
            if peer.user_id == user_id:
                peer.role = role

    # -- incoming -----------------------------------------------------------------
    def handle(self, peer: Peer, frame: bytes) -> None:
        """Process one frame from `peer`; raises CloseConnection to disconnect it."""
        if self.broken:
            raise CloseConnection(cc.SERVER_ERROR, "The draft could not be saved; reconnecting.")
        if len(frame) > self.limits.max_message_bytes:
            raise CloseConnection(
                cc.TOO_LARGE,
                f"Message too large (limit {self.limits.max_message_bytes // 1024} KiB).",
            )
        if peer.rate is not None:
            peer.rate.admit(len(frame))
        try:
            message = protocol.parse(frame)
            if message.kind == "step1":
                if peer.rate is not None:
                    peer.rate.admit_reply()
                reply = protocol.step2(self.document.diff_update(message.payload))
                if peer.rate is not None:
                    peer.rate.charge_reply(len(reply))
                self._outbox.append(_Reply(peer, reply))
                self._wake.set()
            elif message.kind == "step2":
                if peer.can_edit:
                    self._on_update(peer, message.payload)
                # A viewer's sync reply (y-websocket sends one on every connect) is ignored
                # unread: applying or even trying it would let readers spend the server's CPU.
            elif message.kind == "update":
                if not peer.can_edit:
                    raise CloseConnection(
                        cc.FORBIDDEN, "You can read this draft but not change it."
                    )
                self._on_update(peer, message.payload)
            elif message.kind == "awareness":
                self._on_awareness(peer, message.payload)
            else:  # query_awareness
                states = [(c, k, s) for c, (k, s) in self._awareness.items()]
                if states:
                    peer.deliver(protocol.encode_awareness(states))
        except (protocol.Malformed, CrdtError) as err:
            log.info(
                "draft %s: malformed message from user %s: %s", self.draft_id, peer.user_id, err
            )
            raise CloseConnection(
                cc.MALFORMED, "Malformed message; the editor will reload."
            ) from err

    def _on_update(self, peer: Peer, update: bytes) -> None:
        """An editor's update or sync reply (viewers never get here)."""
        if update == EMPTY_UPDATE:
            return
        foreign = {name for name in root_names(update) if name != TEXT_NAME}
        if foreign:
            log.info(
                "draft %s: user %s sent an update outside the text (%d root names)",
                self.draft_id,
                peer.user_id,
                len(foreign),
            )
            raise CloseConnection(
                cc.MALFORMED, "This editor sent changes outside the draft's text; reload."
            )
        self._check_size(update)
        produced = self.document.apply(update, peer.user_id)
        self._accept(produced, sender=peer)

    def _accept(self, produced: list[tuple[bytes, Any]], sender: Peer | None) -> None:
        for data, origin in produced:
            self.seq += 1
            self.stored_bytes += len(data)
            self._since_snapshot += 1
            self._since_history += 1
            self._outbox.append(_Accepted(self.seq, _user_of(origin), data, sender))
        if produced:
            self._wake.set()

    def _check_size(self, update: bytes) -> None:
        lim = self.limits
        if (
            self.document.n_points + len(update) <= lim.max_doc_points
            and self.stored_bytes + len(update) <= lim.max_doc_bytes
        ):
            return
        # Near a cap: measure exactly on a copy (the room's copy is never touched by a refusal).
        points_before, points, size_before, size = self._measure(update)
        if (points > lim.max_doc_points and points > points_before) or (
            size > lim.max_doc_bytes and size > size_before
        ):
            raise CloseConnection(
                cc.TOO_LARGE,
                f"This draft has reached its size limit ({lim.max_doc_points:,} characters); "
                "your last change was not saved.",
            )

    def _measure(self, update: bytes) -> tuple[int, int, int, int]:
        points_before = self.document.n_points
        size_before = len(self.document.state())
        points, size, _ = self.document.trial(update)
        return points_before, points, size_before, size

    def _on_awareness(self, peer: Peer, payload: bytes) -> None:
        if len(payload) > self.limits.max_awareness_bytes:
            raise CloseConnection(cc.TOO_LARGE, "Presence message too large.")
        entries = protocol.parse_awareness(payload, max_entries=self.limits.max_awareness_clients)
        out: list[tuple[int, int, str]] = []
        for entry in entries:
            owner = self._awareness_owner.get(entry.client_id)
            if owner is not None and owner is not peer:
                continue  # nobody speaks for another connection's cursor
            if owner is None:
                if entry.state is None:
                    continue
                if len(peer.client_ids) >= self.limits.max_awareness_clients:
                    raise protocol.Malformed("too many presence identities on one connection")
                peer.client_ids.add(entry.client_id)
                self._awareness_owner[entry.client_id] = peer
            if entry.state is None:
                self._awareness.pop(entry.client_id, None)
                del self._awareness_owner[entry.client_id]
                peer.client_ids.discard(entry.client_id)
                out.append((entry.client_id, entry.clock, "null"))
                continue
            # The name and colour others see are the signed-in user's, whatever the client says.
            state = {**entry.state, "user": peer.identity}
            state_json = json.dumps(state, separators=(",", ":"), ensure_ascii=False)
            self._awareness[entry.client_id] = (entry.clock, state_json)
            out.append((entry.client_id, entry.clock, state_json))
        if out:
            self._broadcast(protocol.encode_awareness(out), skip=peer)

    # -- local changes (restore, snapshots) ---------------------------------------------
    async def request_snapshot(self, kind: str, label: str | None, by: int | None) -> int:
        request = _SnapshotRequest(kind, label, by)
        self._outbox.append(request)
        self._wake.set()
        return await request.done

    async def restore(self, target: str, authors: list[int], by: int, label: str) -> int:
        """Rewrite the text to `target` as a new edit by `by`, crediting `authors`; returns the
        id of the snapshot taken right after it (which also keeps the restored credit exact)."""
        produced = self.document.replace_text(target, authors, by)
        self._accept(produced, sender=None)
        return await self.request_snapshot("restore", label, by)

    # -- the writer -------------------------------------------------------------------
    async def _run_writer(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.limits.tick_seconds)
            except TimeoutError:
                pass
            if not self._stopping:
                await self._linger()
            self._wake.clear()
            try:
                await self._flush(final=False)
                while self._outbox and not self.broken and not self._stopping:
                    await self._linger()
                    await self._flush(final=False)
                if self._stopping:
                    await self._flush(final=True)
                    return
            except Exception:
                log.exception("draft %s: writer failed", self.draft_id)
                self._fail()
                if self._stopping:
                    return

    async def _linger(self) -> None:
        """Wait out the rest of the batching interval since the last flush (see Limits)."""
        gap = min(
            self.limits.max_batch_seconds, len(self.peers) * self.limits.batch_seconds_per_peer
        )
        wait = self._last_flush + gap - self._clock()
        if wait > 0:
            await asyncio.sleep(wait)

    async def _flush(self, *, final: bool) -> None:
        if self.broken:
            self._outbox.clear()
            return
        # Take everything up to (and including) the first snapshot request: the snapshot is
        # the document as it is now, so everything applied so far must be in this commit.
        accepted: list[_Accepted] = []
        replies: list[_Reply] = []
        request: _SnapshotRequest | None = None
        while self._outbox:
            item = self._outbox.popleft()
            if isinstance(item, _Accepted):
                accepted.append(item)
            elif isinstance(item, _Reply):
                replies.append(item)
            else:
                request = item
                break
        # Updates applied after a snapshot request stay queued, but the snapshot includes them,
        # so they go into this commit too.
        if request is not None:
            keep: deque[_Accepted | _Reply | _SnapshotRequest] = deque()
            for item in self._outbox:
                (accepted.append(item) if isinstance(item, _Accepted) else keep.append(item))
            self._outbox = keep
        snapshot = self._snapshot_due(request, final)
        if accepted or snapshot is not None:
            rows = [UpdateRow(a.seq, a.user_id, a.data) for a in accepted]
            try:
                snapshot_id = await self._persist(rows, snapshot)
            except BaseException as err:
                if request is not None and not request.done.done():
                    request.done.set_exception(RuntimeError(f"the draft could not be saved: {err}"))
                raise
            if accepted:
                self.durable_seq = accepted[-1].seq
            if snapshot is not None:
                self._snapshot_taken(snapshot)
        else:
            snapshot_id = None
        if accepted:
            self._relay(accepted)
            self._last_flush = self._clock()
        for reply in replies:
            reply.peer.deliver(reply.frame)
        if request is not None and not request.done.done():
            if snapshot_id is None:
                request.done.set_exception(RuntimeError("snapshot was not written"))
            else:
                request.done.set_result(snapshot_id)

    def _snapshot_due(self, request: _SnapshotRequest | None, final: bool) -> SnapshotData | None:
        if request is not None:
            return snapshot_of(
                self.document,
                kind=request.kind,
                upto_seq=self.seq,
                label=request.label,
                by=request.by,
            )
        if final:
            kind = "auto" if self._since_history else ("compact" if self._since_snapshot else None)
        elif (
            self._since_snapshot
            and self._clock() - self._last_history >= self.limits.auto_snapshot_seconds
        ):
            kind = "auto"
        elif self._since_snapshot >= self.limits.compact_every_updates:
            kind = "compact"
        else:
            kind = None
        if kind is None:
            return None
        return snapshot_of(self.document, kind=kind, upto_seq=self.seq)

    def _snapshot_taken(self, snapshot: SnapshotData) -> None:
        self._since_snapshot = self.seq - snapshot.upto_seq
        self.stored_bytes = len(snapshot.state)
        if snapshot.kind != "compact":
            self._since_history = self._since_snapshot
            self._last_history = self._clock()

    def _relay(self, accepted: list[_Accepted]) -> None:
        data = (
            accepted[0].data if len(accepted) == 1 else merge_updates(*(a.data for a in accepted))
        )
        senders = {a.sender for a in accepted}
        # Echoing an update to its own author is harmless (Yjs ignores what it has) and lets
        # a whole batch go out as one frame; a lone sender is skipped to save the bytes.
        skip = next(iter(senders)) if len(senders) == 1 else None
        self._broadcast(protocol.create_update_message(data), skip=skip)

    def _broadcast(self, frame: bytes, skip: Peer | None = None) -> None:
        for peer in self.peers:
            if peer is not skip:
                peer.deliver(frame)

    def _fail(self) -> None:
        """The database refused a commit: what is only in memory must not be relayed. Everyone
        reconnects to a room reloaded from the database, and their clients resend what it lacks."""
        self.broken = True
        for item in self._outbox:
            if isinstance(item, _SnapshotRequest) and not item.done.done():
                item.done.set_exception(RuntimeError("the draft could not be saved"))
        self._outbox.clear()
        for peer in list(self.peers):
            peer.kick(cc.SERVER_ERROR, "The draft could not be saved; reconnecting.")
