"""Drafts: the list of my drafts and one draft's page (editor, members, authors, history).

Every handler resolves the signed-in user on the server (`_require_user`) and the user's
current role in the draft; the only id taken from the browser is the route's draft id,
which is re-checked each time. Member ids and snapshot ids that handlers receive are
checked by the services against this draft.
"""

from __future__ import annotations

import reflex as rx

from hitrec_app import collab, routes
from hitrec_app.collab.colors import author_color
from hitrec_app.db import session_scope
from hitrec_app.services import accounts, challenges, draft_publishing, drafts
from hitrec_app.services.errors import ServiceError
from hitrec_app.state.base import AuthState

UNKNOWN_COLOR = "#8b8d98"  # text from before attribution existed


def _color(user_id: int) -> str:
    return author_color(user_id) if user_id > 0 else UNKNOWN_COLOR


def _when(dt) -> str:  # noqa: ANN001
    return dt.strftime("%d %b %Y, %H:%M UTC") if dt else ""


def _pct(part: int, total: int) -> str:
    return f"{100 * part / total:.1f}%" if total else "0%"


def _parse_id(raw: object) -> int | None:
    text = str(raw or "").strip()
    if not text.isdigit() or len(text) > 18:
        return None
    value = int(text)
    return value if value > 0 else None


INVITE_FIELD = "field-username"
SNAPSHOT_FIELD = "snapshot-name"


