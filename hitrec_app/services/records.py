"""Records: submitting, editing, withdrawing, hearts, comments, search and the board list."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Literal

from sqlalchemy import ColumnElement, delete, func, or_
from sqlmodel import Session, col, select

from hitrec_app import routes
from hitrec_app.models import (
    Challenge,
    Comment,
    Heart,
    PayProposalLine,
    Production,
    ProductionContribution,
    Record,
    RecordAuthor,
    RecordSource,
    RecordTag,
    User,
    utcnow,
)
from hitrec_app.services import challenges, events, lineage, notifications, uploads
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from hitrec_app.services.validation import clean_text
from hitrec_app.vocabulary import (
    COMMENT_CREATED,
    COMMENT_MAX,
    HEART_CHANGED,
    HEART_COUNT,
    LINEAGE_CHANGED,
    LINEAGE_COUNT,
    MAX_SOURCES,
    MAX_TAGS,
    RECORD_BODY_MAX,
    RECORD_CREATED,
    RECORD_DELETED,
    RECORD_KINDS,
    RECORD_PAGE_SIZE,
    RECORD_SORTS,
    RECORD_UPDATED,
    RECORD_WITHDRAWN,
    challenge_room,
    record_room,
    records_room,
)

TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


# --- rules -------------------------------------------------------------------------------


def clean_tags(raw: str | list[str] | None) -> list[str]:
    parts = (
        raw if isinstance(raw, list) else (raw or "").replace("#", " ").replace(",", " ").split()
    )
    tags: list[str] = []
    for part in parts:
        tag = part.strip().lstrip("#").lower()
        if not tag:
            continue
        if not TAG_RE.match(tag):
            raise ValidationError(
                f"The tag '{tag[:40]}' may only use letters, digits and '-' (up to 40 characters)."
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError(f"Use at most {MAX_TAGS} tags.")
    return tags


def author_ids(session: Session, record_id: int) -> list[int]:
    return list(
        session.exec(select(RecordAuthor.user_id).where(RecordAuthor.record_id == record_id))
    )


def is_submitter(user: User, record: Record) -> bool:
    """The submitter owns the record: only they edit it (title, description, tags,
    citations) or withdraw it. Co-authors credited on it (e.g. from a co-written draft)
    may only remove their own credit."""
    return user.id is not None and record.submitted_by_id == user.id


def can_withdraw(user: User, record: Record) -> bool:
    """The submitter, or an admin (moderation)."""
    return is_submitter(user, record) or user.role == "admin"


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise PermissionDenied("Please sign in first.")
    return user


def _ids(raw: Iterable) -> set[int]:
    """The integer ids among `raw` (anything else is left to the validation that follows)."""
    ids = set()
    for value in raw:
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            continue
    return ids


def _record(session: Session, record_id: int) -> Record:
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound("That record does not exist.")
    return record


def lock_records(session: Session, ids: Iterable[int]) -> None:
    """Lock these records' rows until the transaction ends (PostgreSQL; SQLite's write
    transactions are already serial), always in id order so two commands never deadlock.

    Commands that recount a record's hearts, comments or remixes lock it first, or two
    concurrent transactions would each count without the other's row and store too few.
    """
    wanted = sorted({int(i) for i in ids})
    if wanted and session.get_bind().dialect.name != "sqlite":
        session.exec(
            select(Record.id)
            .where(col(Record.id).in_(wanted))
            .order_by(col(Record.id))
            .with_for_update()
        ).all()


def _locked(session: Session, record_id: int) -> Record:
    """The record, its row locked (see `lock_records`) and re-read once the lock is held."""
    query = select(Record).where(Record.id == record_id)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update().execution_options(populate_existing=True)
    record = session.exec(query).first()
    if record is None:
        raise NotFound("That record does not exist.")
    return record


def _own(
    session: Session, user_id: int, record_id: int, *, withdrawing: bool = False
) -> tuple[User, Record]:
    """The user and the locked record, if the user may change it: its submitter only
    (credited co-authors may not), or for `withdrawing`, also an admin."""
    user = _user(session, user_id)
    record = _locked(session, record_id)
    allowed = can_withdraw(user, record) if withdrawing else is_submitter(user, record)
    if not allowed:
        if user.id in author_ids(session, record_id):
            raise PermissionDenied(
                "Only the person who submitted this record can change or withdraw it; "
                "as a co-author you can remove your own credit."
            )
        raise PermissionDenied("Only the person who submitted this record can change it.")
    if record.withdrawn_at is not None:
        raise ValidationError("This record was withdrawn; it can no longer be changed.")
    return user, record


def _set_tags(session: Session, record: Record, tags: list[str]) -> None:
    record.tags = ",".join(tags)
    session.exec(delete(RecordTag).where(col(RecordTag.record_id) == record.id))
    for tag in tags:
        session.add(RecordTag(record_id=record.id or 0, tag=tag))


def _notify_remixed(session: Session, remix: Record, sources: list[Record], by: User) -> None:
    for source in sources:
        for uid in author_ids(session, source.id or 0):
            if uid == by.id:
                continue
            notifications.notify(
                session=session,
                user_id=uid,
                kind=notifications.REMIXED,
                message=f"{by.display_name} remixed your record “{source.title}” into “{remix.title}”.",
                link=routes.record_url(remix.id or 0),
            )


def _lineage_changed(session: Session, record: Record, source_ids: set[int]) -> None:
    if not source_ids:
        return
    lineage.recount_remixes(session=session, record_ids=source_ids)
    session.flush()
    for sid in source_ids:
        src = session.get(Record, sid)
        if src is None:
            continue
        data = {"record_id": sid, "remixes": src.remix_count, "challenge_id": src.challenge_id}
        events.publish(session, record_room(sid), LINEAGE_CHANGED, data)
        if src.challenge_id:
            events.publish(session, challenge_room(src.challenge_id), LINEAGE_COUNT, data)


def announce_record(session: Session, record: Record, kind: str) -> None:
    """Tell the pages that list the record (its challenge's, or the standalone records')
    that it was created, changed or removed; delivered after the commit."""
    events.publish(
        session,
        records_room(record.challenge_id),
        kind,
        {"record_id": record.id, "challenge_id": record.challenge_id},
    )


# --- commands ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordInput:
    kind: str
    title: str
    description: str = ""
    body: str = ""
    tags: str = ""
    challenge_id: int | None = None
    source_ids: tuple[int, ...] = ()
    file_data: bytes | None = None
    # An upload as a binary file object (read in chunks, never whole into memory).
    file: BinaryIO | None = None

    def upload(self) -> bytes | BinaryIO | None:
        return self.file if self.file is not None else (self.file_data or None)


def submit_record(*, session: Session, user_id: int, data: RecordInput) -> Record:
    """Create a record (text, or an uploaded file) answering a challenge or standalone.

    Everything is checked before the file is stored; a file stored for a transaction
    that then rolls back is removed again.
    """
    user = _user(session, user_id)
    if data.kind not in RECORD_KINDS:
        raise ValidationError("Choose what kind of record this is: text, image, audio or video.")
    title = clean_text(data.title, field="Title", max_len=200, required=True)
    description = clean_text(data.description, field="Description", max_len=2000)
    tags = clean_tags(data.tags)
    body = None
    upload = data.upload()
    if data.kind == "text":
        body = clean_text(data.body, field="The text", max_len=RECORD_BODY_MAX, required=True)
        if upload is not None:
            raise ValidationError("A text record has no file; paste the text instead.")
    elif upload is None:
        raise ValidationError(f"Choose the {data.kind} file to upload.")
    challenge = None
    if data.challenge_id is not None:
        challenge = session.get(Challenge, data.challenge_id)
        if challenge is None or challenge.state == "draft":
            raise ValidationError("That challenge does not exist.")
        challenges.close_if_expired(session=session, challenge=challenge)
        if challenge.state != "open":
            raise ValidationError("That challenge is closed and takes no more entries.")
        if data.kind not in challenges.accepted_kinds(challenge):
            kinds = ", ".join(challenges.accepted_kinds(challenge))
            raise ValidationError(f"This challenge accepts {kinds} records, not {data.kind}.")
    lock_records(session, _ids(data.source_ids))
    sources = lineage.check_sources(session=session, record_id=None, source_ids=data.source_ids)

    stored = None
    if upload is not None:
        stored = uploads.store_record_file(data.kind, upload)
        uploads.keep_only_if_committed(session, stored.file_path, stored.thumbnail_path)
    record = Record(
        kind=data.kind,
        title=title,
        description=description,
        body=body,
        file_path=stored.file_path if stored else None,
        thumbnail_path=stored.thumbnail_path if stored else None,
        mime_type=stored.mime_type if stored else ("text/markdown" if body else None),
        challenge_id=challenge.id if challenge else None,
        submitted_by_id=user.id or 0,
    )
    session.add(record)
    session.flush()
    _set_tags(session, record, tags)
    session.add(RecordAuthor(record_id=record.id or 0, user_id=user.id or 0))
    for source in sources:
        session.add(RecordSource(record_id=record.id or 0, source_id=source.id or 0))
    session.flush()
    _lineage_changed(session, record, {s.id for s in sources if s.id})
    _notify_remixed(session, record, sources, user)
    announce_record(session, record, RECORD_CREATED)
    return record


def update_record(
    *, session: Session, user_id: int, record_id: int, title: str, description: str, tags: str
) -> Record:
    _, record = _own(session, user_id, record_id)
    record.title = clean_text(title, field="Title", max_len=200, required=True)
    record.description = clean_text(description, field="Description", max_len=2000)
    _set_tags(session, record, clean_tags(tags))
    record.updated_at = utcnow()
    session.add(record)
    session.flush()
    announce_record(session, record, RECORD_UPDATED)
    return record


def set_sources(*, session: Session, user_id: int, record_id: int, source_ids: list[int]) -> Record:
    """Replace what `record_id` cites (authors only); new sources' authors are notified."""
    # One citation change on an existing record at a time: two concurrent changes could
    # each pass the cycle check and together make a loop (SQLite is serial anyway).
    lineage.lock_lineage(session)
    lock_records(
        session,
        {record_id, *lineage.source_ids(session=session, record_id=record_id), *_ids(source_ids)},
    )
    user, record = _own(session, user_id, record_id)
    current = set(lineage.source_ids(session=session, record_id=record_id))
    # Citations kept as they are need no re-check (a source may since have been withdrawn).
    wanted = [int(s) for s in source_ids]
    added = [s for s in dict.fromkeys(wanted) if s not in current]
    new_sources = lineage.check_sources(session=session, record_id=record_id, source_ids=added)
    if len(set(wanted)) > MAX_SOURCES:
        raise ValidationError(f"A record can cite at most {MAX_SOURCES} sources.")
    removed = current - set(wanted)
    if removed:
        session.exec(
            delete(RecordSource).where(
                col(RecordSource.record_id) == record_id,
                col(RecordSource.source_id).in_(removed),
            )
        )
    for source in new_sources:
        session.add(RecordSource(record_id=record_id, source_id=source.id or 0))
    session.flush()
    _lineage_changed(session, record, removed | {s.id for s in new_sources if s.id})
    _notify_remixed(session, record, new_sources, user)
    return record


