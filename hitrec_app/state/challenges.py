"""Challenge board, challenge page and the challenge form."""

from __future__ import annotations

import asyncio
import logging
import math
from datetime import UTC, datetime

import reflex as rx

from hitrec_app import routes, vocabulary
from hitrec_app.db import session_scope
from hitrec_app.models import User
from hitrec_app.realtime import rooms
from hitrec_app.services import challenges, records
from hitrec_app.services.challenges import ChallengeInput
from hitrec_app.services.errors import NotFound, ServiceError
from hitrec_app.services.events import RoomEvent
from hitrec_app.settings import settings
from hitrec_app.state.args import as_bool, as_form, as_id, as_int, as_text
from hitrec_app.state.base import AuthState
from hitrec_app.vocabulary import RECORD_KINDS

log = logging.getLogger(__name__)
ROOM_COUNTS_KEPT = 300  # recent heart/remix counts a challenge room carries


def fmt_time(when: datetime | None) -> str:
    return when.strftime("%d %b %Y, %H:%M UTC") if when else ""


def sweep_expired(now: datetime | None = None) -> list[int]:
    """Close challenges past their deadline; returns their ids.

    A cheap read first, so the usual case (nothing due) never takes the write lock.
    The services' "challenge.closed" events reach open pages after the commit.
    """
    with session_scope() as session:
        if not challenges.has_expired(session=session, now=now):
            return []
    with session_scope(write=True) as session:
        return challenges.close_expired_challenges(session=session, now=now)


async def expire_challenges_loop(interval: float | None = None) -> None:
    """Lifespan task: close past-deadline challenges every `interval` seconds
    (`HITREC_CHALLENGE_SWEEP_SECONDS`, default 30) even when nobody loads a page."""
    every = interval if interval is not None else settings.challenge_sweep_seconds
    while True:
        try:
            closed = await asyncio.to_thread(sweep_expired)
            if closed:
                log.info("closed past-deadline challenges %s", closed)
        except Exception:
            log.exception("closing past-deadline challenges failed")
        await asyncio.sleep(every)


def _board_item(item: challenges.BoardItem) -> dict:
    return {
        "id": item.id,
        "title": item.title,
        "status": item.status,
        "host": item.host_name,
        "deadline": fmt_time(item.deadline),
        "entries": item.entry_count,
        "money": item.money_line,
        "latest": [{"id": e.id, "title": e.title, "kind": e.kind} for e in item.latest],
    }


def _public_board() -> list[dict]:
    with session_scope() as session:
        return [_board_item(i) for i in challenges.board(session=session)]


def _entry(row: records.EntryRow) -> dict:
    return {
        "id": row.id,
        "key": str(row.id),
        "title": row.title,
        "kind": row.kind,
        "author": row.author_name,
        "username": row.author_username,
        "thumb": row.thumbnail_path or "",
        "excerpt": row.excerpt,
        "hearts": row.hearts,
        "remixes": row.remixes,
        "comments": row.comments,
        "at": fmt_time(row.created_at),
    }


class BoardRoom(rx.SharedState):
    """The public board: open, closing soon and recently closed challenges."""

    items: list[dict] = []

    @rx.event
    async def join(self):
        sweep_expired()
        room = await rooms.join(self, vocabulary.BOARD_ROOM)
        room.items = _public_board()


class BoardState(AuthState):
    drafts: list[dict] = []
    query: str = ""
    results: list[dict] = []
    searched: bool = False

    @rx.event
    def load(self):
        user = self._current_user()
        self._show(user)
        self.drafts = []
        if user is not None and challenges.is_host(user):
            with session_scope() as session:
                self.drafts = [
                    _board_item(i)
                    for i in challenges.board(session=session, viewer=user)
                    if i.state == "draft"
                ]

    @rx.event
    def search(self, form_data: dict):
        self.query = str(as_form(form_data).get("q", ""))[:100]
        with session_scope() as session:
            self.results = [
                _entry(r) for r in records.search_records(session=session, query=self.query)
            ]
        self.searched = self.query.strip() != ""


class ChallengeRoom(rx.SharedState):
    """What every viewer of one challenge shares: counts and the latest entries.

    Hearts and remix counts arrive as small deltas keyed by record id (kept to the
    most recent few hundred) so a heart never makes every viewer re-query.
    """

    entry_count: int = 0
    latest: list[dict] = []
    hearts: dict[str, int] = {}
    remixes: dict[str, int] = {}
    status: str = ""

    @rx.event
    async def join(self):
        cid = _param_id(self)
        if cid is None:
            return
        auth = await self.get_state(AuthState)
        viewer = auth._current_user()
        with session_scope() as session:
            try:
                challenges.get_challenge(session=session, challenge_id=cid, viewer=viewer)
            except NotFound:
                return
        room = await rooms.join(self, vocabulary.challenge_room(cid))
        _fill_room(room, cid)


