"""History without a running server (scripts, services): named snapshots and restores on the stored draft."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlmodel import Session

from hitrec_app.collab import credit, history, persisted, store
from hitrec_app.collab.document import DraftDocument
from hitrec_app.db import get_engine
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from tests.collab.test_authorship import Replica


def write(db_url: str, draft_id: int, document: DraftDocument, produced_by: list) -> None:
    with Session(get_engine(db_url, immediate=True)) as session:
        last = store.load(session=session, draft_id=draft_id).last_seq
        rows = [
            persisted.UpdateRow(last + i + 1, user, data)
            for i, (data, user) in enumerate(produced_by)
        ]
        store.save(session=session, draft_id=draft_id, updates=rows)
        session.commit()


def test_named_snapshot_and_restore_work_on_the_stored_draft(db_url, cast):
    owner, editor = cast.owner.id, cast.editor.id
    doc = DraftDocument()
    log: list = []

    def edit(user: int, fn: Callable[[Replica], object]) -> None:
        before = doc.state_vector()
        fn(Replica(doc, user))
        log.append((doc.doc.get_update(before), user))

    edit(owner, lambda r: r.insert(0, "Märchen: "))
    edit(editor, lambda r: r.insert(9, "es war einmal"))
    write(db_url, cast.draft_id, doc, log)

    snap = asyncio.run(
        history.create_named_snapshot(cast.draft_id, "  First draft ", owner, url=db_url)
    )
    log.clear()
    edit(editor, lambda r: r.delete(0, 9))
    write(db_url, cast.draft_id, doc, log)
    with pytest.raises(PermissionDenied):
        asyncio.run(history.create_named_snapshot(cast.draft_id, "x", cast.viewer.id, url=db_url))
    with pytest.raises(ValidationError):
        asyncio.run(history.create_named_snapshot(cast.draft_id, "   ", owner, url=db_url))

    restored = asyncio.run(history.restore_snapshot(cast.draft_id, snap, editor, url=db_url))
    with Session(get_engine(db_url)) as session:
        assert credit.draft_text(cast.draft_id, session=session) == "Märchen: es war einmal"
        assert credit.authorship_shares(cast.draft_id, session=session) == {owner: 9, editor: 13}
        kinds = [(s.id, s.kind) for s in history.list_snapshots(cast.draft_id, session=session)]
        assert kinds == [(restored, "restore"), (snap, "named")]
        diff = history.diff_with_current(cast.draft_id, snap, session=session)
        assert all(d.op == " " for d in diff)
        with pytest.raises(NotFound):
            history.snapshot_text(cast.draft_id, 10_000, session=session)
        # The restore snapshot made the log it covers redundant.
        assert store.count_updates(session=session, draft_id=cast.draft_id) == 0