def add_source(*, session: Session, user_id: int, record_id: int, source_id: int) -> Record:
    current = lineage.source_ids(session=session, record_id=record_id)
    if source_id in current:
        raise ValidationError(f"This record already cites record #{source_id}.")
    return set_sources(
        session=session, user_id=user_id, record_id=record_id, source_ids=[*current, source_id]
    )


def remove_source(*, session: Session, user_id: int, record_id: int, source_id: int) -> Record:
    current = lineage.source_ids(session=session, record_id=record_id)
    return set_sources(
        session=session,
        user_id=user_id,
        record_id=record_id,
        source_ids=[s for s in current if s != source_id],
    )


def withdraw_record(
    *, session: Session, user_id: int, record_id: int
) -> Literal["deleted", "withdrawn"]:
    """Take a record down (its submitter, or an admin moderating). Deleted outright,
    unless others built on it or it is credited in a production: then it stays as a
    stub keeping its title and credits, with its body and file gone."""
    lock_records(session, {record_id, *lineage.source_ids(session=session, record_id=record_id)})
    _, record = _own(session, user_id, record_id, withdrawing=True)
    built_on = session.exec(
        select(RecordSource.id).where(RecordSource.source_id == record_id).limit(1)
    ).first()
    in_production = (
        session.exec(
            select(ProductionContribution.id)
            .where(ProductionContribution.record_id == record_id)
            .limit(1)
        ).first()
        or session.exec(
            select(PayProposalLine.id).where(PayProposalLine.record_id == record_id).limit(1)
        ).first()
    )
    uploads.remove_after_commit(session, record.file_path, record.thumbnail_path)
    sources = set(lineage.source_ids(session=session, record_id=record_id))
    if built_on is None and in_production is None:
        session.exec(delete(RecordSource).where(col(RecordSource.record_id) == record_id))
        for table in (RecordTag, RecordAuthor, Heart, Comment):
            session.exec(delete(table).where(col(table.record_id) == record_id))
        session.delete(record)
        session.flush()
        _lineage_changed(session, record, sources)
        announce_record(session, record, RECORD_DELETED)
        return "deleted"
    record.withdrawn_at = utcnow()
    record.body = None
    record.description = ""
    record.file_path = record.thumbnail_path = None
    record.mime_type = None
    session.add(record)
    session.flush()
    announce_record(session, record, RECORD_WITHDRAWN)
    return "withdrawn"


