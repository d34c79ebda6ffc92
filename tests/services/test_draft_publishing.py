"""Publishing a draft as a text record credited to every author with their share."""

from __future__ import annotations

import pytest
from sqlmodel import select

from hitrec_app.models import Draft, RecordAuthor
from hitrec_app.services import draft_publishing, drafts
from hitrec_app.services.errors import PermissionDenied, ValidationError
from tests.factories import make_user


def test_publish_credits_every_author_with_their_share_once(session):
    owner, editor, gone = (make_user(session) for _ in range(3))
    draft = drafts.create_draft(session=session, owner_id=owner.id, title="Tide tables")
    drafts.invite(session=session, actor_id=owner.id, draft_id=draft.id, username=editor.username)
    # `gone` wrote text earlier and is no longer a member: they keep their credit.
    shares = {owner.id: 6000, editor.id: 2500, gone.id: 1500}
    record = draft_publishing.publish_draft(
        session=session, draft_id=draft.id, actor_id=editor.id, text="Tides.", shares_bps=shares
    )
    assert record.kind == "text" and record.body == "Tides." and record.title == "Tide tables"
    rows = session.exec(select(RecordAuthor).where(RecordAuthor.record_id == record.id)).all()
    assert {r.user_id: r.share_bps for r in rows} == shares
    assert session.get(Draft, draft.id).published_record_id == record.id
    with pytest.raises(ValidationError):
        draft_publishing.publish_draft(
            session=session, draft_id=draft.id, actor_id=owner.id, text="x", shares_bps=shares
        )


def test_viewers_cannot_publish_and_shares_must_add_up(session):
    owner, viewer = make_user(session), make_user(session)
    draft = drafts.create_draft(session=session, owner_id=owner.id, title="Gulls")
    drafts.invite(
        session=session,
        actor_id=owner.id,
        draft_id=draft.id,
        username=viewer.username,
        role="viewer",
    )
    with pytest.raises(PermissionDenied):
        draft_publishing.publish_draft(
            session=session,
            draft_id=draft.id,
            actor_id=viewer.id,
            text="x",
            shares_bps={owner.id: 10_000},
        )
    with pytest.raises(ValidationError):
        draft_publishing.publish_draft(
            session=session,
            draft_id=draft.id,
            actor_id=owner.id,
            text="x",
            shares_bps={owner.id: 9_999},
        )
    with pytest.raises(ValidationError):
        draft_publishing.publish_draft(
            session=session,
            draft_id=draft.id,
            actor_id=owner.id,
            text="   ",
            shares_bps={owner.id: 10_000},
        )


def test_a_draft_longer_than_a_text_record_cannot_be_published(session):
    from hitrec_app.vocabulary import RECORD_BODY_MAX

    owner = make_user(session)
    draft = drafts.create_draft(session=session, owner_id=owner.id, title="Epic")
    with pytest.raises(ValidationError, match="at most"):
        draft_publishing.publish_draft(
            session=session,
            draft_id=draft.id,
            actor_id=owner.id,
            text="x" * (RECORD_BODY_MAX + 1),
            shares_bps={owner.id: 10_000},
        )
    assert session.get(Draft, draft.id).published_record_id is None