def _fill_room(room: ChallengeRoom, cid: int) -> None:
    with session_scope() as session:
        room.entry_count = challenges.entry_counts(session=session, challenge_ids=[cid]).get(cid, 0)
        room.latest = [
            {"id": e.id, "title": e.title, "kind": e.kind}
            for e in challenges.latest_entries(session=session, challenge_id=cid, limit=5)
        ]
        challenge = challenges.find_challenge(session=session, challenge_id=cid)
        room.status = challenges.effective_status(challenge) if challenge else ""


def _param_id(state: rx.State, name: str = "id") -> int | None:
    return as_id(state.router.page.params.get(name, ""))


def _query_int(state: rx.State, name: str) -> int | None:
    return as_id(state.router.url.query_parameters.get(name, ""))


class ChallengeState(AuthState):
    found: bool = False
    cid: int = 0
    title: str = ""
    prompt: str = ""
    instructions: str = ""
    kinds: list[str] = []
    state: str = ""
    status: str = ""
    host_name: str = ""
    host_username: str = ""
    deadline: str = ""
    money: str = ""
    production: str = ""
    can_manage: bool = False
    entries: list[dict] = []
    sort: str = "newest"
    kind: str = ""
    never_remixed: bool = False
    page: int = 1
    pages: int = 1
    total: int = 0
    error: str = ""

    def _load_entries(self) -> None:
        with session_scope() as session:
            result = records.challenge_entries(
                session=session,
                challenge_id=self.cid,
                sort=self.sort,
                kind=self.kind,
                never_remixed=self.never_remixed,
                page=self.page,
            )
        self.entries = [_entry(r) for r in result.rows]
        self.page, self.pages, self.total = result.page, result.pages, result.total

    def _load_challenge(self, viewer: User | None) -> None:
        with session_scope() as session:
            challenge = challenges.get_challenge(
                session=session, challenge_id=self.cid, viewer=viewer
            )
            host, production = challenges.host_and_production(session=session, challenge=challenge)
        self.found = True
        self.title, self.prompt, self.instructions = (
            challenge.title,
            challenge.prompt,
            challenge.instructions,
        )
        self.kinds = challenges.accepted_kinds(challenge)
        self.state = challenge.state
        self.status = challenges.effective_status(challenge)
        self.host_name = host.display_name if host else ""
        self.host_username = host.username if host else ""
        self.deadline = fmt_time(challenge.deadline)
        self.money = challenges.money_line(challenge)
        self.production = production.title if production else ""
        self.can_manage = viewer is not None and challenges.can_manage(viewer, challenge)

    @rx.event
    def load(self):
        viewer = self._current_user()
        self._show(viewer)
        self.error = ""
        self.found = False
        self.entries = []
        cid = _param_id(self)
        if cid is None:
            return
        sweep_expired()
        self.cid = cid
        self.sort, self.kind, self.never_remixed, self.page = "newest", "", False, 1
        try:
            self._load_challenge(viewer)
        except NotFound:
            return
        self._load_entries()

    @rx.event
    def set_sort(self, value: str):
        value = as_text(value)
        if value in vocabulary.RECORD_SORTS:
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

    def _manage(self, action) -> None:  # noqa: ANN001
        self.error = ""
        try:
            user = self._require_user()
            with session_scope(write=True) as session:
                action(session=session, actor_id=user.id, challenge_id=self.cid)
            self._load_challenge(user)
        except (ServiceError, PermissionError) as err:
            self.error = str(err)

    @rx.event
    def open_challenge(self):
        self._manage(challenges.open_challenge)

    @rx.event
    def close_challenge(self):
        self._manage(challenges.close_challenge)


# --- the challenge form (new and edit) ---------------------------------------------------


def _parse_deadline(raw: str) -> datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (ValueError, OverflowError) as err:
        raise challenges.ValidationError("The deadline is not a valid date and time.") from err


def _parse_money(raw: str) -> int | None:
    raw = (raw or "").strip().replace(",", "").lstrip("$")
    if not raw:
        return None
    try:
        dollars = float(raw)
    except ValueError:
        dollars = math.nan
    if not math.isfinite(dollars):  # also "nan", "inf" and "1e999"
        raise challenges.ValidationError("The pool must be an amount in dollars, e.g. 1200.")
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
        raise challenges.ValidationError("The contributors' share must be a percentage.")
    return round(percent * 100)


