"""The co-editing server: loads rooms on demand, admits members, kicks on membership changes.

One process holds every room (multi-worker relaying is a later issue). A room is loaded
from the database when its first member connects and written back (a closing snapshot)
and dropped a little while after its last member leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator

from hitrec_app.collab import close_codes as cc
from hitrec_app.collab import persisted, store
from hitrec_app.collab.close_codes import CloseConnection
from hitrec_app.collab.committer import Committer
from hitrec_app.collab.room import Limits, Peer, Persist, Room
from hitrec_app.collab.tokens import TOKEN_TTL_SECONDS, UsedTokens
from hitrec_app.db import session_scope
from hitrec_app.services import accounts, drafts, events
from hitrec_app.vocabulary import EventKind

log = logging.getLogger(__name__)

_current: CollabServer | None = None
_SIGNED_OUT = "You signed out; sign in again to edit this draft."


def current_server() -> CollabServer | None:
    """The running server of this process, if its lifespan has started."""
    return _current


def kick(draft_id: int, user_id: int, *, code: int = cc.FORBIDDEN, reason: str = "") -> int:
    """Close every open editor connection of `user_id` in `draft_id` now. Returns how many.

    Call it on the server's event loop; from other threads, membership events do it for you.
    """
    server = _current
    if server is None:
        return 0
    return server.kick(
        draft_id, user_id, code=code, reason=reason or "Your access to this draft changed."
    )


class CollabServer:
    def __init__(self, *, db_url: str | None = None, limits: Limits | None = None) -> None:
        self.db_url = db_url
        self.limits = limits or Limits()
        self.rooms: dict[int, Room] = {}
        self.committer = Committer(db_url)
        self._locks: dict[int, asyncio.Lock] = {}
        self._generation: Counter[tuple[int, int]] = Counter()
        self._unload_timers: dict[int, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[bool]] = set()  # unloads under way
        self._loop: asyncio.AbstractEventLoop | None = None
        self.used_tokens = UsedTokens()
        # Sessions signed out lately (id -> when): a join whose database check ran just
        # before the sign-out committed is refused in `open`. Kept for a token's lifetime:
        # a later join presents a token checked against the database after the sign-out.
        self._revoked_sessions: dict[int, float] = {}

    # -- lifespan -----------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        """Run the server: register it with `app.register_lifespan_task(server.lifespan)`."""
        global _current
        self._loop = asyncio.get_running_loop()
        unsubscribe = events.subscribe(self._on_event)
        previous, _current = _current, self
        try:
            yield
        finally:
            unsubscribe()
            if _current is self:
                _current = previous
            await self.shutdown()

    async def shutdown(self) -> None:
        for timer in self._unload_timers.values():
            timer.cancel()
        self._unload_timers.clear()
        for draft_id, room in list(self.rooms.items()):
            for peer in list(room.peers):
                peer.kick(cc.GOING_AWAY, "The server is restarting; reconnecting.")
            await room.stop()
            self.rooms.pop(draft_id, None)
        self.committer.close()

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        return self._loop

    # -- admission ----------------------------------------------------------------
    def generation(self, draft_id: int, user_id: int) -> int:
        """Bumped by every kick: a join that began before a kick must not slip through."""
        return self._generation[(draft_id, user_id)]

    def membership(self, draft_id: int, user_id: int, session_id: int) -> tuple[str, str]:
        """(role, display name) from the database, or CloseConnection (run it in a thread).

        The token's browser session must still be live (not signed out, not expired)."""
        with session_scope(url=self.db_url) as session:
            if not accounts.session_is_live(
                session=session, session_id=session_id, user_id=user_id
            ):
                raise CloseConnection(
                    cc.UNAUTHORIZED, "You are signed out; sign in again to edit this draft."
                )
            if not store.draft_exists(session=session, draft_id=draft_id):
                raise CloseConnection(cc.NOT_FOUND, "This draft does not exist.")
            role = drafts.get_role(session=session, draft_id=draft_id, user_id=user_id)
            if role is None:
                raise CloseConnection(cc.FORBIDDEN, "Only members of this draft can open it.")
            name = accounts.shown_name(session=session, user_id=user_id)
            if name is None:
                raise CloseConnection(cc.UNAUTHORIZED, "That account no longer exists.")
            return role, name

    async def open(self, draft_id: int, peer: Peer, generation: int) -> Room:
        async with self._lock(draft_id):
            if peer.session_id is not None and peer.session_id in self._revoked_sessions:
                raise CloseConnection(cc.UNAUTHORIZED, _SIGNED_OUT)
            if self.generation(draft_id, peer.user_id) != generation:
                raise CloseConnection(
                    cc.ROLE_CHANGED, "Your access to this draft changed; reconnecting."
                )
            room = await self._room_locked(draft_id)
            room.join(peer)
            return room

    def release(self, draft_id: int, room: Room, peer: Peer) -> None:
        room.leave(peer)
        if not room.peers:
            self._schedule_unload(draft_id)

    async def room(self, draft_id: int) -> Room:
        """The live room (loaded if needed) for server-side edits such as restores."""
        async with self._lock(draft_id):
            room = await self._room_locked(draft_id)
        if not room.peers:
            self._schedule_unload(draft_id)
        return room

    def _lock(self, draft_id: int) -> asyncio.Lock:
        return self._locks.setdefault(draft_id, asyncio.Lock())

    async def _room_locked(self, draft_id: int) -> Room:
        timer = self._unload_timers.pop(draft_id, None)
        if timer is not None:
            timer.cancel()
        room = self.rooms.get(draft_id)
        if room is not None and room.broken:
            await room.stop()
            del self.rooms[draft_id]
            room = None
        if room is None:
            loaded = await asyncio.to_thread(self._load, draft_id)
            room = Room(draft_id, loaded, persist=self._persister(draft_id), limits=self.limits)
            room.start()
            self.rooms[draft_id] = room
        return room

    def _load(self, draft_id: int) -> persisted.LoadedDraft:
        with session_scope(url=self.db_url) as session:
            return store.load(session=session, draft_id=draft_id)

    def _persister(self, draft_id: int) -> Persist:
        async def persist(
            rows: list[persisted.UpdateRow], snapshot: persisted.SnapshotData | None
        ) -> int | None:
            return await self.committer.commit(draft_id, rows, snapshot)

        return persist

    # -- unloading ----------------------------------------------------------------
    def _schedule_unload(self, draft_id: int) -> None:
        loop = asyncio.get_running_loop()
        old = self._unload_timers.pop(draft_id, None)
        if old is not None:
            old.cancel()
        self._unload_timers[draft_id] = loop.call_later(
            self.limits.idle_unload_seconds, self._spawn_unload, draft_id
        )

    def _spawn_unload(self, draft_id: int) -> None:
        self._unload_timers.pop(draft_id, None)
        task = asyncio.get_running_loop().create_task(self.unload(draft_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def unload(self, draft_id: int) -> bool:
        """Write the room back and drop it, if nobody is in it."""
        async with self._lock(draft_id):
            room = self.rooms.get(draft_id)
            if room is None or room.peers:
                return False
            del self.rooms[draft_id]
            await room.stop()
            return True

    # -- membership changes -------------------------------------------------------------
    def kick(self, draft_id: int, user_id: int, *, code: int, reason: str) -> int:
        self._generation[(draft_id, user_id)] += 1
        room = self.rooms.get(draft_id)
        return room.kick_user(user_id, code, reason) if room else 0

    def kick_session(self, session_id: int, *, code: int, reason: str) -> int:
        """Close every connection opened with browser session `session_id`, in every room,
        and refuse joins with it that are still under way."""
        now = time.monotonic()
        self._revoked_sessions[session_id] = now
        for old, at in list(self._revoked_sessions.items()):
            if now - at > TOKEN_TTL_SECONDS + 60:
                del self._revoked_sessions[old]
        return sum(room.kick_session(session_id, code, reason) for room in self.rooms.values())

    def _on_event(self, event: events.RoomEvent) -> None:
        # Delivered after the commit, on whatever thread committed.
        if event.kind == EventKind.DRAFT_MEMBER_CHANGED:
            handler = self._member_changed
        elif event.kind == EventKind.SESSION_REVOKED:
            handler = self._session_revoked
        else:
            return
        if self._loop is None or self._loop.is_closed():
            return
        data = dict(event.data)
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            handler(data)
        else:
            self._loop.call_soon_threadsafe(handler, data)

    def _session_revoked(self, data: dict) -> None:
        self.kick_session(int(data["session_id"]), code=cc.UNAUTHORIZED, reason=_SIGNED_OUT)

    def _member_changed(self, data: dict) -> None:
        draft_id, user_id = int(data["draft_id"]), int(data["user_id"])
        old, new = data.get("old_role"), data.get("role")
        if new is None:
            self.kick(
                draft_id,
                user_id,
                code=cc.FORBIDDEN,
                reason="You are no longer a member of this draft.",
            )
        elif drafts.can_edit(old) != drafts.can_edit(new):
            self.kick(
                draft_id,
                user_id,
                code=cc.ROLE_CHANGED,
                reason=f"You are now a {new} of this draft; reconnecting.",
            )
        else:
            room = self.rooms.get(draft_id)
            if room is not None:
                room.set_role(user_id, new)
