"""The studio's recent activity, as shown on the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from hitrec_app import routes
from hitrec_app.models import Challenge, Record, User


@dataclass(frozen=True)
class ActivityItem:
    at: datetime
    text: str
    link: str


def recent_activity(*, session: Session, limit: int = 12) -> list[ActivityItem]:
    items: list[ActivityItem] = []
    for user in session.exec(select(User).order_by(col(User.created_at).desc()).limit(limit)):
        items.append(
            ActivityItem(
                user.created_at,
                f"{user.display_name} joined the studio",
                routes.user_url(user.username),
            )
        )
    challenges = session.exec(
        select(Challenge, User)
        .join(User, col(User.id) == Challenge.host_id)
        .where(Challenge.state != "draft")
        .order_by(col(Challenge.created_at).desc())
        .limit(limit)
    )
    for challenge, host in challenges:
        items.append(
            ActivityItem(
                challenge.created_at,
                f"{host.display_name} posted the challenge “{challenge.title}”",
                routes.challenge_url(challenge.id or 0),
            )
        )
    records = session.exec(
        select(Record, User)
        .join(User, col(User.id) == Record.submitted_by_id)
        .where(col(Record.withdrawn_at).is_(None))
        .order_by(col(Record.created_at).desc())
        .limit(limit)
    )
    for record, author in records:
        items.append(
            ActivityItem(
                record.created_at,
                f"{author.display_name} submitted the {record.kind} record “{record.title}”",
                routes.record_url(record.id or 0),
            )
        )
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
