"""Presence on the record and challenge pages: how many are watching, and who among the
signed-in; a closed tab, a tab that moves on and a tab whose network drops stop counting."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, expect
from sqlmodel import select
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from hitrec_app.db import session_scope
from hitrec_app.models import Challenge, User
from hitrec_app.services import records
from hitrec_app.services.records import RecordInput
from hitrec_app.vocabulary import PRESENCE_GONE_WITHIN
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import sign_in

GONE_MS = PRESENCE_GONE_WITHIN * 1000  # the bound a dropped tab must be gone within


def _fresh_record(live_app, title: str) -> int:
    """A record of its own (no other test's tabs on its page)."""
    with session_scope(write=True, url=live_app.env["HITREC_DATABASE_URL"]) as session:
        ada = session.exec(select(User).where(User.username == "ada")).one()
        record = records.submit_record(
            session=session,
            user_id=ada.id or 0,
            data=RecordInput(kind="text", title=title, body="Who is there?"),
        )
        return record.id or 0


def _watching(page: Page):
    return page.get_by_role("note", name="Watching now")


def test_the_record_page_counts_its_viewers_and_names_the_signed_in(new_context, live_app):
    record_id = _fresh_record(live_app, "Who is watching")
    url = f"/records/{record_id}"

    visitor = new_context().new_page()  # not signed in: counted, never named
    visitor.goto(url)
    expect(visitor.get_by_role("heading", name="Who is watching", level=1)).to_be_visible()
    expect(_watching(visitor)).to_have_text("1 watching")

    priya_context = new_context()
    priya = priya_context.new_page()
    sign_in(priya, "priya")
    priya.goto(url)
    expect(_watching(visitor)).to_have_text("2 watching · Priya Raman and 1 other")
    expect(_watching(priya)).to_have_text("2 watching · Priya Raman and 1 other")

    tomas = new_context().new_page()
    sign_in(tomas, "tomas")
    tomas.goto(url)
    expect(_watching(visitor)).to_have_text("3 watching · Priya Raman, Tomás Herrera and 1 other")
    # Priya's second tab on the same page: she is one person.
    priya_again = priya_context.new_page()
    priya_again.goto(url)
    expect(_watching(priya_again)).to_have_text(
        "3 watching · Priya Raman, Tomás Herrera and 1 other"
    )
    screenshot(visitor, "record-presence")

    # A closed browser (both of Priya's tabs) stops counting.
    priya_context.close()
    expect(_watching(visitor)).to_have_text("2 watching · Tomás Herrera and 1 other")

    # A tab that moves on inside the app (same socket) stops counting on this page.
    tomas.get_by_role("link", name="Challenges", exact=True).click()
    expect(tomas.get_by_role("heading", name="Challenges", level=1)).to_be_visible()
    expect(_watching(visitor)).to_have_text("1 watching")


def test_the_challenge_page_counts_its_viewers(new_context, live_app):
    with session_scope(url=live_app.env["HITREC_DATABASE_URL"]) as session:
        challenge = session.exec(
            select(Challenge).where(Challenge.title == "The lighthouse at the end of the world")
        ).one()
        url = f"/challenges/{challenge.id}"
    visitor = new_context().new_page()
    visitor.goto(url)
    expect(_watching(visitor)).to_have_text("1 watching")
    maya = new_context().new_page()
    sign_in(maya, "maya")
    maya.goto(url)
    expect(_watching(visitor)).to_have_text("2 watching · Maya Okafor and 1 other")
    screenshot(visitor, "challenge-presence")
    maya.close()
    expect(_watching(visitor)).to_have_text("1 watching")


class SilentTab:
    """A tab over Reflex's own wire protocol (engine.io v4 / socket.io v5 on `/_event`, as
    bench/rooms_bench.py's Viewer): it hydrates a page, which runs the page's on_load joins,
    and answers the server's pings until `drop()`: then it goes silent without closing the
    connection, as when the network drops."""

    def __init__(self, ws: ClientConnection, path: str, params: dict[str, str]) -> None:
        self.ws = ws
        self.answering = True
        assert str(ws.recv()).startswith("0")
        hydrate = {
            "name": "reflex___state____state.hydrate_and_load",
            "payload": {},
            "router_data": {"pathname": path, "asPath": path, "query": params},
        }
        ws.send("40/_event," + json.dumps({"event": hydrate}))
        assert str(ws.recv()).startswith("40/_event")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for message in self.ws:
                if message == "2" and self.answering:
                    self.ws.send("3")
        except Exception:  # closed by the server
            pass

    def drop(self) -> None:
        self.answering = False


@contextmanager
def silent_tab(base_url: str, path: str, params: dict[str, str]) -> Iterator[SilentTab]:
    ws_url = base_url.replace("http", "ws", 1)
    with connect(
        f"{ws_url}/_event/?EIO=4&transport=websocket&token={uuid.uuid4()}",
        subprotocols=[Subprotocol("0.10.1")],  # Reflex warns when the frontend's differs
        max_size=None,
    ) as ws:
        yield SilentTab(ws, path, params)


def test_a_tab_whose_network_drops_is_gone_within_the_bound(new_context, live_app):
    record_id = _fresh_record(live_app, "Lost signal")
    url = f"/records/{record_id}"
    visitor = new_context().new_page()
    visitor.goto(url)
    expect(_watching(visitor)).to_have_text("1 watching")

    with silent_tab(live_app.url, url, {"id": str(record_id)}) as silent:
        expect(_watching(visitor)).to_have_text("2 watching")
        silent.drop()  # no close frame, no answers to pings
        # Not timed: it waits up to the promised bound and checks the tab is gone by then.
        expect(_watching(visitor)).to_have_text("1 watching", timeout=GONE_MS)
