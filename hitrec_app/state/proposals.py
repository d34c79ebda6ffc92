"""A pay proposal's live discussion, the diff of two versions, and a member's earnings.

`ProposalLive` holds what every viewer of a proposal sees alike, kept current over the
broadcast path (realtime/broadcast.py): set only by its join snapshot and by broadcasts.
`ProposalState` holds what is this tab's own: the viewer's votes and answer, which line's
thread is open, an earlier version shown, the host's forms.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal

import reflex as rx
from reflex.event import EventSpec

from hitrec_app import routes
from hitrec_app.db import Session, session_scope
from hitrec_app.models import User
from hitrec_app.realtime import broadcast, reflex_internals, rooms
from hitrec_app.services import (
    proposal_discussion,
    proposal_exports,
    proposal_lists,
    proposal_views,
    proposal_votes,
    proposals,
)
from hitrec_app.services.errors import NotFound, ServiceError
from hitrec_app.services.events import RoomEvent
from hitrec_app.services.pay_math import format_bps, format_minor
from hitrec_app.state.args import (
    BAD_ID,
    as_date,
    as_form,
    as_id,
    as_int,
    as_percent_bps,
    param_id,
    query_id,
)
from hitrec_app.state.base import AuthState, signed_in_page
from hitrec_app.state.display import fmt_time
from hitrec_app.state.presence import watch_room
from hitrec_app.vocabulary import (
    COMMENTS_PAGE,
    LIVE_COMMENTS,
    PROPOSAL_OPEN_DAYS,
    PROPOSAL_ROOM_PREFIX,
    SIGN_OFF_ANSWERS,
    VOTE_VALUES,
    EventKind,
    proposal_room,
)

# The split chart's slices, one colour per line in order (repeating after the last).
SLICE_COLORS = (
    "#e5484d",
    "#3e63dd",
    "#30a46c",
    "#f76b15",
    "#8e4ec6",
    "#12a594",
    "#d6409f",
    "#ffc53d",
    "#0090ff",
    "#978365",
)

# --- view rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceRow:
    """One piece of a line's evidence: the record it comes from, and the rule's words."""

    record_id: int
    text: str


@dataclass(frozen=True)
class LineRow:
    """One payee's line of a version, as the table shows it."""

    payee_id: int
    username: str
    name: str
    avatar: str  # the avatar's upload path, or ""
    share: str  # "45%"
    amount: str  # "540.00 USD"
    suggested: str  # what the evidence suggested, when the host changed it ("" otherwise)
    evidence: list[EvidenceRow]  # one per record (split_rule.describe_evidence)
    reason: str  # the host's reasons for changing this line ("" when unchanged)


@dataclass(frozen=True)
class SliceRow:
    """A slice of the split chart."""

    name: str
    percent: float  # the share in percent (a chart needs a number)
    label: str  # the share as the slice is labelled: "33.34%"
    color: str


@dataclass(frozen=True)
class TallyRow:
    agree: int
    objected: int
    abstain: int


@dataclass(frozen=True)
class ProposalCommentRow:
    id: int
    author_name: str
    author_username: str
    body: str
    at: str
    version_number: int
    payee_id: int  # the line it is on (0: the whole proposal)
    line_name: str  # that payee's name ("" for the whole proposal)
    parent_id: int  # the comment it answers (0: none)
    parent_author: str
    parent_excerpt: str


@dataclass(frozen=True)
class ReasonChoiceRow:
    """A comment or an objection the host may name as a reason for a new version."""

    key: str  # "c12" (comment 12) or "v7" (vote 7)
    label: str


@dataclass(frozen=True)
class ReasonLinkRow:
    label: str
    anchor: str  # the comment's id on the proposal page ("" for an objection)


@dataclass(frozen=True)
class DiffRow:
    username: str
    name: str
    before: str  # share and amount in the earlier version ("not on it" when absent)
    after: str
    change: str  # "+5% (+60.00 USD)"
    direction: Literal["up", "down", "same"]
    reason: str


@dataclass(frozen=True)
class BalanceRow:
    currency: str
    owed: str
    carried: str
    paid: str


@dataclass(frozen=True)
class HistoryRow:
    at: str
    account: str  # in words: "Owed to you", "Carried forward", "Paid to you"
    what: str
    amount: str
    proposal_id: int


@dataclass(frozen=True)
class MyProposalRow:
    id: int
    title: str
    production: str
    state: str
    share: str
    amount: str


@dataclass(frozen=True)
class VersionChoiceRow:
    number: int
    label: str  # "Version 2 (current)"


# --- reading rows ----------------------------------------------------------------------------


def _line_rows(
    lines: list[proposal_views.LineView], currency: str, avatars: dict[int, str]
) -> list[LineRow]:
    return [
        LineRow(
            payee_id=line.payee.id,
            username=line.payee.username,
            name=line.payee.display_name or line.payee.username,
            avatar=avatars.get(line.payee.id, ""),
            share=format_bps(line.share_bps),
            amount=format_minor(line.amount_minor, currency),
            suggested=(
                format_bps(line.suggested_bps) if line.suggested_bps != line.share_bps else ""
            ),
            evidence=[EvidenceRow(e.record_id, e.text) for e in line.evidence],
            reason=line.change_reason.replace("\n", " · "),
        )
        for line in lines
    ]


