"""What pages read about records: one record with its credits and lineage, a challenge's
entries page by page, search, and single records looked up by id."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from hitrec_app.models import (
    Challenge,
    EntryRemoval,
    Record,
    RecordAuthor,
    RecordSource,
    RecordTag,
    User,
)
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
    newest_id: int = 0  # the challenge's newest entry (any) when the page was read; 0: none


@dataclass(frozen=True)
class LiveEntries:
    """A challenge's newest entries, as its live page carries them to every viewer."""

    rows: list[EntryRow]  # the newest `limit` entries still up, newest (highest id) first
    previous_id: int  # the entry still up just before them (0: none): all after it are in rows


def _excerpt(body: str | None, length: int = 160) -> str:
    text = " ".join((body or "").replace("#", "").replace("*", "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _entry_rows(
    where: list[ColumnElement[bool]], order: tuple[Any, ...], offset: int, limit: int
) -> Any:
    """The query for the board's columns of the records matching `where` (`_as_entry_rows`
    turns its result into rows)."""
    columns = select(  # type: ignore[call-overload]  # sqlmodel types select() for up to 4 columns
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
    return (
        columns.join(User, col(User.id) == Record.submitted_by_id)
        .where(*where)
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    )


def _as_entry_rows(rows: Iterable[Any]) -> list[EntryRow]:
    return [
        EntryRow(i, t, k, n, u, th, _excerpt(b), h, r, c, at)
        for i, t, k, n, u, th, b, h, r, c, at in rows
    ]


def _up_in(challenge_id: int) -> list[ColumnElement[bool]]:
    """The entries of a challenge that are still up (withdrawn stubs left out)."""
    return [col(Record.challenge_id) == challenge_id, col(Record.withdrawn_at).is_(None)]


def newest_entry_id(*, session: Session, challenge_id: int) -> int:
    """The id of the challenge's newest entry, withdrawn or not (0: none yet)."""
    newest = session.exec(
        select(func.max(Record.id)).where(col(Record.challenge_id) == challenge_id)
    ).one()
    return int(newest or 0)


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
    """One page of a challenge's records (withdrawn ones left out), sorted and filtered.

    `newest_id` is read first: an entry added while the page is read is then newer than it
    (a live page shows it as new) even if the page has it too, never missed."""
    if sort not in RECORD_SORTS:
        raise ValidationError("Sort by newest, hearts or remixes.")
    if kind and kind not in RECORD_KINDS:
        raise ValidationError("Unknown record kind.")
    per_page = max(1, min(per_page, 100))
    newest_id = newest_entry_id(session=session, challenge_id=challenge_id)
    where = _up_in(challenge_id)
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
    rows = session.exec(_entry_rows(where, order, (page - 1) * per_page, per_page))
    return EntryPage(
        rows=_as_entry_rows(rows), total=total, page=page, pages=pages, newest_id=newest_id
    )


def live_entries(*, session: Session, challenge_id: int, limit: int) -> LiveEntries:
    """The challenge's newest `limit` entries still up (by id, newest first; one query), and
    the one just before them. Every entry still up with a higher id than `previous_id` is in
    `rows`, so a page holding an entry above it that `rows` lacks knows it was taken down."""
    found = _as_entry_rows(
        session.exec(_entry_rows(_up_in(challenge_id), (col(Record.id).desc(),), 0, limit + 1))
    )
    rows = found[:limit]
    return LiveEntries(rows=rows, previous_id=found[limit].id if len(found) > limit else 0)


def removed_entries(*, session: Session, challenge_id: int, limit: int) -> list[int]:
    """The ids of the challenge's entries taken down most recently (newest first)."""
    return list(
        session.exec(
            select(EntryRemoval.record_id)
            .where(EntryRemoval.challenge_id == challenge_id)
            .order_by(col(EntryRemoval.id).desc())
            .limit(limit)
        )
    )


def edited_titles(*, session: Session, challenge_id: int, limit: int) -> dict[int, str]:
    """The titles of the challenge's entries edited most recently (id -> title)."""
    rows = session.exec(
        select(Record.id, Record.title)
        .where(*_up_in(challenge_id), col(Record.updated_at).is_not(None))
        .order_by(col(Record.updated_at).desc())
        .limit(limit)
    )
    return {rid: title for rid, title in rows if rid is not None}


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
