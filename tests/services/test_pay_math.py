"""Money arithmetic: exact splits, basis points, minimum payouts, amounts people type."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hitrec_app.services.errors import ValidationError
from hitrec_app.services.pay_math import (
    BPS_TOTAL,
    MoneyError,
    amounts_from_shares,
    apply_minimum,
    format_bps,
    format_minor,
    is_currency_code,
    largest_remainder,
    normalise_to_bps,
    parse_minor,
)

FAST = settings(max_examples=150, deadline=None)

user_ids = st.integers(min_value=1, max_value=10_000)
weight_values = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.fractions(min_value=0, max_value=10**4, max_denominator=10**4),
    st.just(Fraction(1, 3)),  # repeating thirds make many equal remainders (ties)
)
weight_maps = st.dictionaries(user_ids, weight_values, min_size=1, max_size=25).filter(
    lambda w: any(v > 0 for v in w.values())
)
totals = st.integers(min_value=0, max_value=10**12)


@st.composite
def share_maps(draw: st.DrawFn) -> dict[int, int]:
    """Shares in basis points totalling 10,000, some of them 0 or equal."""
    return normalise_to_bps(draw(weight_maps))


def shuffled(mapping: dict, seed: int) -> dict:
    items = list(mapping.items())
    random.Random(seed).shuffle(items)
    return dict(items)


# --- largest remainder --------------------------------------------------------------------------


@FAST
@given(total=totals, weights=weight_maps)
def test_parts_sum_to_the_total_each_within_one_unit_of_exact(total, weights):
    parts = largest_remainder(total, weights)
    assert sum(parts.values()) == total
    assert set(parts) == set(weights)
    weight_sum = sum(Fraction(w) for w in weights.values())
    for key, part in parts.items():
        exact = total * Fraction(weights[key]) / weight_sum
        assert part in (
            exact.numerator // exact.denominator,
            exact.numerator // exact.denominator + 1,
        )
        assert abs(part - exact) < 1
        if weights[key] == 0:
            assert part == 0


@FAST
@given(total=totals, weights=weight_maps, seed=st.integers())
def test_ties_break_the_same_way_whatever_the_input_order(total, weights, seed):
    first = largest_remainder(total, weights)
    again = largest_remainder(total, shuffled(weights, seed))
    assert again == first
    assert list(again) == list(first)  # even the key order (ascending) is the same


def test_equal_remainders_and_weights_go_to_the_smaller_user_id():
    # 10 cents in thirds: 3.33 each, one cent left, all remainders and weights equal.
    assert largest_remainder(10, {3: 1, 1: 1, 2: 1}) == {1: 4, 2: 3, 3: 3}
    assert largest_remainder(11, {3: 1, 2: 1, 1: 1}) == {1: 4, 2: 4, 3: 3}


def test_equal_remainders_go_to_the_larger_weight_first():
    # Exact parts 0.5 and 1.5: both remainders are 1/2; the larger weight (user 2) wins,
    # although user 1 has the smaller id.
    assert largest_remainder(2, {1: 1, 2: 3}) == {1: 0, 2: 2}


def test_the_largest_remainder_wins_over_weight_and_id():
    # Exact parts 0.4 (weight 2), 0.6 (weight 3) and 2.0: the unit left goes to 0.6.
    assert largest_remainder(3, {1: 2, 2: 3, 3: 10}) == {1: 0, 2: 1, 3: 2}


def test_largest_remainder_refuses_what_it_cannot_split_by():
    with pytest.raises(ValueError, match="at least one weight must be above zero"):
        largest_remainder(100, {1: 0, 2: 0})
    with pytest.raises(ValueError, match="at least one weight must be above zero"):
        largest_remainder(100, {})
    with pytest.raises(ValueError, match="negative"):
        largest_remainder(100, {1: 5, 2: -1})
    with pytest.raises(ValueError, match="zero or more"):
        largest_remainder(-1, {1: 1})
    with pytest.raises(TypeError, match="float"):
        largest_remainder(100, {1: 0.5})  # type: ignore[dict-item]


def test_money_errors_are_validation_errors_people_can_read():
    with pytest.raises(ValidationError):
        parse_minor("-3", "USD")
    assert issubclass(MoneyError, ValueError)


# --- basis points and amounts -----------------------------------------------------------------


@FAST
@given(weights=weight_maps, seed=st.integers())
def test_basis_points_always_total_ten_thousand(weights, seed):
    bps = normalise_to_bps(weights)
    assert sum(bps.values()) == BPS_TOTAL == 10_000
    assert normalise_to_bps(shuffled(weights, seed)) == bps


@FAST
@given(pool=totals, shares=share_maps(), seed=st.integers())
def test_amounts_sum_to_the_pool_each_within_one_cent(pool, shares, seed):
    amounts = amounts_from_shares(pool, shares)
    assert sum(amounts.values()) == pool
    for user_id, amount in amounts.items():
        assert abs(amount - Fraction(pool * shares[user_id], BPS_TOTAL)) < 1
    assert amounts_from_shares(pool, shuffled(shares, seed)) == amounts


def test_amounts_need_shares_totalling_exactly_ten_thousand():
    with pytest.raises(ValueError, match=r"exactly 10,000 basis points.*9,999 \(99.99%\)"):
        amounts_from_shares(1000, {1: 5000, 2: 4999})
    with pytest.raises(ValueError, match="cannot be negative"):
        amounts_from_shares(1000, {1: 10_001, 2: -1})
    with pytest.raises(ValueError, match="exactly 10,000"):
        amounts_from_shares(1000, {})
    with pytest.raises(ValueError, match="zero or more"):
        amounts_from_shares(-5, {1: 10_000})


def test_one_cent_among_three_equal_shares():
    assert amounts_from_shares(1, {7: 3334, 5: 3333, 6: 3333}) == {5: 0, 6: 0, 7: 1}
    assert amounts_from_shares(2, {7: 3334, 5: 3333, 6: 3333}) == {5: 1, 6: 0, 7: 1}


def test_format_bps():
    assert [format_bps(b) for b in (10_000, 4500, 3333, 4550, 1)] == [
        "100%",
        "45%",
        "33.33%",
        "45.5%",
        "0.01%",
    ]


# --- minimum payout and carry-forward ---------------------------------------------------------


@settings(max_examples=75, deadline=None)
@given(
    rounds=st.lists(st.tuples(st.integers(0, 10**6), share_maps()), min_size=1, max_size=8),
    minimum=st.integers(min_value=0, max_value=5_000),
)
def test_carry_forward_conserves_every_cent_over_a_series_of_payouts(rounds, minimum):
    balances: dict[int, int] = {}
    paid_so_far: dict[int, int] = {}
    due_so_far: dict[int, int] = {}
    for pool, shares in rounds:
        amounts = amounts_from_shares(pool, shares)
        plan = apply_minimum(amounts, balances, minimum)
        assert plan.total_paid + plan.total_carried == pool + sum(balances.values())
        assert set(plan.paid) == set(plan.carried) == set(amounts) | set(balances)
        for user_id in plan.paid:
            # Either all that is due is paid (it reached the minimum) or all of it waits.
            assert plan.paid[user_id] == 0 or plan.carried[user_id] == 0
            assert plan.paid[user_id] == 0 or plan.paid[user_id] >= minimum
            assert plan.carried[user_id] < minimum or plan.carried[user_id] == 0
            paid_so_far[user_id] = paid_so_far.get(user_id, 0) + plan.paid[user_id]
        for user_id, amount in amounts.items():
            due_so_far[user_id] = due_so_far.get(user_id, 0) + amount
        balances = {u: c for u, c in plan.carried.items() if c}
    # Per person, and so in total: every cent ever due is paid or still carried.
    for user_id, due in due_so_far.items():
        assert paid_so_far.get(user_id, 0) + balances.get(user_id, 0) == due
    assert sum(paid_so_far.values()) + sum(balances.values()) == sum(p for p, _ in rounds)


def test_a_balance_pays_out_once_it_passes_the_minimum():
    first = apply_minimum({1: 815, 2: 5000}, {}, 1000)
    assert first.paid == {1: 0, 2: 5000}
    assert first.carried == {1: 815, 2: 0}
    second = apply_minimum({1: 815, 2: 5000}, first.carried, 1000)
    assert second.paid == {1: 1630, 2: 5000}
    assert second.carried == {1: 0, 2: 0}


def test_a_balance_alone_is_paid_or_kept():
    plan = apply_minimum({}, {9: 1200, 8: 300}, 1000)
    assert plan.paid == {8: 0, 9: 1200}
    assert plan.carried == {8: 300, 9: 0}


def test_apply_minimum_refuses_negative_input():
    with pytest.raises(ValueError, match="minimum payout must be zero or more"):
        apply_minimum({1: 5}, {}, -1)
    with pytest.raises(ValueError, match="amount of user 1 is negative"):
        apply_minimum({1: -5}, {}, 0)
    with pytest.raises(ValueError, match="balance of user 2 is negative"):
        apply_minimum({}, {2: -5}, 0)


# --- currencies -------------------------------------------------------------------------------


def test_format_minor_uses_the_currency_minor_unit():
    assert format_minor(1234, "USD") == "12.34 USD"
    assert format_minor(123450, "EUR") == "1,234.50 EUR"
    assert format_minor(5, "USD") == "0.05 USD"
    assert format_minor(-5, "USD") == "-0.05 USD"
    assert format_minor(0, "USD") == "0.00 USD"
    assert format_minor(1234, "JPY") == "1,234 JPY"
    assert format_minor(1234, "KWD") == "1.234 KWD"
    assert format_minor(1234, "ABC") == "12.34 ABC"  # not a known code: two decimals


def test_parse_minor_reads_what_people_type():
    assert parse_minor("12", "USD") == 1200
    assert parse_minor("12.3", "USD") == 1230
    assert parse_minor("12.34", "USD") == 1234
    assert parse_minor(" 1,234.50 ", "USD") == 123450
    assert parse_minor("1,234.50 USD", "USD") == 123450
    assert parse_minor("0.05", "USD") == 5
    assert parse_minor("1234", "JPY") == 1234
    assert parse_minor("1.2", "BHD") == 1200


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("12.345", "USD", r"USD has 2 decimal places; '12.345' has 3"),
        ("12.5", "JPY", r"JPY amounts are whole numbers"),
        ("1.2345", "KWD", r"KWD has 3 decimal places"),
        ("-12", "USD", r"cannot be negative"),
        ("−12", "USD", r"cannot be negative"),
        ("", "USD", r"Enter an amount, e.g. 1,234.55"),
        ("   ", "JPY", r"Enter an amount, e.g. 1,234\."),
        ("twelve", "USD", r"'twelve' is not an amount; write it like 1,234.55"),
        ("12,34", "USD", r"is not an amount"),
        ("1,2345.00", "USD", r"is not an amount"),
        ("12.", "USD", r"is not an amount"),
        (".5", "USD", r"is not an amount"),
        ("1e3", "USD", r"is not an amount"),
        ("١٢", "USD", r"is not an amount"),  # Arabic-Indic digits: not what we show back
        ("12 34", "USD", r"is not an amount"),
        ("12.00 EUR", "USD", r"in EUR, but the currency here is USD"),
        ("1" * 41, "USD", r"too long"),
        ("12", "usd", r"not a currency code"),
    ],
)
def test_parse_minor_refuses_with_a_clear_message(text, currency, message):
    with pytest.raises(MoneyError, match=message):
        parse_minor(text, currency)


@FAST
@given(
    amount=st.integers(min_value=0, max_value=10**15),
    currency=st.sampled_from(["USD", "EUR", "JPY", "KRW", "BHD", "KWD", "GBP"]),
)
def test_what_format_minor_shows_parse_minor_reads_back(amount, currency):
    text = format_minor(amount, currency)
    assert parse_minor(text, currency) == amount
    assert parse_minor(text.removesuffix(f" {currency}"), currency) == amount


def test_is_currency_code():
    assert all(is_currency_code(code) for code in ("USD", "EUR", "JPY", "KWD", "GBP", "CHF"))
    assert not any(is_currency_code(code) for code in ("usd", "US", "USDT", "ABC", "", None, 840))