def _slices(lines: list[proposal_views.LineView]) -> list[SliceRow]:
    return [
        SliceRow(
            name=line.payee.display_name or line.payee.username,
            percent=line.share_bps / 100,
            label=format_bps(line.share_bps),
            color=SLICE_COLORS[i % len(SLICE_COLORS)],
        )
        for i, line in enumerate(lines)
    ]


def _comment_rows(found: list[proposal_discussion.DiscussionComment]) -> list[ProposalCommentRow]:
    return [
        ProposalCommentRow(
            id=c.id,
            author_name=c.author_name,
            author_username=c.author_username,
            body=c.body,
            at=fmt_time(datetime.fromisoformat(c.created_at)),
            version_number=c.version_number,
            payee_id=c.payee_id or 0,
            line_name=c.line_name,
            parent_id=c.parent_id or 0,
            parent_author=c.parent_author,
            parent_excerpt=c.parent_excerpt,
        )
        for c in found
    ]


def _lines_of_version(
    session: Session, pid: int, reader_id: int | None, currency: str, version: int | None = None
) -> tuple[list[LineRow], list[SliceRow], list[proposal_views.LineView]]:
    lines = proposal_views.line_views(
        session=session, proposal_id=pid, viewer_id=reader_id, version=version
    )
    avatars = proposal_discussion.avatars(session=session, user_ids=[x.payee.id for x in lines])
    return _line_rows(lines, currency, avatars), _slices(lines), lines


def _tally_values(lines: list[proposal_views.LineView]) -> dict[str, object]:
    """The lines' tallies, or (hidden by the host until close) none at all: a hidden tally
    never reaches a browser, only that it is hidden."""
    hidden = any(line.tally is None for line in lines)
    return {
        "tallies_hidden": hidden,
        "tallies": {}
        if hidden
        else {
            str(line.payee.id): TallyRow(line.tally.agree, line.tally.object, line.tally.abstain)
            for line in lines
            if line.tally is not None
        },
    }


def _sign_off_values(
    session: Session, pid: int, reader_id: int | None, lines: list[proposal_views.LineView]
) -> dict[str, object]:
    waiting = proposal_views.unanswered(session=session, proposal_id=pid, viewer_id=reader_id)
    return {
        "sign_offs": {str(x.payee.id): x.sign_off for x in lines if x.sign_off},
        "waiting": [p.display_name or p.username for p in waiting],
    }


def _comment_values(session: Session, pid: int) -> dict[str, object]:
    page = proposal_discussion.comments_page(session=session, proposal_id=pid, limit=LIVE_COMMENTS)
    counts = proposal_discussion.comment_counts(session=session, proposal_id=pid)
    return {
        "comments": _comment_rows(page.items),
        "older_exist": page.more,
        "live_after": page.previous_id,
        "comment_counts": {str(k): v for k, v in counts.items()},
    }


RoomPart = Literal["proposal", "tallies", "sign_offs", "comments"]
ALL_PARTS: frozenset[RoomPart] = frozenset(("proposal", "tallies", "sign_offs", "comments"))


def _room_values(
    pid: int, parts: frozenset[RoomPart] = ALL_PARTS, reader_id: int | None = None
) -> dict[str, object]:
    """The proposal room's vars named by `parts`, as every viewer sees them: one read,
    whatever the number of viewers. Read as nobody in particular (`reader_id` None: hidden
    tallies stay hidden), except a draft, which only those who run it see (and whose room
    only they join), read as one of them."""
    values: dict[str, object] = {"pid": pid}
    with session_scope() as session:
        if parts == {"comments"}:
            values.update(_comment_values(session, pid))
            return values
        view = proposal_views.proposal_view(session=session, proposal_id=pid, viewer_id=reader_id)
        rows, slices, lines = _lines_of_version(session, pid, reader_id, view.currency)
        if "proposal" in parts:
            values.update(
                state=view.state,
                version=view.version,
                versions=list(range(1, max(view.versions, 1) + 1)),
                closes_iso=view.closes_at.isoformat() if view.closes_at else "",
                closes_text=fmt_time(view.closes_at),
                closed=view.closed,
                pool=format_minor(view.pool_minor, view.currency),
                note=view.note,
                lines=rows,
                slices=slices,
            )
        if "tallies" in parts:
            values.update(_tally_values(lines))
        if "sign_offs" in parts:
            values.update(_sign_off_values(session, pid, reader_id, lines))
        if "comments" in parts:
            values.update(_comment_values(session, pid))
    return values


# --- the proposal page: what every viewer sees alike --------------------------------------------


