"""Reading and writing a draft's update log and snapshots (synchronous; rooms call it in a thread)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import Session, select

from hitrec_app.collab.document import SERVER, DraftDocument
from hitrec_app.models import Draft, DraftSnapshot, DraftUpdate, utcnow

HISTORY_KINDS = ("auto", "named", "restore")


@dataclass(frozen=True)
class LoadedDraft:
    document: DraftDocument
    last_seq: int  # the newest update in the document
    snapshot_seq: int  # what the newest snapshot covers
    stored_bytes: int  # snapshot state + later updates: what a reload reads


@dataclass(frozen=True)
class UpdateRow:
    seq: int
    user_id: int | None
    data: bytes


@dataclass(frozen=True)
class SnapshotData:
    kind: str
    label: str | None
    upto_seq: int
    state: bytes
    text: str
    authorship: list[list[int]]
    created_by_id: int | None


def draft_exists(*, session: Session, draft_id: int) -> bool:
    return session.get(Draft, draft_id) is not None


def latest_snapshot(*, session: Session, draft_id: int) -> DraftSnapshot | None:
    return session.exec(
        select(DraftSnapshot)
        .where(DraftSnapshot.draft_id == draft_id)
        .order_by(DraftSnapshot.upto_seq.desc(), DraftSnapshot.id.desc())  # type: ignore[attr-defined,union-attr]
        .limit(1)
    ).first()


def load(*, session: Session, draft_id: int) -> LoadedDraft:
    """The draft exactly as last persisted: newest snapshot, then every later update in order."""
    snap = latest_snapshot(session=session, draft_id=draft_id)
    if snap is None:
        document, seq, stored = DraftDocument(), 0, 0
    else:
        document = DraftDocument.from_state(snap.state, snap.authorship)
        seq, stored = snap.upto_seq, len(snap.state)
    snapshot_seq = seq
    rows = session.exec(
        select(DraftUpdate.seq, DraftUpdate.user_id, DraftUpdate.data)
        .where(DraftUpdate.draft_id == draft_id, DraftUpdate.seq > seq)
        .order_by(DraftUpdate.seq)  # type: ignore[arg-type]
    ).all()
    for row_seq, user_id, data in rows:
        # Replaying with the original origin re-creates the same attribution.
        document.apply(data, user_id if user_id is not None else SERVER)
        seq, stored = row_seq, stored + len(data)
    return LoadedDraft(document, seq, snapshot_seq, stored)


def save(
    *,
    session: Session,
    draft_id: int,
    updates: Sequence[UpdateRow],
    snapshot: SnapshotData | None = None,
) -> int | None:
    """Append updates (and a snapshot that covers them) in the caller's transaction.

    A snapshot makes the log it covers redundant: those updates are deleted, and so is
    any older hidden compaction snapshot. Returns the snapshot's id.
    """
    now = utcnow()
    session.add_all(
        DraftUpdate(draft_id=draft_id, seq=u.seq, user_id=u.user_id, data=u.data, created_at=now)
        for u in updates
    )
    if snapshot is None:
        session.flush()
        return None
    if snapshot.kind == "compact":
        session.exec(  # type: ignore[call-overload]
            delete(DraftSnapshot).where(
                DraftSnapshot.draft_id == draft_id, DraftSnapshot.kind == "compact"
            )
        )
    row = DraftSnapshot(
        draft_id=draft_id,
        kind=snapshot.kind,
        label=snapshot.label,
        upto_seq=snapshot.upto_seq,
        state=snapshot.state,
        text=snapshot.text,
        authorship=snapshot.authorship,
        created_by_id=snapshot.created_by_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    session.exec(  # type: ignore[call-overload]
        delete(DraftUpdate).where(
            DraftUpdate.draft_id == draft_id, DraftUpdate.seq <= snapshot.upto_seq
        )
    )
    return row.id


def snapshot_of(
    document: DraftDocument,
    *,
    kind: str,
    upto_seq: int,
    label: str | None = None,
    by: int | None = None,
) -> SnapshotData:
    return SnapshotData(
        kind=kind,
        label=label,
        upto_seq=upto_seq,
        state=document.state(),
        text=document.content,
        authorship=document.authorship.author_runs(),
        created_by_id=by,
    )


def list_snapshots(*, session: Session, draft_id: int) -> list[DraftSnapshot]:
    return list(
        session.exec(
            select(DraftSnapshot)
            .where(DraftSnapshot.draft_id == draft_id, DraftSnapshot.kind.in_(HISTORY_KINDS))  # type: ignore[attr-defined]
            .order_by(DraftSnapshot.created_at.desc(), DraftSnapshot.id.desc())  # type: ignore[attr-defined,union-attr]
        ).all()
    )


def get_snapshot(*, session: Session, draft_id: int, snapshot_id: int) -> DraftSnapshot | None:
    snap = session.get(DraftSnapshot, snapshot_id)
    if snap is None or snap.draft_id != draft_id or snap.kind not in HISTORY_KINDS:
        return None
    return snap


def count_updates(*, session: Session, draft_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(DraftUpdate).where(DraftUpdate.draft_id == draft_id)
    ).one()
