"""The server's database writer: group commit across rooms, and failures kept to their room."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from hitrec_app.collab import persisted, store
from hitrec_app.collab.committer import Committer
from hitrec_app.collab.document import DraftDocument
from hitrec_app.db import get_engine
from hitrec_app.models import DraftUpdate
from tests.collab.conftest import make_cast


def _updates(user_id: int, texts: list[str]) -> list[bytes]:
    doc = DraftDocument()
    out = []
    for text in texts:
        before = doc.state_vector()
        doc.text.insert(len(doc.content.encode()), text)
        out.append(doc.doc.get_update(before))
    return out


def _stored(db_url: str, draft_id: int) -> list[tuple[int, int | None]]:
    with Session(get_engine(db_url)) as session:
        return list(
            session.exec(
                select(DraftUpdate.seq, DraftUpdate.user_id)
                .where(DraftUpdate.draft_id == draft_id)
                .order_by(DraftUpdate.seq)  # type: ignore[arg-type]
            ).all()
        )


def test_rooms_waiting_together_share_one_transaction(db_url, session):
    casts = [make_cast(session, p) for p in "abc"]
    committer = Committer(db_url)

    async def main() -> None:
        # Another connection holds SQLite's write lock, so the committer's first
        # transaction waits; meanwhile all three rooms queue their updates.
        blocker = sqlite3.connect(db_url.removeprefix("sqlite:///"))
        blocker.execute("BEGIN IMMEDIATE")
        tasks = [
            asyncio.create_task(
                committer.commit(
                    c.draft_id,
                    [
                        persisted.UpdateRow(i + 1, c.owner.id, u)
                        for i, u in enumerate(_updates(c.owner.id, ["one", "two"]))
                    ],
                    None,
                )
            )
            for c in casts
        ]
        await asyncio.sleep(0)  # every task has queued its batch
        blocker.rollback()
        blocker.close()
        await asyncio.gather(*tasks)

    asyncio.run(main())
    committer.close()
    # Whatever the first transaction took, the rest went together: fewer than 3.
    assert committer.commits <= 2
    for c in casts:
        assert _stored(db_url, c.draft_id) == [(1, c.owner.id), (2, c.owner.id)]
        with Session(get_engine(db_url)) as s:
            loaded = store.load(session=s, draft_id=c.draft_id)
        assert loaded.document.content == "onetwo"
        assert loaded.document.authorship.shares() == {c.owner.id: 6}


def test_one_rooms_failed_commit_does_not_fail_another(db_url, session):
    a, b = make_cast(session, "a"), make_cast(session, "b")
    ua, ub = _updates(a.owner.id, ["x"]), _updates(b.owner.id, ["y", "z"])
    committer = Committer(db_url)

    async def main() -> list:
        await committer.commit(a.draft_id, [persisted.UpdateRow(1, a.owner.id, ua[0])], None)
        # Seq 1 again for draft a breaks the unique (draft, seq) constraint; draft b is fine.
        return await asyncio.gather(
            committer.commit(a.draft_id, [persisted.UpdateRow(1, a.owner.id, ua[0])], None),
            committer.commit(
                b.draft_id,
                [persisted.UpdateRow(i + 1, b.owner.id, u) for i, u in enumerate(ub)],
                None,
            ),
            return_exceptions=True,
        )

    failed, fine = asyncio.run(main())
    committer.close()
    assert isinstance(failed, IntegrityError)
    assert fine is None
    assert _stored(db_url, a.draft_id) == [(1, a.owner.id)]
    assert _stored(db_url, b.draft_id) == [(1, b.owner.id), (2, b.owner.id)]


def test_a_snapshot_is_committed_with_its_updates_and_returns_its_id(db_url, cast):
    doc = DraftDocument()
    produced = doc.apply(_updates(cast.owner.id, ["Hello"])[0], cast.owner.id)
    rows = [persisted.UpdateRow(i + 1, cast.owner.id, data) for i, (data, _) in enumerate(produced)]
    snapshot = persisted.snapshot_of(
        doc, kind="named", upto_seq=len(rows), label="v1", by=cast.owner.id
    )
    committer = Committer(db_url)
    snapshot_id = asyncio.run(committer.commit(cast.draft_id, rows, snapshot))
    committer.close()
    assert isinstance(snapshot_id, int)
    assert _stored(db_url, cast.draft_id) == []  # covered by the snapshot
    with Session(get_engine(db_url)) as s:
        loaded = store.load(session=s, draft_id=cast.draft_id)
        assert loaded.document.content == "Hello"
        assert loaded.last_seq == len(rows)
        assert [x.label for x in store.list_snapshots(session=s, draft_id=cast.draft_id)] == ["v1"]


def test_a_closed_committer_starts_again_on_the_next_commit(db_url, cast):
    committer = Committer(db_url)
    (u,) = _updates(cast.owner.id, ["a"])
    asyncio.run(committer.commit(cast.draft_id, [persisted.UpdateRow(1, cast.owner.id, u)], None))
    committer.close()
    (v,) = _updates(cast.editor.id, ["b"])
    asyncio.run(committer.commit(cast.draft_id, [persisted.UpdateRow(2, cast.editor.id, v)], None))
    committer.close()
    assert _stored(db_url, cast.draft_id) == [(1, cast.owner.id), (2, cast.editor.id)]


@pytest.mark.parametrize("rows", [0, 1, 50])
def test_append_updates_stores_exactly_what_it_is_given(db_url, cast, rows):
    data = [bytes([i % 256]) * (i + 1) for i in range(rows)]
    with get_engine(db_url, immediate=True).begin() as conn:
        store.append_updates(
            conn,
            [
                (cast.draft_id, persisted.UpdateRow(i + 1, cast.owner.id, d))
                for i, d in enumerate(data)
            ],
        )
    with Session(get_engine(db_url)) as s:
        stored = s.exec(
            select(DraftUpdate)
            .where(DraftUpdate.draft_id == cast.draft_id)
            .order_by(DraftUpdate.seq)  # type: ignore[arg-type]
        ).all()
    assert [u.data for u in stored] == data
    assert all(u.created_at.tzinfo is not None for u in stored)


def test_the_committer_writes_on_postgresql_too(pg_session, pg_url):
    """The non-SQLite branch (a Core multi-row insert), group commit and reload included."""
    a, b = make_cast(pg_session, "a"), make_cast(pg_session, "b")
    committer = Committer(pg_url)

    async def main() -> None:
        await asyncio.gather(
            *(
                committer.commit(
                    c.draft_id,
                    [
                        persisted.UpdateRow(i + 1, c.editor.id, u)
                        for i, u in enumerate(_updates(c.editor.id, ["Ünï", "code"]))
                    ],
                    None,
                )
                for c in (a, b)
            )
        )

    asyncio.run(main())
    committer.close()
    for c in (a, b):
        assert _stored(pg_url, c.draft_id) == [(1, c.editor.id), (2, c.editor.id)]
        with Session(get_engine(pg_url)) as s:
            loaded = store.load(session=s, draft_id=c.draft_id)
        assert loaded.document.content == "Ünïcode"
        assert loaded.document.authorship.shares() == {c.editor.id: 7}
