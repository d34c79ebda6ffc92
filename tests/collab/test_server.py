"""The co-editing server over real websockets: admission, refusals, persistence, kicks, history."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from itsdangerous.timed import TimestampSigner
from pycrdt import Text
from sqlmodel import Session

from hitrec_app.collab import close_codes as cc
from hitrec_app.collab import credit, history, persisted, protocol, store
from hitrec_app.collab.close_codes import CloseConnection
from hitrec_app.collab.room import Peer
from hitrec_app.collab.server import CollabServer
from hitrec_app.collab.tokens import TokenClaims, UsedTokens, issue_token, verify_token
from hitrec_app.db import get_engine
from hitrec_app.models import User
from hitrec_app.services import accounts, drafts
from hitrec_app.services.errors import AuthenticationFailed, PermissionDenied
from hitrec_app.vocabulary import MAX_ID
from tests.collab.conftest import TEST_LIMITS, Cast
from tests.collab.helpers import ServerThread, YClient, eventually
from tests.factories import make_session

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, 60))


async def joined(
    server: ServerThread, cast: Cast, user: User, draft_id: int | None = None
) -> YClient:
    draft_id = draft_id or cast.draft_id
    client = await YClient(server.url(draft_id, cast.token(user, draft_id))).connect()
    await asyncio.wait_for(client.synced.wait(), 10)
    return client


async def refused(server: ServerThread, draft_id: int, token: str) -> YClient:
    client = await YClient(server.url(draft_id, token)).connect()
    await client.wait_closed()
    return client


def server_text(server: ServerThread, draft_id: int) -> str:
    return server.call(lambda: server.server.rooms[draft_id].document.content)  # type: ignore[return-value]


def stored(db_url: str, draft_id: int) -> persisted.LoadedDraft:
    with Session(get_engine(db_url)) as session:
        return store.load(session=session, draft_id=draft_id)


# -- tokens -----------------------------------------------------------------------------
def test_tokens_name_one_user_one_draft_and_one_browser_session():
    token = issue_token(5, 9, 77)
    claims = verify_token(token, 9)
    assert (claims.user_id, claims.draft_id, claims.session_id) == (5, 9, 77)
    assert claims.nonce != verify_token(issue_token(5, 9, 77), 9).nonce
    with pytest.raises(AuthenticationFailed, match="another draft"):
        verify_token(token, 10)
    with pytest.raises(AuthenticationFailed, match="Invalid"):
        verify_token(token[:-2] + "xx", 9)
    with pytest.raises(AuthenticationFailed, match="Missing"):
        verify_token("", 9)


def test_tokens_expire(monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 301)
    token = issue_token(5, 9, 1)
    monkeypatch.undo()
    with pytest.raises(AuthenticationFailed, match="expired"):
        verify_token(token, 9)


def test_a_token_is_accepted_once_and_remembered_until_it_expires():
    now = [1_000_000.0]
    used = UsedTokens(ttl=300, max_entries=3, clock=lambda: now[0])

    def claims(nonce: str, issued_at: float = 1_000_000.0) -> TokenClaims:
        return TokenClaims(1, 2, 3, nonce, issued_at)

    used.claim(claims("first-nonce"))
    with pytest.raises(AuthenticationFailed, match="already used"):
        used.claim(claims("first-nonce"))
    used.claim(claims("second-nonce"))
    used.claim(claims("third-nonce"))
    # Full: refuse rather than forget a live token (which would allow a replay).
    with pytest.raises(AuthenticationFailed, match="busy"):
        used.claim(claims("fourth-nonce"))
    now[0] += 200
    with pytest.raises(AuthenticationFailed, match="already used"):
        used.claim(claims("first-nonce"))
    # Once a token has expired it is forgotten (its signature check refuses it anyway).
    now[0] += 102
    assert len(used) == 3
    used.claim(claims("fourth-nonce", issued_at=now[0]))
    assert len(used) == 1


# -- admission --------------------------------------------------------------------------
def test_a_bad_token_is_closed_with_4401_after_a_clean_close_handshake(server, cast):
    client = run(refused(server, cast.draft_id, "not-a-token"))
    assert client.close_code == cc.UNAUTHORIZED
    assert "Invalid editor token" in client.close_reason
    assert not any(protocol.parse(f).kind == "step1" for f in client.received)


def test_expired_and_other_draft_tokens_are_refused(server, cast, monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 600)
    old = cast.token(cast.editor)
    monkeypatch.undo()
    client = run(refused(server, cast.draft_id, old))
    assert (client.close_code, client.close_reason) == (
        cc.UNAUTHORIZED,
        "The editor token has expired; reload the draft.",
    )
    other = run(refused(server, cast.draft_id, cast.token(cast.editor, cast.draft_id + 1)))
    assert other.close_code == cc.UNAUTHORIZED


def test_only_members_of_an_existing_draft_get_in(server, cast):
    outsider = run(refused(server, cast.draft_id, cast.token(cast.outsider)))
    assert (outsider.close_code, outsider.close_reason) == (
        cc.FORBIDDEN,
        "Only members of this draft can open it.",
    )
    missing = run(refused(server, 999, cast.token(cast.owner, 999)))
    assert missing.close_code == cc.NOT_FOUND
    # Ids are 32-bit: a larger number names no draft (and never reaches the database).
    too_big = run(refused(server, MAX_ID + 1, cast.token(cast.owner, MAX_ID + 1)))
    assert (too_big.close_code, too_big.close_reason) == (cc.NOT_FOUND, "No such draft.")


# -- editing, refusals ------------------------------------------------------------------
def test_viewers_receive_edits_but_their_updates_are_refused(server, cast):
    async def main() -> None:
        owner = await joined(server, cast, cast.owner)
        viewer = await joined(server, cast, cast.viewer)
        owner.insert(0, "Chapter one")
        await owner.flush()
        await eventually(lambda: viewer.content == "Chapter one")
        viewer.insert(0, "HACKED ")
        await viewer.flush()
        assert await viewer.wait_closed() == cc.FORBIDDEN
        assert viewer.close_reason == "You can read this draft but not change it."
        await asyncio.sleep(0.2)
        assert owner.content == "Chapter one"
        assert server_text(server, cast.draft_id) == "Chapter one"
        # A viewer reconnecting with nothing new is fine; the server never took the edit.
        again = await joined(server, cast, cast.viewer)
        assert again.ws is not None
        await owner.disconnect()
        await again.disconnect()

    run(main())
    assert stored(server.server.db_url, cast.draft_id).document.content == "Chapter one"


def test_malformed_messages_close_only_their_sender(server, cast):
    bad_frames: list[bytes | str] = [
        b"\x07\x00",  # unknown message type
        b"\x00\x02\x05ab",  # update whose length runs past the end
        b"\x00\x02\x03\xff\xff\xff",  # update that is not a Yjs update
        b"\x00\x00\x01\x00\x00",  # trailing bytes after a sync step 1
        "a text frame",
        protocol.encode_awareness([(1, 1, "[1, 2]")]),  # awareness state that is not an object
    ]

    async def main() -> None:
        owner = await joined(server, cast, cast.owner)
        owner.insert(0, "steady")
        await owner.flush()
        for frame in bad_frames:
            bad = await joined(server, cast, cast.editor)
            await bad.send_raw(frame)
            assert await bad.wait_closed() == cc.MALFORMED, frame
        owner.insert(6, " text")
        await owner.flush()
        editor = await joined(server, cast, cast.editor)
        await eventually(lambda: editor.content == "steady text")
        await owner.disconnect()
        await editor.disconnect()

    run(main())


def test_oversized_messages_and_documents_are_refused_with_a_clear_reason(server, cast):
    async def main() -> None:
        owner = await joined(server, cast, cast.owner)
        big = await joined(server, cast, cast.editor)
        await big.send_raw(b"\x00\x02" + b"\x00" * (TEST_LIMITS.max_message_bytes + 1))
        assert await big.wait_closed() == cc.TOO_LARGE
        assert "Message too large" in big.close_reason

        owner.insert(0, "é" * 1_990)
        await owner.flush()
        filler = await joined(server, cast, cast.editor)
        filler.insert(0, "ü" * 20)  # 2,010 code points: over the 2,000 cap
        await filler.flush()
        assert await filler.wait_closed() == cc.TOO_LARGE
        assert "size limit (2,000 characters)" in filler.close_reason
        assert server_text(server, cast.draft_id) == "é" * 1_990
        # Others can still finish within the limit, and delete.
        owner.insert(0, "x" * 10)
        owner.delete(100, 50)
        await owner.flush()
        await eventually(lambda: len(server_text(server, cast.draft_id)) == 1_950)
        await owner.disconnect()

    run(main())


def test_presence_shows_the_signed_in_name_whatever_the_client_claims(server, cast):
    async def main() -> None:
        owner = await joined(server, cast, cast.owner)
        editor = await joined(server, cast, cast.editor)
        claim = {"user": {"name": "The Real Owner", "color": "#000"}, "cursor": {"anchor": 1}}
        await editor.send_raw(protocol.encode_awareness([(4242, 1, json.dumps(claim))]))
        # Speaking for another connection's client id is ignored.
        await owner.send_raw(
            protocol.encode_awareness([(4242, 9, json.dumps({"user": {"name": "x"}}))])
        )

        def seen_by_owner() -> list[protocol.AwarenessEntry]:
            out = []
            for frame in owner.received:
                message = protocol.parse(frame)
                if message.kind == "awareness":
                    out += protocol.parse_awareness(message.payload, max_entries=10)
            return out

        await eventually(lambda: any(e.client_id == 4242 for e in seen_by_owner()))
        entry = next(e for e in seen_by_owner() if e.client_id == 4242)
        assert entry.state is not None
        assert entry.state["user"]["name"] == cast.editor.display_name
        assert entry.state["user"]["userId"] == cast.editor.id
        assert entry.state["cursor"] == {"anchor": 1}
        # A newcomer gets current presence; a departure is announced as a null state.
        viewer = await joined(server, cast, cast.viewer)
        await eventually(
            lambda: any(protocol.parse(f).kind == "awareness" for f in viewer.received)
        )
        await editor.disconnect()
        await eventually(
            lambda: any(e.client_id == 4242 and e.state is None for e in seen_by_owner())
        )
        await owner.disconnect()
        await viewer.disconnect()

    run(main())


# -- persistence, attribution, restarts -------------------------------------------------
def test_every_update_is_in_the_database_before_anyone_receives_it(server, cast):
    async def main() -> None:
        writer = await joined(server, cast, cast.owner)
        reader = await joined(server, cast, cast.editor)
        expected = ""
        for word in ["Il", " était", " une", " fois", " 🌍"]:
            writer.insert(len(expected), word)
            expected += word
            await writer.flush()
            await eventually(lambda: reader.content == expected)  # noqa: B023
            assert stored(server.server.db_url, cast.draft_id).document.content == expected
        await writer.disconnect()
        await reader.disconnect()

    run(main())


def test_attribution_counts_surviving_code_points_per_author(server, cast, db_url):
    async def main() -> None:
        owner = await joined(server, cast, cast.owner)
        editor = await joined(server, cast, cast.editor)
        owner.insert(0, "Ünïcødé text ")  # 13
        await owner.flush()
        await eventually(lambda: editor.content == "Ünïcødé text ")
        editor.insert(13, "日本語 😀")  # 5
        editor.delete(0, 2)  # deletes two of the owner's
        await editor.flush()
        await eventually(lambda: owner.content == "ïcødé text 日本語 😀")
        owner.delete(14, 1)  # deletes one of the editor's (a space)
        await owner.flush()
        await eventually(lambda: editor.content == "ïcødé text 日本語😀")
        await owner.disconnect()
        await editor.disconnect()

    run(main())
    with Session(get_engine(db_url)) as session:
        shares = credit.authorship_shares(cast.draft_id, session=session)
        runs = credit.authored_runs(cast.draft_id, session=session)
        published = credit.publish_text(cast.draft_id, session=session)
    assert shares == {cast.owner.id: 11, cast.editor.id: 4}
    assert runs == [(cast.owner.id, "ïcødé text "), (cast.editor.id, "日本語😀")]
    assert published.text == "ïcødé text 日本語😀"
    assert published.shares_bps == {cast.owner.id: 7333, cast.editor.id: 2667}


def test_a_restart_loses_nothing_and_keeps_authorship(db_url, cast):
    first = ServerThread(db_url, TEST_LIMITS).start()

    async def write() -> None:
        owner = await joined(first, cast, cast.owner)
        editor = await joined(first, cast, cast.editor)
        owner.insert(0, "Première ligne\n")
        await owner.flush()
        await eventually(lambda: editor.content == "Première ligne\n")
        editor.insert(15, "Zweite Zeile ✓")
        await editor.flush()
        await eventually(lambda: owner.content == "Première ligne\nZweite Zeile ✓")
        # Offline edits made while the server is down merge on reconnect.
        await owner.disconnect()
        owner.insert(0, "# ")
        first.stop()
        second = ServerThread(db_url, TEST_LIMITS).start()
        try:
            fresh = await joined(second, cast, cast.viewer)
            assert fresh.content == "Première ligne\nZweite Zeile ✓"
            owner.url = second.url(cast.draft_id, cast.token(cast.owner))
            await owner.connect()
            await eventually(lambda: fresh.content == "# Première ligne\nZweite Zeile ✓")
            await owner.disconnect()
            await fresh.disconnect()
            await editor.disconnect()
        finally:
            second.stop()

    run(write())
    with Session(get_engine(db_url)) as session:
        shares = credit.authorship_shares(cast.draft_id, session=session)
    assert shares == {cast.owner.id: 17, cast.editor.id: 14}


# -- membership changes -----------------------------------------------------------------
def test_removing_or_demoting_a_member_closes_their_connections_at_once(server, cast, session):
    async def main() -> None:
        editor = await joined(server, cast, cast.editor)
        viewer = await joined(server, cast, cast.viewer)
        drafts.set_role(
            session=session,
            actor_id=cast.owner.id,
            draft_id=cast.draft_id,
            user_id=cast.editor.id,
            role="viewer",
        )
        session.commit()
        assert await editor.wait_closed(5) == cc.ROLE_CHANGED
        drafts.remove_member(
            session=session, actor_id=cast.owner.id, draft_id=cast.draft_id, user_id=cast.viewer.id
        )
        session.commit()
        assert await viewer.wait_closed(5) == cc.FORBIDDEN
        assert viewer.close_reason == "You are no longer a member of this draft."
        # Reconnecting gives the new rights: the demoted editor can only read now.
        demoted = await joined(server, cast, cast.editor)
        demoted.insert(0, "still typing")
        await demoted.flush()
        assert await demoted.wait_closed() == cc.FORBIDDEN
        removed = await refused(server, cast.draft_id, cast.token(cast.viewer))
        assert removed.close_code == cc.FORBIDDEN

    run(main())


# -- history ----------------------------------------------------------------------------
def test_named_snapshots_diffs_and_restores_credit_the_original_authors(server, cast, db_url):
    async def main() -> tuple[int, int]:
        owner = await joined(server, cast, cast.owner)
        editor = await joined(server, cast, cast.editor)
        owner.insert(0, "The sea was calm.\n")
        await owner.flush()
        await eventually(lambda: editor.content == "The sea was calm.\n")
        editor.insert(18, "Then a storm.\n")
        await editor.flush()
        await eventually(lambda: owner.content == "The sea was calm.\nThen a storm.\n")
        named = await history.create_named_snapshot(cast.draft_id, "Before the cut", cast.editor.id)
        editor.delete(0, 18)
        editor.insert(0, "Nothing.\n")
        await editor.flush()
        await eventually(lambda: owner.content == "Nothing.\nThen a storm.\n")
        with pytest.raises(PermissionDenied):
            await history.restore_snapshot(cast.draft_id, named, cast.viewer.id)
        restored = await history.restore_snapshot(cast.draft_id, named, cast.editor.id)
        await eventually(lambda: owner.content == "The sea was calm.\nThen a storm.\n")
        await eventually(lambda: editor.content == owner.content)
        return named, restored

    named, restored = run(main())
    with Session(get_engine(db_url)) as session:
        snaps = history.list_snapshots(cast.draft_id, session=session)
        assert [(s.kind, s.label) for s in snaps][:2] == [
            ("restore", "Restored from “Before the cut”"),
            ("named", "Before the cut"),
        ]
        assert snaps[0].id == restored
        assert history.snapshot_text(cast.draft_id, named, session=session) == (
            "The sea was calm.\nThen a storm.\n"
        )
        # The restorer gets no credit for text the owner wrote.
        assert credit.authorship_shares(cast.draft_id, session=session) == {
            cast.owner.id: 18,
            cast.editor.id: 14,
        }
        diff = history.diff_lines("a\nb\nc", "a\nB\nc\nd")
        assert [(d.op, d.text) for d in diff] == [
            (" ", "a"),
            ("-", "b"),
            ("+", "B"),
            (" ", "c"),
            ("+", "d"),
        ]


# -- single use, sessions, sign-out -------------------------------------------------------
def test_a_token_opens_one_connection_only(server, cast):
    async def main() -> None:
        token = cast.token(cast.editor)
        first = await YClient(server.url(cast.draft_id, token)).connect()
        await asyncio.wait_for(first.synced.wait(), 10)
        replay = await refused(server, cast.draft_id, token)
        assert (replay.close_code, replay.close_reason) == (
            cc.UNAUTHORIZED,
            "This editor token was already used; reconnecting.",
        )
        # Also after the first connection has gone.
        await first.disconnect()
        again = await refused(server, cast.draft_id, token)
        assert again.close_code == cc.UNAUTHORIZED

    run(main())


def test_signing_out_closes_that_sessions_editors_at_once(server, cast, session):
    raw = "raw-session-token-for-sign-out-test"
    signed_in = make_session(session, cast.editor.id, token=raw)

    async def main() -> None:
        tab = await YClient(
            server.url(cast.draft_id, issue_token(cast.editor.id, cast.draft_id, signed_in))
        ).connect()
        await asyncio.wait_for(tab.synced.wait(), 10)
        unused = issue_token(cast.editor.id, cast.draft_id, signed_in)
        elsewhere = await joined(server, cast, cast.editor)  # the same user on another device
        owner = await joined(server, cast, cast.owner)
        accounts.sign_out(session=session, token=raw)
        session.commit()
        assert await tab.wait_closed(5) == cc.UNAUTHORIZED
        assert tab.close_reason == "You signed out; sign in again to edit this draft."
        # A token issued to the session before it signed out is worthless now.
        late = await refused(server, cast.draft_id, unused)
        assert (late.close_code, late.close_reason) == (
            cc.UNAUTHORIZED,
            "You are signed out; sign in again to edit this draft.",
        )
        # Other sessions, of the same user or not, carry on.
        elsewhere.insert(0, "still here")
        await elsewhere.flush()
        await eventually(lambda: owner.content == "still here")
        assert elsewhere.ws is not None
        await elsewhere.disconnect()
        await owner.disconnect()

    run(main())


def test_tokens_of_expired_or_other_peoples_sessions_are_refused(server, cast, session):
    expired = make_session(session, cast.editor.id, days=-1)
    theirs = cast.sessions[cast.owner.id]

    async def main() -> None:
        for session_id in (expired, theirs, 999_999):
            token = issue_token(cast.editor.id, cast.draft_id, session_id)
            client = await refused(server, cast.draft_id, token)
            assert client.close_code == cc.UNAUTHORIZED, session_id

    run(main())


def test_a_join_under_way_when_its_session_signs_out_is_refused(db_url, cast):
    class Quiet(Peer):
        def deliver(self, frame: bytes) -> None:
            pass

        def kick(self, code: int, reason: str) -> None:
            pass

    async def main() -> None:
        server = CollabServer(db_url=db_url, limits=TEST_LIMITS)
        session_id = cast.sessions[cast.editor.id]
        role, name = server.membership(cast.draft_id, cast.editor.id, session_id)
        generation = server.generation(cast.draft_id, cast.editor.id)
        server.kick_session(session_id, code=cc.UNAUTHORIZED, reason="signed out")
        peer = Quiet(cast.editor.id, name, role, session_id)
        with pytest.raises(CloseConnection) as info:
            await server.open(cast.draft_id, peer, generation)
        assert info.value.code == cc.UNAUTHORIZED
        await server.shutdown()

    run(main())


# -- costly or out-of-bounds traffic ------------------------------------------------------
def test_a_viewer_reconnecting_with_offline_edits_stays_connected_and_changes_nothing(server, cast):
    async def main() -> None:
        owner = await joined(server, cast, cast.owner)
        owner.insert(0, "Original")
        await owner.flush()
        viewer = await joined(server, cast, cast.viewer)
        await eventually(lambda: viewer.content == "Original")
        await viewer.disconnect()
        viewer.insert(0, "Offline ")  # its sync reply on reconnect carries this
        viewer.url = server.url(cast.draft_id, cast.token(cast.viewer))
        await viewer.connect()
        await asyncio.wait_for(viewer.synced.wait(), 10)
        owner.insert(8, "!")
        await owner.flush()
        await eventually(lambda: viewer.content.endswith("Original!"))
        assert viewer.ws is not None
        assert server_text(server, cast.draft_id) == "Original!"
        await owner.disconnect()
        await viewer.disconnect()

    run(main())


def test_an_update_outside_the_drafts_text_is_refused(server, cast):
    async def main() -> None:
        editor = await joined(server, cast, cast.editor)
        editor.insert(0, "text")
        await editor.flush()
        await eventually(lambda: server_text(server, cast.draft_id) == "text")
        editor.doc["notes"] = Text("x" * 10_000)  # past the 2,000-character cap
        await editor.flush()
        assert await editor.wait_closed() == cc.MALFORMED
        assert "outside the draft's text" in editor.close_reason
        keys = server.call(lambda: list(server.server.rooms[cast.draft_id].document.doc.keys()))
        assert keys == ["content"]

    run(main())
    assert stored(server.server.db_url, cast.draft_id).document.content == "text"


def test_a_flood_of_frames_is_cut_off_with_a_clear_code(db_url, cast):
    # 50 frames, then (practically) nothing more: no timing involved.
    limits = dataclasses.replace(TEST_LIMITS, frames_burst=50, frames_per_second=0.001)
    flood_server = ServerThread(db_url, limits).start()

    async def main() -> None:
        viewer = await joined(flood_server, cast, cast.viewer)
        ping = protocol.step1(viewer.doc.get_state())
        for _ in range(100):
            try:
                await viewer.send_raw(ping)
            except Exception:  # closed mid-flood
                break
        assert await viewer.wait_closed() == cc.RATE_LIMITED
        assert viewer.close_reason == "Too many messages from this editor; reconnecting."

    try:
        run(main())
    finally:
        flood_server.stop()
