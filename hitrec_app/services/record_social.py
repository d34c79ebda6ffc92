"""What people do with a record that is not theirs: hearts and comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from hitrec_app import routes
from hitrec_app.models import Comment, Heart, User
from hitrec_app.services import events, notifications, records
from hitrec_app.services.errors import ValidationError
from hitrec_app.services.validation import clean_text
from hitrec_app.vocabulary import COMMENT_MAX, EventKind, challenge_room, record_room


def set_heart(*, session: Session, user_id: int, record_id: int, on: bool) -> int:
    """Heart (or un-heart) a record; one heart per user. Returns the new count."""
    user = records.acting_user(session, user_id)
    record = records.locked_record(session, record_id)
    if record.withdrawn_at is not None:
        raise ValidationError("This record was withdrawn.")
    existing = session.exec(
        select(Heart).where(Heart.record_id == record_id, Heart.user_id == user.id)
    ).first()
    if on and existing is None:
        session.add(Heart(record_id=record_id, user_id=user.id or 0))
    elif not on and existing is not None:
        session.delete(existing)
    else:
        return record.heart_count
    session.flush()
    record.heart_count = session.exec(
        select(func.count()).select_from(Heart).where(Heart.record_id == record_id)
    ).one()
    session.add(record)
    data = {
        "record_id": record_id,
        "hearts": record.heart_count,
        "challenge_id": record.challenge_id,
    }
    events.publish(session, record_room(record_id), EventKind.HEART_CHANGED, data)
    if record.challenge_id:
        events.publish(session, challenge_room(record.challenge_id), EventKind.HEART_COUNT, data)
    return record.heart_count


def has_hearted(*, session: Session, user_id: int | None, record_id: int) -> bool:
    if user_id is None:
        return False
    return (
        session.exec(
            select(Heart.id).where(Heart.record_id == record_id, Heart.user_id == user_id)
        ).first()
        is not None
    )


@dataclass(frozen=True)
class CommentView:
    id: int
    author_name: str
    author_username: str
    body: str
    created_at: datetime


def add_comment(*, session: Session, user_id: int, record_id: int, body: str) -> Comment:
    user = records.acting_user(session, user_id)
    record = records.locked_record(session, record_id)
    if record.withdrawn_at is not None:
        raise ValidationError("This record was withdrawn; comments are closed.")
    text = clean_text(body, field="Comment", max_len=COMMENT_MAX, required=True)
    comment = Comment(author_id=user.id or 0, record_id=record_id, body=text)
    session.add(comment)
    session.flush()
    record.comment_count = session.exec(
        select(func.count()).select_from(Comment).where(Comment.record_id == record_id)
    ).one()
    session.add(record)
    for uid in records.author_ids(session, record_id):
        if uid != user.id:
            notifications.notify(
                session=session,
                user_id=uid,
                kind=notifications.COMMENTED,
                message=f"{user.display_name} commented on “{record.title}”: {text[:120]}",
                link=routes.record_url(record_id),
            )
    events.publish(
        session,
        record_room(record_id),
        EventKind.COMMENT_CREATED,
        {"record_id": record_id, "comments": record.comment_count},
    )
    if record.challenge_id:
        events.publish(
            session,
            challenge_room(record.challenge_id),
            EventKind.COMMENT_COUNT,
            {
                "record_id": record_id,
                "comments": record.comment_count,
                "challenge_id": record.challenge_id,
            },
        )
    return comment


@dataclass(frozen=True)
class CommentPage:
    """Comments of a record, oldest first, and whether there are older ones than these
    (`previous_id`: the newest of those, 0 if none)."""

    items: list[CommentView]
    more: bool
    previous_id: int = 0


def comments_page(
    *, session: Session, record_id: int, limit: int, before_id: int | None = None
) -> CommentPage:
    """The newest `limit` comments of a record (those older than comment `before_id` if given),
    oldest first: the page shows the newest, and older pages load on request."""
    query = (
        select(Comment, User)
        .join(User, col(User.id) == Comment.author_id)
        .where(Comment.record_id == record_id)
    )
    if before_id is not None:
        query = query.where(col(Comment.id) < before_id)
    rows = list(session.exec(query.order_by(col(Comment.id).desc()).limit(limit + 1)))
    items = [
        CommentView(c.id or 0, u.display_name, u.username, c.body, c.created_at)
        for c, u in reversed(rows[:limit])
    ]
    more = len(rows) > limit
    return CommentPage(items=items, more=more, previous_id=(rows[limit][0].id or 0) if more else 0)


def comments_between(
    *, session: Session, record_id: int, after_id: int, before_id: int, limit: int
) -> list[CommentView]:
    """The oldest `limit` comments of a record newer than comment `after_id` and older than
    comment `before_id`, oldest first (what a page that shows both is missing)."""
    rows = session.exec(
        select(Comment, User)
        .join(User, col(User.id) == Comment.author_id)
        .where(
            Comment.record_id == record_id,
            col(Comment.id) > after_id,
            col(Comment.id) < before_id,
        )
        .order_by(col(Comment.id))
        .limit(limit)
    )
    return [
        CommentView(c.id or 0, u.display_name, u.username, c.body, c.created_at) for c, u in rows
    ]


def list_comments(*, session: Session, record_id: int, limit: int = 200) -> list[CommentView]:
    """The newest `limit` comments of a record, oldest first."""
    return comments_page(session=session, record_id=record_id, limit=limit).items
