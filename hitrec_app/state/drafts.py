"""Drafts: the list of my drafts and one draft's page (editor, members, authors, history).

Every handler resolves the signed-in user on the server and the user's current role in
the draft; the only id taken from the browser is the route's draft id, which is
re-checked each time. Member ids and snapshot ids that handlers receive go through
`state/args.py` and are checked by the services against this draft.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import reflex as rx

from hitrec_app import collab, routes
from hitrec_app.collab.colors import author_color
from hitrec_app.db import Session, session_scope
from hitrec_app.models import User
from hitrec_app.services import accounts, challenges, draft_publishing, drafts
from hitrec_app.services.errors import NotFound, PermissionDenied, ServiceError, ValidationError
from hitrec_app.state.args import MAX_FORM_VALUE, as_form, as_id, as_text, param_id
from hitrec_app.state.base import AuthState, signed_in_page
from hitrec_app.state.display import fmt_time
from hitrec_app.state.rows import TitledRow, fields_of
from hitrec_app.vocabulary import EDIT_ROLES

UNKNOWN_COLOR = "#8b8d98"  # text from before attribution existed
UNKNOWN_AUTHOR = "Unknown author"
INVITE_FIELD = "field-username"
SNAPSHOT_FIELD = "snapshot-name"

NO_DRAFT = "That draft does not exist."
OWNER_ONLY = "Only the draft's owner can manage its members."
CHOOSE_MEMBER = "Choose a member of this draft."
CHOOSE_VERSION = "Choose a version from the list."
CHOOSE_CHALLENGE = "Choose a challenge from the list."


# --- view rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftRow:
    """One of my drafts on `/drafts`."""

    id: int
    title: str
    role: str
    members: str  # "3 members"
    challenge: str  # the challenge's title, or ''
    created: str


@dataclass(frozen=True)
class MemberRow(drafts.Member):
    color: str  # their colour in the editor and the authors view
    is_me: bool


@dataclass(frozen=True)
class AuthorRunRow:
    """A stretch of the text written by one author."""

    text: str
    color: str
    name: str


@dataclass(frozen=True)
class AuthorShareRow:
    name: str
    color: str
    chars: int
    share: str  # "42.0%"


@dataclass(frozen=True)
class SnapshotRow:
    id: int
    label: str
    kind: str
    when: str
    by: str  # who took it, or '' for automatic ones


@dataclass(frozen=True)
class DiffRow:
    kind: Literal["add", "del", "same"]
    text: str


# --- helpers -----------------------------------------------------------------------------------


def _color(user_id: int) -> str:
    return author_color(user_id) if user_id > 0 else UNKNOWN_COLOR


def _pct(part: int, total: int) -> str:
    return f"{100 * part / total:.1f}%" if total else "0%"


def _saved(row_id: int | None) -> int:
    """The id of a row that is in the database (SQLModel types every id as optional)."""
    assert row_id is not None
    return row_id


def _form_text(form: dict[str, str | bool], name: str) -> str:
    return as_text(form.get(name), max_len=MAX_FORM_VALUE).strip()


T = TypeVar("T")
Need = Literal["member", "editor", "owner"]


@dataclass(frozen=True)
class Access:
    """Who acts on which draft, as checked on the server."""

    user_id: int
    draft_id: int
    role: str


def _access(session: Session, draft_id: int | None, user: User, need: Need = "member") -> Access:
    """The user's access to the draft, or raise: members read, editors write, owners manage."""
    if draft_id is None:
        raise NotFound(NO_DRAFT)
    user_id = _saved(user.id)
    if need == "editor":
        role = drafts.require_editor(session=session, draft_id=draft_id, user_id=user_id)
    else:
        role = drafts.require_member(session=session, draft_id=draft_id, user_id=user_id)
    if need == "owner" and role != "owner":
        raise PermissionDenied(OWNER_ONLY)
    return Access(user_id, draft_id, role)


def _in_draft(
    draft_id: int | None, need: Need, change: Callable[[Session, Access], object]
) -> Callable[[Session, User], Access]:
    """A `_write` action: `change(session, access)` once the user's access to the draft
    is checked (in the same transaction); it gives the access for the reload after."""

    def action(session: Session, user: User) -> Access:
        me = _access(session, draft_id, user, need)
        change(session, me)
        return me

    return action


# --- /drafts -----------------------------------------------------------------------------------


