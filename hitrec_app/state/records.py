"""Record page (lineage graph, hearts, comments, editing) and the submission form."""

from __future__ import annotations

import reflex as rx

from hitrec_app import routes, vocabulary
from hitrec_app.db import session_scope
from hitrec_app.models import User
from hitrec_app.realtime import rooms
from hitrec_app.services import challenges, lineage, records
from hitrec_app.services.errors import NotFound, ServiceError, ValidationError
from hitrec_app.services.events import RoomEvent
from hitrec_app.services.records import RecordInput
from hitrec_app.state.args import BAD_ID, as_form, as_id, as_text
from hitrec_app.state.base import AuthState
from hitrec_app.state.challenges import _param_id, _query_int, fmt_time
from hitrec_app.vocabulary import RECORD_KINDS

MAX_UPLOAD_FILES = 1


def _comments(record_id: int) -> list[dict]:
    with session_scope() as session:
        return [
            {
                "id": c.id,
                "author": c.author_name,
                "username": c.author_username,
                "body": c.body,
                "at": fmt_time(c.created_at),
            }
            for c in records.list_comments(session=session, record_id=record_id)
        ]


class RecordRoom(rx.SharedState):
    """Shared by everyone looking at one record: heart and remix counts, comments."""

    hearts: int = 0
    remixes: int = 0
    comments: list[dict] = []

    @rx.event
    async def join(self):
        rid = _param_id(self)
        if rid is None:
            return
        with session_scope() as session:
            record = records.find_record(session=session, record_id=rid)
            if record is None:
                return
            hearts, remixes = record.heart_count, record.remix_count
        room = await rooms.join(self, vocabulary.record_room(rid))
        room.hearts, room.remixes = hearts, remixes
        room.comments = _comments(rid)


def _ref(ref: records.RecordRef) -> dict:
    return {"id": ref.id, "title": ref.title, "kind": ref.kind, "withdrawn": ref.withdrawn}


