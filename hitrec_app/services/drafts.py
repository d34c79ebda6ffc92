"""Drafts and their members: who may open, edit and manage a co-edited story.

Only members open a draft; owners and editors change it; the owner manages members.
Every membership change publishes `EventKind.DRAFT_MEMBER_CHANGED` on the draft's room; the
co-editing server subscribes and closes the affected user's open editor connections,
so a removed or demoted writer cannot keep typing on an old connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from hitrec_app import routes
from hitrec_app.models import Draft, DraftCollaborator, User
from hitrec_app.services import accounts, challenges, events, notifications
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from hitrec_app.services.validation import clean_text
from hitrec_app.vocabulary import DRAFT_ROLES, EDIT_ROLES, INVITABLE_ROLES, EventKind, draft_room

INVITED = notifications.register_kind("draft.invited", "Draft invitation")


def can_edit(role: str | None) -> bool:
    return role in EDIT_ROLES


@dataclass(frozen=True)
class DraftSummary:
    id: int
    title: str
    role: str
    owner_id: int
    challenge_id: int | None
    member_count: int
    created_at: datetime


@dataclass(frozen=True)
class Member:
    user_id: int
    username: str
    display_name: str
    role: str
    since: datetime


def get_draft(*, session: Session, draft_id: int, lock: bool = False) -> Draft:
    """The draft; with `lock`, its row stays locked until the transaction ends (PostgreSQL)."""
    draft = session.get(Draft, draft_id, with_for_update=lock or None, populate_existing=lock)
    if draft is None:
        raise NotFound("That draft does not exist (it may have been deleted).")
    return draft


def _membership(*, session: Session, draft_id: int, user_id: int) -> DraftCollaborator | None:
    return session.exec(
        select(DraftCollaborator).where(
            DraftCollaborator.draft_id == draft_id, DraftCollaborator.user_id == user_id
        )
    ).first()


def get_role(*, session: Session, draft_id: int, user_id: int) -> str | None:
    """The user's current role in the draft ("owner", "editor", "viewer"), or None."""
    row = _membership(session=session, draft_id=draft_id, user_id=user_id)
    return row.role if row else None


def require_member(*, session: Session, draft_id: int, user_id: int) -> str:
    get_draft(session=session, draft_id=draft_id)
    role = get_role(session=session, draft_id=draft_id, user_id=user_id)
    if role is None:
        raise PermissionDenied("Only members of this draft can open it.")
    return role


def require_editor(*, session: Session, draft_id: int, user_id: int) -> str:
    role = require_member(session=session, draft_id=draft_id, user_id=user_id)
    if not can_edit(role):
        raise PermissionDenied("You can read this draft but not change it.")
    return role


def _require_owner(*, session: Session, draft_id: int, actor_id: int) -> Draft:
    # The draft row is locked first (PostgreSQL; SQLite writes one at a time anyway), so two
    # hand-overs at once run one after the other and the second sees it is no longer owner.
    draft = get_draft(session=session, draft_id=draft_id, lock=True)
    if get_role(session=session, draft_id=draft_id, user_id=actor_id) != "owner":
        raise PermissionDenied("Only the draft's owner can manage its members.")
    return draft


def _managed_member(
    session: Session, draft_id: int, actor_id: int, user_id: int, *, if_self: str
) -> tuple[Draft, DraftCollaborator]:
    """The draft and another member's membership, when the actor owns the draft; an owner
    managing themselves is refused with `if_self`."""
    draft = _require_owner(session=session, draft_id=draft_id, actor_id=actor_id)
    if user_id == actor_id:
        raise ValidationError(if_self)
    row = _membership(session=session, draft_id=draft_id, user_id=user_id)
    if row is None:
        raise NotFound("That person is not a member of this draft.")
    return draft, row


def _clean_role(role: str) -> str:
    if role not in INVITABLE_ROLES:
        raise ValidationError("Choose a role: editor (can write) or viewer (can read).")
    return role


def _changed(
    session: Session, draft_id: int, user_id: int, old: str | None, new: str | None
) -> None:
    events.publish(
        session,
        draft_room(draft_id),
        EventKind.DRAFT_MEMBER_CHANGED,
        {"draft_id": draft_id, "user_id": user_id, "old_role": old, "role": new},
    )


def create_draft(
    *, session: Session, owner_id: int, title: str, challenge_id: int | None = None
) -> Draft:
    if session.get(User, owner_id) is None:
        raise NotFound("That account no longer exists.")
    clean_title = clean_text(title, field="Title", max_len=200, required=True)
    if challenge_id is not None:
        # Same visibility as everywhere else: another host's unpublished challenge
        # "does not exist", and only an open challenge takes new work.
        challenge = challenges.get_challenge(
            session=session, challenge_id=challenge_id, viewer=session.get(User, owner_id)
        )
        if challenge.state != "open":
            raise ValidationError("That challenge is not open; pick an open one or none.")
    draft = Draft(title=clean_title, owner_id=owner_id, challenge_id=challenge_id)
    session.add(draft)
    session.flush()
    assert draft.id is not None
    session.add(DraftCollaborator(draft_id=draft.id, user_id=owner_id, role="owner"))
    session.flush()
    return draft


