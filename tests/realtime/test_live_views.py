"""The live views on the broadcast path: what each join subscribes to and what each room
change emits (one message to the room, only the changed vars), with a fake namespace."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hitrec_app import routes
from hitrec_app.db import session_scope
from hitrec_app.models import User
from hitrec_app.models.types import utcnow
from hitrec_app.realtime import broadcast, cluster, presence, rooms
from hitrec_app.realtime import reflex_internals as internals
from hitrec_app.services import challenges, events, notifications, record_social, records
from hitrec_app.services.challenges import ChallengeInput
from hitrec_app.services.events import RoomEvent
from hitrec_app.state import activity as activity_state
from hitrec_app.state import base as base_state
from hitrec_app.state import challenges as challenge_state
from hitrec_app.state import notifications as notification_state
from hitrec_app.state import records as record_state
from hitrec_app.state.page_load import PageLoad, one_event
from hitrec_app.state.presence import PresenceState
from hitrec_app.tasks import challenge_expiry
from hitrec_app.vocabulary import (
    ACTIVITY_ROOM,
    BOARD_ROOM,
    FEED_LIVE,
    FEED_PAGE,
    EventKind,
    challenge_room,
    inbox_room,
    record_room,
)
from tests.factories import make_user, open_challenge, text_record
from tests.realtime.test_broadcast import FakeNamespace
from tests.state.test_handler_args import _signed_in
from tests.state.test_page_load import on_page


@pytest.fixture
def namespace(monkeypatch):
    fake = FakeNamespace()
    monkeypatch.setattr(broadcast, "_namespace", lambda: fake)
    monkeypatch.setattr(presence, "_namespace", lambda: fake)
    presence.reset()
    yield fake
    presence.reset()


@pytest.fixture
def live_db(monkeypatch, db_url):
    scoped = functools.partial(session_scope, url=db_url)
    for module in (
        base_state,
        notification_state,
        activity_state,
        challenge_state,
        record_state,
        challenge_expiry,
    ):
        monkeypatch.setattr(module, "session_scope", scoped)
    # Each test starts with no counts.
    monkeypatch.setattr(challenge_state, "_room_counts", cluster.MemoryCounts(kept=300, rooms=10))
    return db_url


def run(coro):
    return asyncio.run(coro)


def _with_sid(monkeypatch, sid: str) -> None:
    monkeypatch.setattr(internals, "socket_sid", lambda _state: sid)


def _delta(payload: str, state_cls) -> dict:
    return json.loads(payload)["delta"][internals.delta_key(state_cls)]


def _notify(session: Session, user_id: int) -> None:
    notifications.notify(
        session=session, user_id=user_id, kind=notifications.COMMENTED, message="Hi", link="/"
    )
    session.commit()


# --- the inbox bell ----------------------------------------------------------------------------


def test_inbox_join_subscribes_the_tab_to_its_own_users_inbox_only(
    live_db, session, namespace, monkeypatch
):
    maya, jules = make_user(session, "maya"), make_user(session, "jules")
    session.commit()
    _notify(session, maya.id)
    _notify(session, maya.id)
    _notify(session, jules.id)
    state = _signed_in(session, maya, notification_state.InboxLive)
    _with_sid(monkeypatch, "tab1")
    run(notification_state.InboxLive.join.fn(state))
    assert state.unread == 2
    assert namespace.rooms("tab1") == [inbox_room(maya.id), "tab1"]
    assert namespace.emits == []  # joining costs the others nothing


def test_inbox_join_signed_out_leaves_the_inbox_and_shows_nothing(
    live_db, session, namespace, monkeypatch
):
    maya = make_user(session, "maya")
    session.commit()
    _notify(session, maya.id)
    state = _signed_in(session, maya, notification_state.InboxLive)
    _with_sid(monkeypatch, "tab1")
    run(notification_state.InboxLive.join.fn(state))
    root = state.parent_state
    assert root is not None
    auth = root.get_substate(base_state.AuthState.get_full_name().split(".")[1:])
    auth.session_token = ""  # signed out in this tab
    run(notification_state.InboxLive.join.fn(state))
    assert state.unread == 0
    assert namespace.rooms("tab1") == ["tab1"]


def test_a_new_notification_is_one_message_to_that_users_inbox(live_db, session, namespace):
    maya = make_user(session, "maya")
    session.commit()
    _notify(session, maya.id)
    event = RoomEvent(
        room=inbox_room(maya.id), kind=EventKind.NOTIFICATION_NEW, data={"user_id": maya.id}
    )
    run(notification_state._on_notification(event))
    ((name, payload, to),) = namespace.emits
    assert (name, to) == (internals.EVENT, inbox_room(maya.id))
    assert _delta(payload, notification_state.InboxLive) == {"unread_rx_state_": 1}
    assert "router" not in payload


# --- the home feed -----------------------------------------------------------------------------


def test_feed_join_subscribes_and_snapshots_without_telling_the_others(
    live_db, session, namespace, monkeypatch
):
    make_user(session, "maya")
    session.commit()
    state = _signed_in(session, make_user(session, "jules"), activity_state.ActivityLive)
    _with_sid(monkeypatch, "tab1")
    run(activity_state.ActivityLive.join.fn(state))
    assert sorted(item.text for item in state.items) == [
        "jules joined the studio",
        "maya joined the studio",
    ]
    assert ACTIVITY_ROOM in namespace.rooms("tab1")
    assert namespace.emits == []


def test_a_feed_change_is_one_message_to_the_feed_room(live_db, session, namespace):
    make_user(session, "maya")
    session.commit()
    for n in range(50):
        run(broadcast.subscribe(f"tab{n}", ACTIVITY_ROOM))
    event = RoomEvent(room=ACTIVITY_ROOM, kind=EventKind.USER_JOINED, data={})
    run(activity_state._refresh_activity(event))
    ((_, payload, to),) = namespace.emits
    assert to == ACTIVITY_ROOM
    delta = _delta(payload, activity_state.ActivityLive)
    assert set(delta) == {"items_rx_state_", "live_after_rx_state_"}  # the bounded window
    items = delta["items_rx_state_"]
    assert len(items) == 1 and "joined the studio" in items[0]["text"]
    assert delta["live_after_rx_state_"] == 0  # nothing older than the window


def _joined_at(session, names: list[str], start) -> None:
    """Users joining one minute apart from `start`, in the order named."""
    for minutes, name in enumerate(names):
        user = make_user(session, name)
        user.created_at = start + timedelta(minutes=minutes)
        session.add(user)
    session.commit()


def _names(rows) -> list[str]:
    return [row.text.removesuffix(" joined the studio") for row in rows]


def test_the_feed_pages_older_lines_on_request_and_offers_the_ones_it_skipped(
    live_db, session, namespace, monkeypatch
):
    start = utcnow() - timedelta(days=1)
    first = [f"walker{n:03}" for n in range(40)]
    _joined_at(session, first, start)
    tab = _signed_in(session, session.get(User, 1), activity_state.ActivityLive)
    _with_sid(monkeypatch, "tab1")
    run(activity_state.ActivityLive.join.fn(tab))
    assert _names(tab.items) == first[::-1][:FEED_LIVE]  # the newest, newest first
    assert tab.live_after == activity_state._stamp(start + timedelta(minutes=27))
    activity_state.ActivityLive.show_older.fn(tab)
    assert _names(tab.older) == first[::-1][FEED_LIVE : FEED_LIVE + FEED_PAGE]
    assert tab.more_older and tab.older_first == tab.live_after  # contiguous

    # 15 more join: the window moves on, and the 3 lines it let go are between the two.
    later = [f"runner{n:03}" for n in range(15)]
    _joined_at(session, later, start + timedelta(hours=1))
    namespace.emits.clear()
    run(activity_state._refresh_activity(RoomEvent(ACTIVITY_ROOM, EventKind.USER_JOINED, {})))
    delta = _delta(namespace.emits[0][1], activity_state.ActivityLive)
    live_after = delta["live_after_rx_state_"]
    assert 0 < tab.older_first < live_after  # the page shows "Show skipped activity"
    activity_state.ActivityLive.show_skipped.fn(tab)
    assert _names(tab.older)[:15] == ["runner002", "runner001", "runner000", *first[::-1][:12]]
    assert tab.older_first == live_after  # contiguous again
    # Everything that ever joined is on the page once: the window plus the older lines.
    shown = _names(_rows_of(delta["items_rx_state_"])) + _names(tab.older)
    assert len(shown) == len(set(shown)) == FEED_LIVE + 15 + FEED_PAGE

    # More than the gap holds: the older lines start again right below the window.
    _joined_at(
        session, [f"hiker{n:03}" for n in range(FEED_LIVE + 200)], start + timedelta(hours=5)
    )
    activity_state.ActivityLive.show_skipped.fn(tab)
    assert _names(tab.older)[:2] == ["hiker199", "hiker198"]
    assert len(tab.older) == FEED_PAGE and tab.more_older


def _rows_of(items: list[dict]) -> list[SimpleNamespace]:
    return [SimpleNamespace(**item) for item in items]


# --- the challenge board -----------------------------------------------------------------------


def test_board_join_subscribes_and_snapshots_without_telling_the_others(
    live_db, session, namespace, monkeypatch
):
    host = make_user(session, "host", role="host")
    open_challenge(session, host, title="Lighthouse")
    session.commit()
    state = _signed_in(session, host, challenge_state.BoardLive)
    _with_sid(monkeypatch, "tab1")
    run(challenge_state.BoardLive.join.fn(state))
    assert [row.title for row in state.items] == ["Lighthouse"]
    assert BOARD_ROOM in namespace.rooms("tab1")
    assert namespace.emits == []


def test_a_board_change_is_one_message_to_the_board_room(live_db, session, namespace):
    host = make_user(session, "host", role="host")
    open_challenge(session, host, title="Lighthouse")
    session.commit()
    for n in range(50):
        run(broadcast.subscribe(f"tab{n}", BOARD_ROOM))
    event = RoomEvent(room=BOARD_ROOM, kind=EventKind.CHALLENGE_OPENED, data={})
    run(challenge_state._on_entries_changed(event))
    ((_, payload, to),) = namespace.emits
    assert to == BOARD_ROOM
    (items,) = _delta(payload, challenge_state.BoardLive).values()
    assert [item["title"] for item in items] == ["Lighthouse"]


# --- the challenge page ------------------------------------------------------------------------


def _route_to(monkeypatch, state, cid: int) -> None:
    monkeypatch.setattr(challenge_state, "param_id", lambda _state, *_a: cid)


def test_challenge_join_subscribes_to_one_challenge_room_and_snapshots(
    live_db, session, namespace, monkeypatch
):
    host = make_user(session, "host", role="host")
    first, second = open_challenge(session, host), open_challenge(session, host, title="Sea")
    state = _signed_in(session, host, challenge_state.ChallengeLive)
    _with_sid(monkeypatch, "tab1")
    _route_to(monkeypatch, state, first.id)
    run(challenge_state.ChallengeLive.join.fn(state))
    _route_to(monkeypatch, state, second.id)
    run(challenge_state.ChallengeLive.join.fn(state))
    assert namespace.rooms("tab1") == [challenge_room(second.id), "tab1"]
    assert (state.entry_count, state.latest, state.status) == (0, [], "open")
    assert (state.hearts, state.remixes) == ({}, {})
    assert namespace.emits == []


def test_a_join_storm_reads_the_challenge_room_once_until_it_changes(
    live_db, session, namespace, monkeypatch
):
    host = make_user(session, "host", role="host")
    challenge = open_challenge(session, host)
    text_record(session, host, "Drops", challenge=challenge)
    session.commit()
    room = challenge_room(challenge.id)
    tabs = [_signed_in(session, host, challenge_state.ChallengeLive) for _ in range(10)]
    _route_to(monkeypatch, tabs[0], challenge.id)
    room_reads = []  # per join: statements reading the room's removals (part of its snapshot)
    for n, tab in enumerate(tabs):
        _with_sid(monkeypatch, f"tab{n}")
        with _counting_queries() as statements:
            run(challenge_state.ChallengeLive.join.fn(tab))
        room_reads.append(sum("entry_removals" in s for s in statements))
        assert (tab.entry_count, [r.title for r in tab.arrivals]) == (1, ["Drops"])
    assert room_reads[0] == 1 and room_reads[1:] == [0] * 9
    assert len(namespace.members[room]) == 10
    # The room changes: the next tab to join reads it again, and sees the change.
    _dispatch(_committed(session, lambda s: text_record(s, host, "Puddles", challenge=challenge)))
    late = _signed_in(session, host, challenge_state.ChallengeLive)
    _with_sid(monkeypatch, "late")
    with _counting_queries() as statements:
        run(challenge_state.ChallengeLive.join.fn(late))
    assert sum("entry_removals" in s for s in statements) == 1
    assert [r.title for r in late.arrivals] == ["Puddles", "Drops"]


def test_challenge_join_of_a_hidden_challenge_subscribes_nothing(
    live_db, session, namespace, monkeypatch
):
    host = make_user(session, "host", role="host")
    state = _signed_in(session, make_user(session, "visitor"), challenge_state.ChallengeLive)
    _with_sid(monkeypatch, "tab1")
    _route_to(monkeypatch, state, 999)
    run(challenge_state.ChallengeLive.join.fn(state))
    assert namespace.members == {} and host.id


def test_challenge_join_trusts_the_page_load_only_for_the_user_it_was_shown_to(
    live_db, session, namespace, monkeypatch
):
    """A host's unpublished challenge, shown to the host by the page's load; the tab's user
    then signs out and the tab calls the join alone (any client can): no subscription."""
    host = make_user(session, "host", role="host")
    draft = challenges.create_challenge(
        session=session, actor_id=host.id, data=ChallengeInput(title="Secret", prompt="Shh")
    )
    session.commit()
    live = _signed_in(session, host, challenge_state.ChallengeLive)
    page = run(live.get_state(challenge_state.ChallengeState))
    _with_sid(monkeypatch, "tab1")
    monkeypatch.setattr(challenge_state, "param_id", lambda _state, *_a: draft.id)
    challenge_state.ChallengeState.load.fn(page)
    assert page.found
    run(challenge_state.ChallengeLive.join.fn(live))  # the host: subscribed
    assert "tab1" in namespace.members[challenge_room(draft.id)]
    run(broadcast.leave("tab1", "challenge-"))
    auth = run(live.get_state(base_state.AuthState))
    auth.session_token = ""  # signed out; the page still says found for the host
    run(challenge_state.ChallengeLive.join.fn(live))
    assert "tab1" not in namespace.members[challenge_room(draft.id)]


def test_a_storm_of_page_loads_reads_the_challenge_page_once_until_its_room_changes(
    live_db, session, namespace, monkeypatch
):
    host = make_user(session, "host", role="host")
    challenge = open_challenge(session, host, title="Lighthouse")
    text_record(session, host, "Drops", challenge=challenge)
    session.commit()
    monkeypatch.setattr(challenge_state, "param_id", lambda _state, *_a: challenge.id)
    tabs = [_signed_in(session, host, challenge_state.ChallengeState) for _ in range(10)]
    reads = []  # per page load: statements reading the challenge's entries
    for tab in tabs:
        with _counting_queries() as statements:
            challenge_state.ChallengeState.load.fn(tab)
        reads.append(sum("FROM records" in s for s in statements))
        assert tab.found and tab.title == "Lighthouse" and tab.can_manage
        assert [e.title for e in tab.entries] == ["Drops"] and tab.total == 1
    assert reads[0] > 0 and reads[1:] == [0] * 9
    # Each tab holds its own copies: one tab's list is not another's.
    assert tabs[0].entries is not tabs[1].entries and tabs[0].kinds is not tabs[1].kinds
    # A new entry's room message: the next tab to load reads the page again and lists it.
    _dispatch(_committed(session, lambda s: text_record(s, host, "Puddles", challenge=challenge)))
    late = _signed_in(session, host, challenge_state.ChallengeState)
    challenge_state.ChallengeState.load.fn(late)
    assert [e.title for e in late.entries] == ["Puddles", "Drops"] and late.total == 2


def test_a_page_read_shared_by_every_viewer_still_hides_a_draft_from_all_but_its_host(
    live_db, session, namespace, monkeypatch
):
    host = make_user(session, "host", role="host")
    draft = challenges.create_challenge(
        session=session, actor_id=host.id, data=ChallengeInput(title="Secret", prompt="Shh")
    )
    session.commit()
    monkeypatch.setattr(challenge_state, "param_id", lambda _state, *_a: draft.id)
    for user, shown in ((host, True), (make_user(session, "visitor"), False), (host, True)):
        page = _signed_in(session, user, challenge_state.ChallengeState)
        challenge_state.ChallengeState.load.fn(page)
        assert (page.found, page.title == "Secret", page.cid == draft.id) == (shown,) * 3
    anonymous = run(
        _signed_in(session, host, challenge_state.ChallengeState).get_state(base_state.AuthState)
    )
    anonymous.session_token = ""
    page = run(anonymous.get_state(challenge_state.ChallengeState))
    challenge_state.ChallengeState.load.fn(page)
    assert not page.found and page.title == ""


# --- a page's one on_load event ---------------------------------------------------------------


def test_the_challenge_page_loads_joins_its_room_the_bell_and_presence_in_one_event(
    live_db, session, namespace, monkeypatch
):
    host = make_user(session, "host", role="host")
    challenge = open_challenge(session, host, title="Lighthouse")
    text_record(session, host, "Drops", challenge=challenge)
    notifications.notify(
        session=session, user_id=host.id, kind=notifications.COMMENTED, message="Hi", link="/"
    )
    session.commit()
    steps = [
        challenge_state.ChallengeState.load,
        challenge_state.ChallengeLive.join,
        notification_state.InboxLive.join,
        PresenceState.arrive,
    ]
    assert one_event(routes.CHALLENGE, steps) is PageLoad.load  # as hitrec_app.py has it
    state = _signed_in(session, host, PageLoad)
    on_page(state, routes.CHALLENGE, f"/challenges/{challenge.id}")
    _with_sid(monkeypatch, "tab1")

    with _counting_queries() as statements:
        assert run(PageLoad.load.fn(state)) is None
    # The load, the room's join and the bell each ask who the user is: looked up once.
    assert sum("FROM user_sessions" in s for s in statements) == 1

    page = run(state.get_state(challenge_state.ChallengeState))
    live = run(state.get_state(challenge_state.ChallengeLive))
    inbox = run(state.get_state(notification_state.InboxLive))
    assert page.found and [e.title for e in page.entries] == ["Drops"]
    assert live.cid == challenge.id and live.watching == 1
    assert inbox.unread == 1
    assert sorted(namespace.rooms("tab1")) == sorted(
        [challenge_room(challenge.id), inbox_room(host.id), "tab1"]
    )


def _committed(session: Session, change) -> list[RoomEvent]:
    """Run `change(session)` and commit it; the service events delivered after the commit."""
    delivered: list[RoomEvent] = []
    unsubscribe = events.subscribe(delivered.append)
    try:
        change(session)
        session.commit()
    finally:
        unsubscribe()
    return delivered


def _dispatch(delivered: list[RoomEvent]) -> None:
    for event in delivered:
        run(rooms._dispatch(event))


def _room_emits(namespace, room: str) -> list[dict]:
    return [
        _delta(payload, challenge_state.ChallengeLive)
        for _, payload, to in namespace.emits
        if to == room
    ]


def _rows(delta: dict, name: str) -> list[str]:
    return [row["title"] for row in delta[f"{name}_rx_state_"]]


def test_a_new_entry_is_one_message_to_the_room_carrying_the_new_row(live_db, session, namespace):
    host, ada = make_user(session, "host", role="host"), make_user(session, "ada")
    challenge = open_challenge(session, host)
    older = text_record(session, ada, "Drizzle", challenge=challenge)
    session.commit()
    room = challenge_room(challenge.id)
    for n in range(20):
        run(broadcast.subscribe(f"tab{n}", room))
    delivered = _committed(session, lambda s: text_record(s, ada, "Downpour", challenge=challenge))
    _dispatch(delivered)
    (delta,) = _room_emits(namespace, room)
    assert _rows(delta, "arrivals") == ["Downpour", "Drizzle"]  # newest first
    arrival = delta["arrivals_rx_state_"][0]
    assert (arrival["kind"], arrival["author_username"], arrival["hearts"]) == ("text", "ada", 0)
    assert delta["entry_count_rx_state_"] == 2
    assert delta["live_after_rx_state_"] == 0  # every entry is in the window
    assert _rows(delta, "latest") == ["Downpour", "Drizzle"]
    # Only what a new entry changes: not the challenge, the removals or the edited titles.
    assert set(delta) == {
        f"{name}_rx_state_" for name in ("cid", "entry_count", "latest", "arrivals", "live_after")
    }
    assert older.id


def test_the_live_window_holds_the_newest_entries_and_names_the_one_before(
    live_db, session, namespace
):
    host, ada = make_user(session, "host", role="host"), make_user(session, "ada")
    challenge = open_challenge(session, host)
    made = [text_record(session, ada, f"Drop {n}", challenge=challenge) for n in range(25)]
    session.commit()
    event = RoomEvent(
        room=challenge_room(challenge.id),
        kind=EventKind.RECORD_CREATED,
        data={"challenge_id": challenge.id, "record_id": made[-1].id},
    )
    run(challenge_state._on_entries_changed(event))
    (delta,) = _room_emits(namespace, challenge_room(challenge.id))
    assert _rows(delta, "arrivals") == [f"Drop {n}" for n in range(24, 4, -1)]  # LIVE_ENTRIES
    assert delta["live_after_rx_state_"] == made[4].id
    assert delta["entry_count_rx_state_"] == 25


def test_withdrawn_and_deleted_entries_are_one_message_naming_them_removed(
    live_db, session, namespace
):
    host, ada = make_user(session, "host", role="host"), make_user(session, "ada")
    challenge = open_challenge(session, host)
    built_on = text_record(session, ada, "Source", challenge=challenge)
    text_record(session, host, "Remix", sources=[built_on])  # keeps "Source" as a stub
    alone = text_record(session, ada, "Alone", challenge=challenge)
    session.commit()
    room = challenge_room(challenge.id)
    for n in range(20):
        run(broadcast.subscribe(f"tab{n}", room))

    def withdraw(record_id: int):
        return lambda s: records.withdraw_record(session=s, user_id=ada.id, record_id=record_id)

    _dispatch(_committed(session, withdraw(alone.id)))  # deleted outright
    _dispatch(_committed(session, withdraw(built_on.id)))  # withdrawn to a stub
    deleted, withdrawn = _room_emits(namespace, room)
    assert deleted["removed_rx_state_"] == [alone.id]
    assert _rows(deleted, "arrivals") == ["Source"]
    # The deleted entry stays named: its removal is read from the database, not the event.
    assert withdrawn["removed_rx_state_"] == [built_on.id, alone.id]
    assert _rows(withdrawn, "arrivals") == []
    assert withdrawn["entry_count_rx_state_"] == 0


def test_an_edited_entry_sends_its_new_title_and_a_challenge_edit_the_challenge(
    live_db, session, namespace
):
    host, ada = make_user(session, "host", role="host"), make_user(session, "ada")
    challenge = open_challenge(session, host)
    entry = text_record(session, ada, "Drizle", challenge=challenge)
    session.commit()
    room = challenge_room(challenge.id)
    _dispatch(
        _committed(
            session,
            lambda s: records.update_record(
                session=s,
                user_id=ada.id,
                record_id=entry.id,
                title="Drizzle",
                description="",
                tags="",
            ),
        )
    )
    _dispatch(
        _committed(
            session,
            lambda s: challenges.update_challenge(
                session=s,
                actor_id=host.id,
                challenge_id=challenge.id,
                data=ChallengeInput(title="Rain, again", prompt="Record the rain again."),
            ),
        )
    )
    edit, challenge_edit = _room_emits(namespace, room)
    assert edit["titles_rx_state_"] == {str(entry.id): "Drizzle"}
    assert _rows(edit, "arrivals") == ["Drizzle"]
    assert "removed_rx_state_" not in edit and "title_rx_state_" not in edit
    assert challenge_edit["title_rx_state_"] == "Rain, again"
    assert challenge_edit["prompt_rx_state_"] == "Record the rain again."
    assert challenge_edit["status_rx_state_"] == "open"
    assert "arrivals_rx_state_" not in challenge_edit


class MembersNamespace(FakeNamespace):
    """The fake namespace, also answering what a per-member refresh would ask: the room's
    participants (python-socketio's manager) and each socket's Reflex client token."""

    namespace = "/_event"

    def __init__(self):
        super().__init__()
        manager = SimpleNamespace(
            get_participants=lambda _ns, room: [(sid, sid) for sid in self.members.get(room, ())],
            is_connected=self.is_connected,
            is_pre_connected=self.is_pre_connected,
        )
        self.server = SimpleNamespace(manager=manager)

    @property
    def sid_to_token(self) -> dict[str, str]:
        return {sid: f"token-{sid}" for sids in self.members.values() for sid in sids}


class RecordingApp:
    """An app whose per-client state loads are counted (none may happen)."""

    def __init__(self):
        self.loads: list[object] = []

    def modify_state(self, token):
        self.loads.append(token)
        raise AssertionError("a room change loaded a subscriber's state")


@contextlib.contextmanager
def _counting_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa_event.listen(Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(Engine, "before_cursor_execute", count)


@pytest.mark.parametrize(
    "kind",
    [
        EventKind.RECORD_CREATED,
        EventKind.RECORD_UPDATED,
        EventKind.RECORD_WITHDRAWN,
        EventKind.CHALLENGE_UPDATED,
    ],
)
def test_a_room_change_loads_no_subscribers_state_and_queries_alike_for_1_or_50(
    live_db, session, monkeypatch, kind
):
    fake = MembersNamespace()
    monkeypatch.setattr(broadcast, "_namespace", lambda: fake)
    app = RecordingApp()
    monkeypatch.setattr(broadcast, "_app", app)
    host = make_user(session, "host", role="host")
    challenge = open_challenge(session, host)
    entry = text_record(session, host, "Drops", challenge=challenge)
    session.commit()
    room = challenge_room(challenge.id)
    event = RoomEvent(
        room=room, kind=kind, data={"challenge_id": challenge.id, "record_id": entry.id}
    )
    queries: list[int] = []
    for subscribers in (1, 50):
        for n in range(subscribers):
            run(broadcast.subscribe(f"tab{n}", room))
        fake.emits.clear()
        with _counting_queries() as statements:
            run(challenge_state._on_entries_changed(event))
        queries.append(len(statements))
        assert app.loads == []
        assert [to for _, _, to in fake.emits] == [BOARD_ROOM, room]  # one message per room
    assert len(fake.members[room]) == 50
    assert queries[0] == queries[1]


def test_a_viewer_back_from_a_disconnect_gets_the_entry_committed_meanwhile(
    live_db, session, namespace, monkeypatch
):
    host, ada = make_user(session, "host", role="host"), make_user(session, "ada")
    challenge = open_challenge(session, host)
    text_record(session, ada, "Drizzle", challenge=challenge)
    session.commit()
    room = challenge_room(challenge.id)
    viewer = _signed_in(session, host, challenge_state.ChallengeLive)
    _route_to(monkeypatch, viewer, challenge.id)
    _with_sid(monkeypatch, "before")
    run(challenge_state.ChallengeLive.join.fn(viewer))
    assert [row.title for row in viewer.arrivals] == ["Drizzle"]
    run(namespace.leave_room("before", room))  # the socket dropped: python-socketio forgets it

    _dispatch(_committed(session, lambda s: text_record(s, ada, "Downpour", challenge=challenge)))
    assert namespace.members[room] == set()  # the message reached nobody
    assert [row.title for row in viewer.arrivals] == ["Drizzle"]

    # The reconnect brings a new socket, and the page's on_load joins again: the snapshot.
    _with_sid(monkeypatch, "after")
    run(challenge_state.ChallengeLive.join.fn(viewer))
    assert [row.title for row in viewer.arrivals] == ["Downpour", "Drizzle"]
    assert (viewer.entry_count, viewer.live_after, viewer.cid) == (2, 0, challenge.id)
    assert namespace.rooms("after") == [room, "after"]


def test_a_tabs_list_remembers_what_it_was_read_against_and_show_reloads_its_own_view(
    live_db, session, monkeypatch
):
    host, ada = make_user(session, "host", role="host"), make_user(session, "ada")
    challenge = open_challenge(session, host)
    first = text_record(session, ada, "Drizzle", challenge=challenge)
    state = _signed_in(session, host, challenge_state.ChallengeState)
    _route_to(monkeypatch, state, challenge.id)
    challenge_state.ChallengeState.load.fn(state)
    challenge_state.ChallengeState.set_sort.fn(state, "hearts")
    assert ([e.title for e in state.entries], state.seen_upto) == (["Drizzle"], first.id)
    later = text_record(session, ada, "Downpour", challenge=challenge)
    session.commit()
    assert state.seen_upto == first.id  # nothing reached this tab's own state
    challenge_state.ChallengeState.show_new.fn(state)
    assert state.sort == "hearts"
    assert ([e.title for e in state.entries], state.seen_upto) == (
        ["Downpour", "Drizzle"],
        later.id,
    )


def test_a_heart_is_one_small_message_with_the_rooms_recent_counts(live_db, namespace):
    room = challenge_room(41)
    for n, hearts in enumerate((3, 4)):
        event = RoomEvent(
            room=room,
            kind=EventKind.HEART_COUNT,
            data={"challenge_id": 41, "record_id": 5 + n, "hearts": hearts},
        )
        run(challenge_state._on_heart(event))
    assert [to for _, _, to in namespace.emits] == [room, room]
    assert _delta(namespace.emits[1][1], challenge_state.ChallengeLive) == {
        "hearts_rx_state_": {"5": 3, "6": 4}
    }


def test_challenge_join_snapshot_holds_the_counts_sent_so_far(
    live_db, session, namespace, monkeypatch
):
    host = make_user(session, "host", role="host")
    challenge = open_challenge(session, host)
    event = RoomEvent(
        room=challenge_room(challenge.id),
        kind=EventKind.HEART_COUNT,
        data={"challenge_id": challenge.id, "record_id": 9, "hearts": 2},
    )
    run(challenge_state._on_heart(event))
    state = _signed_in(session, host, challenge_state.ChallengeLive)
    _with_sid(monkeypatch, "late-tab")
    _route_to(monkeypatch, state, challenge.id)
    run(challenge_state.ChallengeLive.join.fn(state))
    assert (state.hearts, state.remixes, state.comments) == ({"9": 2}, {}, {})


def test_a_comment_on_an_entry_is_one_small_message_with_the_rooms_comment_counts(
    live_db, session, namespace
):
    host, ada = make_user(session, "host", role="host"), make_user(session, "ada")
    bob = make_user(session, "bob")
    challenge = open_challenge(session, host)
    entry = text_record(session, ada, "Drizzle", challenge=challenge)
    loose = text_record(session, ada, "Not an entry")
    session.commit()
    room = challenge_room(challenge.id)
    for n in range(20):
        run(broadcast.subscribe(f"tab{n}", room))
    delivered = _committed(
        session,
        lambda s: record_social.add_comment(
            session=s, user_id=bob.id, record_id=entry.id, body="Wet!"
        ),
    )
    _dispatch(delivered)
    assert _room_emits(namespace, room) == [{"comments_rx_state_": {str(entry.id): 1}}]
    # A comment on a record outside any challenge tells no challenge room.
    namespace.emits.clear()
    _dispatch(
        _committed(
            session,
            lambda s: record_social.add_comment(
                session=s, user_id=bob.id, record_id=loose.id, body="Hm"
            ),
        )
    )
    assert [to for _, _, to in namespace.emits if to.startswith("challenge")] == []


# --- presence on the record and challenge pages -------------------------------------------------


def test_challenge_join_counts_the_tab_as_the_servers_signed_in_user(
    live_db, session, namespace, monkeypatch
):
    host = make_user(session, "host", role="host")
    challenge = open_challenge(session, host)
    visitor = make_user(session, "visitor")
    visitor.display_name = "Vi Sitor"
    session.add(visitor)
    session.commit()
    _route_to(monkeypatch, None, challenge.id)
    anonymous = _signed_in(session, visitor, challenge_state.ChallengeLive)
    root = anonymous.parent_state
    assert root is not None
    root.get_substate(base_state.AuthState.get_full_name().split(".")[1:]).session_token = ""
    _with_sid(monkeypatch, "anon-tab")
    run(challenge_state.ChallengeLive.join.fn(anonymous))
    assert (anonymous.watching, anonymous.watchers) == (1, [])
    signed_in = _signed_in(session, visitor, challenge_state.ChallengeLive)
    _with_sid(monkeypatch, "visitor-tab")
    run(challenge_state.ChallengeLive.join.fn(signed_in))
    # The join's snapshot counts the tab itself; the name is the server's, not the browser's.
    assert (signed_in.watching, signed_in.watchers) == (2, ["Vi Sitor"])
    assert namespace.emits == []  # the others hear of it at the next tick, in one message
    assert run(presence.tick()) == 1
    ((_, payload, to),) = namespace.emits
    assert to == challenge_room(challenge.id)
    assert _delta(payload, challenge_state.ChallengeLive) == {
        "watching_rx_state_": 2,
        "watchers_rx_state_": ["Vi Sitor"],
    }


def test_record_join_counts_the_tab_among_the_records_viewers(
    live_db, session, namespace, monkeypatch
):
    author = make_user(session, "author")
    record = text_record(session, author, "Waves")
    session.commit()
    monkeypatch.setattr(record_state, "param_id", lambda _state, *_a: record.id)
    state = _signed_in(session, author, record_state.RecordLive)
    _with_sid(monkeypatch, "tab1")
    run(record_state.RecordLive.join.fn(state))
    assert (state.watching, state.watchers) == (1, ["author"])
    assert presence.now(record_room(record.id))["watching"] == 1
    # A record that does not exist: subscribed, but nobody is counted there.
    monkeypatch.setattr(record_state, "param_id", lambda _state, *_a: 999)
    _with_sid(monkeypatch, "tab2")
    run(record_state.RecordLive.join.fn(state))
    assert presence.now(record_room(999))["watching"] == 0