def remove_credit(*, session: Session, user_id: int, record_id: int) -> Record:
    """A credited co-author takes their own name off a record; the record stays.

    The submitter keeps their credit (they withdraw instead), and the last remaining
    author cannot leave a record credited to nobody. Other authors' shares are kept
    as they are.
    """
    user = _user(session, user_id)
    record = _locked(session, record_id)
    row = session.exec(
        select(RecordAuthor).where(
            RecordAuthor.record_id == record_id, RecordAuthor.user_id == user.id
        )
    ).first()
    if row is None:
        raise ValidationError("You are not credited on this record.")
    if is_submitter(user, record):
        raise ValidationError(
            "You submitted this record, so your credit stays; withdraw it instead."
        )
    if len(author_ids(session, record_id)) <= 1:
        raise ValidationError("You are the record's only author; your credit cannot be removed.")
    session.delete(row)
    record.updated_at = utcnow()
    session.add(record)
    session.flush()
    announce_record(session, record, RECORD_UPDATED)
    return record


def set_heart(*, session: Session, user_id: int, record_id: int, on: bool) -> int:
    """Heart (or un-heart) a record; one heart per user. Returns the new count."""
    user = _user(session, user_id)
    record = _locked(session, record_id)
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
    events.publish(session, record_room(record_id), HEART_CHANGED, data)
    if record.challenge_id:
        events.publish(session, challenge_room(record.challenge_id), HEART_COUNT, data)
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
    user = _user(session, user_id)
    record = _locked(session, record_id)
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
    for uid in author_ids(session, record_id):
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
        COMMENT_CREATED,
        {"record_id": record_id, "comments": record.comment_count},
    )
    return comment


