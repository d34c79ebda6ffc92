"""Reading and writing a draft's update log and snapshots (synchronous: rooms write through
the server's committer thread, see `committer.py`). The data it reads and writes is in
`persisted.py`, so rooms never import this module."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert
from sqlalchemy.engine import Dialect
from sqlmodel import Session, col, select

from hitrec_app.collab.document import SERVER, DraftDocument
from hitrec_app.collab.persisted import LoadedDraft, SnapshotData, UpdateRow
from hitrec_app.models import Draft, DraftSnapshot, DraftUpdate, utcnow
from hitrec_app.vocabulary import HISTORY_KINDS


def draft_exists(*, session: Session, draft_id: int) -> bool:
    return session.get(Draft, draft_id) is not None


def latest_snapshot(*, session: Session, draft_id: int) -> DraftSnapshot | None:
    return session.exec(
        select(DraftSnapshot)
        .where(DraftSnapshot.draft_id == draft_id)
        .order_by(col(DraftSnapshot.upto_seq).desc(), col(DraftSnapshot.id).desc())
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
        .order_by(col(DraftUpdate.seq))
    ).all()
    for row_seq, user_id, data in rows:
        # Replaying with the original origin re-creates the same attribution.
        document.apply(data, user_id if user_id is not None else SERVER)
        seq, stored = row_seq, stored + len(data)
    return LoadedDraft(document, seq, snapshot_seq, stored)


_UPDATES = DraftUpdate.__table__  # type: ignore[attr-defined]  # set on table models at runtime
_RAW_INSERT = (
    "INSERT INTO draft_updates (draft_id, seq, user_id, data, created_at) VALUES (?, ?, ?, ?, ?)"
)
_time_binders: dict[str, Callable[[datetime], Any]] = {}


def _bind_time(dialect: Dialect, when: datetime) -> Any:
    """`when` as the column type stores it (UTCDateTime plus the dialect's own conversion)."""
    binder = _time_binders.get(dialect.name)
    if binder is None:
        binder = _UPDATES.c.created_at.type.bind_processor(dialect) or (lambda value: value)
        _time_binders[dialect.name] = binder
    return binder(when)


def append_updates(conn: Connection, updates: Sequence[tuple[int, UpdateRow]]) -> None:
    """Insert (draft id, update) rows in the connection's transaction: the hot path of every
    keystroke, so it skips the ORM. On SQLite one prepared statement runs for every row
    (`executemany`, no RETURNING); elsewhere a Core multi-row insert."""
    if not updates:
        return
    now = utcnow()
    if conn.dialect.paramstyle == "qmark":
        stamp = _bind_time(conn.dialect, now)
        conn.exec_driver_sql(
            _RAW_INSERT,
            [(draft_id, u.seq, u.user_id, u.data, stamp) for draft_id, u in updates],
        )
    else:
        conn.execute(
            insert(_UPDATES),
            [
                {
                    "draft_id": d,
                    "seq": u.seq,
                    "user_id": u.user_id,
                    "data": u.data,
                    "created_at": now,
                }
                for d, u in updates
            ],
        )


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
    append_updates(session.connection(), [(draft_id, u) for u in updates])
    if snapshot is None:
        return None
    now = utcnow()
    if snapshot.kind == "compact":
        session.exec(
            delete(DraftSnapshot).where(
                col(DraftSnapshot.draft_id) == draft_id, col(DraftSnapshot.kind) == "compact"
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
    session.exec(
        delete(DraftUpdate).where(
            col(DraftUpdate.draft_id) == draft_id, col(DraftUpdate.seq) <= snapshot.upto_seq
        )
    )
    return row.id


def list_snapshots(*, session: Session, draft_id: int) -> list[DraftSnapshot]:
    return list(
        session.exec(
            select(DraftSnapshot)
            .where(DraftSnapshot.draft_id == draft_id, col(DraftSnapshot.kind).in_(HISTORY_KINDS))
            .order_by(col(DraftSnapshot.created_at).desc(), col(DraftSnapshot.id).desc())
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
