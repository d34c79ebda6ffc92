"""In-app notifications: a list per user with an unread count, pushed live.

Each feature registers the kinds it sends with `register_kind`; `notify` refuses
unknown kinds so a typo never produces notifications nobody can label.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from hitrec_app.models import Notification, utcnow
from hitrec_app.services import events
from hitrec_app.services.errors import NotFound
from hitrec_app.vocabulary import EventKind, inbox_room

# kind -> short label shown next to the message
KINDS: dict[str, str] = {}


def register_kind(kind: str, label: str) -> str:
    if not kind or len(kind) > 32:
        raise ValueError(f"invalid notification kind {kind!r}")
    KINDS[kind] = label
    return kind


REMIXED = register_kind("record.remixed", "Remix")
COMMENTED = register_kind("record.commented", "Comment")


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    label: str
    message: str
    link: str
    created_at: datetime
    unread: bool


def notify(
    *, session: Session, user_id: int, kind: str, message: str, link: str = ""
) -> Notification:
    if kind not in KINDS:
        raise ValueError(f"unregistered notification kind {kind!r}")
    note = Notification(user_id=user_id, kind=kind, message=message[:500], link=link[:255])
    session.add(note)
    session.flush()
    events.publish(session, inbox_room(user_id), EventKind.NOTIFICATION_NEW, {"user_id": user_id})
    return note


def unread_count(*, session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, col(Notification.read_at).is_(None))
    ).one()


def list_notifications(
    *, session: Session, user_id: int, limit: int = 50
) -> list[NotificationView]:
    rows = session.exec(
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .limit(min(max(limit, 1), 200))
    )
    return [
        NotificationView(
            id=n.id or 0,
            kind=n.kind,
            label=KINDS.get(n.kind, n.kind),
            message=n.message,
            link=n.link,
            created_at=n.created_at,
            unread=n.read_at is None,
        )
        for n in rows
    ]


def mark_read(*, session: Session, user_id: int, notification_id: int) -> None:
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != user_id:
        raise NotFound("That notification does not exist.")
    if note.read_at is None:
        note.read_at = utcnow()
        session.add(note)
        events.publish(
            session, inbox_room(user_id), EventKind.NOTIFICATION_READ, {"user_id": user_id}
        )


def mark_all_read(*, session: Session, user_id: int) -> int:
    result = session.exec(
        update(Notification)
        .where(col(Notification.user_id) == user_id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    events.publish(session, inbox_room(user_id), EventKind.NOTIFICATION_READ, {"user_id": user_id})
    return result.rowcount or 0