class RecordState(AuthState):
    found: bool = False
    rid: int = 0
    kind: str = ""
    title: str = ""
    description: str = ""
    body: str = ""
    file_path: str = ""
    thumb_path: str = ""
    mime: str = ""
    withdrawn: bool = False
    created: str = ""
    challenge_id: int = 0
    challenge_title: str = ""
    authors: list[dict[str, str]] = []
    tags: list[str] = []
    tags_text: str = ""
    sources: list[dict] = []
    remixes: list[dict] = []
    can_edit: bool = False
    can_withdraw: bool = False
    can_remove_credit: bool = False
    hearted: bool = False
    credits: list[dict] = []
    nodes: list[dict] = []
    edges: list[dict] = []
    graph_w: int = 0
    graph_h: int = 0
    up: int = 2
    down: int = 2
    more_up: bool = False
    more_down: bool = False
    hidden: int = 0
    editing: bool = False
    error: str = ""
    message: str = ""
    comment_error: str = ""

    def _load_graph(self) -> None:
        with session_scope() as session:
            graph = lineage.lineage_graph(
                session=session, record_id=self.rid, up=self.up, down=self.down
            )
            credits = lineage.upstream_credits(session=session, record_id=self.rid)
        self.nodes = [
            {
                "id": n.id,
                "title": n.title,
                "kind": n.kind,
                "authors": n.authors,
                "withdrawn": n.withdrawn,
                "center": n.id == self.rid,
                "left": f"{n.x}px",
                "top": f"{n.y}px",
                "label": f"{n.title}, {n.kind} by {n.authors or 'unknown'}"
                + (" (withdrawn)" if n.withdrawn else "")
                + (" (this record)" if n.id == self.rid else ""),
            }
            for n in graph.nodes
        ]
        self.edges = [{"d": e.path, "arrow": e.arrow} for e in graph.edges]
        self.graph_w, self.graph_h = graph.width, graph.height
        self.more_up, self.more_down, self.hidden = graph.more_up, graph.more_down, graph.hidden
        self.credits = [
            {
                "username": c.username,
                "name": c.display_name,
                "records": [{"id": rid, "title": t} for rid, t in c.records],
                "distance": c.distance,
            }
            for c in credits
        ]

    def _load_record(self, viewer: User | None) -> None:
        with session_scope() as session:
            view = records.record_view(session=session, record_id=self.rid, viewer=viewer)
        r = view.record
        self.found = True
        self.kind, self.title, self.description = r.kind, r.title, r.description
        self.body = r.body or ""
        self.file_path, self.thumb_path, self.mime = (
            r.file_path or "",
            r.thumbnail_path or "",
            r.mime_type or "",
        )
        self.withdrawn = r.withdrawn_at is not None
        self.created = fmt_time(r.created_at)
        self.challenge_id, self.challenge_title = view.challenge_id or 0, view.challenge_title
        self.authors = [{"username": p.username, "name": p.display_name} for p in view.authors]
        self.tags = view.tags
        self.tags_text = ", ".join(view.tags)
        self.sources = [_ref(s) for s in view.sources]
        self.remixes = [_ref(s) for s in view.remixes]
        self.can_edit = view.can_edit
        self.can_withdraw = view.can_withdraw
        self.can_remove_credit = view.can_remove_credit
        self.hearted = view.hearted

    @rx.event
    def load(self):
        viewer = self._current_user()
        self._show(viewer)
        self.found = self.editing = False
        self.error = self.message = self.comment_error = ""
        rid = _param_id(self)
        if rid is None:
            return
        self.rid, self.up, self.down = rid, 2, 2
        try:
            self._load_record(viewer)
        except NotFound:
            return
        self._load_graph()

    def _act(self, fn, message: str = "") -> bool:  # noqa: ANN001
        self.error = self.message = ""
        try:
            user = self._require_user()
            with session_scope(write=True) as session:
                fn(session, user)
            self._load_record(user)
            self._load_graph()
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return False
        self.message = message
        return True

    @rx.event
    def toggle_heart(self):
        on = not self.hearted
        self._act(
            lambda s, u: records.set_heart(session=s, user_id=u.id, record_id=self.rid, on=on)
        )

    @rx.event
    def start_editing(self):
        self.editing = self.can_edit

    @rx.event
    def cancel_editing(self):
        self.editing = False

    @rx.event
    def save(self, form_data: dict):
        form_data = as_form(form_data)
        ok = self._act(
            lambda s, u: records.update_record(
                session=s,
                user_id=u.id,
                record_id=self.rid,
                title=str(form_data.get("title", "")),
                description=str(form_data.get("description", "")),
                tags=str(form_data.get("tags", "")),
            ),
            "Saved.",
        )
        if ok:
            self.editing = False

    @rx.event
    def add_citation(self, form_data: dict):
        raw = str(as_form(form_data).get("source", "")).strip().lstrip("#")
        raw = raw.rstrip("/").rsplit("/", 1)[-1]  # accept a pasted record link too
        source_id = as_id(raw)
        if source_id is None:
            self.message = ""
            self.error = "Enter the number (or link) of the record to cite."
            return None
        ok = self._act(
            lambda s, u: records.add_source(
                session=s, user_id=u.id, record_id=self.rid, source_id=source_id
            ),
            "Citation added.",
        )
        # Clear the field only once the citation is in: a refused one stays to be corrected.
        return rx.set_value("field-source", "") if ok else None

    @rx.event
    def remove_citation(self, source_id: int):
        sid = as_id(source_id)
        if sid is None:
            self.message, self.error = "", BAD_ID
            return
        self._act(
            lambda s, u: records.remove_source(
                session=s, user_id=u.id, record_id=self.rid, source_id=sid
            ),
            "Citation removed.",
        )

    @rx.event
    def remove_my_credit(self):
        self._act(
            lambda s, u: records.remove_credit(session=s, user_id=u.id, record_id=self.rid),
            "Your credit was removed from this record.",
        )

    @rx.event
    def withdraw(self):
        self.error = self.message = ""
        try:
            user = self._require_user()
            with session_scope(write=True) as session:
                outcome = records.withdraw_record(
                    session=session, user_id=user.id, record_id=self.rid
                )
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return None
        if outcome == "deleted":
            return rx.redirect(
                routes.challenge_url(self.challenge_id) if self.challenge_id else routes.HOME
            )
        self._load_record(user)
        self._load_graph()
        self.message = "Withdrawn. Others built on this record, so its title and credits stay."
        return None

    @rx.event
    def show_more_up(self):
        self.up = min(self.up + 2, lineage.MAX_DEPTH)
        self._load_graph()

    @rx.event
    def show_more_down(self):
        self.down = min(self.down + 2, lineage.MAX_DEPTH)
        self._load_graph()

    @rx.event
    def add_comment(self, form_data: dict):
        self.comment_error = ""
        try:
            user = self._require_user()
            with session_scope(write=True) as session:
                records.add_comment(
                    session=session,
                    user_id=user.id,
                    record_id=self.rid,
                    body=str(as_form(form_data).get("body", "")),
                )
        except (ServiceError, PermissionError) as err:
            self.comment_error = str(err)
            return None
        return rx.set_value("field-comment", "")


# --- submission form ---------------------------------------------------------------------


