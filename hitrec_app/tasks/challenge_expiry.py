"""Past-deadline challenges close themselves, even when nobody loads a page."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime

from hitrec_app.db import session_scope
from hitrec_app.services import challenges
from hitrec_app.settings import settings

log = logging.getLogger(__name__)


PAGE_SWEEP_SECONDS = 1.0  # page loads sweep at most this often (a storm of loads sweeps once)
_last_page_sweep = 0.0


def sweep_on_page_load() -> None:
    """Sweep as a page that shows challenges loads, so it never shows one open past its
    deadline for long; at most once per PAGE_SWEEP_SECONDS in this process (the lifespan loop
    sweeps on its own schedule too)."""
    global _last_page_sweep
    now = time.monotonic()
    if now - _last_page_sweep < PAGE_SWEEP_SECONDS:
        return
    _last_page_sweep = now
    sweep_expired()


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
