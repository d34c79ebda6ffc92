"""The app's background sweep closes past-deadline challenges with nobody on a page."""

from __future__ import annotations

import asyncio
import functools
from datetime import timedelta

import pytest

from hitrec_app.db import session_scope
from hitrec_app.models import Challenge, utcnow
from hitrec_app.services import events
from hitrec_app.tasks import challenge_expiry
from tests.factories import make_user, open_challenge


@pytest.fixture
def app_db(monkeypatch, db_url):
    """Point the task module's sessions at the test database."""
    monkeypatch.setattr(
        challenge_expiry, "session_scope", functools.partial(session_scope, url=db_url)
    )
    return db_url


def test_a_sweep_closes_due_challenges_and_announces_them(app_db, session):
    host = make_user(session, "hosty", role="host")
    due = open_challenge(session, host, title="Due", deadline=utcnow() + timedelta(minutes=1))
    open_challenge(session, host, title="Later", deadline=utcnow() + timedelta(days=1))
    seen: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        assert challenge_expiry.sweep_expired() == []  # nothing due yet
        assert challenge_expiry.sweep_expired(now=utcnow() + timedelta(minutes=2)) == [due.id]
    finally:
        unsubscribe()
    assert [(e.kind, e.data["challenge_id"]) for e in seen] == [("challenge.closed", due.id)]
    session.expire_all()
    assert session.get(Challenge, due.id).state == "closed"


def test_the_loop_keeps_sweeping_after_a_failure_and_stops_when_cancelled(monkeypatch):
    calls: list[int] = []

    async def run() -> None:
        loop = asyncio.get_running_loop()
        third = asyncio.Event()

        def sweep() -> list[int]:  # runs in a worker thread
            calls.append(1)
            if len(calls) == 3:
                loop.call_soon_threadsafe(third.set)
            if len(calls) == 1:
                raise RuntimeError("database went away")
            return []

        monkeypatch.setattr(challenge_expiry, "sweep_expired", sweep)
        task = asyncio.create_task(challenge_expiry.expire_challenges_loop(interval=0.001))
        await third.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run())
    assert len(calls) >= 3


def test_the_sweep_interval_comes_from_the_environment(monkeypatch):
    from hitrec_app import settings as settings_mod

    monkeypatch.setenv("HITREC_CHALLENGE_SWEEP_SECONDS", "2.5")
    assert settings_mod.load_settings().challenge_sweep_seconds == 2.5
    monkeypatch.delenv("HITREC_CHALLENGE_SWEEP_SECONDS")
    assert settings_mod.load_settings().challenge_sweep_seconds == 30.0
    monkeypatch.setenv("HITREC_CHALLENGE_SWEEP_SECONDS", "0")
    with pytest.raises(ValueError, match="positive"):
        settings_mod.load_settings()


def test_page_loads_sweep_at_most_once_a_second(monkeypatch):
    """A storm of page loads (1,000 viewers reconnecting) sweeps once, not 1,000 times."""
    sweeps: list[int] = []
    clock = [500.0]
    monkeypatch.setattr(challenge_expiry, "sweep_expired", lambda: sweeps.append(1) or [])
    monkeypatch.setattr(challenge_expiry.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(challenge_expiry, "_last_page_sweep", 0.0)
    for _ in range(1000):
        challenge_expiry.sweep_on_page_load()
    assert len(sweeps) == 1
    clock[0] += challenge_expiry.PAGE_SWEEP_SECONDS
    challenge_expiry.sweep_on_page_load()
    assert len(sweeps) == 2
