"""The notifications page and the live unread count in the navigation bar."""

from __future__ import annotations

import reflex as rx

from hitrec_app import routes, vocabulary
from hitrec_app.db import session_scope
from hitrec_app.realtime import rooms
from hitrec_app.services import notifications, records
from hitrec_app.services.errors import ServiceError
from hitrec_app.services.events import RoomEvent
from hitrec_app.state.args import BAD_ID, as_id
from hitrec_app.state.base import AuthState
from hitrec_app.state.challenges import fmt_time


def _unread(user_id: int) -> int:
    with session_scope() as session:
        return notifications.unread_count(session=session, user_id=user_id)


class InboxRoom(rx.SharedState):
    """One per user (all their tabs): the unread count the bell shows."""

    unread: int = 0

    @rx.event
    async def join(self):
        auth = await self.get_state(AuthState)
        user = auth._current_user()
        if user is None:
            if self._linked_to:
                return await self._unlink()
            self.unread = 0
            return None
        room = await rooms.join(self, vocabulary.inbox_room(user.id or 0))
        room.unread = _unread(user.id or 0)
        return None


class NotificationsState(AuthState):
    items: list[dict] = []
    error: str = ""

    def _reload(self, user_id: int) -> None:
        with session_scope() as session:
            self.items = [
                {
                    "id": n.id,
                    "label": n.label,
                    "message": n.message,
                    "link": n.link,
                    "unread": n.unread,
                    "at": fmt_time(n.created_at),
                }
                for n in notifications.list_notifications(session=session, user_id=user_id)
            ]

    @rx.event
    def load(self):
        user = self._current_user()
        self._show(user)
        if user is None:
            return rx.redirect(routes.sign_in_url(self.router.url.path))
        self.error = ""
        self._reload(user.id or 0)
        return None

    @rx.event
    def mark_all_read(self):
        try:
            user = self._require_user()
            with session_scope(write=True) as session:
                notifications.mark_all_read(session=session, user_id=user.id or 0)
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return
        self._reload(user.id or 0)

    @rx.event
    def open_item(self, notification_id: int):
        self.error = ""
        nid = as_id(notification_id)
        if nid is None:
            self.error = BAD_ID
            return None
        try:
            user = self._require_user()
            with session_scope(write=True) as session:
                notifications.mark_read(session=session, user_id=user.id or 0, notification_id=nid)
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return None
        link = next((i["link"] for i in self.items if i["id"] == nid), "")
        self._reload(user.id or 0)
        return rx.redirect(routes.safe_next(link)) if link else None


class ProfileWorkState(AuthState):
    """What a member made, what it was remixed into, and their production credits."""

    w_records: list[dict] = []
    w_remixed: list[dict] = []
    w_productions: list[dict] = []

    @rx.event
    def load(self):
        from hitrec_app.services import accounts

        name = str(self.router.page.params.get("username", ""))
        self.w_records, self.w_remixed, self.w_productions = [], [], []
        with session_scope() as session:
            user = accounts.get_user_by_username(session=session, username=name)
            if user is None:
                return
            uid = user.id or 0
            self.w_records = [
                {"id": r.id, "title": r.title, "kind": r.kind, "withdrawn": r.withdrawn}
                for r in records.user_records(session=session, user_id=uid)
            ]
            self.w_remixed = [
                {
                    "source_id": x.source_id,
                    "source_title": x.source_title,
                    "remix_id": x.remix_id,
                    "remix_title": x.remix_title,
                    "remixer": x.remixer_name,
                }
                for x in records.remixed_into(session=session, user_id=uid)
            ]
            self.w_productions = [
                {
                    "title": p.production_title,
                    "record_id": p.record_id,
                    "record_title": p.record_title,
                }
                for p in records.production_credits(session=session, user_id=uid)
            ]


@rooms.on("notification.")
async def _on_notification(event: RoomEvent) -> None:
    uid = int(event.data["user_id"])
    count = _unread(uid)

    def apply(room: InboxRoom) -> None:
        room.unread = count

    await rooms.push(InboxRoom, vocabulary.inbox_room(uid), apply)
