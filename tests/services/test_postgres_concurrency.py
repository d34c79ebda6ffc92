"""Races that SQLite's serial write transactions rule out but PostgreSQL allows.

Each test starts a command in one transaction, runs a competing command in a second
connection while the first is still open, then commits the first: the outcome must be
what it would have been had they run one after the other.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import text
from sqlmodel import Session

from hitrec_app.db import get_engine
from hitrec_app.models import Draft, Heart, Record, User
from hitrec_app.services import drafts, lineage, record_social, records
from hitrec_app.services.errors import PermissionDenied, ValidationError
from hitrec_app.services.records import RecordInput
from tests.factories import make_user, text_record


def _race(url: str, first: Callable[[Session], object], second: Callable[[Session], object]):
    """Run `first` (uncommitted), then `second` in another connection until it either
    finishes or waits for a lock; commit `first`; return (first's, second's) outcome."""
    engine = get_engine(url)
    outcome: dict[str, object] = {}

    def run_second() -> None:
        with Session(engine, expire_on_commit=False) as s2:
            try:
                outcome["second"] = second(s2)
                s2.commit()
            except Exception as err:  # reported to the test
                s2.rollback()
                outcome["second"] = err

    with Session(engine, expire_on_commit=False) as s1:
        outcome["first"] = first(s1)
        s1.flush()
        other = threading.Thread(target=run_second)
        other.start()
        with engine.connect() as probe:
            for _ in range(400):  # until the second waits on a lock, or has finished
                waiting = probe.execute(
                    text("select count(*) from pg_locks where not granted")
                ).scalar_one()
                if waiting or not other.is_alive():
                    break
                time.sleep(0.01)
        s1.commit()
    other.join(60)
    assert not other.is_alive(), "the second transaction never finished"
    return outcome["first"], outcome["second"]


def _remix(user: User, source: Record, title: str) -> Callable[[Session], int | None]:
    """Submit a remix without committing (`_race` commits the first command itself)."""
    data = RecordInput(kind="text", title=title, body="Again.", source_ids=(source.id,))
    return lambda s: records.submit_record(session=s, user_id=user.id, data=data).id


def test_concurrent_hearts_are_all_counted(pg_session, pg_url):
    ada, bo, cy = (make_user(pg_session, n) for n in ("ada", "bob", "cyd"))
    rec = text_record(pg_session, ada)
    first, second = _race(
        pg_url,
        lambda s: record_social.set_heart(session=s, user_id=bo.id, record_id=rec.id, on=True),
        lambda s: record_social.set_heart(session=s, user_id=cy.id, record_id=rec.id, on=True),
    )
    assert (first, second) == (1, 2)
    pg_session.expire_all()
    assert pg_session.get(Record, rec.id).heart_count == 2


def test_a_double_clicked_heart_counts_once(pg_session, pg_url):
    ada, bo = make_user(pg_session, "ada"), make_user(pg_session, "bob")
    rec = text_record(pg_session, ada)

    def heart(s: Session) -> int:
        return record_social.set_heart(session=s, user_id=bo.id, record_id=rec.id, on=True)

    assert _race(pg_url, heart, heart) == (1, 1)
    pg_session.expire_all()
    assert pg_session.get(Record, rec.id).heart_count == 1
    assert len(pg_session.exec(Heart.__table__.select()).all()) == 1  # type: ignore[attr-defined]


def test_concurrent_remixes_of_one_record_are_all_counted(pg_session, pg_url):
    ada, bo, cy = (make_user(pg_session, n) for n in ("ada", "bob", "cyd"))
    original = text_record(pg_session, ada, "Original")

    _race(pg_url, _remix(bo, original, "Bo's"), _remix(cy, original, "Cy's"))
    pg_session.expire_all()
    assert pg_session.get(Record, original.id).remix_count == 2


def test_two_citations_that_together_make_a_loop_cannot_both_succeed(pg_session, pg_url):
    ada = make_user(pg_session, "ada")
    a = text_record(pg_session, ada, "A")
    b = text_record(pg_session, ada, "B")
    first, second = _race(
        pg_url,
        lambda s: records.add_source(session=s, user_id=ada.id, record_id=a.id, source_id=b.id).id,
        lambda s: records.add_source(session=s, user_id=ada.id, record_id=b.id, source_id=a.id).id,
    )
    assert first == a.id
    assert isinstance(second, ValidationError) and "loop" in str(second)
    assert lineage.source_ids(session=pg_session, record_id=a.id) == [b.id]
    assert lineage.source_ids(session=pg_session, record_id=b.id) == []


def test_a_record_withdrawn_while_being_remixed_keeps_its_stub(pg_session, pg_url):
    ada, bo = make_user(pg_session, "ada"), make_user(pg_session, "bob")
    original = text_record(pg_session, ada, "Original")
    _first, second = _race(
        pg_url,
        _remix(bo, original, "Remix"),
        lambda s: records.withdraw_record(session=s, user_id=ada.id, record_id=original.id),
    )
    # The remix committed first, so the withdrawal sees it and keeps a stub.
    assert second == "withdrawn"
    pg_session.expire_all()
    stub = pg_session.get(Record, original.id)
    assert stub is not None and stub.withdrawn_at is not None and stub.title == "Original"


def test_two_hand_overs_at_once_leave_one_owner(pg_session, pg_url):
    """An owner clicking "hand over" to two members in two tabs: one hand-over wins, the
    other is refused because its actor is no longer the owner."""
    ada, bo, cy = (make_user(pg_session, n) for n in ("ada", "bob", "cyd"))
    draft = drafts.create_draft(session=pg_session, owner_id=ada.id, title="Tides")
    for name in ("bob", "cyd"):
        drafts.invite(
            session=pg_session, actor_id=ada.id, draft_id=draft.id, username=name, role="editor"
        )
    pg_session.commit()

    def hand_over(to: User) -> Callable[[Session], object]:
        return lambda s: drafts.set_role(
            session=s, actor_id=ada.id, draft_id=draft.id, user_id=to.id, role="owner"
        )

    _first, second = _race(pg_url, hand_over(bo), hand_over(cy))
    assert isinstance(second, PermissionDenied)
    pg_session.expire_all()
    roles = {
        m.username: m.role
        for m in drafts.list_members(session=pg_session, draft_id=draft.id, actor_id=bo.id)
    }
    assert roles == {"ada": "editor", "bob": "owner", "cyd": "editor"}
    assert pg_session.get(Draft, draft.id).owner_id == bo.id
