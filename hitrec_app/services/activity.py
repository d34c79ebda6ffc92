"""The studio's recent activity, as shown on the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from hitrec_app import routes
from hitrec_app.models import Challenge, Record, User
from hitrec_app.models.base import TimestampedTable

Row = TypeVar("Row", bound=TimestampedTable)


@dataclass(frozen=True)
class ActivityItem:
    at: datetime
    text: str
    link: str


def _window(
    table: type[TimestampedTable], before: datetime | None, after: datetime | None
) -> list[ColumnElement[bool]]:
    """`table`'s rows made strictly between `after` and `before` (either may be open)."""
    made = col(table.created_at)
    return [
        *([made < before] if before is not None else []),
        *([made > after] if after is not None else []),
    ]


def _newest(
    session: Session,
    table: type[Row],
    by: Any,
    shown: list[ColumnElement[bool]],
    limit: int,
) -> list[tuple[Row, User]]:
    """The newest `shown` rows of `table`, each with the user its `by` column names."""
    return list(
        session.exec(
            select(table, User)
            .join(User, col(User.id) == by)
            .where(*shown)
            .order_by(col(table.created_at).desc())
            .limit(limit)
        )
    )


def recent_activity(
    *,
    session: Session,
    limit: int = 12,
    before: datetime | None = None,
    after: datetime | None = None,
) -> list[ActivityItem]:
    """The newest `limit` lines of activity, newest first; with `before`/`after`, only those
    that happened strictly between them (a page of older lines, or the ones in a gap)."""
    window = {t: _window(t, before, after) for t in (User, Challenge, Record)}
    joined = session.exec(
        select(User).where(*window[User]).order_by(col(User.created_at).desc()).limit(limit)
    )
    posted = _newest(
        session,
        Challenge,
        Challenge.host_id,
        [col(Challenge.state) != "draft", *window[Challenge]],
        limit,
    )
    submitted = _newest(
        session,
        Record,
        Record.submitted_by_id,
        [col(Record.withdrawn_at).is_(None), *window[Record]],
        limit,
    )
    items: list[ActivityItem] = []
    for user in joined:
        text = f"{user.display_name} joined the studio"
        items.append(ActivityItem(user.created_at, text, routes.user_url(user.username)))
    for challenge, host in posted:
        text = f"{host.display_name} posted the challenge “{challenge.title}”"
        items.append(
            ActivityItem(challenge.created_at, text, routes.challenge_url(challenge.id or 0))
        )
    for record, author in submitted:
        text = f"{author.display_name} submitted the {record.kind} record “{record.title}”"
        items.append(ActivityItem(record.created_at, text, routes.record_url(record.id or 0)))
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