class SubmitState(AuthState):
    challenge_id: int = 0
    challenge_title: str = ""
    allowed_kinds: list[str] = list(RECORD_KINDS)
    kind: str = "text"
    sources: list[dict] = []
    error: str = ""

    @rx.event
    def load(self):
        user = self._current_user()
        self._show(user)
        if user is None:
            return rx.redirect(routes.sign_in_url(self.router.url.path + _query(self)))
        self.error = ""
        self.challenge_id, self.challenge_title = 0, ""
        self.allowed_kinds = list(RECORD_KINDS)
        self.sources = []
        cid = _query_int(self, "challenge")
        remix = _query_int(self, "remix")
        with session_scope() as session:
            if remix is not None:
                source = records.remix_source(session=session, record_id=remix)
                if source is None:
                    self.error = "The record to remix does not exist or was withdrawn."
                else:
                    self.sources = [{"id": source.id, "title": source.title, "kind": source.kind}]
                    if cid is None and source.challenge_id:
                        cid = source.challenge_id
            if cid is not None:
                try:
                    c = challenges.get_challenge(session=session, challenge_id=cid, viewer=user)
                    if challenges.effective_status(c) in ("open", "closing soon"):
                        self.challenge_id, self.challenge_title = c.id or 0, c.title
                        self.allowed_kinds = challenges.accepted_kinds(c)
                    elif remix is None:
                        self.error = "That challenge is closed; your record will be standalone."
                except NotFound:
                    self.error = "That challenge does not exist; your record will be standalone."
        self.kind = self.allowed_kinds[0] if self.kind not in self.allowed_kinds else self.kind
        return None

    @rx.event
    def set_kind(self, value: str):
        value = as_text(value)
        if value in self.allowed_kinds:
            self.kind = value

    @rx.event
    def leave_challenge(self):
        self.challenge_id, self.challenge_title = 0, ""
        self.allowed_kinds = list(RECORD_KINDS)

    @rx.event
    def drop_source(self, source_id: int):
        sid = as_id(source_id)
        if sid is not None:
            self.sources = [s for s in self.sources if s["id"] != sid]

    @rx.event
    async def submit(self, files: list[rx.UploadFile], form_data: dict):
        self.error = ""
        form_data = as_form(form_data)
        try:
            user = self._require_user()
            if not isinstance(files, list) or not all(isinstance(f, rx.UploadFile) for f in files):
                raise ValidationError("The upload did not arrive; choose the file again.")
            if len(files) > MAX_UPLOAD_FILES:
                raise ValidationError("Upload one file per record.")
            # The upload arrives in a temporary file (Starlette spools it to disk); the
            # service copies it in chunks and refuses it once it passes the size limit,
            # so it is never read into memory whole.
            upload = files[0].file if files else None
            if self.kind == "text":
                upload = None  # a file chosen before switching to text is ignored
            elif upload is not None:
                upload.seek(0)
            with session_scope(write=True) as session:
                record = records.submit_record(
                    session=session,
                    user_id=user.id,
                    data=RecordInput(
                        kind=self.kind,
                        title=str(form_data.get("title", "")),
                        description=str(form_data.get("description", "")),
                        body=str(form_data.get("body", "")),
                        tags=str(form_data.get("tags", "")),
                        challenge_id=self.challenge_id or None,
                        source_ids=tuple(int(s["id"]) for s in self.sources),
                        file=upload,
                    ),
                )
                rid = record.id
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return None
        return rx.redirect(routes.record_url(rid or 0))


def _query(state: rx.State) -> str:
    params = state.router.url.query_parameters
    pairs = [
        f"{k}={v}" for k, v in params.items() if k in ("challenge", "remix") and str(v).isdigit()
    ]
    return ("?" + "&".join(pairs)) if pairs else ""


# --- live updates --------------------------------------------------------------------------


@rooms.on("heart.changed")
async def _on_heart(event: RoomEvent) -> None:
    rid = int(event.data["record_id"])
    hearts = int(event.data["hearts"])

    def apply(room: RecordRoom) -> None:
        room.hearts = hearts

    await rooms.push(RecordRoom, vocabulary.record_room(rid), apply)


@rooms.on("comment.created")
async def _on_comment(event: RoomEvent) -> None:
    rid = int(event.data["record_id"])
    comments = _comments(rid)

    def apply(room: RecordRoom) -> None:
        room.comments = comments

    await rooms.push(RecordRoom, vocabulary.record_room(rid), apply)


@rooms.on("lineage.changed")
async def _on_lineage(event: RoomEvent) -> None:
    rid = int(event.data["record_id"])
    remixes = int(event.data["remixes"])

    def apply(room: RecordRoom) -> None:
        room.remixes = remixes

    await rooms.push(RecordRoom, vocabulary.record_room(rid), apply)
