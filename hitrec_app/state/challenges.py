"""Challenge board, challenge page and the challenge form."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import reflex as rx

from hitrec_app import routes
from hitrec_app.db import Session, session_scope
from hitrec_app.models import Challenge, User
from hitrec_app.realtime import broadcast, cluster, reflex_internals, rooms
from hitrec_app.services import challenges, record_views
from hitrec_app.services.challenges import ChallengeInput
from hitrec_app.services.errors import NotFound, ValidationError
from hitrec_app.services.events import RoomEvent
from hitrec_app.state.args import as_bool, as_form, as_id, as_int, as_text, param_id
from hitrec_app.state.base import AuthState, signed_in_page
from hitrec_app.state.display import fmt_time
from hitrec_app.state.presence import watch_room
from hitrec_app.state.rows import EntryRow, RecordLinkRow, TitledRow, fields_of
from hitrec_app.tasks.challenge_expiry import sweep_on_page_load
from hitrec_app.vocabulary import (
    BOARD_ROOM,
    CHALLENGE_ROOM_PREFIX,
    LIVE_ENTRIES,
    LIVE_REMOVALS,
    LIVE_TITLES,
    RECORD_KINDS,
    RECORD_SORTS,
    EventKind,
    challenge_room,
)

CountMap = Literal["hearts", "remixes", "comments"]
COUNT_MAPS: tuple[CountMap, ...] = ("hearts", "remixes", "comments")
ROOM_COUNTS_KEPT = 300  # recent counts of each map a challenge room carries
ROOM_COUNTS_ROOMS = 1000  # challenge rooms whose recent counts this process keeps


# --- view rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    """A challenge as a card on the board."""

    id: int
    title: str
    status: str  # "open", "closing soon", "closed", "draft"
    host: str
    deadline: str
    entry_count: int
    money: str
    latest: list[RecordLinkRow]


def _board_row(item: challenges.BoardItem) -> BoardRow:
    return BoardRow(
        id=item.id,
        title=item.title,
        status=item.status,
        host=item.host_name,
        deadline=fmt_time(item.deadline),
        entry_count=item.entry_count,
        money=item.money_line,
        latest=[_link(e) for e in item.latest],
    )


def _link(entry: challenges.EntryPreview) -> RecordLinkRow:
    return RecordLinkRow(id=entry.id, title=entry.title, kind=entry.kind, withdrawn=False)


def _entry_row(row: record_views.EntryRow) -> EntryRow:
    return EntryRow(**fields_of(row), at=fmt_time(row.created_at))


def _public_board() -> list[BoardRow]:
    with session_scope() as session:
        return [_board_row(i) for i in challenges.board(session=session)]


# --- the board -----------------------------------------------------------------------------


class BoardLive(rx.State):
    """The public board (open, closing soon and recently closed challenges), kept current over
    the broadcast path: every tab on the board is subscribed to BOARD_ROOM. `items` is set only
    by `join` (the snapshot) and by broadcasts (the board read once per change)."""

    items: rx.Field[list[BoardRow]] = rx.field(default_factory=list)

    @rx.event
    async def join(self) -> None:
        sweep_on_page_load()
        # Subscribe first, then read: a change committed meanwhile is not lost.
        await broadcast.subscribe(reflex_internals.socket_sid(self), BOARD_ROOM)
        self.items = _public_board()


class BoardState(AuthState):
    drafts: rx.Field[list[BoardRow]] = rx.field(default_factory=list)
    query: str = ""
    results: rx.Field[list[EntryRow]] = rx.field(default_factory=list)
    searched: bool = False

    @rx.event
    def load(self):
        user = self._current_user()
        self._show(user)
        self.drafts = []
        if user is not None and challenges.is_host(user):
            with session_scope() as session:
                self.drafts = [
                    _board_row(i)
                    for i in challenges.board(session=session, viewer=user)
                    if i.state == "draft"
                ]

    @rx.event
    def search(self, form_data: dict):
        self.query = str(as_form(form_data).get("q", ""))[:100]
        with session_scope() as session:
            self.results = [
                _entry_row(r)
                for r in record_views.search_records(session=session, query=self.query)
            ]
        self.searched = self.query.strip() != ""


# --- a challenge's page ----------------------------------------------------------------------


class ChallengeLive(rx.State):
    """What every viewer of one challenge sees alike, kept current over the broadcast path:
    each tab on the page is subscribed to the challenge's room. These vars are set only by
    `join` (the snapshot) and by broadcasts, never by another handler (presence's `watching`
    and `watchers` too).

    - The challenge itself (`status`, `title`, ... as `ChallengeState` has them): a host's
      edit, opening or closing reaches every open page.
    - Its entries: `arrivals` is the newest LIVE_ENTRIES entries still up (by id), and every
      entry still up with an id above `live_after` is among them; `removed` names the entries
      taken down most recently and `titles` the latest edited titles. One read per change,
      sent once to the room: each tab applies them to its own list (own sort, filter and
      page, `ChallengeState`) in the browser (pages/challenges.py), so a change costs no
      query and no state load per viewer.
    - Heart, remix and comment counts arrive as small maps keyed by record id (the most recent few
      hundred, kept per room: in Redis with several workers, else in this process) so a
      heart never makes every viewer re-query; the join snapshot holds the maps as last sent
      (a heart between the page's entries load and the subscription is not lost).
    """

    cid: rx.Field[int] = rx.field(0)  # the challenge these vars are of (0: none joined)
    status: rx.Field[str] = rx.field("")
    title: rx.Field[str] = rx.field("")
    prompt: rx.Field[str] = rx.field("")
    instructions: rx.Field[str] = rx.field("")
    kinds: rx.Field[list[str]] = rx.field(default_factory=list)
    deadline: rx.Field[str] = rx.field("")
    money: rx.Field[str] = rx.field("")
    production: rx.Field[str] = rx.field("")
    production_id: rx.Field[int] = rx.field(0)
    entry_count: rx.Field[int] = rx.field(0)
    latest: rx.Field[list[RecordLinkRow]] = rx.field(default_factory=list)
    arrivals: rx.Field[list[EntryRow]] = rx.field(default_factory=list)
    live_after: rx.Field[int] = rx.field(0)
    removed: rx.Field[list[int]] = rx.field(default_factory=list)
    titles: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    hearts: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    remixes: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    comments: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    # Presence (realtime/presence.py): how many watch the challenge, the first few signed-in names.
    watching: rx.Field[int] = rx.field(0)
    watchers: rx.Field[list[str]] = rx.field(default_factory=list)

    @rx.event
    async def join(self) -> None:
        cid = param_id(self)
        if cid is None:
            return
        auth = await self.get_state(AuthState)
        viewer = auth._current_user()
        page = await self.get_state(ChallengeState)
        # The page's load just showed this challenge to this same user: no second check.
        shown = page.found and page.cid == cid and page._shown_to == _user_key(viewer)
        if not shown:
            with session_scope() as session:
                try:
                    challenges.get_challenge(session=session, challenge_id=cid, viewer=viewer)
                except NotFound:
                    return
        room = challenge_room(cid)
        # Subscribe first, then read: a change committed meanwhile is not lost.
        await broadcast.subscribe(
            reflex_internals.socket_sid(self), room, leave_prefix=CHALLENGE_ROOM_PREFIX
        )
        snapshot = broadcast.snapshot(room, lambda: _room_values(cid, ROOM_PARTS))
        for name, value in snapshot.items():
            # A copy per tab: the snapshot is shared by every tab that joins the room.
            setattr(self, name, copy.copy(value))
        # The recent counts the room has sent (the entries just loaded may predate them).
        self.hearts, self.remixes, self.comments = await _room_counts.get(
            challenge_room(cid), *COUNT_MAPS
        )
        watch_room(self, challenge_room(cid), viewer)


RoomPart = Literal["challenge", "entries", "removed", "titles"]
ROOM_PARTS: frozenset[RoomPart] = frozenset(("challenge", "entries", "removed", "titles"))


def _challenge_values(session: Session, challenge: Challenge) -> dict[str, object]:
    """A challenge's vars as every viewer sees them (`ChallengeState` and `ChallengeLive`)."""
    _, production = challenges.host_and_production(session=session, challenge=challenge)
    return {
        "status": challenges.effective_status(challenge),
        "title": challenge.title,
        "prompt": challenge.prompt,
        "instructions": challenge.instructions,
        "kinds": challenges.accepted_kinds(challenge),
        "deadline": fmt_time(challenge.deadline),
        "money": challenges.money_line(challenge),
        "production": production.title if production else "",
        "production_id": (production.id or 0) if production else 0,
    }


def _room_values(cid: int, parts: frozenset[RoomPart]) -> dict[str, object]:
    """The room's vars named by `parts`, as they are now: one read, whatever the number of
    viewers (`challenge`: the challenge itself; `entries`: count, latest and the live window;
    `removed`: the entries taken down recently; `titles`: the latest edited titles)."""
    values: dict[str, object] = {"cid": cid}
    with session_scope() as session:
        if "challenge" in parts:
            challenge = challenges.find_challenge(session=session, challenge_id=cid)
            if challenge is not None:
                values.update(_challenge_values(session, challenge))
        if "entries" in parts:
            counts = challenges.entry_counts(session=session, challenge_ids=[cid])
            latest = challenges.latest_entries(session=session, challenge_id=cid, limit=5)
            live = record_views.live_entries(session=session, challenge_id=cid, limit=LIVE_ENTRIES)
            values["entry_count"] = counts.get(cid, 0)
            values["latest"] = [_link(e) for e in latest]
            values["arrivals"] = [_entry_row(r) for r in live.rows]
            values["live_after"] = live.previous_id
        if "removed" in parts:
            values["removed"] = record_views.removed_entries(
                session=session, challenge_id=cid, limit=LIVE_REMOVALS
            )
        if "titles" in parts:
            titles = record_views.edited_titles(
                session=session, challenge_id=cid, limit=LIVE_TITLES
            )
            values["titles"] = {str(rid): title for rid, title in titles.items()}
    return values


def _user_key(user: User | None) -> int:
    return (user.id or 0) if user is not None else 0


class ChallengeState(AuthState):
    found: bool = False
    cid: int = 0
    title: str = ""
    prompt: str = ""
    instructions: str = ""
    kinds: rx.Field[list[str]] = rx.field(default_factory=list)
    status: str = ""
    host_name: str = ""
    host_username: str = ""
    deadline: str = ""
    money: str = ""
    production: str = ""
    production_id: int = 0
    can_manage: bool = False
    entries: rx.Field[list[EntryRow]] = rx.field(default_factory=list)
    # The challenge's newest entry when `entries` was read: newer ones in the room's
    # `arrivals` are new to this tab (shown on top of "Newest", page 1; else offered).
    seen_upto: int = 0
    sort: str = "newest"
    kind: str = ""
    never_remixed: bool = False
    page: int = 1
    pages: int = 1
    total: int = 0
    error: str = ""
    _shown_to: int = -1  # the user (0: signed out) the challenge was last shown to

    def _load_entries(self) -> None:
        with session_scope() as session:
            result = record_views.challenge_entries(
                session=session,
                challenge_id=self.cid,
                sort=self.sort,
                kind=self.kind,
                never_remixed=self.never_remixed,
                page=self.page,
            )
        self.entries = [_entry_row(r) for r in result.rows]
        self.page, self.pages, self.total = result.page, result.pages, result.total
        self.seen_upto = result.newest_id

    def _load_challenge(self, viewer: User | None) -> None:
        with session_scope() as session:
            challenge = challenges.get_challenge(
                session=session, challenge_id=self.cid, viewer=viewer
            )
            host, _ = challenges.host_and_production(session=session, challenge=challenge)
            shared = _challenge_values(session, challenge)
        self.found = True
        for name, value in shared.items():
            setattr(self, name, value)
        self.host_name = host.display_name if host else ""
        self.host_username = host.username if host else ""
        self.can_manage = viewer is not None and challenges.can_manage(viewer, challenge)

    @rx.event
    def load(self):
        viewer = self._current_user()
        self._show(viewer)
        self.error = ""
        self.found = False
        self.entries = []
        cid = param_id(self)
        if cid is None:
            return
        sweep_on_page_load()
        self.cid = cid
        self.sort, self.kind, self.never_remixed, self.page = "newest", "", False, 1
        try:
            self._load_challenge(viewer)
        except NotFound:
            self.cid = 0  # sorting and paging then list nothing of a challenge not shown
            return
        self._shown_to = _user_key(viewer)
        self._load_entries()

    @rx.event
    def set_sort(self, value: str):
        value = as_text(value)
        if value in RECORD_SORTS:
            self.sort, self.page = value, 1
            self._load_entries()

    @rx.event
    def set_kind(self, value: str):
        value = as_text(value)
        value = "" if value == "all" else value
        if value == "" or value in RECORD_KINDS:
            self.kind, self.page = value, 1
            self._load_entries()

    @rx.event
    def set_never_remixed(self, value: bool):
        on = as_bool(value)
        if on is None:
            return
        self.never_remixed, self.page = on, 1
        self._load_entries()

    @rx.event
    def go_page(self, page: int):
        number = as_int(page, minimum=1, maximum=1_000_000)
        if number is None:
            return
        self.page = number  # the service clamps it to the last page
        self._load_entries()

    @rx.event
    def show_new(self):
        """Reload this tab's own list (its sort, filter and page) with the entries that
        arrived since it was read."""
        self._load_entries()

    @rx.event
    def open_challenge(self):
        self._change(challenges.open_challenge)

    @rx.event
    def close_challenge(self):
        self._change(challenges.close_challenge)

    def _change(self, change: Callable[..., Challenge]) -> None:
        """Open or close this challenge as the signed-in user; then show it as it is now."""
        done = self._write(
            lambda session, user: (
                change(session=session, actor_id=user.id or 0, challenge_id=self.cid).id
            )
        )
        if done is not None:
            self._load_challenge(done.user)


# --- the challenge form (new and edit) ---------------------------------------------------


def _parse_deadline(raw: str) -> datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (ValueError, OverflowError) as err:
        raise ValidationError("The deadline is not a valid date and time.") from err


def _parse_money(raw: str) -> int | None:
    raw = (raw or "").strip().replace(",", "").lstrip("$")
    if not raw:
        return None
    try:
        dollars = float(raw)
    except ValueError:
        dollars = math.nan
    if not math.isfinite(dollars):  # also "nan", "inf" and "1e999"
        raise ValidationError("The pool must be an amount in dollars, e.g. 1200.")
    return round(dollars * 100)


def _parse_percent(raw: str) -> int | None:
    raw = (raw or "").strip().rstrip("%")
    if not raw:
        return None
    try:
        percent = float(raw)
    except ValueError:
        percent = math.nan
    if not math.isfinite(percent):
        raise ValidationError("The contributors' share must be a percentage.")
    return round(percent * 100)


class ChallengeFormState(AuthState):
    editing_id: int = 0
    f_title: str = ""
    f_prompt: str = ""
    f_instructions: str = ""
    f_kinds: rx.Field[list[str]] = rx.field(default_factory=lambda: list(RECORD_KINDS))
    f_deadline: str = ""
    f_production: str = ""
    f_pool: str = ""
    f_share: str = ""
    productions: rx.Field[
        list[TitledRow]
    ]  # a production a challenge may be for = rx.field(default_factory=list)
    allowed: bool = False
    error: str = ""
    # Bumped by every load and used as the form's key: the form is drawn anew with the
    # loaded values (inputs read `default_value` only when they are first drawn).
    loads: int = 0

    @rx.event
    @signed_in_page()
    def load(self, user: User):
        self.error = ""
        self.loads += 1
        self.allowed = challenges.is_host(user)
        with session_scope() as session:
            self.productions = [
                TitledRow(id=p.id or 0, title=p.title)
                for p in challenges.productions(session=session)
            ]
        cid = param_id(self)
        self.editing_id = cid or 0
        self.f_title = self.f_prompt = self.f_instructions = ""
        self.f_deadline = self.f_production = self.f_pool = self.f_share = ""
        self.f_kinds = list(RECORD_KINDS)
        if cid is None:
            return
        with session_scope() as session:
            try:
                c = challenges.get_challenge(session=session, challenge_id=cid, viewer=user)
            except NotFound:
                self.allowed = False
                self.error = "That challenge does not exist."
                return
        self.allowed = challenges.can_manage(user, c)
        if not self.allowed:
            self.error = "Only the challenge's host can edit it."
            return
        self.f_title, self.f_prompt, self.f_instructions = c.title, c.prompt, c.instructions
        self.f_kinds = challenges.accepted_kinds(c)
        self.f_deadline = c.deadline.strftime("%Y-%m-%dT%H:%M") if c.deadline else ""
        self.f_production = str(c.production_id or "")
        self.f_pool = f"{c.pool_cents / 100:.2f}" if c.pool_cents is not None else ""
        self.f_share = (
            f"{c.contributors_share_bps / 100:g}" if c.contributors_share_bps is not None else ""
        )

    def _input(self) -> ChallengeInput:
        """The fields as the service takes them; a ValidationError for an unreadable one."""
        production = self.f_production if self.f_production not in ("", "none") else ""
        return ChallengeInput(
            title=self.f_title,
            prompt=self.f_prompt,
            instructions=self.f_instructions,
            accepted_kinds=tuple(self.f_kinds),
            deadline=_parse_deadline(self.f_deadline),
            production_id=as_id(production),
            pool_cents=_parse_money(self.f_pool),
            contributors_share_bps=_parse_percent(self.f_share),
        )

    @rx.event
    def submit(self, form_data: dict):
        form_data = as_form(form_data)
        self.f_title = str(form_data.get("title", ""))
        self.f_prompt = str(form_data.get("prompt", ""))
        self.f_instructions = str(form_data.get("instructions", ""))
        self.f_deadline = str(form_data.get("deadline", ""))
        self.f_production = str(form_data.get("production", "") or "")
        self.f_pool = str(form_data.get("pool", ""))
        self.f_share = str(form_data.get("share", ""))
        self.f_kinds = [
            k for k in RECORD_KINDS if form_data.get(f"kind_{k}") in ("on", True, "true")
        ]
        publish = str(form_data.get("publish", "")) in ("on", "true", "True")

        def save(session: Session, user: User) -> int:
            data = self._input()
            if self.editing_id:
                challenge = challenges.update_challenge(
                    session=session, actor_id=user.id or 0, challenge_id=self.editing_id, data=data
                )
            else:
                challenge = challenges.create_challenge(
                    session=session, actor_id=user.id or 0, data=data, publish=publish
                )
            return challenge.id or 0

        done = self._write(save)
        return None if done is None else rx.redirect(routes.challenge_url(done.value))


# --- live updates --------------------------------------------------------------------------


def _challenge_of(event: RoomEvent) -> int | None:
    cid = event.data.get("challenge_id")
    return int(cid) if isinstance(cid, int) else None


# What each kind of change alters in a challenge's room (and so is read and sent again).
_CHANGED_PARTS: dict[str, frozenset[RoomPart]] = {
    EventKind.RECORD_CREATED: frozenset(("entries",)),
    EventKind.RECORD_UPDATED: frozenset(("entries", "titles")),
    EventKind.RECORD_WITHDRAWN: frozenset(("entries", "removed")),
    EventKind.RECORD_DELETED: frozenset(("entries", "removed")),
}


@rooms.on("record.")
@rooms.on("challenge.")
async def _on_entries_changed(event: RoomEvent) -> None:
    """The board, and the challenge's room: what the change altered, read once and sent
    once to every viewer (each applies it to its own sort, filter and page in the browser;
    no viewer's state is loaded and nothing is queried per viewer)."""
    await broadcast.publish(BOARD_ROOM, BoardLive, {"items": _public_board()})
    cid = _challenge_of(event)
    if cid is None:
        return
    parts = _CHANGED_PARTS.get(event.kind, frozenset(("challenge",)))
    await broadcast.publish(challenge_room(cid), ChallengeLive, _room_values(cid, parts))


# The recent counts each challenge room carries (COUNT_MAPS): shared by every
# worker through Redis when it is configured, else kept in this process.
_room_counts = cluster.recent_counts(kept=ROOM_COUNTS_KEPT, rooms=ROOM_COUNTS_ROOMS)


@rooms.on(EventKind.HEART_COUNT)
async def _on_heart(event: RoomEvent) -> None:
    await _push_count(event, "hearts")


@rooms.on(EventKind.LINEAGE_COUNT)
async def _on_remix_count(event: RoomEvent) -> None:
    await _push_count(event, "remixes")


@rooms.on(EventKind.COMMENT_COUNT)
async def _on_comment_count(event: RoomEvent) -> None:
    await _push_count(event, "comments")


async def _push_count(event: RoomEvent, counts: CountMap) -> None:
    """One entry's new count (the event's `counts` value) to its challenge's room."""
    cid = _challenge_of(event)
    if cid is None:
        return
    key, value = str(event.data["record_id"]), int(event.data[counts])
    fresh = await _room_counts.put(challenge_room(cid), counts, key, value)
    await broadcast.publish(challenge_room(cid), ChallengeLive, {counts: fresh})
