"""Record page (lineage graph, hearts, comments, editing) and the submission form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

import reflex as rx
from reflex.event import EventSpec

from hitrec_app import routes
from hitrec_app.db import Session, session_scope
from hitrec_app.models import User
from hitrec_app.realtime import broadcast, reflex_internals, rooms
from hitrec_app.services import challenges, lineage, record_social, record_views, records
from hitrec_app.services.errors import NotFound, ValidationError
from hitrec_app.services.events import RoomEvent
from hitrec_app.services.records import RecordInput
from hitrec_app.state.args import BAD_ID, as_form, as_id, as_text, param_id, query_id
from hitrec_app.state.base import AuthState, signed_in_page
from hitrec_app.state.display import fmt_time
from hitrec_app.state.presence import watch_room
from hitrec_app.state.rows import PersonRow, RecordLinkRow, TitledRow, fields_of
from hitrec_app.vocabulary import (
    COMMENTS_PAGE,
    LIVE_COMMENTS,
    RECORD_KINDS,
    RECORD_ROOM_PREFIX,
    EventKind,
    record_room,
)

MAX_UPLOAD_FILES = 1

# --- view rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentRow(record_social.CommentView):
    at: str  # created_at as the page shows it


@dataclass(frozen=True)
class GraphNodeRow(lineage.GraphNode):
    """A record placed in the lineage graph (`left`/`top` are CSS lengths)."""

    center: bool  # the record the page is about
    left: str
    top: str
    label: str  # what a screen reader says for the node


GraphEdgeRow = lineage.GraphEdge  # a citation in the lineage graph, as SVG path data


@dataclass(frozen=True)
class CreditRow:
    """Someone credited upstream, with the records they made that this one builds on."""

    username: str
    name: str
    records: list[TitledRow]
    distance: int


def _comment_rows(views: list[record_social.CommentView]) -> list[CommentRow]:
    return [CommentRow(**fields_of(c), at=fmt_time(c.created_at)) for c in views]


def _latest_comments(session: Session, record_id: int) -> record_social.CommentPage:
    return record_social.comments_page(session=session, record_id=record_id, limit=LIVE_COMMENTS)


# --- the record page -----------------------------------------------------------------------


class RecordLive(rx.State):
    """The record page's live data, kept current over the broadcast path
    (hitrec_app/realtime/broadcast.py).

    Room vars (`hearts`, `remixes`, `comments`, `older_exist`, `live_after`, and presence's
    `watching`, `watchers`) are set only by `join` (the snapshot) and by broadcasts, never by
    another handler, so the lagging backend copy never sends stale values back. `comments` is the newest LIVE_COMMENTS comments, re-sent whole on
    each new comment (a bounded message whatever the record's comment count); `older` holds the
    pages this tab asked for with "Show older comments" (this tab's own, never broadcast).
    When more new comments than the live window holds arrive after older pages were loaded,
    the page sees `older_last < live_after` and offers to load the ones in between.
    """

    hearts: rx.Field[int] = rx.field(0)
    remixes: rx.Field[int] = rx.field(0)
    comments: rx.Field[list[CommentRow]] = rx.field(default_factory=list)
    older_exist: rx.Field[bool] = rx.field(False)
    live_after: rx.Field[int] = rx.field(0)  # the comment just before `comments` (0: none)
    older: rx.Field[list[CommentRow]] = rx.field(default_factory=list)
    older_last: rx.Field[int] = rx.field(0)  # the newest comment in `older` (0: none)
    more_older: rx.Field[bool] = rx.field(False)
    rid: rx.Field[int] = rx.field(0)
    # Presence (realtime/presence.py): how many watch the record, the first few signed-in names.
    watching: rx.Field[int] = rx.field(0)
    watchers: rx.Field[list[str]] = rx.field(default_factory=list)

    @rx.event
    async def join(self) -> None:
        """Snapshot-on-join: subscribe this tab to the record's room, then read the room's
        current data (after subscribing, so a change committed meanwhile is not lost), and
        count the tab among the record's viewers."""
        self.older, self.older_last, self.more_older = [], 0, False
        rid = param_id(self)
        if rid is None:
            return
        await broadcast.subscribe(
            reflex_internals.socket_sid(self), record_room(rid), leave_prefix=RECORD_ROOM_PREFIX
        )
        with session_scope() as session:
            record = record_views.find_record(session=session, record_id=rid)
            if record is None:
                return
            hearts, remixes = record.heart_count, record.remix_count
            page = _latest_comments(session, rid)
        self.rid, self.hearts, self.remixes = rid, hearts, remixes
        self.comments, self.older_exist = _comment_rows(page.items), page.more
        self.live_after = page.previous_id
        auth = await self.get_state(AuthState)
        watch_room(self, record_room(rid), auth._current_user())

    @rx.event
    def show_older(self) -> None:
        """Load the page of comments before the oldest this tab shows."""
        if not self.rid:
            return
        with session_scope() as session:
            if self.older:
                before: int | None = self.older[0].id
            else:
                # The oldest live comment as it is now (the backend copy of `comments` lags).
                live = _latest_comments(session, self.rid).items
                before = live[0].id if live else None
            if before is None:
                return
            page = record_social.comments_page(
                session=session, record_id=self.rid, limit=COMMENTS_PAGE, before_id=before
            )
        self.older = _comment_rows(page.items) + self.older
        self.more_older = page.more
        if self.older:
            self.older_last = self.older[-1].id

    @rx.event
    def show_skipped(self) -> None:
        """Load the comments between the older pages this tab shows and the live window."""
        if not self.rid or not self.older_last:
            return
        with session_scope() as session:
            live = _latest_comments(session, self.rid).items
            if not live:
                return
            rows = record_social.comments_between(
                session=session,
                record_id=self.rid,
                after_id=self.older_last,
                before_id=live[0].id,
                limit=COMMENTS_PAGE,
            )
        if rows:
            self.older = self.older + _comment_rows(rows)
            self.older_last = rows[-1].id


class RecordState(AuthState):
    found: rx.Field[bool] = rx.field(False)
    rid: rx.Field[int] = rx.field(0)
    kind: rx.Field[str] = rx.field("")
    title: rx.Field[str] = rx.field("")
    description: rx.Field[str] = rx.field("")
    body: rx.Field[str] = rx.field("")
    file_path: rx.Field[str] = rx.field("")
    thumb_path: rx.Field[str] = rx.field("")
    mime: rx.Field[str] = rx.field("")
    withdrawn: rx.Field[bool] = rx.field(False)
    created: rx.Field[str] = rx.field("")
    challenge_id: rx.Field[int] = rx.field(0)
    challenge_title: rx.Field[str] = rx.field("")
    authors: rx.Field[list[PersonRow]] = rx.field(default_factory=list)
    tags: rx.Field[list[str]] = rx.field(default_factory=list)
    tags_text: rx.Field[str] = rx.field("")
    sources: rx.Field[list[RecordLinkRow]] = rx.field(default_factory=list)
    remixes: rx.Field[list[RecordLinkRow]] = rx.field(default_factory=list)
    can_edit: rx.Field[bool] = rx.field(False)
    can_withdraw: rx.Field[bool] = rx.field(False)
    can_remove_credit: rx.Field[bool] = rx.field(False)
    hearted: rx.Field[bool] = rx.field(False)
    credits: rx.Field[list[CreditRow]] = rx.field(default_factory=list)
    nodes: rx.Field[list[GraphNodeRow]] = rx.field(default_factory=list)
    edges: rx.Field[list[GraphEdgeRow]] = rx.field(default_factory=list)
    graph_w: rx.Field[int] = rx.field(0)
    graph_h: rx.Field[int] = rx.field(0)
    up: rx.Field[int] = rx.field(2)
    down: rx.Field[int] = rx.field(2)
    more_up: rx.Field[bool] = rx.field(False)
    more_down: rx.Field[bool] = rx.field(False)
    hidden: rx.Field[int] = rx.field(0)
    editing: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    message: rx.Field[str] = rx.field("")
    comment_error: rx.Field[str] = rx.field("")

    def _load_graph(self) -> None:
        with session_scope() as session:
            graph = lineage.lineage_graph(
                session=session, record_id=self.rid, up=self.up, down=self.down
            )
            credits = lineage.upstream_credits(session=session, record_id=self.rid)
        self.nodes = [
            GraphNodeRow(
                **fields_of(n),
                center=n.id == self.rid,
                left=f"{n.x}px",
                top=f"{n.y}px",
                label=f"{n.title}, {n.kind} by {n.authors or 'unknown'}"
                + (" (withdrawn)" if n.withdrawn else "")
                + (" (this record)" if n.id == self.rid else ""),
            )
            for n in graph.nodes
        ]
        self.edges = graph.edges
        self.graph_w, self.graph_h = graph.width, graph.height
        self.more_up, self.more_down, self.hidden = graph.more_up, graph.more_down, graph.hidden
        self.credits = [
            CreditRow(
                username=c.username,
                name=c.display_name,
                records=[TitledRow(id=rid, title=t) for rid, t in c.records],
                distance=c.distance,
            )
            for c in credits
        ]

    def _load_record(self, viewer: User | None) -> None:
        with session_scope() as session:
            view = record_views.record_view(session=session, record_id=self.rid, viewer=viewer)
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
        self.authors = view.authors
        self.tags = view.tags
        self.tags_text = ", ".join(view.tags)
        self.sources, self.remixes = view.sources, view.remixes
        self.can_edit = view.can_edit
        self.can_withdraw = view.can_withdraw
        self.can_remove_credit = view.can_remove_credit
        self.hearted = view.hearted

    def _reload(self, viewer: User) -> None:
        """After a write: the record as it is now, and its graph."""
        self._load_record(viewer)
        self._load_graph()

    @rx.event
    def load(self) -> None:
        viewer = self._current_user()
        self._show(viewer)
        self.found = self.editing = False
        self.error = self.message = self.comment_error = ""
        rid = param_id(self)
        if rid is None:
            return
        self.rid, self.up, self.down = rid, 2, 2
        try:
            self._load_record(viewer)
        except NotFound:
            return
        self._load_graph()

    def _change(self, service: Callable[..., object], *, done: str = "", **args: Any) -> bool:
        """The signed-in user changes this record: `service(session=, user_id=, record_id=,
        **args)` in one transaction; then the record and its graph as they are now."""

        def change(session: Session, user: User) -> None:
            service(session=session, user_id=_uid(user), record_id=self.rid, **args)

        changed = self._write(change, done=done)
        if changed:
            self._reload(changed.user)
        return changed is not None

    @rx.event
    def toggle_heart(self) -> None:
        self._change(record_social.set_heart, on=not self.hearted)

    @rx.event
    def start_editing(self) -> None:
        self.editing = self.can_edit

    @rx.event
    def cancel_editing(self) -> None:
        self.editing = False

    @rx.event
    def save(self, form_data: dict[str, Any]) -> None:
        form = as_form(form_data)
        if self._change(
            records.update_record,
            done="Saved.",
            title=str(form.get("title", "")),
            description=str(form.get("description", "")),
            tags=str(form.get("tags", "")),
        ):
            self.editing = False

    @rx.event
    def add_citation(self, form_data: dict[str, Any]) -> EventSpec | None:
        raw = str(as_form(form_data).get("source", "")).strip().lstrip("#")
        raw = raw.rstrip("/").rsplit("/", 1)[-1]  # accept a pasted record link too
        source_id = as_id(raw)
        if source_id is None:
            self.message = ""
            self.error = "Enter the number (or link) of the record to cite."
            return None
        if not self._change(records.add_source, done="Citation added.", source_id=source_id):
            return None  # a refused citation stays in the field to be corrected
        return rx.set_value("field-source", "")

    @rx.event
    def remove_citation(self, source_id: int) -> None:
        sid = as_id(source_id)
        if sid is None:
            self.message, self.error = "", BAD_ID
            return
        self._change(records.remove_source, done="Citation removed.", source_id=sid)

    @rx.event
    def remove_my_credit(self) -> None:
        self._change(records.remove_credit, done="Your credit was removed from this record.")

    @rx.event
    def withdraw(self) -> EventSpec | None:
        done = self._write(
            lambda s, u: records.withdraw_record(session=s, user_id=_uid(u), record_id=self.rid),
            done="Withdrawn. Others built on this record, so its title and credits stay.",
        )
        if not done:
            return None
        if done.value == "deleted":
            return rx.redirect(
                routes.challenge_url(self.challenge_id) if self.challenge_id else routes.HOME
            )
        self._reload(done.user)
        return None

    @rx.event
    def show_more_up(self) -> None:
        self.up = min(self.up + 2, lineage.MAX_DEPTH)
        self._load_graph()

    @rx.event
    def show_more_down(self) -> None:
        self.down = min(self.down + 2, lineage.MAX_DEPTH)
        self._load_graph()

    @rx.event
    def add_comment(self, form_data: dict[str, Any]) -> EventSpec | None:
        body = str(as_form(form_data).get("body", ""))
        done = self._write(
            lambda s, u: (
                record_social.add_comment(
                    session=s, user_id=_uid(u), record_id=self.rid, body=body
                ).id
            ),
            error_var="comment_error",
        )
        return rx.set_value("field-comment", "") if done else None


def _uid(user: User) -> int:
    # A user read from the database always has its id.
    return user.id or 0


# --- submission form ---------------------------------------------------------------------


def _upload(files: Any, kind: str) -> BinaryIO | None:
    """The file to store with a record of `kind`, from what the client sent."""
    if not isinstance(files, list) or not all(isinstance(f, rx.UploadFile) for f in files):
        raise ValidationError("The upload did not arrive; choose the file again.")
    if len(files) > MAX_UPLOAD_FILES:
        raise ValidationError("Upload one file per record.")
    if kind == "text" or not files:
        return None  # a file chosen before switching to text is ignored
    # The upload arrives in a temporary file (Starlette spools it to disk); the service
    # copies it in chunks and refuses it once it passes the size limit, so it is never
    # read into memory whole.
    upload = files[0].file
    upload.seek(0)
    return upload


class SubmitState(AuthState):
    challenge_id: rx.Field[int] = rx.field(0)
    challenge_title: rx.Field[str] = rx.field("")
    allowed_kinds: rx.Field[list[str]] = rx.field(default_factory=lambda: list(RECORD_KINDS))
    kind: rx.Field[str] = rx.field("text")
    sources: rx.Field[list[RecordLinkRow]] = rx.field(default_factory=list)
    error: rx.Field[str] = rx.field("")

    @rx.event
    @signed_in_page(keep_query=("challenge", "remix"))
    def load(self, user: User) -> None:
        self.error = ""
        self.challenge_id, self.challenge_title = 0, ""
        self.allowed_kinds = list(RECORD_KINDS)
        self.sources = []
        cid = query_id(self, "challenge")
        remix = query_id(self, "remix")
        with session_scope() as session:
            if remix is not None:
                source = record_views.remix_source(session=session, record_id=remix)
                if source is None:
                    self.error = "The record to remix does not exist or was withdrawn."
                else:
                    self.sources = [
                        RecordLinkRow(
                            id=source.id or 0, title=source.title, kind=source.kind, withdrawn=False
                        )
                    ]
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

    @rx.event
    def set_kind(self, value: str) -> None:
        value = as_text(value)
        if value in self.allowed_kinds:
            self.kind = value

    @rx.event
    def leave_challenge(self) -> None:
        self.challenge_id, self.challenge_title = 0, ""
        self.allowed_kinds = list(RECORD_KINDS)

    @rx.event
    def drop_source(self, source_id: int) -> None:
        sid = as_id(source_id)
        if sid is not None:
            self.sources = [s for s in self.sources if s.id != sid]

    @rx.event
    async def submit(
        self, files: list[rx.UploadFile], form_data: dict[str, Any]
    ) -> EventSpec | None:
        form = as_form(form_data)
        kind, challenge_id = self.kind, self.challenge_id or None
        source_ids = tuple(s.id for s in self.sources)

        done = self._write(
            lambda s, u: (
                records.submit_record(
                    session=s,
                    user_id=_uid(u),
                    data=RecordInput(
                        kind=kind,
                        title=str(form.get("title", "")),
                        description=str(form.get("description", "")),
                        body=str(form.get("body", "")),
                        tags=str(form.get("tags", "")),
                        challenge_id=challenge_id,
                        source_ids=source_ids,
                        file=_upload(files, kind),
                    ),
                ).id
            )
        )
        return rx.redirect(routes.record_url(done.value or 0)) if done else None


# --- live updates --------------------------------------------------------------------------


@rooms.on(EventKind.HEART_CHANGED)
async def _on_heart(event: RoomEvent) -> None:
    rid = int(event.data["record_id"])
    await broadcast.publish(record_room(rid), RecordLive, {"hearts": int(event.data["hearts"])})


@rooms.on(EventKind.COMMENT_CREATED)
async def _on_comment(event: RoomEvent) -> None:
    rid = int(event.data["record_id"])
    with session_scope() as session:
        page = _latest_comments(session, rid)
    await broadcast.publish(
        record_room(rid),
        RecordLive,
        {
            "comments": _comment_rows(page.items),
            "older_exist": page.more,
            "live_after": page.previous_id,
        },
    )


@rooms.on(EventKind.LINEAGE_CHANGED)
async def _on_lineage(event: RoomEvent) -> None:
    rid = int(event.data["record_id"])
    await broadcast.publish(record_room(rid), RecordLive, {"remixes": int(event.data["remixes"])})