def list_comments(*, session: Session, record_id: int, limit: int = 200) -> list[CommentView]:
    rows = session.exec(
        select(Comment, User)
        .join(User, col(User.id) == Comment.author_id)
        .where(Comment.record_id == record_id)
        .order_by(col(Comment.created_at), col(Comment.id))
        .limit(limit)
    )
    return [
        CommentView(c.id or 0, u.display_name, u.username, c.body, c.created_at) for c, u in rows
    ]


# --- queries -----------------------------------------------------------------------------


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
    return [RecordRef(r.id or 0, r.title, r.kind, r.withdrawn_at is not None) for r in rows]


def authors(session: Session, record_id: int) -> list[Person]:
    rows = session.exec(
        select(User.username, User.display_name)
        .join(RecordAuthor, col(RecordAuthor.user_id) == User.id)
        .where(RecordAuthor.record_id == record_id)
        .order_by(col(RecordAuthor.id))
    )
    return [Person(u, n) for u, n in rows]


def record_view(*, session: Session, record_id: int, viewer: User | None) -> RecordView:
    record = _record(session, record_id)
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
    credited = author_ids(session, record_id)
    return RecordView(
        record=record,
        authors=authors(session, record_id),
        challenge_id=challenge.id if challenge else None,
        challenge_title=challenge.title if challenge else "",
        sources=_refs(session, lineage.source_ids(session=session, record_id=record_id)),
        remixes=_refs(session, remix_ids),
        tags=[t for t in record.tags.split(",") if t],
        can_edit=live_viewer is not None and is_submitter(live_viewer, record),
        can_withdraw=live_viewer is not None and can_withdraw(live_viewer, record),
        can_remove_credit=viewer is not None
        and not is_submitter(viewer, record)
        and viewer.id in credited
        and len(credited) > 1,
        hearted=has_hearted(
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
        col(RecordTag.tag).like(f"{tag}%") if TAG_RE.match(tag) else col(RecordTag.tag).is_(None)
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


# --- profiles ----------------------------------------------------------------------------


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
    return [RecordRef(r.id or 0, r.title, r.kind, r.withdrawn_at is not None) for r in rows]


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


def find_record(*, session: Session, record_id: int) -> Record | None:
    """Any record by id (withdrawn stubs included: their title and counts are public)."""
    return session.get(Record, record_id)


def remix_source(*, session: Session, record_id: int) -> Record | None:
    """The record a new remix may start from: it exists and is not withdrawn."""
    record = session.get(Record, record_id)
    return record if record is not None and record.withdrawn_at is None else None