class ProposalLive(rx.State):
    """A proposal's live discussion, kept current over the broadcast path
    (realtime/broadcast.py): each tab on the page is subscribed to `proposal_room(id)`.

    Room vars (everything but `older`, `older_last` and `more_older`) are set only by
    `join` (the snapshot, read once per room change: `broadcast.snapshot`) and by
    broadcasts, never by another handler, so the lagging backend copy never sends stale
    values back. Each change sends only its part: a vote the tallies (one small triple per
    line: a delta replaces a whole var, so the map goes whole); a comment the newest
    LIVE_COMMENTS comments and the counts per line; a sign-off the answers and who has not
    answered; a new state or version the proposal itself. Hidden tallies are never sent.
    """

    pid: rx.Field[int] = rx.field(0)  # the proposal these vars are of (0: none joined)
    state: rx.Field[str] = rx.field("")
    version: rx.Field[int] = rx.field(0)
    versions: rx.Field[list[int]] = rx.field(default_factory=list)
    closes_iso: rx.Field[str] = rx.field("")
    closes_text: rx.Field[str] = rx.field("")
    closed: rx.Field[bool] = rx.field(False)
    pool: rx.Field[str] = rx.field("")
    note: rx.Field[str] = rx.field("")  # the version's note: what changed and why
    lines: rx.Field[list[LineRow]] = rx.field(default_factory=list)
    slices: rx.Field[list[SliceRow]] = rx.field(default_factory=list)
    tallies_hidden: rx.Field[bool] = rx.field(False)
    tallies: rx.Field[dict[str, TallyRow]] = rx.field(default_factory=dict)
    sign_offs: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    waiting: rx.Field[list[str]] = rx.field(default_factory=list)
    comment_counts: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    comments: rx.Field[list[ProposalCommentRow]] = rx.field(default_factory=list)
    older_exist: rx.Field[bool] = rx.field(False)
    live_after: rx.Field[int] = rx.field(0)  # the comment just before `comments` (0: none)
    # This tab's own: older comments it asked for.
    older: rx.Field[list[ProposalCommentRow]] = rx.field(default_factory=list)
    older_last: rx.Field[int] = rx.field(0)
    more_older: rx.Field[bool] = rx.field(False)
    # Presence (realtime/presence.py): how many are here, the first few signed-in names.
    watching: rx.Field[int] = rx.field(0)
    watchers: rx.Field[list[str]] = rx.field(default_factory=list)

    @rx.event
    async def join(self) -> None:
        """Subscribe this tab to the proposal's room (only if the signed-in viewer may see
        it), then read the room's snapshot, and count the tab as here."""
        self.older, self.older_last, self.more_older = [], 0, False
        sid = reflex_internals.socket_sid(self)
        pid = param_id(self)
        auth = await self.get_state(AuthState)
        viewer = auth._current_user()
        if pid is None or viewer is None:  # proposals are for signed-in members
            await self._leave(sid)
            return
        page = await self.get_state(ProposalState)
        # The page's load just showed this proposal to this same user: no second check.
        if page.found and page.pid == pid and page._shown_to == viewer.id:
            draft = page._draft
        else:
            with session_scope() as session:
                try:
                    view = proposal_views.proposal_view(
                        session=session, proposal_id=pid, viewer_id=viewer.id
                    )
                except NotFound:
                    await self._leave(sid)
                    return
            draft = view.state == "draft"
        room = proposal_room(pid)
        # Subscribe first, then read: a change committed meanwhile is not lost.
        await broadcast.subscribe(sid, room, leave_prefix=PROPOSAL_ROOM_PREFIX)
        try:
            if draft:  # only those who run it are in a draft's room; read as this one
                snapshot = _room_values(pid, ALL_PARTS, viewer.id)
            else:
                snapshot = broadcast.snapshot(room, lambda: _room_values(pid))
        except NotFound:  # the viewer lost the right to see it since the page's load
            await self._leave(sid)
            return
        for name, value in snapshot.items():
            # A copy per tab: the snapshot is shared by every tab that joins the room.
            setattr(self, name, copy.copy(value))
        watch_room(self, room, viewer)

    async def _leave(self, sid: str) -> None:
        """Out of every proposal's room, with nothing of one shown."""
        await broadcast.leave(sid, PROPOSAL_ROOM_PREFIX)
        self.reset()

    def _visible(self) -> bool:
        return self.pid > 0

    @rx.event
    def show_older(self) -> None:
        """Load the page of comments before the oldest this tab shows."""
        if not self._visible():
            return
        with session_scope() as session:
            if self.older:
                before: int | None = self.older[0].id
            else:
                # The oldest live comment as it is now (the backend copy of `comments` lags).
                live = proposal_discussion.comments_page(
                    session=session, proposal_id=self.pid, limit=LIVE_COMMENTS
                ).items
                before = live[0].id if live else None
            if before is None:
                return
            page = proposal_discussion.comments_page(
                session=session, proposal_id=self.pid, limit=COMMENTS_PAGE, before_id=before
            )
        self.older = _comment_rows(page.items) + self.older
        self.more_older = page.more
        if self.older:
            self.older_last = self.older[-1].id

    @rx.event
    def show_skipped(self) -> None:
        """Load the comments between the older pages this tab shows and the live window."""
        if not self._visible() or not self.older_last:
            return
        with session_scope() as session:
            live = proposal_discussion.comments_page(
                session=session, proposal_id=self.pid, limit=LIVE_COMMENTS
            ).items
            if not live:
                return
            rows = proposal_discussion.comments_between(
                session=session,
                proposal_id=self.pid,
                after_id=self.older_last,
                before_id=live[0].id,
                limit=COMMENTS_PAGE,
            )
        if rows:
            self.older = self.older + _comment_rows(rows)
            self.older_last = rows[-1].id


# --- the proposal page: this tab's own -----------------------------------------------------------


def _default_close() -> str:
    return (datetime.now(UTC) + timedelta(days=PROPOSAL_OPEN_DAYS)).date().isoformat()


