"""The studio-wide activity room shown on the home page."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime

import reflex as rx

from hitrec_app.db import Session, session_scope
from hitrec_app.realtime import broadcast, reflex_internals, rooms
from hitrec_app.services import activity
from hitrec_app.services.events import RoomEvent
from hitrec_app.state.display import fmt_time
from hitrec_app.vocabulary import ACTIVITY_ROOM, FEED_LIVE, FEED_PAGE

FEED_GAP = 5 * FEED_PAGE  # lines "Show skipped activity" loads at most (newest first)


@dataclass(frozen=True)
class ActivityRow:
    """One line of the feed: what happened, where to see it ('' for nowhere), when (shown,
    and as microseconds since the epoch for comparing places in the feed)."""

    text: str
    link: str
    at: str
    stamp: int


def _stamp(at: datetime) -> int:
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return int(aware.timestamp() * 1_000_000)


def _rows(items: list[activity.ActivityItem]) -> list[ActivityRow]:
    return [
        ActivityRow(text=i.text, link=i.link, at=fmt_time(i.at), stamp=_stamp(i.at)) for i in items
    ]


def _live(session: Session) -> tuple[list[activity.ActivityItem], activity.ActivityItem | None]:
    """The live window (the newest FEED_LIVE lines) and the line just before it, if any."""
    items = activity.recent_activity(session=session, limit=FEED_LIVE + 1)
    return items[:FEED_LIVE], (items[FEED_LIVE] if len(items) > FEED_LIVE else None)


def _room_values() -> dict[str, object]:
    """The feed room's vars as they are now (one read, whatever the number of viewers)."""
    with session_scope() as session:
        window, before_it = _live(session)
    return {"items": _rows(window), "live_after": _stamp(before_it.at) if before_it else 0}


class ActivityLive(rx.State):
    """The home page's feed, kept current over the broadcast path: every tab on the home page
    is subscribed to ACTIVITY_ROOM. Room vars (`items`, the newest FEED_LIVE lines, and
    `live_after`, the stamp of the line just before them, 0 for none) are set only by `join`
    (the snapshot) and by broadcasts: a change re-sends the bounded window, whatever the
    feed's length. `older` holds the pages this tab asked for ("Show older activity"; this
    tab's own, never broadcast). When more lines arrive than the window holds after older
    pages were loaded, the page sees `older_first < live_after` and offers the ones in
    between ("Show skipped activity"), so nothing slips out of sight unseen."""

    items: rx.Field[list[ActivityRow]] = rx.field(default_factory=list)
    live_after: rx.Field[int] = rx.field(0)
    older: rx.Field[list[ActivityRow]] = rx.field(default_factory=list)
    older_first: rx.Field[int] = rx.field(0)  # the stamp of the newest line in `older`
    more_older: rx.Field[bool] = rx.field(False)
    # Where this tab's older lines start and end (the database's own times, for the reads).
    _older_newest: datetime | None = None
    _older_oldest: datetime | None = None

    @rx.event
    async def join(self) -> None:
        # Subscribe first, then read: a change committed meanwhile is not lost.
        await broadcast.subscribe(reflex_internals.socket_sid(self), ACTIVITY_ROOM)
        for name, value in broadcast.snapshot(ACTIVITY_ROOM, _room_values).items():
            setattr(self, name, copy.copy(value))
        self.older, self.older_first, self.more_older = [], 0, False
        self._older_newest = self._older_oldest = None

    @rx.event
    def show_older(self) -> None:
        """Load the page of lines before the oldest this tab shows."""
        with session_scope() as session:
            before = self._older_oldest
            if before is None:
                # The oldest live line as it is now (the backend copy of `items` lags).
                window, _ = _live(session)
                if not window:
                    return
                before = window[-1].at
            self._append_page(session, before)

    @rx.event
    def show_skipped(self) -> None:
        """Load the lines between the live window and the older lines this tab shows."""
        if self._older_newest is None:
            return
        with session_scope() as session:
            window, _ = _live(session)
            if not window:
                return
            gap = activity.recent_activity(
                session=session, limit=FEED_GAP + 1, before=window[-1].at, after=self._older_newest
            )
            if len(gap) > FEED_GAP:
                # Too many to show in between: start the older lines again right below the
                # live window (no hole; the deeper pages load again on request).
                self.older, self._older_newest, self._older_oldest = [], None, None
                self._append_page(session, window[-1].at)
                return
        if gap:
            self.older = _rows(gap) + self.older
            self._older_newest = gap[0].at
            self.older_first = _stamp(gap[0].at)

    def _append_page(self, session: Session, before: datetime) -> None:
        items = activity.recent_activity(session=session, limit=FEED_PAGE + 1, before=before)
        page = items[:FEED_PAGE]
        self.more_older = len(items) > FEED_PAGE
        if not page:
            return
        self.older = self.older + _rows(page)
        self._older_oldest = page[-1].at
        if self._older_newest is None:
            self._older_newest = page[0].at
            self.older_first = _stamp(page[0].at)


@rooms.on("user.")
@rooms.on("challenge.")
@rooms.on("record.")
async def _refresh_activity(_event: RoomEvent) -> None:
    await broadcast.publish(ACTIVITY_ROOM, ActivityLive, _room_values())
