import pytest
from sqlmodel import select

from hitrec_app.models import Notification
from hitrec_app.services import drafts, events
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from hitrec_app.vocabulary import EventKind
from tests.factories import make_user


@pytest.fixture
def trio(session):
    owner, ed, vi = (make_user(session, n) for n in ("olga", "edgar", "vivian"))
    draft = drafts.create_draft(session=session, owner_id=owner.id, title="  The Lighthouse  ")
    session.commit()
    return draft, owner, ed, vi


@pytest.fixture
def seen():
    got: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(got.append)
    yield got
    unsubscribe()


def test_create_draft_makes_the_creator_its_owner(session, trio):
    draft, owner, *_ = trio
    assert draft.title == "The Lighthouse"
    assert drafts.get_role(session=session, draft_id=draft.id, user_id=owner.id) == "owner"


def test_create_draft_needs_a_title_and_an_existing_challenge(session):
    owner = make_user(session, "someone")
    with pytest.raises(ValidationError, match="Title is required"):
        drafts.create_draft(session=session, owner_id=owner.id, title="   ")
    with pytest.raises(NotFound, match="challenge"):
        drafts.create_draft(session=session, owner_id=owner.id, title="x", challenge_id=999)


def test_invite_adds_the_member_and_notifies_them(session, trio, seen):
    draft, owner, ed, _ = trio
    drafts.invite(
        session=session, actor_id=owner.id, draft_id=draft.id, username="EDGAR", role="editor"
    )
    session.commit()
    assert drafts.get_role(session=session, draft_id=draft.id, user_id=ed.id) == "editor"
    note = session.exec(select(Notification).where(Notification.user_id == ed.id)).one()
    assert note.kind == "draft.invited"
    assert note.link == f"/drafts/{draft.id}"
    assert "The Lighthouse" in note.message and "write" in note.message
    assert [
        (e.room, e.kind, e.data["role"]) for e in seen if e.kind == EventKind.DRAFT_MEMBER_CHANGED
    ] == [(f"draft-{draft.id}", EventKind.DRAFT_MEMBER_CHANGED, "editor")]


def test_only_the_owner_invites_with_a_valid_role_and_username(session, trio):
    draft, owner, ed, _vi = trio
    drafts.invite(
        session=session, actor_id=owner.id, draft_id=draft.id, username="edgar", role="editor"
    )
    with pytest.raises(PermissionDenied, match="owner"):
        drafts.invite(
            session=session, actor_id=ed.id, draft_id=draft.id, username="vivian", role="viewer"
        )
    with pytest.raises(ValidationError, match="role"):
        drafts.invite(
            session=session, actor_id=owner.id, draft_id=draft.id, username="vivian", role="owner"
        )
    with pytest.raises(NotFound, match="nobody-here"):
        drafts.invite(session=session, actor_id=owner.id, draft_id=draft.id, username="nobody-here")
    with pytest.raises(ValidationError, match="already a member"):
        drafts.invite(session=session, actor_id=owner.id, draft_id=draft.id, username="edgar")
    with pytest.raises(NotFound, match="draft"):
        drafts.invite(session=session, actor_id=owner.id, draft_id=12345, username="vivian")


def test_set_role_and_remove_member_publish_what_changed(session, trio, seen):
    draft, owner, ed, _vi = trio
    drafts.invite(session=session, actor_id=owner.id, draft_id=draft.id, username="edgar")
    session.commit()
    seen.clear()
    drafts.set_role(
        session=session, actor_id=owner.id, draft_id=draft.id, user_id=ed.id, role="viewer"
    )
    session.commit()
    drafts.remove_member(session=session, actor_id=owner.id, draft_id=draft.id, user_id=ed.id)
    session.commit()
    changes = [(e.data["user_id"], e.data["old_role"], e.data["role"]) for e in seen]
    assert changes == [(ed.id, "editor", "viewer"), (ed.id, "viewer", None)]
    assert drafts.get_role(session=session, draft_id=draft.id, user_id=ed.id) is None


def test_members_cannot_manage_members(session, trio):
    draft, owner, ed, vi = trio
    drafts.invite(session=session, actor_id=owner.id, draft_id=draft.id, username="edgar")
    drafts.invite(
        session=session, actor_id=owner.id, draft_id=draft.id, username="vivian", role="viewer"
    )
    with pytest.raises(PermissionDenied):
        drafts.set_role(
            session=session, actor_id=ed.id, draft_id=draft.id, user_id=vi.id, role="editor"
        )
    with pytest.raises(PermissionDenied):
        drafts.remove_member(session=session, actor_id=ed.id, draft_id=draft.id, user_id=vi.id)
    with pytest.raises(ValidationError):
        drafts.remove_member(
            session=session, actor_id=owner.id, draft_id=draft.id, user_id=owner.id
        )
    with pytest.raises(ValidationError):
        drafts.set_role(
            session=session, actor_id=owner.id, draft_id=draft.id, user_id=owner.id, role="viewer"
        )