def _reason_rows(choices: list[proposal_discussion.ReasonChoice]) -> list[ReasonChoiceRow]:
    rows = []
    for c in choices:
        where = f" on {c.payee_name}'s line" if c.payee_name else ""
        if c.kind == "vote":
            label = f"{c.author_name} objects{where}: “{c.text}”"
        else:
            label = f"{c.author_name} commented{where}: “{c.text}”"
        rows.append(ReasonChoiceRow(key=f"{c.kind[0]}{c.id}", label=label))
    return rows


class ProposalState(AuthState):
    """What this tab shows of a proposal beyond the room: the viewer's own votes and answer,
    an earlier version, the open line thread, the reply being written, the host's forms."""

    found: rx.Field[bool] = rx.field(False)
    pid: rx.Field[int] = rx.field(0)
    title: rx.Field[str] = rx.field("")
    production_id: rx.Field[int] = rx.field(0)
    production_title: rx.Field[str] = rx.field("")
    can_manage: rx.Field[bool] = rx.field(False)  # the production's host or an admin
    my_id: rx.Field[int] = rx.field(0)
    loaded_version: rx.Field[int] = rx.field(0)  # the version my votes below are of
    shown_version: rx.Field[int] = rx.field(0)  # an earlier version shown (0: the current)
    past_lines: rx.Field[list[LineRow]] = rx.field(default_factory=list)
    past_slices: rx.Field[list[SliceRow]] = rx.field(default_factory=list)
    my_votes: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    my_reasons: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    my_stale: rx.Field[dict[str, int]] = rx.field(default_factory=dict)  # payee -> cast on
    has_stake: rx.Field[bool] = rx.field(False)  # voted on it, or on one of its lines
    vote_error: rx.Field[str] = rx.field("")
    vote_error_line: rx.Field[int] = rx.field(0)
    sign_off_error: rx.Field[str] = rx.field("")
    thread_payee: rx.Field[int] = rx.field(0)  # the line whose comments are open (0: none)
    thread: rx.Field[list[ProposalCommentRow]] = rx.field(default_factory=list)
    thread_upto: rx.Field[int] = rx.field(0)  # the newest comment when the thread was read
    thread_error: rx.Field[str] = rx.field("")
    reply_parent: rx.Field[int] = rx.field(0)
    reply_name: rx.Field[str] = rx.field("")
    comment_error: rx.Field[str] = rx.field("")
    # The host's: the version being prepared (0: none), its lines, and what may be its reasons.
    preparing: rx.Field[int] = rx.field(0)
    prep_lines: rx.Field[list[LineRow]] = rx.field(default_factory=list)
    prep_note: rx.Field[str] = rx.field("")
    reason_choices: rx.Field[list[ReasonChoiceRow]] = rx.field(default_factory=list)
    default_close: rx.Field[str] = rx.field("")
    error: rx.Field[str] = rx.field("")
    message: rx.Field[str] = rx.field("")
    _shown_to: int = 0  # the user the last load showed the proposal to
    _draft: bool = False

    def _load(self, user: User) -> None:
        """The proposal as this user sees it, with their own votes and the host's forms."""
        with session_scope() as session:
            view = proposal_views.proposal_view(
                session=session, proposal_id=self.pid, viewer_id=user.id
            )
            mine = proposal_discussion.my_votes(
                session=session, proposal_id=self.pid, voter_id=user.id or 0
            )
            on_it = any(
                line.payee.id == user.id
                for line in proposal_views.line_views(
                    session=session, proposal_id=self.pid, viewer_id=user.id
                )
            )
            prep: list[LineRow] = []
            choices: list[proposal_discussion.ReasonChoice] = []
            if view.runs and view.preparing:
                prep, _, _ = _lines_of_version(
                    session, self.pid, user.id, view.currency, view.preparing
                )
            if view.runs and view.state == "open":
                choices = proposal_discussion.reason_choices(session=session, proposal_id=self.pid)
        self.found = True
        self.title, self.production_id = view.title, view.production_id
        self.production_title = view.production_title
        self.can_manage, self.my_id = view.runs, user.id or 0
        self._shown_to, self._draft = user.id or 0, view.state == "draft"
        self.loaded_version = view.version
        self.my_votes = {str(p): v.value for p, v in mine.items() if not v.stale}
        self.my_reasons = {str(p): v.reason for p, v in mine.items() if not v.stale}
        self.my_stale = {str(p): v.cast_on for p, v in mine.items() if v.stale}
        self.has_stake = bool(mine) or on_it
        self.preparing = view.preparing or 0
        self.prep_lines, self.prep_note = prep, view.preparing_note
        self.reason_choices = _reason_rows(choices)
        self.default_close = _default_close()

    @rx.event
    @signed_in_page()
    def load(self, user: User) -> None:
        self.found = False
        self.error = self.message = self.vote_error = self.sign_off_error = ""
        self.comment_error = self.thread_error = ""
        self.shown_version, self.past_lines, self.past_slices = 0, [], []
        self.thread_payee, self.thread, self.reply_parent, self.reply_name = 0, [], 0, ""
        pid = param_id(self)
        if pid is None:
            return
        self.pid = pid
        try:
            self._load(user)
        except NotFound:
            self.found = False

    @rx.event
    def refresh_mine(self) -> None:
        """After a new version: this viewer's votes and answer as they stand now."""
        user = self._current_user()
        if user is None or not self.found:
            return
        try:
            self._load(user)
        except NotFound:
            self.found = False
        self.shown_version, self.past_lines, self.past_slices = 0, [], []

    @rx.event
    def show_version(self, number: int) -> None:
        """Show an earlier version's lines (read once: it never changes), or the current."""
        n = as_int(number, minimum=1)
        user = self._current_user()
        if n is None or user is None or not self.found:
            return
        try:
            with session_scope() as session:
                view = proposal_views.proposal_view(
                    session=session, proposal_id=self.pid, viewer_id=user.id
                )
                if n == view.version:
                    self.shown_version, self.past_lines, self.past_slices = 0, [], []
                    return
                rows, slices, _ = _lines_of_version(session, self.pid, None, view.currency, n)
        except (NotFound, ServiceError) as err:
            self.error = str(err)
            return
        self.shown_version, self.past_lines, self.past_slices = n, rows, slices

    # --- voting, signing off, commenting (any signed-in member; the services check) ----

    @rx.event
    def vote(self, form_data: dict[str, Any]) -> None:
        form = as_form(form_data)
        payee = as_id(form.get("payee"))
        value = str(form.get("value", ""))
        reason = str(form.get("reason", ""))
        self.vote_error_line = payee or 0
        if payee is None:
            self.vote_error = BAD_ID
            return
        if value not in VOTE_VALUES:
            self.vote_error = "Choose agree, object or abstain."
            return
        if value == "object" and not reason.strip():
            self.vote_error = "Say why you object: a reason is required to object."
            return
        pid, version = self.pid, self.loaded_version
        done = self._write(
            lambda s, u: (
                proposal_votes.cast_vote(
                    session=s,
                    user_id=u.id or 0,
                    proposal_id=pid,
                    payee_id=payee,
                    value=value,
                    reason=reason,
                    version=version or None,
                ).id
            ),
            error_var="vote_error",
        )
        if done is None:
            return
        key = str(payee)
        self.my_votes = {**self.my_votes, key: value}
        self.my_reasons = {**self.my_reasons, key: reason.strip()}
        self.my_stale = {k: v for k, v in self.my_stale.items() if k != key}
        self.vote_error_line = 0

    def _answer(self, answer: str, reason: str) -> None:
        pid, version = self.pid, self.loaded_version
        self._write(
            lambda s, u: (
                proposal_votes.sign_off(
                    session=s,
                    user_id=u.id or 0,
                    proposal_id=pid,
                    answer=answer,
                    reason=reason,
                    version=version or None,
                ).id
            ),
            error_var="sign_off_error",
            done="Your answer is in." if answer == "accept" else "Your objection is in.",
        )

    @rx.event
    def accept_my_line(self) -> None:
        self._answer(SIGN_OFF_ANSWERS[0], "")

    @rx.event
    def object_to_my_line(self, form_data: dict[str, Any]) -> None:
        reason = str(as_form(form_data).get("reason", ""))
        if not reason.strip():
            self.sign_off_error = "Say why you object to your line: a reason is required."
            return
        self._answer(SIGN_OFF_ANSWERS[1], reason)

    @rx.event
    def toggle_thread(self, payee_id: int) -> None:
        """Open (or close) one line's comments: read them once; newer ones arrive live."""
        payee = as_id(payee_id)
        self.thread_error = ""
        if payee is None or payee == self.thread_payee or not self.found:
            self.thread_payee, self.thread = 0, []
            return
        with session_scope() as session:
            newest = proposal_discussion.newest_comment_id(session=session, proposal_id=self.pid)
            rows = proposal_discussion.line_thread(
                session=session, proposal_id=self.pid, payee_id=payee
            )
        # Read the newest id first: a comment added meanwhile shows as arrived, not missed.
        self.thread_upto = newest
        self.thread = _comment_rows([c for c in rows if c.id <= newest])
        self.thread_payee = payee

    def _comment(self, body: str, *, payee: int | None, parent: int | None, error_var: str) -> bool:
        pid = self.pid
        done = self._write(
            lambda s, u: (
                proposal_votes.add_comment(
                    session=s,
                    user_id=u.id or 0,
                    proposal_id=pid,
                    body=body,
                    payee_id=payee,
                    parent_id=parent,
                ).id
            ),
            error_var=error_var,
        )
        return done is not None

    @rx.event
    def add_comment(self, form_data: dict[str, Any]) -> EventSpec | None:
        body = str(as_form(form_data).get("body", ""))
        if not self._comment(
            body, payee=None, parent=self.reply_parent or None, error_var="comment_error"
        ):
            return None
        self.reply_parent, self.reply_name = 0, ""
        return rx.set_value("field-comment", "")

    @rx.event
    def comment_on_line(self, form_data: dict[str, Any]) -> EventSpec | None:
        body = str(as_form(form_data).get("body", ""))
        if not self.thread_payee:
            return None
        if not self._comment(body, payee=self.thread_payee, parent=None, error_var="thread_error"):
            return None
        return rx.set_value("field-line-comment", "")

    @rx.event
    def reply_to(self, comment_id: int) -> EventSpec | None:
        cid = as_id(comment_id)
        if cid is None or not self.found:
            return None
        with session_scope() as session:
            rows = proposal_discussion.comments_between(
                session=session, proposal_id=self.pid, after_id=cid - 1, before_id=cid + 1, limit=1
            )
        if not rows:
            return None
        self.reply_parent, self.reply_name = rows[0].id, rows[0].author_name
        return rx.set_focus("field-comment")

    @rx.event
    def cancel_reply(self) -> None:
        self.reply_parent, self.reply_name = 0, ""

    # --- the host's controls (the services check that the user runs the proposal) ------

    async def _changed(self, user: User) -> None:
        """After the host's write: this tab's own view again, and the room's proposal part
        for everyone (a draft's room holds only those who run it)."""
        self._load(user)
        reader = user.id if self._draft else None
        await broadcast.publish(
            proposal_room(self.pid),
            ProposalLive,
            _room_values(self.pid, ALL_PARTS, reader),
        )

    @rx.event
    async def change_share(self, form_data: dict[str, Any]) -> None:
        form = as_form(form_data)
        payee = as_id(form.get("payee"))
        bps = as_percent_bps(form.get("share"))
        reason = str(form.get("reason", ""))
        if payee is None:
            self.message, self.error = "", "Choose whose share to change."
            return
        if bps is None:
            self.message, self.error = "", "Type the new share as a percentage, e.g. 12.5."
            return
        pid = self.pid
        version = self.preparing or self.loaded_version
        done = self._write(
            lambda s, u: (
                proposals.set_line_share(
                    session=s,
                    user_id=u.id or 0,
                    proposal_id=pid,
                    version=version,
                    payee_id=payee,
                    share_bps=bps,
                    reason=reason,
                ).id
            ),
            done="Share changed.",
        )
        if done is not None:
            if self.preparing:
                self._load(done.user)  # a revision being prepared is not public yet
            else:
                await self._changed(done.user)

    @rx.event
    async def open_for_feedback(self, form_data: dict[str, Any]) -> None:
        form = as_form(form_data)
        day = as_date(form.get("closes"))
        if day is None:
            self.message, self.error = "", "Choose the day feedback closes."
            return
        closes = datetime.combine(day, time(23, 59), tzinfo=UTC)
        hide = form.get("hide_tallies") in (True, "on", "true")
        pid = self.pid
        done = self._write(
            lambda s, u: (
                proposals.open_proposal(
                    session=s,
                    user_id=u.id or 0,
                    proposal_id=pid,
                    closes_at=closes,
                    hide_tallies=hide,
                ).id
            ),
            done="Open for feedback.",
        )
        if done is not None:
            self._load(done.user)  # the service tells the room

    @rx.event
    def revise(self, form_data: dict[str, Any]) -> None:
        """Start a new version (a draft copy of the current one), naming the comments and
        objections it answers."""
        form = as_form(form_data)
        note = str(form.get("note", ""))
        comment_ids, vote_ids = [], []
        for key, on in form.items():
            if not key.startswith("reason-") or on not in (True, "on", "true"):
                continue
            ref = key.removeprefix("reason-")
            rid = as_id(ref[1:])
            if rid is not None and ref[:1] == "c":
                comment_ids.append(rid)
            elif rid is not None and ref[:1] == "v":
                vote_ids.append(rid)
        pid = self.pid

        def start(s: Session, u: User) -> int:
            version = proposals.revise_proposal(
                session=s, user_id=u.id or 0, proposal_id=pid, note=note
            )
            proposals.set_version_reasons(
                session=s,
                user_id=u.id or 0,
                proposal_id=pid,
                version=version.number,
                note=note,
                comment_ids=comment_ids,
                vote_ids=vote_ids,
            )
            return version.number

        done = self._write(
            start, done="New version started: change its shares, then open it for feedback."
        )
        if done is not None:
            self._load(done.user)

    @rx.event
    def open_revision(self, form_data: dict[str, Any]) -> None:
        """Open the version being prepared in place of the current one."""
        form = as_form(form_data)
        day = as_date(form.get("closes"))
        if day is None:
            self.message, self.error = "", "Choose the day feedback closes."
            return
        closes = datetime.combine(day, time(23, 59), tzinfo=UTC)
        pid = self.pid
        done = self._write(
            lambda s, u: (
                proposals.open_proposal(
                    session=s, user_id=u.id or 0, proposal_id=pid, closes_at=closes
                ).id
            ),
            done="The new version is open for feedback.",
        )
        if done is not None:
            self._load(done.user)
            self.shown_version, self.past_lines, self.past_slices = 0, [], []

    @rx.event
    def discard_revision(self) -> None:
        pid = self.pid
        done = self._write(
            lambda s, u: proposals.discard_revision(session=s, user_id=u.id or 0, proposal_id=pid),
            done="The new version was discarded.",
        )
        if done is not None:
            self._load(done.user)

    @rx.event
    def finalise(self) -> None:
        pid = self.pid
        done = self._write(
            lambda s, u: (
                proposals.finalise_proposal(session=s, user_id=u.id or 0, proposal_id=pid).id
            ),
            done="Final: the ledger is written.",
        )
        if done is not None:
            self._load(done.user)

    @rx.event
    def mark_paid(self, form_data: dict[str, Any]) -> None:
        reference = str(as_form(form_data).get("reference", ""))
        pid = self.pid
        done = self._write(
            lambda s, u: (
                proposals.mark_paid(
                    session=s, user_id=u.id or 0, proposal_id=pid, reference=reference
                ).id
            ),
            done="Marked paid.",
        )
        if done is not None:
            self._load(done.user)

    # --- downloads (the services decide who may have them) -----------------------------

    def _download(self, make: Callable[[Session, int], str], filename: str) -> EventSpec | None:
        self.error = ""
        user = self._current_user()
        if user is None:
            self.error = "Please sign in first."
            return None
        try:
            with session_scope() as session:
                data = make(session, user.id or 0)
        except ServiceError as err:
            self.error = str(err)
            return None
        return rx.download(data=data, filename=filename)

    @rx.event
    def download_csv(self) -> EventSpec | None:
        pid = self.pid
        return self._download(
            lambda s, uid: proposal_exports.split_sheet_csv(
                session=s, proposal_id=pid, viewer_id=uid
            ),
            f"split-sheet-{pid}.csv",
        )

    @rx.event
    def download_json(self) -> EventSpec | None:
        pid = self.pid
        return self._download(
            lambda s, uid: proposal_exports.split_sheet_json(
                session=s, proposal_id=pid, viewer_id=uid
            ),
            f"split-sheet-{pid}.json",
        )

    @rx.event
    def download_ledger(self) -> EventSpec | None:
        production = self.production_id
        return self._download(
            lambda s, uid: proposal_exports.ledger_csv(
                session=s, viewer_id=uid, production_id=production
            ),
            f"ledger-production-{production}.csv",
        )


