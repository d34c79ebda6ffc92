"""Two workers on one Redis: a change made through one worker reaches a browser served by the
other, live (room emits go through python-socketio's Redis manager), and a challenge room's
heart counts stay whole whichever worker each heart went through (kept in Redis).

Two app processes (`reflex run --env prod`, each its own port and build) share one SQLite
database and one Redis: a Redis database of their own (claimed, flushed at the end) and a
channel/key prefix of their own, so parallel runs on the same Redis do not meet."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
import redis
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import select

from hitrec_app.db import session_scope
from hitrec_app.models import User
from tests.e2e.helpers import sign_in
from tests.e2e.live_app import LiveApp
from tests.factories import open_challenge, text_record

REDIS = os.environ.get("HITREC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
CLAIM = "hitrec-e2e-claim"


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """An empty Redis database claimed for this run (SET NX), flushed afterwards."""
    for db in range(1, 16):
        client = redis.Redis.from_url(f"{REDIS}/{db}")
        try:
            claimed = client.set(CLAIM, os.getpid(), nx=True, ex=3600)
        except redis.RedisError as err:
            pytest.fail(f"Redis is not reachable at {REDIS} (scripts/services.sh starts it): {err}")
        if claimed and client.dbsize() == 1:
            break
        if claimed:  # someone else's data is there: leave it alone
            client.delete(CLAIM)
        client.close()
    else:
        pytest.fail(f"no empty Redis database at {REDIS} to run two workers on")
    try:
        yield f"{REDIS}/{db}"
    finally:
        client.flushdb()
        client.close()


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[list[LiveApp]]:
    shared = tmp_path_factory.mktemp("two-workers")
    env = {
        "HITREC_DATABASE_URL": f"sqlite:///{shared / 'shared.db'}",
        "REFLEX_REDIS_URL": redis_url,
        "HITREC_REDIS_PREFIX": f"hitrec-e2e-{os.getpid()}",
    }
    apps: list[LiveApp] = []
    try:
        for name, demo in (("a", True), ("b", False)):  # B joins A's database
            apps.append(LiveApp(shared / name, demo=demo, extra_env=env).start())
        yield apps
    finally:
        for app in apps:
            app.stop()


@pytest.fixture
def on(browser: Browser) -> Iterator:
    """`on(worker)`: a new browser context (a separate user) served by that worker."""
    contexts: list[BrowserContext] = []

    def make(worker: LiveApp) -> Page:
        ctx = browser.new_context(base_url=worker.url)
        ctx.set_default_timeout(20_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def _user(session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def test_a_comment_and_a_heart_made_on_one_worker_reach_a_browser_on_the_other(workers, on):
    a, b = workers
    with session_scope(write=True, url=a.env["HITREC_DATABASE_URL"]) as session:
        record_id = text_record(session, _user(session, "priya"), "Across the wire").id

    watcher = on(b)  # a visitor whose tab is served by worker B
    watcher.goto(f"/records/{record_id}")
    expect(watcher.get_by_role("heading", name="Across the wire", level=1)).to_be_visible()
    comments = watcher.get_by_role("list", name="Comments")
    watcher.evaluate("window.__notReloaded = true")

    tomas = on(a)  # a member whose comment and heart go through worker A
    sign_in(tomas, "tomas")
    tomas.goto(f"/records/{record_id}")
    tomas.get_by_label("Add a comment").fill("Sent through worker A.")
    tomas.get_by_role("button", name="Post comment").click()
    expect(comments).to_contain_text("Sent through worker A.")

    tomas.get_by_role("button", name=re.compile("^Heart")).click()
    expect(watcher.get_by_label("hearts: 1")).to_be_visible()
    assert watcher.evaluate("window.__notReloaded") is True


def test_heart_counts_on_a_challenge_page_stay_whole_across_workers(workers, on):
    a, b = workers
    with session_scope(write=True, url=a.env["HITREC_DATABASE_URL"]) as session:
        challenge = open_challenge(session, _user(session, "jules"), title="Two doors")
        priya = _user(session, "priya")
        first = text_record(session, priya, "Door one", challenge=challenge).id
        second = text_record(session, priya, "Door two", challenge=challenge).id
        challenge_id = challenge.id

    watcher = on(b)
    watcher.goto(f"/challenges/{challenge_id}")
    door_one = watcher.get_by_role("article", name="Door one")
    door_two = watcher.get_by_role("article", name="Door two")
    expect(door_one.get_by_label("hearts: 0")).to_be_visible()
    expect(door_two.get_by_label("hearts: 0")).to_be_visible()

    # A heart through worker A, then one through worker B: the map B sends holds A's count.
    ada = on(a)
    sign_in(ada, "ada")
    ada.goto(f"/records/{first}")
    ada.get_by_role("button", name=re.compile("^Heart")).click()
    expect(door_one.get_by_label("hearts: 1")).to_be_visible()

    tomas = on(b)
    sign_in(tomas, "tomas")
    tomas.goto(f"/records/{second}")
    tomas.get_by_role("button", name=re.compile("^Heart")).click()
    expect(door_two.get_by_label("hearts: 1")).to_be_visible()
    expect(door_one.get_by_label("hearts: 1")).to_be_visible()
