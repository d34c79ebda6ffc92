"""What pages read about records: one record with its credits and lineage, a challenge's
entries page by page, search, and single records looked up by id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from hitrec_app.models import Challenge, Record, RecordAuthor, RecordSource, RecordTag, User
from hitrec_app.services import lineage, record_social, records
from hitrec_app.services.errors import NotFound, ValidationError
from hitrec_app.vocabulary import RECORD_KINDS, RECORD_PAGE_SIZE, RECORD_SORTS


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str


@dataclass(frozen=True)
class RecordRef:
    id: int
    title: str
    kind: str
    withdrawn: bool

    @classmethod
    def of(cls, record: Record) -> RecordRef:
        return cls(record.id or 0, record.title, record.kind, record.withdrawn_at is not None)


@dataclass(frozen=True)
class RecordView:
    record: Record
    authors: list[Person]
    challenge_id: int | None
    challenge_title: str
    sources: list[RecordRef]
    remixes: list[RecordRef]
    tags: list[str]
    can_edit: bool  # the submitter: title, description, tags, citations, withdrawing
    can_withdraw: bool  # the submitter, or an admin
    can_remove_credit: bool  # a credited co-author other than the submitter
    hearted: bool


def _refs(session: Session, ids: list[int]) -> list[RecordRef]:
    if not ids:
        return []
    rows = session.exec(
        select(Record).where(col(Record.id).in_(ids)).order_by(col(Record.created_at))
    )
    return [RecordRef.of(r) for r in rows]


def authors(session: Session, record_id: int) -> list[Person]:
    rows = session.exec(
        select(User.username, User.display_name)
        .join(RecordAuthor, col(RecordAuthor.user_id) == User.id)
        .where(RecordAuthor.record_id == record_id)
        .order_by(col(RecordAuthor.id))
    )
    return [Person(u, n) for u, n in rows]


def record_view(*, session: Session, record_id: int, viewer: User | None) -> RecordView:
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound("That record does not exist.")
    challenge = session.get(Challenge, record.challenge_id) if record.challenge_id else None
    remix_ids = [
        rec
        for rec, _ in session.exec(
            select(RecordSource.record_id, RecordSource.source_id).where(
                RecordSource.source_id == record_id
            )
        )
    ]
    # Only a record that is still up can be edited or withdrawn.
    live_viewer = viewer if record.withdrawn_at is None else None
    credited = records.author_ids(session, record_id)
    return RecordView(
        record=record,
        authors=authors(session, record_id),
        challenge_id=challenge.id if challenge else None,
        challenge_title=challenge.title if challenge else "",
        sources=_refs(session, lineage.source_ids(session=session, record_id=record_id)),
        remixes=_refs(session, remix_ids),
        tags=[t for t in record.tags.split(",") if t],
        can_edit=live_viewer is not None and records.is_submitter(live_viewer, record),
        can_withdraw=live_viewer is not None and records.can_withdraw(live_viewer, record),
        can_remove_credit=viewer is not None
        and not records.is_submitter(viewer, record)
        and viewer.id in credited
        and len(credited) > 1,
        hearted=record_social.has_hearted(
            session=session, user_id=viewer.id if viewer else None, record_id=record_id
        ),
    )


@dataclass(frozen=True)
class EntryRow:
    id: int
    title: str
    kind: str
    author_name: str
    author_username: str
    thumbnail_path: str | None
    excerpt: str
    hearts: int
    remixes: int
    comments: int
    created_at: datetime


@dataclass(frozen=True)
class EntryPage:
    rows: list[EntryRow]
    total: int
    page: int
    pages: int


def _excerpt(body: str | None, length: int = 160) -> str:
    text = " ".join((body or "").replace("#", "").replace("*", "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def challenge_entries(
    *,
    session: Session,
    challenge_id: int,
    sort: str = "newest",
    kind: str = "",
    never_remixed: bool = False,
    page: int = 1,
    per_page: int = RECORD_PAGE_SIZE,
) -> EntryPage:
    """One page of a challenge's records (withdrawn ones left out), sorted and filtered."""
    if sort not in RECORD_SORTS:
        raise ValidationError("Sort by newest, hearts or remixes.")
    if kind and kind not in RECORD_KINDS:
        raise ValidationError("Unknown record kind.")
    per_page = max(1, min(per_page, 100))
    where: list[ColumnElement[bool]] = [
        col(Record.challenge_id) == challenge_id,
        col(Record.withdrawn_at).is_(None),
    ]
    if kind:
        where.append(col(Record.kind) == kind)
    if never_remixed:
        where.append(col(Record.remix_count) == 0)
    total = session.exec(select(func.count()).select_from(Record).where(*where)).one()
    pages = max(1, -(-total // per_page))
    page = max(1, min(int(page), pages))
    order = {
        "newest": (col(Record.created_at).desc(), col(Record.id).desc()),
        "hearts": (col(Record.heart_count).desc(), col(Record.id).desc()),
        "remixes": (col(Record.remix_count).desc(), col(Record.id).desc()),
    }[sort]
    rows = session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel types select() for up to 4 columns
            Record.id,
            Record.title,
            Record.kind,
            User.display_name,
            User.username,
            Record.thumbnail_path,
            func.substr(Record.body, 1, 400),
            Record.heart_count,
            Record.remix_count,
            Record.comment_count,
            Record.created_at,
        )
        .join(User, col(User.id) == Record.submitted_by_id)
        .where(*where)
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return EntryPage(
        rows=[
            EntryRow(i, t, k, n, u, th, _excerpt(b), h, r, c, at)
            for i, t, k, n, u, th, b, h, r, c, at in rows
        ],
        total=total,
        page=page,
        pages=pages,
    )


def search_records(*, session: Session, query: str, limit: int = 30) -> list[EntryRow]:
    """Records whose title contains `query` or that carry it as a tag (prefix match)."""
    q = " ".join((query or "").split())[:100]
    if not q:
        return []
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    tag = q.lstrip("#").lower()
    # Tags are [a-z0-9-] only, so a valid tag needs no LIKE escaping; anything else
    # cannot be a tag and matches none.
    tagged = select(RecordTag.record_id).where(
        col(RecordTag.tag).like(f"{tag}%")
        if records.TAG_RE.match(tag)
        else col(RecordTag.tag).is_(None)
    )
    rows = session.exec(
        select(Record, User)
        .join(User, col(User.id) == Record.submitted_by_id)
        .where(
            col(Record.withdrawn_at).is_(None),
            or_(
                func.lower(Record.title).like(f"%{escaped}%", escape="\\"),
                col(Record.id).in_(tagged),
            ),
        )
        .order_by(col(Record.created_at).desc(), col(Record.id).desc())
        .limit(max(1, min(limit, 100)))
    )
    return [
        EntryRow(
            r.id or 0,
            r.title,
            r.kind,
            u.display_name,
            u.username,
            r.thumbnail_path,
            _excerpt(r.body),
            r.heart_count,
            r.remix_count,
            r.comment_count,
            r.created_at,
        )
        for r, u in rows
    ]


def find_record(*, session: Session, record_id: int) -> Record | None:
    """Any record by id (withdrawn stubs included: their title and counts are public)."""
    return session.get(Record, record_id)


def remix_source(*, session: Session, record_id: int) -> Record | None:
    """The record a new remix may start from: it exists and is not withdrawn."""
    record = session.get(Record, record_id)
    return record if record is not None and record.withdrawn_at is None else None
