"""Token buckets and a connection's budgets, on a fake clock."""

from __future__ import annotations

import pytest

from hitrec_app.collab import close_codes as cc
from hitrec_app.collab.close_codes import CloseConnection
from hitrec_app.collab.rate_limit import RateLimit, TokenBucket


def test_a_bucket_pays_its_burst_then_refills_at_its_rate_up_to_the_burst():
    bucket = TokenBucket(rate=2, burst=5, now=0.0)
    assert all(bucket.take(1, 0.0) for _ in range(5))
    assert not bucket.take(1, 0.0)
    assert bucket.take(2, 1.0) and not bucket.take(1, 1.0)
    assert bucket.take(5, 100.0) and not bucket.take(1, 100.0)  # never more than the burst


def test_a_charge_may_leave_a_debt_that_later_takes_wait_out():
    bucket = TokenBucket(rate=10, burst=10, now=0.0)
    bucket.charge(30, 0.0)
    assert not bucket.take(0, 1.0)  # still 10 in debt
    assert bucket.take(0, 2.0)


def test_a_connection_over_budget_is_closed_as_rate_limited():
    now = [0.0]
    rate = RateLimit(frames=(1, 2), bytes_in=(100, 100), replies=(10, 10), clock=lambda: now[0])
    rate.admit(50)
    rate.admit(50)
    with pytest.raises(CloseConnection) as info:
        rate.admit(1)  # a third frame
    assert info.value.code == cc.RATE_LIMITED
    now[0] = 1.0
    with pytest.raises(CloseConnection):
        rate.admit(150)  # one frame's worth back, but too many bytes
    rate.admit_reply()
    rate.charge_reply(50)
    with pytest.raises(CloseConnection):
        rate.admit_reply()