# --- the diff between two versions --------------------------------------------------------------


def _signed(delta: int, text: str) -> str:
    return ("+" if delta > 0 else "") + text


class ProposalDiffState(AuthState):
    found: rx.Field[bool] = rx.field(False)
    pid: rx.Field[int] = rx.field(0)
    title: rx.Field[str] = rx.field("")
    from_version: rx.Field[int] = rx.field(0)
    to_version: rx.Field[int] = rx.field(0)
    note: rx.Field[str] = rx.field("")
    rows: rx.Field[list[DiffRow]] = rx.field(default_factory=list)
    reasons: rx.Field[list[ReasonLinkRow]] = rx.field(default_factory=list)
    error: rx.Field[str] = rx.field("")

    @rx.event
    @signed_in_page(keep_query=("from", "to"))
    def load(self, user: User) -> None:
        self.found, self.error, self.rows, self.reasons = False, "", [], []
        pid = param_id(self)
        if pid is None:
            return
        self.pid = pid
        older, newer = query_id(self, "from"), query_id(self, "to")
        try:
            with session_scope() as session:
                view = proposal_views.proposal_view(
                    session=session, proposal_id=pid, viewer_id=user.id
                )
                newer = newer or view.version
                older = older or max(newer - 1, 1)
                d = proposal_views.diff(
                    session=session,
                    proposal_id=pid,
                    from_number=older,
                    to_number=newer,
                    viewer_id=user.id,
                )
        except ServiceError as err:
            self.error = str(err)
            return
        currency = view.currency
        self.found, self.title = True, view.title
        self.from_version, self.to_version, self.note = d.from_number, d.to_number, d.note
        self.rows = [
            DiffRow(
                username=r.payee.username,
                name=r.payee.display_name or r.payee.username,
                before=(f"{format_bps(r.old_bps)} · {format_minor(r.old_amount_minor, currency)}"),
                after=f"{format_bps(r.new_bps)} · {format_minor(r.new_amount_minor, currency)}",
                change=(
                    "no change"
                    if r.delta_bps == 0 and r.delta_minor == 0
                    else _signed(r.delta_bps, format_bps(r.delta_bps))
                    + " ("
                    + _signed(r.delta_minor, format_minor(r.delta_minor, currency))
                    + ")"
                ),
                direction="up" if r.delta_minor > 0 else "down" if r.delta_minor < 0 else "same",
                reason=r.change_reason.replace("\n", " · "),
            )
            for r in d.rows
        ]
        self.reasons = [
            ReasonLinkRow(
                label=(
                    f"{r.author.display_name} objected: “{r.text}”"
                    if r.kind == "vote"
                    else f"{r.author.display_name} commented: “{r.text}”"
                ),
                anchor=f"comment-{r.id}" if r.kind == "comment" else f"line-{r.payee_id or 0}",
            )
            for r in d.reasons
        ]


