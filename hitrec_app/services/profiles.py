"""What a profile shows of a person's work: their records, what others remixed them into,
and the productions that credit them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from hitrec_app.models import (
    Production,
    ProductionContribution,
    Record,
    RecordAuthor,
    RecordSource,
    User,
)
from hitrec_app.services.record_views import RecordRef


@dataclass(frozen=True)
class RemixLink:
    source_id: int
    source_title: str
    remix_id: int
    remix_title: str
    remixer_name: str


@dataclass(frozen=True)
class ProductionCredit:
    production_id: int
    production_title: str
    record_id: int
    record_title: str


def user_records(*, session: Session, user_id: int, limit: int = 60) -> list[RecordRef]:
    rows = session.exec(
        select(Record)
        .join(RecordAuthor, col(RecordAuthor.record_id) == Record.id)
        .where(RecordAuthor.user_id == user_id)
        .order_by(col(Record.created_at).desc(), col(Record.id).desc())
        .limit(limit)
    )
    return [RecordRef.of(r) for r in rows]


def remixed_into(*, session: Session, user_id: int, limit: int = 60) -> list[RemixLink]:
    """Records by others built directly on this user's records."""
    source = Record.__table__.alias("source")  # type: ignore[attr-defined]  # set at runtime
    remixer = User.__table__.alias("remixer")  # type: ignore[attr-defined]  # set at runtime
    rows = session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel types select() for up to 4 columns
            source.c.id, source.c.title, Record.id, Record.title, remixer.c.display_name
        )
        .select_from(RecordSource)
        .join(source, source.c.id == RecordSource.source_id)
        .join(Record, col(Record.id) == RecordSource.record_id)
        .join(remixer, remixer.c.id == Record.submitted_by_id)
        .join(RecordAuthor, col(RecordAuthor.record_id) == source.c.id)
        .where(RecordAuthor.user_id == user_id, Record.submitted_by_id != user_id)
        .order_by(col(Record.created_at).desc())
        .limit(limit)
    )
    return [RemixLink(*row) for row in rows]


def production_credits(*, session: Session, user_id: int) -> list[ProductionCredit]:
    rows = session.exec(
        select(Production.id, Production.title, Record.id, Record.title)
        .select_from(ProductionContribution)
        .join(Production, col(Production.id) == ProductionContribution.production_id)
        .join(Record, col(Record.id) == ProductionContribution.record_id)
        .join(RecordAuthor, col(RecordAuthor.record_id) == Record.id)
        .where(RecordAuthor.user_id == user_id)
        .order_by(Production.title, Record.title)
    )
    return [ProductionCredit(*row) for row in rows]
