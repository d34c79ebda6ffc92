"""Per-connection budgets: token buckets for the frames and bytes an editor connection sends
and for the bytes of replies to its sync requests. A connection over budget is closed with
RATE_LIMITED (the room's `Limits` sets the rates)."""

from __future__ import annotations

from collections.abc import Callable

from hitrec_app.collab import close_codes as cc
from hitrec_app.collab.close_codes import CloseConnection

RATE_LIMITED_REASON = "Too many messages from this editor; reconnecting."


class TokenBucket:
    """`rate` tokens a second up to `burst`. `take` refuses when the bucket cannot pay;
    `charge` takes after the fact and may leave a debt that later takes must wait out."""

    __slots__ = ("burst", "level", "rate", "stamp")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.level = burst
        self.stamp = now

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.level = min(self.burst, self.level + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self, amount: float, now: float) -> bool:
        self._refill(now)
        if self.level < amount:
            return False
        self.level -= amount
        return True

    def charge(self, amount: float, now: float) -> None:
        self._refill(now)
        self.level -= amount


Budget = tuple[float, float]  # (sustained rate per second, burst)


class RateLimit:
    """One connection's budgets: frames and bytes it sends, and bytes of replies to its
    sync requests, each a (rate, burst) pair, on the room's clock."""

    def __init__(
        self, *, frames: Budget, bytes_in: Budget, replies: Budget, clock: Callable[[], float]
    ) -> None:
        now = clock()
        self._clock = clock
        self.frames = TokenBucket(*frames, now)
        self.bytes = TokenBucket(*bytes_in, now)
        self.replies = TokenBucket(*replies, now)

    def admit(self, size: int) -> None:
        """Pay for an incoming frame of `size` bytes, or raise CloseConnection."""
        now = self._clock()
        if not (self.frames.take(1, now) and self.bytes.take(size, now)):
            raise CloseConnection(cc.RATE_LIMITED, RATE_LIMITED_REASON)

    def admit_reply(self) -> None:
        """A sync request is answered only while earlier replies are paid off."""
        if not self.replies.take(0, self._clock()):
            raise CloseConnection(cc.RATE_LIMITED, RATE_LIMITED_REASON)

    def charge_reply(self, size: int) -> None:
        self.replies.charge(size, self._clock())
