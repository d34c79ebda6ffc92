"""The studio-wide activity room shown on the home page."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from hitrec_app.db import session_scope
from hitrec_app.realtime import broadcast, reflex_internals, rooms
from hitrec_app.services import activity
from hitrec_app.services.events import RoomEvent
from hitrec_app.state.display import fmt_time
from hitrec_app.vocabulary import ACTIVITY_ROOM


@dataclass(frozen=True)
class ActivityRow:
    """One line of the feed: what happened, where to see it ('' for nowhere), when."""

    text: str
    link: str
    at: str


def _load_items() -> list[ActivityRow]:
    with session_scope() as session:
        return [
            ActivityRow(text=item.text, link=item.link, at=fmt_time(item.at))
            for item in activity.recent_activity(session=session)
        ]


class ActivityLive(rx.State):
    """The home page's feed, kept current over the broadcast path: every tab on the home page
    is subscribed to ACTIVITY_ROOM. `items` is set only by `join` (the snapshot) and by
    broadcasts (the feed read once per change and sent to every subscriber in one message)."""

    items: rx.Field[list[ActivityRow]] = rx.field(default_factory=list)

    @rx.event
    async def join(self) -> None:
        # Subscribe first, then read: a change committed meanwhile is not lost.
        await broadcast.subscribe(reflex_internals.socket_sid(self), ACTIVITY_ROOM)
        self.items = _load_items()


@rooms.on("user.")
@rooms.on("challenge.")
@rooms.on("record.")
async def _refresh_activity(_event: RoomEvent) -> None:
    await broadcast.publish(ACTIVITY_ROOM, ActivityLive, {"items": _load_items()})