def test_ownership_can_be_handed_over(session, trio):
    draft, owner, ed, _ = trio
    drafts.invite(session=session, actor_id=owner.id, draft_id=draft.id, username="edgar")
    drafts.set_role(
        session=session, actor_id=owner.id, draft_id=draft.id, user_id=ed.id, role="owner"
    )
    assert drafts.get_role(session=session, draft_id=draft.id, user_id=ed.id) == "owner"
    assert drafts.get_role(session=session, draft_id=draft.id, user_id=owner.id) == "editor"
    assert drafts.get_draft(session=session, draft_id=draft.id).owner_id == ed.id


def test_an_owner_leaving_hands_ownership_to_the_longest_standing_editor(session, trio):
    draft, owner, ed, _vi = trio
    late = make_user(session, "latecomer")
    drafts.invite(
        session=session, actor_id=owner.id, draft_id=draft.id, username="vivian", role="viewer"
    )
    drafts.invite(session=session, actor_id=owner.id, draft_id=draft.id, username="edgar")
    drafts.invite(session=session, actor_id=owner.id, draft_id=draft.id, username="latecomer")
    assert drafts.leave_draft(session=session, user_id=owner.id, draft_id=draft.id) == ed.id
    assert drafts.get_role(session=session, draft_id=draft.id, user_id=ed.id) == "owner"
    assert drafts.get_role(session=session, draft_id=draft.id, user_id=late.id) == "editor"
    assert drafts.get_role(session=session, draft_id=draft.id, user_id=owner.id) is None


def test_without_editors_a_viewer_inherits_and_the_last_member_may_leave(session, trio):
    draft, owner, _, vi = trio
    drafts.invite(
        session=session, actor_id=owner.id, draft_id=draft.id, username="vivian", role="viewer"
    )
    assert drafts.leave_draft(session=session, user_id=owner.id, draft_id=draft.id) == vi.id
    assert drafts.leave_draft(session=session, user_id=vi.id, draft_id=draft.id) is None
    session.commit()
    assert drafts.list_my_drafts(session=session, user_id=vi.id) == []
    with pytest.raises(NotFound):
        drafts.leave_draft(session=session, user_id=vi.id, draft_id=draft.id)


def test_list_my_drafts_shows_role_and_member_count(session, trio):
    draft, owner, ed, vi = trio
    other = drafts.create_draft(session=session, owner_id=ed.id, title="Edgar's own")
    drafts.invite(session=session, actor_id=owner.id, draft_id=draft.id, username="edgar")
    session.commit()
    mine = drafts.list_my_drafts(session=session, user_id=ed.id)
    assert {(d.id, d.role, d.member_count) for d in mine} == {
        (draft.id, "editor", 2),
        (other.id, "owner", 1),
    }
    assert drafts.list_my_drafts(session=session, user_id=vi.id) == []


def test_only_members_open_and_only_editors_edit(session, trio):
    draft, owner, ed, vi = trio
    drafts.invite(
        session=session, actor_id=owner.id, draft_id=draft.id, username="vivian", role="viewer"
    )
    assert drafts.require_member(session=session, draft_id=draft.id, user_id=vi.id) == "viewer"
    with pytest.raises(PermissionDenied, match="read this draft but not change it"):
        drafts.require_editor(session=session, draft_id=draft.id, user_id=vi.id)
    with pytest.raises(PermissionDenied, match="Only members"):
        drafts.require_member(session=session, draft_id=draft.id, user_id=ed.id)
    members = drafts.list_members(session=session, draft_id=draft.id, actor_id=vi.id)
    assert [(m.username, m.role) for m in members] == [("olga", "owner"), ("vivian", "viewer")]


def test_a_draft_can_only_answer_an_open_challenge_its_owner_can_see(session):
    from hitrec_app.models import Challenge

    host = make_user(session, "hosty", role="host")
    writer = make_user(session, "writer")
    hidden = Challenge(host_id=host.id, title="Secret", state="draft")
    closed = Challenge(host_id=host.id, title="Done", state="closed")
    open_ = Challenge(host_id=host.id, title="Open", state="open")
    session.add_all([hidden, closed, open_])
    session.commit()
    # Another host's unpublished challenge looks exactly like a missing one.
    with pytest.raises(NotFound, match="does not exist"):
        drafts.create_draft(session=session, owner_id=writer.id, title="x", challenge_id=hidden.id)
    with pytest.raises(ValidationError, match="not open"):
        drafts.create_draft(session=session, owner_id=writer.id, title="x", challenge_id=closed.id)
    ok = drafts.create_draft(session=session, owner_id=writer.id, title="x", challenge_id=open_.id)
    assert ok.challenge_id == open_.id
