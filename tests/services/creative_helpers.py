"""Builders for the challenge/record service tests."""

from __future__ import annotations

from sqlmodel import Session

from hitrec_app.models import Challenge, Record, User
from hitrec_app.services import challenges, records
from hitrec_app.services.challenges import ChallengeInput
from hitrec_app.services.records import RecordInput


def open_challenge(session: Session, host: User, **kw) -> Challenge:
    data = ChallengeInput(
        title=kw.pop("title", "Rain"), prompt=kw.pop("prompt", "Record rain."), **kw
    )
    challenge = challenges.create_challenge(
        session=session, actor_id=host.id, data=data, publish=True
    )
    session.commit()
    return challenge


def text_record(
    session: Session,
    user: User,
    title: str = "A story",
    *,
    sources=(),
    challenge=None,
    tags: str = "",
    body: str = "Once upon a time.",
) -> Record:
    record = records.submit_record(
        session=session,
        user_id=user.id,
        data=RecordInput(
            kind="text",
            title=title,
            body=body,
            tags=tags,
            challenge_id=challenge.id if challenge else None,
            source_ids=tuple(s.id for s in sources),
        ),
    )
    session.commit()
    return record
