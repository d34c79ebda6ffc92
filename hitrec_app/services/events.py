"""A reflex-free publish/subscribe seam between services and the real-time layer.

Services call `publish(session, room, kind, data)`; the event is held on the
session and delivered to subscribers only after the transaction commits, so no
browser ever sees a change that was rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction

from hitrec_app.vocabulary import EventKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoomEvent:
    room: str  # e.g. "activity", "challenge-7"
    kind: EventKind
    data: dict[str, Any] = field(default_factory=dict)


Subscriber = Callable[[RoomEvent], None]
_subscribers: list[Subscriber] = []
_PENDING = "hitrec_pending_events"


def subscribe(fn: Subscriber) -> Callable[[], None]:
    """Register `fn` for every committed event; returns an unsubscribe function."""
    _subscribers.append(fn)
    return lambda: _subscribers.remove(fn) if fn in _subscribers else None


def publish(
    session: OrmSession, room: str, kind: EventKind, data: dict[str, Any] | None = None
) -> None:
    if not session.in_transaction():
        # Tie the event to a transaction so a rollback can discard it.
        session.begin()
    session.info.setdefault(_PENDING, []).append(RoomEvent(room, kind, data or {}))


def _deliver(events: list[RoomEvent]) -> None:
    for ev in events:
        for fn in list(_subscribers):
            try:
                fn(ev)
            except Exception:
                log.exception("room event subscriber failed for %s", ev.kind)


@sa_event.listens_for(OrmSession, "after_commit")
def _after_commit(session: OrmSession) -> None:
    events = session.info.pop(_PENDING, None)
    if events:
        _deliver(events)


@sa_event.listens_for(OrmSession, "after_soft_rollback")
def _after_rollback(session: OrmSession, _previous_transaction: SessionTransaction) -> None:
    session.info.pop(_PENDING, None)
