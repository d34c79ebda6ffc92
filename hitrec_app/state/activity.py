"""The studio-wide activity room shown on the home page."""

from __future__ import annotations

import reflex as rx

from hitrec_app.db import session_scope
from hitrec_app.realtime import rooms
from hitrec_app.services import activity
from hitrec_app.services.events import RoomEvent

ROOM = "activity"


def _load_items() -> list[dict[str, str]]:
    with session_scope() as session:
        return [
            {"text": item.text, "link": item.link, "at": item.at.strftime("%d %b %Y, %H:%M UTC")}
            for item in activity.recent_activity(session=session)
        ]


class ActivityRoom(rx.SharedState):
    items: list[dict[str, str]] = []

    @rx.event
    async def join(self):
        room = await rooms.join(self, ROOM)
        room.items = _load_items()


@rooms.on("user.")
@rooms.on("challenge.")
@rooms.on("record.")
async def _refresh_activity(_event: RoomEvent) -> None:
    items = _load_items()

    def apply(room: ActivityRoom) -> None:
        room.items = items

    await rooms.push(ActivityRoom, ROOM, apply)
