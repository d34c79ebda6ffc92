"""What a room hands to and gets from storage: plain data, no database (see `store.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from hitrec_app.collab.document import DraftDocument


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
    kind: str  # one of vocabulary.SNAPSHOT_KINDS
    label: str | None
    upto_seq: int
    state: bytes
    text: str
    authorship: list[list[int]]
    created_by_id: int | None


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