# --- earnings ------------------------------------------------------------------------------------

# The ledger's accounts (vocabulary.LEDGER_ACCOUNTS) as a contributor reads them.
ACCOUNT_WORDS = {"owed": "Owed to you", "carried": "Carried forward", "paid": "Paid to you"}


class EarningsState(AuthState):
    balances: rx.Field[list[BalanceRow]] = rx.field(default_factory=list)
    history: rx.Field[list[HistoryRow]] = rx.field(default_factory=list)
    proposals: rx.Field[list[MyProposalRow]] = rx.field(default_factory=list)
    error: rx.Field[str] = rx.field("")

    @rx.event
    @signed_in_page()
    def load(self, user: User) -> None:
        self.error = ""
        with session_scope() as session:
            e = proposal_views.earnings(session=session, user_id=user.id or 0, viewer_id=user.id)
        self.balances = [
            BalanceRow(
                currency=b.currency,
                owed=format_minor(b.owed, b.currency),
                carried=format_minor(b.carried, b.currency),
                paid=format_minor(b.paid, b.currency),
            )
            for b in e.balances
        ]
        self.history = [
            HistoryRow(
                at=fmt_time(h.created_at),
                account=ACCOUNT_WORDS.get(h.account, h.account),
                what=h.memo + (f" (payment reference {h.reference})" if h.reference else ""),
                amount=format_minor(h.amount_minor, h.currency),
                proposal_id=h.proposal_id or 0,
            )
            for h in reversed(e.history)
        ]
        self.proposals = [
            MyProposalRow(
                id=p.proposal_id,
                title=p.title,
                production=p.production_title,
                state=p.state,
                share=format_bps(p.share_bps),
                amount=format_minor(p.amount_minor, p.currency),
            )
            for p in e.proposals
        ]

    def _download(self, make: Callable[[Session, int], str], filename: str) -> EventSpec | None:
        self.error = ""
        user = self._current_user()
        if user is None:
            self.error = "Please sign in first."
            return None
        try:
            with session_scope() as session:
                data = make(session, user.id or 0)
        except ServiceError as err:
            self.error = str(err)
            return None
        return rx.download(data=data, filename=filename)

    @rx.event
    def download_csv(self, proposal_id: int) -> EventSpec | None:
        pid = as_id(proposal_id)
        if pid is None:
            self.error = BAD_ID
            return None
        return self._download(
            lambda s, uid: proposal_exports.split_sheet_csv(
                session=s, proposal_id=pid, viewer_id=uid
            ),
            f"split-sheet-{pid}.csv",
        )

    @rx.event
    def download_json(self, proposal_id: int) -> EventSpec | None:
        pid = as_id(proposal_id)
        if pid is None:
            self.error = BAD_ID
            return None
        return self._download(
            lambda s, uid: proposal_exports.split_sheet_json(
                session=s, proposal_id=pid, viewer_id=uid
            ),
            f"split-sheet-{pid}.json",
        )

    @rx.event
    def download_ledger(self) -> EventSpec | None:
        return self._download(
            lambda s, uid: proposal_exports.ledger_csv(session=s, viewer_id=uid, user_id=uid),
            "my-ledger.csv",
        )


