"""A draft's history: automatic and named snapshots, diffs against now, and restores.

A restore is a new edit on top of the current text (nothing is lost, and it is itself
in the history): the text is rewritten to the snapshot's, and the restored characters
are credited to the people who originally wrote them, not to whoever restored them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from sqlmodel import Session

from hitrec_app.collab import persisted, store
from hitrec_app.collab.authorship import EMBED, points_authors
from hitrec_app.collab.credit import current_document
from hitrec_app.collab.live import db_url, on_server
from hitrec_app.collab.server import CollabServer
from hitrec_app.db import session_scope
from hitrec_app.models import DraftSnapshot
from hitrec_app.services import drafts
from hitrec_app.services.errors import NotFound
from hitrec_app.services.validation import clean_text


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    kind: str  # "auto" | "named" | "restore"
    label: str
    created_at: datetime
    created_by_id: int | None
    chars: int


@dataclass(frozen=True)
class DiffLine:
    op: str  # " " unchanged, "-" only in the old text, "+" only in the new text
    text: str


def _label(snap: DraftSnapshot) -> str:
    if snap.label:
        return snap.label
    when = f"{snap.created_at:%Y-%m-%d %H:%M} UTC"
    return f"Restored version, {when}" if snap.kind == "restore" else f"Autosave, {when}"


def list_snapshots(draft_id: int, *, session: Session) -> list[SnapshotInfo]:
    """Newest first; hidden compaction snapshots are left out."""
    return [
        SnapshotInfo(s.id or 0, s.kind, _label(s), s.created_at, s.created_by_id, len(s.text))
        for s in store.list_snapshots(session=session, draft_id=draft_id)
    ]


def _snapshot(session: Session, draft_id: int, snapshot_id: int) -> DraftSnapshot:
    snap = store.get_snapshot(session=session, draft_id=draft_id, snapshot_id=snapshot_id)
    if snap is None:
        raise NotFound("That version of the draft does not exist.")
    return snap


def snapshot_text(draft_id: int, snapshot_id: int, *, session: Session) -> str:
    return _snapshot(session, draft_id, snapshot_id).text


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """A line diff (difflib), old to new."""
    a, b = old.splitlines(), new.splitlines()
    out: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(DiffLine(" ", line) for line in a[i1:i2])
            continue
        out.extend(DiffLine("-", line) for line in a[i1:i2])
        out.extend(DiffLine("+", line) for line in b[j1:j2])
    return out


def diff_with_current(draft_id: int, snapshot_id: int, *, session: Session) -> list[DiffLine]:
    """What changed from the snapshot to the draft as it is now."""
    old = snapshot_text(draft_id, snapshot_id, session=session)
    return diff_lines(old, current_document(draft_id, session=session).content)


def _check_editor(url: str | None, draft_id: int, user_id: int) -> None:
    with session_scope(url=url) as session:
        drafts.require_editor(session=session, draft_id=draft_id, user_id=user_id)


async def create_named_snapshot(
    draft_id: int, label: str, by_user: int, *, url: str | None = None
) -> int:
    """Save the draft as it is now under a name; returns the snapshot id. Editors only."""
    clean = clean_text(label, field="Version name", max_len=200, required=True)
    url = db_url(url)
    await asyncio.to_thread(_check_editor, url, draft_id, by_user)

    async def in_room(server: CollabServer) -> int:
        return await (await server.room(draft_id)).request_snapshot("named", clean, by_user)

    ran, snapshot_id = await on_server(in_room)
    if ran:
        assert snapshot_id is not None
        return snapshot_id
    return await asyncio.to_thread(_named_offline, url, draft_id, clean, by_user)


def _named_offline(url: str | None, draft_id: int, label: str, by_user: int) -> int:
    with session_scope(write=True, url=url) as session:
        loaded = store.load(session=session, draft_id=draft_id)
        snap = persisted.snapshot_of(
            loaded.document, kind="named", upto_seq=loaded.last_seq, label=label, by=by_user
        )
        snapshot_id = store.save(session=session, draft_id=draft_id, updates=[], snapshot=snap)
        assert snapshot_id is not None
        return snapshot_id


def _restore_source(url: str | None, draft_id: int, snapshot_id: int) -> tuple[str, list[int], str]:
    with session_scope(url=url) as session:
        snap = _snapshot(session, draft_id, snapshot_id)
        authors = [a for a in points_authors(snap.authorship) if a != EMBED]
        return snap.text, authors, f"Restored from “{_label(snap)}”"[:200]


async def restore_snapshot(
    draft_id: int, snapshot_id: int, by_user: int, *, url: str | None = None
) -> int:
    """Make the draft's text that of a snapshot, as a new edit; returns the new snapshot's id."""
    url = db_url(url)
    await asyncio.to_thread(_check_editor, url, draft_id, by_user)
    target, authors, label = await asyncio.to_thread(_restore_source, url, draft_id, snapshot_id)

    async def in_room(server: CollabServer) -> int:
        return await (await server.room(draft_id)).restore(target, authors, by_user, label)

    ran, new_id = await on_server(in_room)
    if ran:
        assert new_id is not None
        return new_id
    return await asyncio.to_thread(_restore_offline, url, draft_id, target, authors, by_user, label)


def _restore_offline(
    url: str | None, draft_id: int, target: str, authors: list[int], by_user: int, label: str
) -> int:
    with session_scope(write=True, url=url) as session:
        loaded = store.load(session=session, draft_id=draft_id)
        produced = loaded.document.replace_text(target, authors, by_user)
        rows = [
            persisted.UpdateRow(loaded.last_seq + i + 1, by_user, data)
            for i, (data, _origin) in enumerate(produced)
        ]
        seq = loaded.last_seq + len(rows)
        snap = persisted.snapshot_of(
            loaded.document, kind="restore", upto_seq=seq, label=label, by=by_user
        )
        snapshot_id = store.save(session=session, draft_id=draft_id, updates=rows, snapshot=snap)
        assert snapshot_id is not None
        return snapshot_id