def invite(
    *, session: Session, actor_id: int, draft_id: int, username: str, role: str = "editor"
) -> DraftCollaborator:
    """Add a member by username and notify them."""
    draft = _require_owner(session=session, draft_id=draft_id, actor_id=actor_id)
    role = _clean_role(role)
    key = (username or "").strip().lower()
    if not key:
        raise ValidationError("Enter the username of the person to invite.")
    invitee = accounts.get_user_by_username(session=session, username=key)
    if invitee is None or invitee.id is None:
        raise NotFound(f"Nobody is called '{username.strip()}' here; check the username.")
    if invitee.id == actor_id:
        raise ValidationError("You are already the owner of this draft.")
    if _membership(session=session, draft_id=draft_id, user_id=invitee.id) is not None:
        raise ValidationError(f"{invitee.display_name} is already a member of this draft.")
    row = DraftCollaborator(draft_id=draft_id, user_id=invitee.id, role=role)
    session.add(row)
    actor = session.get(User, actor_id)
    who = actor.display_name if actor else "Someone"
    verb = "write" if role == "editor" else "read"
    # Through the notifications service so the invitee's unread count updates live.
    notifications.notify(
        session=session,
        user_id=invitee.id,
        kind=INVITED,
        message=f"{who} invited you to {verb} the draft “{draft.title}”.",
        link=routes.draft_url(draft_id),
    )
    _changed(session, draft_id, invitee.id, None, role)
    return row


def set_role(
    *, session: Session, actor_id: int, draft_id: int, user_id: int, role: str
) -> DraftCollaborator:
    """Change a member's role; role "owner" hands ownership over (the old owner becomes an editor)."""
    draft, row = _managed_member(
        session,
        draft_id,
        actor_id,
        user_id,
        if_self="You cannot change your own role; hand ownership to someone first.",
    )
    old = row.role
    if role == "owner":
        me = _membership(session=session, draft_id=draft_id, user_id=actor_id)
        assert me is not None
        me.role = "editor"
        draft.owner_id = user_id
        session.add_all([me, draft])
        _changed(session, draft_id, actor_id, "owner", "editor")
    else:
        role = _clean_role(role)
    if old == role:
        return row
    row.role = role
    session.add(row)
    session.flush()
    _changed(session, draft_id, user_id, old, role)
    return row


def remove_member(*, session: Session, actor_id: int, draft_id: int, user_id: int) -> None:
    """Remove a member; their open editor connections close at once. Their authorship stays."""
    _, row = _managed_member(
        session, draft_id, actor_id, user_id, if_self="To leave your own draft, use “Leave draft”."
    )
    old = row.role
    session.delete(row)
    session.flush()
    _changed(session, draft_id, user_id, old, None)


def leave_draft(*, session: Session, user_id: int, draft_id: int) -> int | None:
    """Leave a draft. An owner hands ownership to the longest-standing editor, else viewer.

    Returns the new owner's id when ownership moved. The last member may leave too.
    """
    draft = get_draft(session=session, draft_id=draft_id)
    row = _membership(session=session, draft_id=draft_id, user_id=user_id)
    if row is None:
        raise NotFound("You are not a member of this draft.")
    new_owner: int | None = None
    if row.role == "owner":
        others = session.exec(
            select(DraftCollaborator)
            .where(DraftCollaborator.draft_id == draft_id, DraftCollaborator.user_id != user_id)
            .order_by(col(DraftCollaborator.created_at), col(DraftCollaborator.id))
        ).all()
        heir = next((m for m in others if m.role == "editor"), None) or next(
            (m for m in others if m.role == "viewer"), None
        )
        if heir is not None:
            old_heir_role = heir.role
            heir.role = "owner"
            draft.owner_id = heir.user_id
            session.add_all([heir, draft])
            new_owner = heir.user_id
            _changed(session, draft_id, heir.user_id, old_heir_role, "owner")
    session.delete(row)
    session.flush()
    _changed(session, draft_id, user_id, row.role, None)
    return new_owner


def list_members(*, session: Session, draft_id: int, actor_id: int) -> list[Member]:
    require_member(session=session, draft_id=draft_id, user_id=actor_id)
    rows = session.exec(
        select(DraftCollaborator, User)
        .join(User, col(User.id) == DraftCollaborator.user_id)
        .where(DraftCollaborator.draft_id == draft_id)
        .order_by(col(DraftCollaborator.created_at), col(DraftCollaborator.id))
    ).all()
    rank = {role: i for i, role in enumerate(DRAFT_ROLES)}
    members = [Member(u.id or 0, u.username, u.display_name, c.role, c.created_at) for c, u in rows]
    return sorted(members, key=lambda m: rank.get(m.role, 3))


def list_my_drafts(*, session: Session, user_id: int) -> list[DraftSummary]:
    counts = (
        select(DraftCollaborator.draft_id, func.count().label("n"))
        .group_by(col(DraftCollaborator.draft_id))
        .subquery()
    )
    rows = session.exec(
        select(Draft, DraftCollaborator.role, counts.c.n)
        .join(DraftCollaborator, col(DraftCollaborator.draft_id) == Draft.id)
        .join(counts, counts.c.draft_id == Draft.id)
        .where(DraftCollaborator.user_id == user_id)
        .order_by(col(Draft.created_at).desc(), col(Draft.id).desc())
    ).all()
    return [
        DraftSummary(
            id=d.id or 0,
            title=d.title,
            role=role,
            owner_id=d.owner_id,
            challenge_id=d.challenge_id,
            member_count=n,
            created_at=d.created_at,
        )
        for d, role, n in rows
    ]