class DraftsListState(AuthState):
    """`/drafts`: my drafts, and a form to start one (optionally for a challenge)."""

    my_drafts: list[dict[str, str]] = []
    challenge_options: list[dict[str, str]] = []
    error: str = ""

    def _load(self, user_id: int) -> None:
        with session_scope() as session:
            rows = drafts.list_my_drafts(session=session, user_id=user_id)
            board = challenges.board(session=session, closed_limit=0)
        titles = {c.id: c.title for c in board}
        self.my_drafts = [
            {
                "id": str(d.id),
                "title": d.title,
                "role": d.role,
                "members": f"{d.member_count} member{'s' if d.member_count != 1 else ''}",
                "challenge": titles.get(d.challenge_id or 0, ""),
                "url": routes.draft_url(d.id),
                "created": _when(d.created_at),
            }
            for d in rows
        ]
        self.challenge_options = [
            {"id": str(c.id), "title": c.title} for c in board if c.state == "open"
        ]

    @rx.event
    def load(self):
        self.error = ""
        user = self._current_user()
        self._show(user)
        if user is None:
            return rx.redirect(routes.sign_in_url(self.router.url.path))
        self._load(user.id)
        return None

    @rx.event
    def create(self, form_data: dict):
        self.error = ""
        try:
            user = self._require_user()
            raw_challenge = str(form_data.get("challenge_id", "") or "").strip()
            challenge_id = None
            if raw_challenge not in ("", "none"):
                challenge_id = _parse_id(raw_challenge)
                if challenge_id is None:
                    raise ServiceError("Choose a challenge from the list.")
            with session_scope(write=True) as session:
                draft = drafts.create_draft(
                    session=session,
                    owner_id=user.id,
                    title=str(form_data.get("title", "")),
                    challenge_id=challenge_id,
                )
                draft_id = draft.id
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return None
        return rx.redirect(routes.draft_url(draft_id))


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
    members: list[dict[str, str]] = []

    # The editor: the draft it is bound to and the first connection's token.
    editor_draft_id: int = 0
    collab_token: str = ""

    # Authors view.
    author_runs: list[dict[str, str]] = []
    author_shares: list[dict[str, str]] = []
    authors_total: int = 0

    # History.
    snapshots: list[dict[str, str]] = []
    viewing_snapshot_id: int = 0
    viewing_label: str = ""
    viewing_text: str = ""
    diff_lines: list[dict[str, str]] = []

    # Publish.
    published_url: str = ""

    @rx.var
    def is_owner(self) -> bool:
        return self.my_role == "owner"

    @rx.var
    def can_edit(self) -> bool:
        return self.my_role in ("owner", "editor")

    # -- access -------------------------------------------------------------------
    def _route_draft_id(self) -> int | None:
        return _parse_id(self.router.page.params.get("draft", ""))

    def _require_member(self, *, edit: bool = False, own: bool = False) -> tuple[int, int, str]:
        """(user id, draft id, role) for the signed-in user and the route's draft, or raise."""
        user = self._require_user()
        draft_id = self._route_draft_id()
        if draft_id is None:
            raise ServiceError("That draft does not exist.")
        with session_scope() as session:
            if own:
                role = drafts.require_member(session=session, draft_id=draft_id, user_id=user.id)
                if role != "owner":
                    raise ServiceError("Only the draft's owner can manage its members.")
            elif edit:
                role = drafts.require_editor(session=session, draft_id=draft_id, user_id=user.id)
            else:
                role = drafts.require_member(session=session, draft_id=draft_id, user_id=user.id)
        return user.id, draft_id, role

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
            {
                "user_id": str(m.user_id),
                "username": m.username,
                "display_name": m.display_name,
                "role": m.role,
                "color": author_color(m.user_id),
                "is_me": "yes" if m.user_id == user_id else "",
            }
            for m in rows
        ]

    def _refresh_role(self, draft_id: int, user_id: int) -> str | None:
        with session_scope() as session:
            role = drafts.get_role(session=session, draft_id=draft_id, user_id=user_id)
        self.my_role = role or ""
        return role

    # -- loading ------------------------------------------------------------------
    @rx.event
    def load(self):
        self._clear()
        user = self._current_user()
        self._show(user)
        if user is None:
            return rx.redirect(routes.sign_in_url(self.router.url.path))
        draft_id = self._route_draft_id()
        try:
            if draft_id is None:
                raise ServiceError("That draft does not exist.")
            with session_scope() as session:
                role = drafts.require_member(session=session, draft_id=draft_id, user_id=user.id)
                draft = drafts.get_draft(session=session, draft_id=draft_id)
                challenge_title = ""
                if draft.challenge_id is not None:
                    challenge_title = challenges.get_challenge(
                        session=session, challenge_id=draft.challenge_id, viewer=user
                    ).title
                title = draft.title
                published = draft.published_record_id
        except ServiceError as err:
            self.denied = str(err)
            return None
        self.found = True
        self.title = title
        self.challenge_title = challenge_title
        self.my_role = role
        self.my_user_id = user.id
        self.my_color = author_color(user.id)
        self.published_url = routes.record_url(published) if published else ""
        self._load_members(draft_id, user.id)
        with session_scope() as session:
            live = accounts.session_for_token(session=session, token=self.session_token)
        # The token is tied to this browser session: signing out makes it worthless.
        self.collab_token = (
            collab.issue_token(user.id, draft_id, live.id)
            if live is not None and live.id is not None
            else ""
        )
        self.editor_draft_id = draft_id
        self._load_snapshots(draft_id)
        return None

    @rx.event
    def access_changed(self):
        """The editor was refused or told the role changed: re-read where the user stands."""
        user = self._current_user()
        draft_id = self._route_draft_id()
        if user is None or draft_id is None:
            self._clear()
            return None
        role = self._refresh_role(draft_id, user.id)
        if role is None:
            self.found = False
            self.denied = "You are no longer a member of this draft."
            self.editor_draft_id = 0
            self.collab_token = ""
        else:
            self.message = f"Your role in this draft is now {role}."
            self._load_members(draft_id, user.id)
        return None

    # -- members (owner) ----------------------------------------------------------
    def _member_action(self, action, done: str) -> bool:  # noqa: ANN001
        self.error = self.message = ""
        try:
            user_id, draft_id, _ = self._require_member(own=True)
            with session_scope(write=True) as session:
                action(session, user_id, draft_id)
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return False
        self.message = done
        self._refresh_role(draft_id, user_id)
        self._load_members(draft_id, user_id)
        return True

    @rx.event
    def invite(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        username = str(form.get("username", "")).strip()
        role = str(form.get("role", "editor"))
        invited = self._member_action(
            lambda s, uid, did: drafts.invite(
                session=s, actor_id=uid, draft_id=did, username=username, role=role
            ),
            f"Invited {username} as {role}.",
        )
        # Clear the field only on success: a refused name stays there to be corrected.
        return rx.set_value(INVITE_FIELD, "") if invited else None

    @rx.event
    def change_role(self, member_id: str, role: str):
        target = _parse_id(member_id)
        if target is None:
            self.error = "Choose a member of this draft."
            return
        name = self._member_name(target)
        self._member_action(
            lambda s, uid, did: drafts.set_role(
                session=s, actor_id=uid, draft_id=did, user_id=target, role=str(role)
            ),
            f"{name} is now {role}.",
        )

    @rx.event
    def remove_member(self, member_id: str):
        target = _parse_id(member_id)
        if target is None:
            self.error = "Choose a member of this draft."
            return
        name = self._member_name(target)
        self._member_action(
            lambda s, uid, did: drafts.remove_member(
                session=s, actor_id=uid, draft_id=did, user_id=target
            ),
            f"Removed {name} from the draft. Their authorship credit stays.",
        )

    def _member_name(self, user_id: int) -> str:
        for m in self.members:
            if m["user_id"] == str(user_id):
                return m["display_name"]
        return "That member"

    @rx.event
    def leave(self):
        self.error = self.message = ""
        try:
            user_id, draft_id, _ = self._require_member()
            with session_scope(write=True) as session:
                drafts.leave_draft(session=session, user_id=user_id, draft_id=draft_id)
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return None
        self._clear()
        return rx.redirect(routes.DRAFTS)

    # -- authors ------------------------------------------------------------------
    @rx.event
    async def load_authors(self):
        self.error = ""
        try:
            _, draft_id, _ = self._require_member()
            with session_scope() as session:
                # Async handlers run on the server's loop: these read the live room's copy.
                runs = collab.authored_runs(draft_id, session=session)
                shares = collab.authorship_shares(draft_id, session=session)
                names = draft_publishing.display_names(
                    session=session, user_ids={a for a, _ in runs} | set(shares)
                )
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return
        total = sum(shares.values())
        self.authors_total = total
        self.author_runs = [
            {
                "text": text,
                "color": _color(author),
                "name": names.get(author, "Unknown author"),
            }
            for author, text in runs
        ]
        self.author_shares = [
            {
                "name": names.get(author, "Unknown author"),
                "color": _color(author),
                "chars": str(count),
                "share": _pct(count, total),
            }
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
            {
                "id": str(s.id),
                "label": s.label,
                "kind": s.kind,
                "when": _when(s.created_at),
                "by": names.get(s.created_by_id or 0, ""),
            }
            for s in rows
        ]

    @rx.event
    async def take_snapshot(self, form_data: dict):
        self.error = self.message = ""
        form = form_data if isinstance(form_data, dict) else {}
        name = str(form.get("name", "")).strip()
        try:
            user_id, draft_id, _ = self._require_member(edit=True)
            await collab.create_named_snapshot(draft_id, name, user_id)
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return None
        self.message = f"Saved the version “{name}”."
        self._load_snapshots(draft_id)
        return rx.set_value(SNAPSHOT_FIELD, "")

    @rx.event
    async def view_snapshot(self, snapshot_id: str):
        self.error = ""
        target = _parse_id(snapshot_id)
        try:
            _, draft_id, _ = self._require_member()
            if target is None:
                raise ServiceError("Choose a version from the list.")
            with session_scope() as session:
                text = collab.snapshot_text(draft_id, target, session=session)
                diff = collab.diff_with_current(draft_id, target, session=session)
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return
        self.viewing_snapshot_id = target
        label = next((s["label"] for s in self.snapshots if s["id"] == str(target)), "")
        self.viewing_label = label or "Earlier version"
        self.viewing_text = text
        kinds = {"+": "add", "-": "del"}
        self.diff_lines = [{"kind": kinds.get(d.op, "same"), "text": d.text} for d in diff]

    @rx.event
    def close_snapshot(self):
        self._close_snapshot()

    @rx.event
    async def restore_snapshot(self, snapshot_id: str):
        self.error = self.message = ""
        target = _parse_id(snapshot_id)
        try:
            user_id, draft_id, _ = self._require_member(edit=True)
            if target is None:
                raise ServiceError("Choose a version from the list.")
            await collab.restore_snapshot(draft_id, target, user_id)
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return
        self.message = (
            f"Restored “{self.viewing_label or 'that version'}” as a new edit; "
            "the text before it is still in the history."
        )
        self._close_snapshot()
        self._load_snapshots(draft_id)

    # -- publish ------------------------------------------------------------------
    @rx.event
    async def publish(self):
        self.error = self.message = ""
        try:
            user_id, draft_id, _ = self._require_member(edit=True)
            with session_scope(write=True) as session:
                final = collab.publish_text(draft_id, session=session)
                record = draft_publishing.publish_draft(
                    session=session,
                    draft_id=draft_id,
                    actor_id=user_id,
                    text=final.text,
                    shares_bps=final.shares_bps,
                )
                record_id = record.id
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return
        self.published_url = routes.record_url(record_id)
        self.message = "Published as a text record, credited to every author with their share."
