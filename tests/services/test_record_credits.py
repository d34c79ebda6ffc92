"""Who controls a co-published record: the submitter edits and withdraws, credited
co-authors may only remove their own credit, admins may withdraw (moderation)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from hitrec_app.models import Record, RecordAuthor, User
from hitrec_app.services import record_views, records
from hitrec_app.services.errors import PermissionDenied, ValidationError
from tests.factories import make_user, text_record


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def co_published(session: Session, submitter: User, *others: User) -> Record:
    """A record as a published co-written draft leaves it: the publishing editor is the
    submitter and every writer is credited with a share (here one of 1 bp)."""
    record = Record(
        kind="text",
        title="Tide tables",
        body="Tides.",
        mime_type="text/markdown",
        submitted_by_id=submitter.id,
        description="Co-written live in a hitrec draft.",
    )
    session.add(record)
    session.flush()
    shares = [10_000 - len(others)] + [1] * len(others)
    for user, bps in zip((submitter, *others), shares, strict=True):
        session.add(RecordAuthor(record_id=record.id, user_id=user.id, share_bps=bps))
    session.commit()
    return record


def _credited(session: Session, record_id: int) -> set[int]:
    return set(records.author_ids(session, record_id))


def test_a_co_author_cannot_edit_cite_or_withdraw_the_record(session):
    owner, coauthor = make_user(session), make_user(session)
    source = text_record(session, owner, "Source")
    rec = co_published(session, owner, coauthor)
    with pytest.raises(PermissionDenied, match="remove your own credit"):
        records.update_record(
            session=session,
            user_id=coauthor.id,
            record_id=rec.id,
            title="Renamed",
            description="",
            tags="",
        )
    with pytest.raises(PermissionDenied, match="remove your own credit"):
        records.add_source(
            session=session, user_id=coauthor.id, record_id=rec.id, source_id=source.id
        )
    with pytest.raises(PermissionDenied, match="remove your own credit"):
        records.withdraw_record(session=session, user_id=coauthor.id, record_id=rec.id)
    session.rollback()
    session.expire_all()
    kept = session.get(Record, rec.id)
    assert kept is not None and kept.title == "Tide tables" and kept.withdrawn_at is None
    assert _credited(session, rec.id) == {owner.id, coauthor.id}


def test_the_submitter_edits_cites_and_withdraws(session):
    owner, coauthor = make_user(session), make_user(session)
    source = text_record(session, owner, "Source")
    rec = co_published(session, owner, coauthor)
    records.update_record(
        session=session,
        user_id=owner.id,
        record_id=rec.id,
        title="Tide tables, final",
        description="",
        tags="sea",
    )
    records.add_source(session=session, user_id=owner.id, record_id=rec.id, source_id=source.id)
    session.commit()
    assert rec.title == "Tide tables, final"
    view = record_views.record_view(session=session, record_id=rec.id, viewer=owner)
    assert view.can_edit and view.can_withdraw and not view.can_remove_credit
    assert records.withdraw_record(session=session, user_id=owner.id, record_id=rec.id) == (
        "deleted"
    )
    session.commit()
    assert session.get(Record, rec.id) is None


def test_a_co_author_removes_their_credit_and_the_record_stays(session):
    owner, first, second = make_user(session), make_user(session), make_user(session)
    rec = co_published(session, owner, first, second)
    view = record_views.record_view(session=session, record_id=rec.id, viewer=first)
    assert view.can_remove_credit and not view.can_edit and not view.can_withdraw
    records.remove_credit(session=session, user_id=first.id, record_id=rec.id)
    session.commit()
    session.expire_all()
    assert session.get(Record, rec.id) is not None
    assert _credited(session, rec.id) == {owner.id, second.id}
    # The others keep their shares as they were.
    rows = session.exec(select(RecordAuthor).where(RecordAuthor.record_id == rec.id)).all()
    assert {r.user_id: r.share_bps for r in rows} == {owner.id: 9_998, second.id: 1}
    # Once removed, there is nothing left to remove.
    with pytest.raises(ValidationError, match="not credited"):
        records.remove_credit(session=session, user_id=first.id, record_id=rec.id)
    view = record_views.record_view(session=session, record_id=rec.id, viewer=first)
    assert not view.can_remove_credit


def test_the_submitter_and_the_last_author_keep_their_credit(session):
    owner, coauthor, stranger = make_user(session), make_user(session), make_user(session)
    rec = co_published(session, owner, coauthor)
    with pytest.raises(ValidationError, match="withdraw it instead"):
        records.remove_credit(session=session, user_id=owner.id, record_id=rec.id)
    with pytest.raises(ValidationError, match="not credited"):
        records.remove_credit(session=session, user_id=stranger.id, record_id=rec.id)

    # A record whose submitter is not credited (they published with no share of the
    # text): its last remaining author cannot leave it credited to nobody.
    publisher, writer = make_user(session), make_user(session)
    rec2 = co_published(session, publisher, writer)
    session.delete(
        session.exec(
            select(RecordAuthor).where(
                RecordAuthor.record_id == rec2.id, RecordAuthor.user_id == publisher.id
            )
        ).one()
    )
    session.commit()
    view = record_views.record_view(session=session, record_id=rec2.id, viewer=writer)
    assert not view.can_remove_credit
    with pytest.raises(ValidationError, match="only author"):
        records.remove_credit(session=session, user_id=writer.id, record_id=rec2.id)
    session.rollback()
    assert _credited(session, rec2.id) == {writer.id}


def test_an_admin_may_withdraw_any_record_but_not_edit_it(session):
    owner, coauthor = make_user(session), make_user(session)
    admin = make_user(session, role="admin")
    rec = co_published(session, owner, coauthor)
    view = record_views.record_view(session=session, record_id=rec.id, viewer=admin)
    assert view.can_withdraw and not view.can_edit and not view.can_remove_credit
    with pytest.raises(PermissionDenied):
        records.update_record(
            session=session,
            user_id=admin.id,
            record_id=rec.id,
            title="Moderated",
            description="",
            tags="",
        )
    session.rollback()
    assert records.withdraw_record(session=session, user_id=admin.id, record_id=rec.id) == (
        "deleted"
    )
    session.commit()
    assert session.get(Record, rec.id) is None


def test_a_stranger_can_do_none_of_it(session):
    owner, stranger = make_user(session), make_user(session)
    rec = text_record(session, owner, "Mine")
    view = record_views.record_view(session=session, record_id=rec.id, viewer=stranger)
    assert not (view.can_edit or view.can_withdraw or view.can_remove_credit)
    with pytest.raises(PermissionDenied, match="Only the person who submitted"):
        records.withdraw_record(session=session, user_id=stranger.id, record_id=rec.id)