# --- live updates: committed service events to the proposal's room -----------------------------


async def _publish(pid: int, parts: frozenset[RoomPart]) -> None:
    try:
        values = _room_values(pid, parts)
    except NotFound:
        return  # a draft: nobody but its runners is in the room, and nothing was published
    await broadcast.publish(proposal_room(pid), ProposalLive, values)


@rooms.on(EventKind.PROPOSAL_CHANGED)
async def _on_changed(event: RoomEvent) -> None:
    # A new state or version changes everything on the page: one read, one message.
    await _publish(int(event.data["proposal_id"]), ALL_PARTS)


@rooms.on(EventKind.PROPOSAL_VOTE)
async def _on_vote(event: RoomEvent) -> None:
    if event.data.get("tally") is None:
        return  # hidden until close: nothing to show, and nothing is sent
    await _publish(int(event.data["proposal_id"]), frozenset(("tallies",)))


@rooms.on(EventKind.PROPOSAL_COMMENT)
async def _on_comment(event: RoomEvent) -> None:
    await _publish(int(event.data["proposal_id"]), frozenset(("comments",)))


@rooms.on(EventKind.PROPOSAL_SIGN_OFF)
async def _on_sign_off(event: RoomEvent) -> None:
    await _publish(int(event.data["proposal_id"]), frozenset(("sign_offs",)))


