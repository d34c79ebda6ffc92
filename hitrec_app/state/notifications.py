"""The notifications page and the live unread count in the navigation bar."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from hitrec_app import routes
from hitrec_app.db import session_scope
from hitrec_app.models import User
from hitrec_app.realtime import broadcast, reflex_internals, rooms
from hitrec_app.services import notifications
from hitrec_app.services.events import RoomEvent
from hitrec_app.state.args import BAD_ID, as_id
from hitrec_app.state.base import AuthState, signed_in_page
from hitrec_app.state.display import fmt_time
from hitrec_app.state.rows import fields_of
from hitrec_app.vocabulary import INBOX_ROOM_PREFIX, inbox_room


@dataclass(frozen=True)
class NotificationRow(notifications.NotificationView):
    at: str  # created_at as the page shows it


def _unread(user_id: int) -> int:
    with session_scope() as session:
        return notifications.unread_count(session=session, user_id=user_id)


class InboxLive(rx.State):
    """The unread count the bell shows, kept current over the broadcast path: each tab of a
    signed-in user is subscribed to that user's inbox room (`inbox_room(user_id)`).

    Who the user is comes from the server-side session (AuthState), never from the browser,
    so a tab can only ever subscribe to its own user's inbox. `unread` is set only by `join`
    (the snapshot) and by broadcasts.
    """

    unread: rx.Field[int] = rx.field(0)

    @rx.event
    async def join(self) -> None:
        sid = reflex_internals.socket_sid(self)
        auth = await self.get_state(AuthState)
        user = auth._current_user()
        if user is None:
            await broadcast.leave(sid, INBOX_ROOM_PREFIX)
            self.unread = 0
            return
        uid = user.id or 0
        # Subscribe first, then read: a notification committed meanwhile is not lost.
        await broadcast.subscribe(sid, inbox_room(uid), leave_prefix=INBOX_ROOM_PREFIX)
        self.unread = _unread(uid)


class NotificationsState(AuthState):
    items: rx.Field[list[NotificationRow]] = rx.field(default_factory=list)
    error: str = ""

    def _reload(self, user_id: int) -> None:
        with session_scope() as session:
            self.items = [
                NotificationRow(**fields_of(n), at=fmt_time(n.created_at))
                for n in notifications.list_notifications(session=session, user_id=user_id)
            ]

    @rx.event
    @signed_in_page()
    def load(self, user: User):
        self.error = ""
        self._reload(user.id or 0)

    @rx.event
    def mark_all_read(self):
        done = self._write(
            lambda session, user: notifications.mark_all_read(session=session, user_id=user.id or 0)
        )
        if done is not None:
            self._reload(done.user.id or 0)

    @rx.event
    def open_item(self, notification_id: int):
        self.error = ""
        nid = as_id(notification_id)
        if nid is None:
            self.error = BAD_ID
            return None
        done = self._write(
            lambda session, user: notifications.mark_read(
                session=session, user_id=user.id or 0, notification_id=nid
            )
        )
        if done is None:
            return None
        link = next((item.link for item in self.items if item.id == nid), "")
        self._reload(done.user.id or 0)
        return rx.redirect(routes.safe_next(link)) if link else None


@rooms.on("notification.")
async def _on_notification(event: RoomEvent) -> None:
    uid = int(event.data["user_id"])
    await broadcast.publish(inbox_room(uid), InboxLive, {"unread": _unread(uid)})
