"""Records: the commands that submit, edit, cite, withdraw and uncredit them, and their rules.

Hearts and comments are in `record_social`, what pages read about records in `record_views`,
and a person's records and credits in `profiles`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO, Literal

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hitrec_app import routes
from hitrec_app.models import (
    Challenge,
    Comment,
    EntryRemoval,
    Heart,
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
    MAX_SOURCES,
    MAX_TAGS,
    RECORD_BODY_MAX,
    RECORD_KINDS,
    EventKind,
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


def acting_user(session: Session, user_id: int) -> User:
    """The signed-in user a command acts for."""
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


def locked_record(session: Session, record_id: int) -> Record:
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
    user = acting_user(session, user_id)
    record = locked_record(session, record_id)
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
        events.publish(session, record_room(sid), EventKind.LINEAGE_CHANGED, data)
        if src.challenge_id:
            events.publish(session, challenge_room(src.challenge_id), EventKind.LINEAGE_COUNT, data)


def announce_record(session: Session, record: Record, kind: EventKind) -> None:
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
    user = acting_user(session, user_id)
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
    announce_record(session, record, EventKind.RECORD_CREATED)
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
    announce_record(session, record, EventKind.RECORD_UPDATED)
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
    stub keeping its title and credits, with its body and file gone. A challenge entry's
    removal is remembered (`EntryRemoval`) so open challenge pages hide it either way."""
    lock_records(session, {record_id, *lineage.source_ids(session=session, record_id=record_id)})
    _, record = _own(session, user_id, record_id, withdrawing=True)
    built_on = session.exec(
        select(RecordSource.id).where(RecordSource.source_id == record_id).limit(1)
    ).first()
    # A proposal's lines name their records in their evidence: every such record is a
    # production's contribution or a source others built on.
    in_production = session.exec(
        select(ProductionContribution.id)
        .where(ProductionContribution.record_id == record_id)
        .limit(1)
    ).first()
    uploads.remove_after_commit(session, record.file_path, record.thumbnail_path)
    if record.challenge_id:
        session.add(EntryRemoval(challenge_id=record.challenge_id, record_id=record_id))
    sources = set(lineage.source_ids(session=session, record_id=record_id))
    if built_on is None and in_production is None:
        session.exec(delete(RecordSource).where(col(RecordSource.record_id) == record_id))
        for table in (RecordTag, RecordAuthor, Heart, Comment):
            session.exec(delete(table).where(col(table.record_id) == record_id))
        session.delete(record)
        session.flush()
        _lineage_changed(session, record, sources)
        announce_record(session, record, EventKind.RECORD_DELETED)
        return "deleted"
    record.withdrawn_at = utcnow()
    record.body = None
    record.description = ""
    record.file_path = record.thumbnail_path = None
    record.mime_type = None
    session.add(record)
    session.flush()
    announce_record(session, record, EventKind.RECORD_WITHDRAWN)
    return "withdrawn"


def remove_credit(*, session: Session, user_id: int, record_id: int) -> Record:
    """A credited co-author takes their own name off a record; the record stays.

    The submitter keeps their credit (they withdraw instead), and the last remaining
    author cannot leave a record credited to nobody. Other authors' shares are kept
    as they are.
    """
    user = acting_user(session, user_id)
    record = locked_record(session, record_id)
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
    announce_record(session, record, EventKind.RECORD_UPDATED)
    return record