# --- a production's proposals (the production page's "Pay proposals" section) -----------------


@dataclass(frozen=True)
class ProposalLinkRow:
    id: int
    title: str
    state: str
    version: int
    closes: str  # when feedback closes, for an open proposal ("" otherwise)


class ProductionProposalsState(AuthState):
    """The production page's pay proposals, and its host's way to draft one."""

    production_id: rx.Field[int] = rx.field(0)
    proposals: rx.Field[list[ProposalLinkRow]] = rx.field(default_factory=list)
    can_draft: rx.Field[bool] = rx.field(False)
    draft_error: rx.Field[str] = rx.field("")

    @rx.event
    def load(self) -> None:
        self.draft_error, self.proposals, self.can_draft = "", [], False
        pid = param_id(self)
        user = self._current_user()
        self.production_id = pid or 0
        if pid is None or user is None:
            return  # proposals are for signed-in members
        try:
            with session_scope() as session:
                found = proposal_lists.production_proposals(
                    session=session, production_id=pid, viewer_id=user.id
                )
        except NotFound:
            return
        # One proposal in progress at a time (the service refuses another): no button then.
        self.can_draft = found.runs and not any(
            p.state in ("draft", "open") for p in found.proposals
        )
        self.proposals = [
            ProposalLinkRow(
                id=p.id,
                title=p.title,
                state=p.state,
                version=p.version,
                closes=fmt_time(p.closes_at) if p.state == "open" else "",
            )
            for p in found.proposals
        ]

    @rx.event
    def draft_proposal(self) -> EventSpec | None:
        """Draft a proposal with the split the evidence suggests, and go to it."""
        production = self.production_id
        if not production:
            self.draft_error = BAD_ID
            return None
        done = self._write(
            lambda s, u: (
                proposals.create_proposal(session=s, user_id=u.id or 0, production_id=production).id
            ),
            error_var="draft_error",
        )
        return rx.redirect(routes.proposal_url(done.value or 0)) if done else None