class DraftsListState(AuthState):
    """`/drafts`: my drafts, and a form to start one (optionally for a challenge)."""

    my_drafts: rx.Field[list[DraftRow]] = rx.field(default_factory=list)
    challenge_options: rx.Field[list[TitledRow]] = rx.field(default_factory=list)
    error: str = ""

    @rx.event
    @signed_in_page()
    def load(self, user: User) -> None:
        self.error = ""
        with session_scope() as session:
            rows = drafts.list_my_drafts(session=session, user_id=_saved(user.id))
            board = challenges.board(session=session, closed_limit=0)
        titles = {c.id: c.title for c in board}
        self.my_drafts = [
            DraftRow(
                id=d.id,
                title=d.title,
                role=d.role,
                members=f"{d.member_count} member{'s' if d.member_count != 1 else ''}",
                challenge=titles.get(d.challenge_id or 0, ""),
                created=fmt_time(d.created_at),
            )
            for d in rows
        ]
        self.challenge_options = [
            TitledRow(id=c.id, title=c.title) for c in board if c.state == "open"
        ]

    @rx.event
    def create(self, form_data: dict[str, Any]):
        form = as_form(form_data)
        raw_challenge = _form_text(form, "challenge_id")
        challenge_id = None if raw_challenge in ("", "none") else as_id(raw_challenge)
        if raw_challenge not in ("", "none") and challenge_id is None:
            self.error = CHOOSE_CHALLENGE
            return None
        done = self._write(
            lambda session, user: (
                drafts.create_draft(
                    session=session,
                    owner_id=_saved(user.id),
                    title=as_text(form.get("title"), max_len=MAX_FORM_VALUE),
                    challenge_id=challenge_id,
                ).id
            )
        )
        return rx.redirect(routes.draft_url(_saved(done.value))) if done else None


# --- /drafts/[draft] ---------------------------------------------------------------------------