class ChallengeFormState(AuthState):
    editing_id: int = 0
    f_title: str = ""
    f_prompt: str = ""
    f_instructions: str = ""
    f_kinds: list[str] = list(RECORD_KINDS)
    f_deadline: str = ""
    f_production: str = ""
    f_pool: str = ""
    f_share: str = ""
    productions: list[dict[str, str]] = []
    allowed: bool = False
    error: str = ""

    @rx.event
    def load(self):
        user = self._current_user()
        self._show(user)
        if user is None:
            return rx.redirect(routes.sign_in_url(self.router.url.path))
        self.error = ""
        self.allowed = challenges.is_host(user)
        with session_scope() as session:
            self.productions = [
                {"id": str(p.id), "title": p.title} for p in challenges.productions(session=session)
            ]
        cid = _param_id(self)
        self.editing_id = cid or 0
        self.f_title = self.f_prompt = self.f_instructions = ""
        self.f_deadline = self.f_production = self.f_pool = self.f_share = ""
        self.f_kinds = list(RECORD_KINDS)
        if cid is None:
            return None
        with session_scope() as session:
            try:
                c = challenges.get_challenge(session=session, challenge_id=cid, viewer=user)
            except NotFound:
                self.allowed = False
                self.error = "That challenge does not exist."
                return None
        self.allowed = challenges.can_manage(user, c)
        if not self.allowed:
            self.error = "Only the challenge's host can edit it."
            return None
        self.f_title, self.f_prompt, self.f_instructions = c.title, c.prompt, c.instructions
        self.f_kinds = challenges.accepted_kinds(c)
        self.f_deadline = c.deadline.strftime("%Y-%m-%dT%H:%M") if c.deadline else ""
        self.f_production = str(c.production_id or "")
        self.f_pool = f"{c.pool_cents / 100:.2f}" if c.pool_cents is not None else ""
        self.f_share = (
            f"{c.contributors_share_bps / 100:g}" if c.contributors_share_bps is not None else ""
        )
        return None

    @rx.event
    def submit(self, form_data: dict):
        self.error = ""
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
        try:
            user = self._require_user()
            production = self.f_production if self.f_production not in ("", "none") else ""
            data = ChallengeInput(
                title=self.f_title,
                prompt=self.f_prompt,
                instructions=self.f_instructions,
                accepted_kinds=tuple(self.f_kinds),
                deadline=_parse_deadline(self.f_deadline),
                production_id=as_id(production),
                pool_cents=_parse_money(self.f_pool),
                contributors_share_bps=_parse_percent(self.f_share),
            )
            publish = str(form_data.get("publish", "")) in ("on", "true", "True")
            with session_scope(write=True) as session:
                if self.editing_id:
                    c = challenges.update_challenge(
                        session=session, actor_id=user.id, challenge_id=self.editing_id, data=data
                    )
                else:
                    c = challenges.create_challenge(
                        session=session, actor_id=user.id, data=data, publish=publish
                    )
                cid = c.id
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return None
        return rx.redirect(routes.challenge_url(cid or 0))


# --- live updates --------------------------------------------------------------------------


async def _refresh_board() -> None:
    items = _public_board()

    def apply(room: BoardRoom) -> None:
        room.items = items

    await rooms.push(BoardRoom, vocabulary.BOARD_ROOM, apply)


def _challenge_of(event: RoomEvent) -> int | None:
    cid = event.data.get("challenge_id")
    return int(cid) if isinstance(cid, int) else None


@rooms.on("record.")
@rooms.on("challenge.")
async def _on_entries_changed(event: RoomEvent) -> None:
    await _refresh_board()
    cid = _challenge_of(event)
    if cid is None:
        return
    token = vocabulary.challenge_room(cid)
    await rooms.push(ChallengeRoom, token, lambda room: _fill_room(room, cid))

    def reload(state: ChallengeState) -> None:
        if state.cid != cid:
            return
        viewer = state._current_user()
        try:
            state._load_challenge(viewer)
        except NotFound:
            state.found = False
            return
        state._load_entries()

    await rooms.refresh_members(ChallengeRoom, token, ChallengeState, reload)


def _remember(counts: dict[str, int], key: str, value: int) -> dict[str, int]:
    fresh = {k: v for k, v in counts.items() if k != key}
    fresh[key] = value
    if len(fresh) > ROOM_COUNTS_KEPT:
        fresh = dict(list(fresh.items())[-ROOM_COUNTS_KEPT:])
    return fresh


@rooms.on("heart.count")
async def _on_heart(event: RoomEvent) -> None:
    cid = _challenge_of(event)
    if cid is None:
        return
    key, value = str(event.data["record_id"]), int(event.data["hearts"])

    def apply(room: ChallengeRoom) -> None:
        room.hearts = _remember(room.hearts, key, value)

    await rooms.push(ChallengeRoom, vocabulary.challenge_room(cid), apply)


@rooms.on("lineage.count")
async def _on_remix_count(event: RoomEvent) -> None:
    cid = _challenge_of(event)
    if cid is None:
        return
    key, value = str(event.data["record_id"]), int(event.data["remixes"])

    def apply(room: ChallengeRoom) -> None:
        room.remixes = _remember(room.remixes, key, value)

    await rooms.push(ChallengeRoom, vocabulary.challenge_room(cid), apply)