class DraftState(AuthState):
    """`/drafts/[draft]`: one draft. Only members see anything beyond a refusal."""

    # What the page shows.
    found: bool = False
    denied: str = ""
    error: str = ""
    message: str = ""
    title: str = ""
    challenge_title: str = ""
    my_role: str = ""
    my_user_id: int = 0
    my_color: str = ""
    members: rx.Field[list[MemberRow]] = rx.field(default_factory=list)

    # The editor: the draft it is bound to and the first connection's token.
    editor_draft_id: int = 0
    collab_token: str = ""

    # Authors view.
    author_runs: rx.Field[list[AuthorRunRow]] = rx.field(default_factory=list)
    author_shares: rx.Field[list[AuthorShareRow]] = rx.field(default_factory=list)
    authors_total: int = 0

    # History.
    snapshots: rx.Field[list[SnapshotRow]] = rx.field(default_factory=list)
    viewing_snapshot_id: int = 0
    viewing_label: str = ""
    viewing_text: str = ""
    diff_lines: rx.Field[list[DiffRow]] = rx.field(default_factory=list)

    # Publish.
    published_url: str = ""

    @rx.var
    def is_owner(self) -> bool:
        return self.my_role == "owner"

    @rx.var
    def can_edit(self) -> bool:
        return self.my_role in EDIT_ROLES

    # -- access -------------------------------------------------------------------
    def _draft_id(self) -> int | None:
        return param_id(self, "draft")

    def _read(self, read: Callable[[Session, Access], T], need: Need = "member") -> T | None:
        """`_write` for reads: `read(session, access)` as the signed-in member of the
        route's draft. A refusal (not signed in, not a member, no such version) goes to
        `error` and gives None."""
        try:
            user = self._require_user()
            with session_scope() as session:
                return read(session, _access(session, self._draft_id(), user, need))
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return None

    async def _live_edit(self, change: Callable[[Access], Awaitable[object]]) -> Access | None:
        """An editor changes the live document through its room (which runs its own
        transactions): `_write` for the co-editing actions. A refusal goes to `error`."""
        self.error = self.message = ""
        access = self._read(lambda _, me: me, "editor")
        if access is None:
            return None
        try:
            await change(access)
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return None
        return access

    def _clear(self) -> None:
        self.found = False
        self.denied = self.error = self.message = ""
        self.title = self.challenge_title = self.my_role = self.my_color = ""
        self.my_user_id = 0
        self.members = []
        self.editor_draft_id = 0
        self.collab_token = ""
        self.author_runs = []
        self.author_shares = []
        self.authors_total = 0
        self.snapshots = []
        self._close_snapshot()
        self.published_url = ""

    def _close_snapshot(self) -> None:
        self.viewing_snapshot_id = 0
        self.viewing_label = self.viewing_text = ""
        self.diff_lines = []

    def _load_members(self, draft_id: int, user_id: int) -> None:
        with session_scope() as session:
            rows = drafts.list_members(session=session, draft_id=draft_id, actor_id=user_id)
        self.members = [
            MemberRow(**fields_of(m), color=author_color(m.user_id), is_me=m.user_id == user_id)
            for m in rows
        ]

    def _refresh_role(self, draft_id: int, user_id: int) -> str | None:
        with session_scope() as session:
            role = drafts.get_role(session=session, draft_id=draft_id, user_id=user_id)
        self.my_role = role or ""
        return role

    # -- loading ------------------------------------------------------------------
    @rx.event
    @signed_in_page()
    def load(self, user: User) -> None:
        self._clear()
        user_id = _saved(user.id)
        try:
            with session_scope() as session:
                access = _access(session, self._draft_id(), user)
                draft = drafts.get_draft(session=session, draft_id=access.draft_id)
                challenge_title = ""
                if draft.challenge_id is not None:
                    challenge_title = challenges.get_challenge(
                        session=session, challenge_id=draft.challenge_id, viewer=user
                    ).title
                title = draft.title
                published = draft.published_record_id
        except ServiceError as err:
            self.denied = str(err)
            return
        self.found = True
        self.title = title
        self.challenge_title = challenge_title
        self.my_role = access.role
        self.my_user_id = user_id
        self.my_color = author_color(user_id)
        self.published_url = routes.record_url(published) if published else ""
        self._load_members(access.draft_id, user_id)
        with session_scope() as session:
            live = accounts.session_for_token(session=session, token=self.session_token)
        # The token is tied to this browser session: signing out makes it worthless.
        self.collab_token = (
            collab.issue_token(user_id, access.draft_id, live.id)
            if live is not None and live.id is not None
            else ""
        )
        self.editor_draft_id = access.draft_id
        self._load_snapshots(access.draft_id)

    @rx.event
    def access_changed(self) -> None:
        """The editor was refused or told the role changed: re-read where the user stands."""
        user = self._current_user()
        draft_id = self._draft_id()
        if user is None or draft_id is None:
            self._clear()
            return
        user_id = _saved(user.id)
        role = self._refresh_role(draft_id, user_id)
        if role is None:
            self.found = False
            self.denied = "You are no longer a member of this draft."
            self.editor_draft_id = 0
            self.collab_token = ""
        else:
            self.message = f"Your role in this draft is now {role}."
            self._load_members(draft_id, user_id)

    # -- members (owner) ----------------------------------------------------------
    def _manage(self, service: Callable[..., object], *, done: str, **args: Any) -> bool:
        """The owner changes the members: `service(session=, actor_id=, draft_id=, **args)`
        (which checks the role and the member); then the members as they are now, and my
        own role, which a hand-over changes too."""
        changed = self._write(
            _in_draft(
                self._draft_id(),
                "owner",
                lambda session, me: service(
                    session=session, actor_id=me.user_id, draft_id=me.draft_id, **args
                ),
            ),
            done=done,
        )
        if changed is None:
            return False
        me = changed.value
        self._refresh_role(me.draft_id, me.user_id)
        self._load_members(me.draft_id, me.user_id)
        return True

    @rx.event
    def invite(self, form_data: dict[str, Any]):
        form = as_form(form_data)
        username = _form_text(form, "username")
        role = as_text(form.get("role", "editor"))
        if not self._manage(
            drafts.invite, done=f"Invited {username} as {role}.", username=username, role=role
        ):
            return None  # a refused name stays in the field to be corrected
        return rx.set_value(INVITE_FIELD, "")

    @rx.event
    def change_role(self, member_id: int, role: str) -> None:
        target, new_role = as_id(member_id), as_text(role)
        if target is None:
            self.error = CHOOSE_MEMBER
            return
        self._manage(
            drafts.set_role,
            done=f"{self._member_name(target)} is now {new_role}.",
            user_id=target,
            role=new_role,
        )

    @rx.event
    def remove_member(self, member_id: int) -> None:
        target = as_id(member_id)
        if target is None:
            self.error = CHOOSE_MEMBER
            return
        self._manage(
            drafts.remove_member,
            done=f"Removed {self._member_name(target)} from the draft. "
            "Their authorship credit stays.",
            user_id=target,
        )

    def _member_name(self, user_id: int) -> str:
        return next((m.display_name for m in self.members if m.user_id == user_id), "That member")

    @rx.event
    def leave(self):
        left = self._write(
            _in_draft(
                self._draft_id(),
                "member",
                lambda session, me: drafts.leave_draft(
                    session=session, user_id=me.user_id, draft_id=me.draft_id
                ),
            )
        )
        if left is None:
            return None
        self._clear()
        return rx.redirect(routes.DRAFTS)

    # -- authors ------------------------------------------------------------------
    @rx.event
    async def load_authors(self) -> None:
        self.error = ""

        def authors(
            session: Session, me: Access
        ) -> tuple[list[tuple[int, str]], dict[int, int], dict[int, str]]:
            # Async handlers run on the server's loop: these read the live room's copy.
            runs = collab.authored_runs(me.draft_id, session=session)
            shares = collab.authorship_shares(me.draft_id, session=session)
            names = draft_publishing.display_names(
                session=session, user_ids={a for a, _ in runs} | set(shares)
            )
            return runs, shares, names

        found = self._read(authors)
        if found is None:
            return
        runs, shares, names = found
        total = sum(shares.values())
        self.authors_total = total
        self.author_runs = [
            AuthorRunRow(text=text, color=_color(author), name=names.get(author, UNKNOWN_AUTHOR))
            for author, text in runs
        ]
        self.author_shares = [
            AuthorShareRow(
                name=names.get(author, UNKNOWN_AUTHOR),
                color=_color(author),
                chars=count,
                share=_pct(count, total),
            )
            for author, count in sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    # -- history ------------------------------------------------------------------
    def _load_snapshots(self, draft_id: int) -> None:
        with session_scope() as session:
            rows = collab.list_snapshots(draft_id, session=session)
            names = draft_publishing.display_names(
                session=session, user_ids={s.created_by_id for s in rows if s.created_by_id}
            )
        self.snapshots = [
            SnapshotRow(
                id=s.id,
                label=s.label,
                kind=s.kind,
                when=fmt_time(s.created_at),
                by=names.get(s.created_by_id or 0, ""),
            )
            for s in rows
        ]

    @rx.event
    async def take_snapshot(self, form_data: dict[str, Any]):
        name = _form_text(as_form(form_data), "name")
        saved = await self._live_edit(
            lambda me: collab.create_named_snapshot(me.draft_id, name, me.user_id)
        )
        if saved is None:
            return None
        self.message = f"Saved the version “{name}”."
        self._load_snapshots(saved.draft_id)
        return rx.set_value(SNAPSHOT_FIELD, "")

    @rx.event
    async def view_snapshot(self, snapshot_id: int) -> None:
        self.error = ""
        target = as_id(snapshot_id)

        def version(session: Session, me: Access) -> tuple[str, list[collab.DiffLine]]:
            if target is None:
                raise ValidationError(CHOOSE_VERSION)
            return (
                collab.snapshot_text(me.draft_id, target, session=session),
                collab.diff_with_current(me.draft_id, target, session=session),
            )

        found = self._read(version)
        if found is None or target is None:
            return
        text, diff = found
        self.viewing_snapshot_id = target
        label = next((s.label for s in self.snapshots if s.id == target), "")
        self.viewing_label = label or "Earlier version"
        self.viewing_text = text
        self.diff_lines = [
            DiffRow(kind="add" if d.op == "+" else "del" if d.op == "-" else "same", text=d.text)
            for d in diff
        ]

    @rx.event
    def close_snapshot(self) -> None:
        self._close_snapshot()

    @rx.event
    async def restore_snapshot(self, snapshot_id: int) -> None:
        target = as_id(snapshot_id)

        async def restore(me: Access) -> None:
            if target is None:
                raise ValidationError(CHOOSE_VERSION)
            await collab.restore_snapshot(me.draft_id, target, me.user_id)

        restored = await self._live_edit(restore)
        if restored is None:
            return
        self.message = (
            f"Restored “{self.viewing_label or 'that version'}” as a new edit; "
            "the text before it is still in the history."
        )
        self._close_snapshot()
        self._load_snapshots(restored.draft_id)

    # -- publish ------------------------------------------------------------------
    @rx.event
    async def publish(self) -> None:
        draft_id = self._draft_id()

        def publish(session: Session, user: User) -> str:
            me = _access(session, draft_id, user, "editor")
            final = collab.publish_text(me.draft_id, session=session)
            record = draft_publishing.publish_draft(
                session=session,
                draft_id=me.draft_id,
                actor_id=me.user_id,
                text=final.text,
                shares_bps=final.shares_bps,
            )
            return routes.record_url(_saved(record.id))

        published = self._write(
            publish,
            done="Published as a text record, credited to every author with their share.",
        )
        if published is not None:
            self.published_url = published.value
