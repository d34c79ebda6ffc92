"""Exact money arithmetic for pay proposals: shares, amounts, minimum payouts, currency text.

Pure functions on ints and Fractions, never floats: a float cannot hold 0.1, and a split
must reconcile to the minor unit (the cent) every time. Money is an integer count of the
currency's minor unit; shares are integer basis points that total exactly 10,000.
docs/pay-proposals.md explains the rules to people.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from hitrec_app.services.errors import ValidationError
from hitrec_app.vocabulary import MONEY_MAX_MINOR, TOTAL_BPS

BPS_TOTAL: Final = TOTAL_BPS  # 100% in basis points (the studio's TOTAL_BPS, named for this module)


class MoneyError(ValidationError, ValueError):
    """Bad money input. A ValueError, and a ValidationError so that a state's guarded handler
    shows its message to the person who typed the amount."""


def _int(value: object, what: str) -> int:
    # bool is an int subclass; True as an amount is a bug, not one cent.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    return value


def _exact(value: object, what: str) -> Fraction:
    """An int or a Fraction as a Fraction; floats are refused (they are not exact)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(_int(value, what))


def _floor(value: Fraction) -> int:
    return value.numerator // value.denominator


# --- splitting an integer in proportion ------------------------------------------------------


def largest_remainder(total: int, weights: Mapping[int, Fraction | int]) -> dict[int, int]:
    """Split the integer `total` in proportion to `weights`, exactly.

    Each key's exact part is total * weight / sum(weights). Everyone first gets the floor of
    their exact part; the units left over (fewer than the number of keys) go one each, in
    this order (the tie-break):

    1. the largest fractional remainder first;
    2. on equal remainders, the larger weight first;
    3. on equal weights too, the smaller key (user id) first.

    So the result sums to exactly `total`, each value is floor(exact) or floor(exact) + 1,
    a key with weight 0 gets 0 (and stays in the result), and the result (including its
    key order, which is ascending) does not depend on the order of `weights`.
    """
    total = _int(total, "The total")
    if total < 0:
        raise MoneyError(f"The total to split must be zero or more, not {total}.")
    exact_weights: dict[int, Fraction] = {}
    for key, weight in weights.items():
        _int(key, "A key")
        exact_weights[key] = _exact(weight, f"The weight of {key}")
        if exact_weights[key] < 0:
            raise MoneyError(f"The weight of {key} is negative ({weight}); weights must be >= 0.")
    weight_sum = sum(exact_weights.values(), Fraction(0))
    if weight_sum <= 0:
        raise MoneyError("Nothing to split by: at least one weight must be above zero.")

    result: dict[int, int] = {}
    remainders: dict[int, Fraction] = {}
    for key, weight in exact_weights.items():
        exact = total * weight / weight_sum
        result[key] = _floor(exact)
        remainders[key] = exact - result[key]
    left = total - sum(result.values())
    # The remainders sum to `left` and each is < 1, so more than `left` keys have one > 0:
    # the extra units never reach a zero-weight key.
    order = sorted(result, key=lambda key: (-remainders[key], -exact_weights[key], key))
    for key in order[:left]:
        result[key] += 1
    return {key: result[key] for key in sorted(result)}


def normalise_to_bps(weights: Mapping[int, Fraction | int]) -> dict[int, int]:
    """Shares in basis points, in proportion to `weights`, that total exactly 10,000."""
    return largest_remainder(BPS_TOTAL, weights)


def check_shares(shares_bps: Mapping[int, int]) -> None:
    """Refuse shares that are not whole, non-negative basis points totalling exactly 10,000."""
    for key, bps in shares_bps.items():
        _int(key, "A key")
        if _int(bps, f"The share of {key}") < 0:
            raise MoneyError(f"A share cannot be negative ({bps} basis points for {key}).")
    added = sum(shares_bps.values())
    if added != BPS_TOTAL:
        raise MoneyError(
            f"The shares must add up to exactly {BPS_TOTAL:,} basis points (100%); "
            f"these add up to {added:,} ({format_bps(added)})."
        )


def amounts_from_shares(pool_minor: int, shares_bps: Mapping[int, int]) -> dict[int, int]:
    """Each key's amount of `pool_minor` for its share in basis points (largest remainder,
    with its tie-break): the amounts sum to the pool and each is within one minor unit of
    pool * bps / 10,000."""
    pool_minor = _int(pool_minor, "The pool")
    if pool_minor < 0:
        raise MoneyError(f"The pool must be zero or more, not {pool_minor}.")
    check_shares(shares_bps)
    return largest_remainder(pool_minor, shares_bps)


def format_bps(bps: int) -> str:
    """Basis points as a percentage for people: 4500 -> "45%", 3333 -> "33.33%"."""
    whole, hundredths = divmod(abs(bps), 100)
    sign = "-" if bps < 0 else ""
    if hundredths == 0:
        return f"{sign}{whole}%"
    return f"{sign}{whole}.{hundredths:02d}".rstrip("0") + "%"


# --- minimum payout and carry-forward --------------------------------------------------------


@dataclass(frozen=True)
class PayoutPlan:
    """What is paid now and what carries forward, per user (both hold every user)."""

    paid: dict[int, int]
    carried: dict[int, int]

    @property
    def total_paid(self) -> int:
        return sum(self.paid.values())

    @property
    def total_carried(self) -> int:
        return sum(self.carried.values())


def apply_minimum(
    amounts: Mapping[int, int], balances: Mapping[int, int], minimum_minor: int
) -> PayoutPlan:
    """Pay each user what is due (this payout's amount plus their carried balance) once it
    reaches `minimum_minor`; below it, carry all of it forward. Nothing is lost:
    total paid + total carried == sum(amounts) + sum(balances)."""
    minimum_minor = _int(minimum_minor, "The minimum payout")
    if minimum_minor < 0:
        raise MoneyError(f"The minimum payout must be zero or more, not {minimum_minor}.")
    for what, values in (("amount", amounts), ("balance", balances)):
        for user_id, value in values.items():
            _int(user_id, "A user id")
            if _int(value, f"The {what} of user {user_id}") < 0:
                raise MoneyError(f"The {what} of user {user_id} is negative ({value}).")
    paid: dict[int, int] = {}
    carried: dict[int, int] = {}
    for user_id in sorted(set(amounts) | set(balances)):
        due = amounts.get(user_id, 0) + balances.get(user_id, 0)
        if due >= minimum_minor:
            paid[user_id], carried[user_id] = due, 0
        else:
            paid[user_id], carried[user_id] = 0, due
    return PayoutPlan(paid=paid, carried=carried)


def beyond_cap(what: str, currency: str) -> str:
    """What to tell someone whose `what` (an amount, a total, a pool, a balance) would pass
    the most hitrec counts (vocabulary.MONEY_MAX_MINOR)."""
    return (
        f"{what} would be more than {format_minor(MONEY_MAX_MINOR, currency)}, the most "
        "hitrec can count in one amount."
    )


# --- currencies ----------------------------------------------------------------------------

# ISO 4217 circulating currencies (funds, metals and test codes left out: nobody is paid in them).
ISO_4217: Final = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER
    ZAR ZMW ZWG
    """.split()
)
# Minor-unit exponents that are not 2 (ISO 4217's "minor unit" column).
MINOR_EXPONENTS: Final[dict[str, int]] = {
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
}
DEFAULT_EXPONENT: Final = 2
_CODE_RE = re.compile(r"[A-Z]{3}")
_AMOUNT_RE = re.compile(r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?")
_AMOUNT_MAX_CHARS = 40


def is_currency_code(code: object) -> bool:
    """True for an ISO 4217 code of a circulating currency ("USD", "JPY"), written in capitals."""
    return isinstance(code, str) and code in ISO_4217


def minor_exponent(currency: str) -> int:
    """Digits after the decimal point in `currency` (2 for codes not in MINOR_EXPONENTS)."""
    if not isinstance(currency, str) or not _CODE_RE.fullmatch(currency):
        raise MoneyError(f"{currency!r} is not a currency code; use three capitals, e.g. USD.")
    return MINOR_EXPONENTS.get(currency, DEFAULT_EXPONENT)


def format_minor(amount_minor: int, currency: str) -> str:
    """An amount in minor units for people: 123450 USD -> "1,234.50 USD", 1234 JPY ->
    "1,234 JPY", -5 USD -> "-0.05 USD". parse_minor reads it back."""
    amount_minor = _int(amount_minor, "The amount")
    exponent = minor_exponent(currency)
    whole, frac = divmod(abs(amount_minor), 10**exponent)
    sign = "-" if amount_minor < 0 else ""
    decimals = f".{frac:0{exponent}d}" if exponent else ""
    return f"{sign}{whole:,}{decimals} {currency}"


def _example(exponent: int) -> str:
    return "1,234" + ("." + "5" * exponent if exponent else "")


def parse_minor(text: str, currency: str) -> int:
    """An amount typed by a person, in minor units of `currency`: "12", "12.3", "12.34",
    "1,234.50" and "1,234.50 USD" are read; more decimals than the currency has, negative
    amounts, another currency's code and anything else are refused with a MoneyError
    saying what to type instead."""
    exponent = minor_exponent(currency)
    if not isinstance(text, str):
        raise TypeError(f"The amount must be text, not {type(text).__name__}")
    cleaned = text.strip()
    if not cleaned:
        raise MoneyError(f"Enter an amount, e.g. {_example(exponent)}.")
    if len(cleaned) > _AMOUNT_MAX_CHARS:
        raise MoneyError("That amount is too long to be an amount of money.")
    number, _, code = cleaned.partition(" ")
    code = code.strip()
    if code and code.upper() != currency:
        if _CODE_RE.fullmatch(code.upper()):
            raise MoneyError(
                f"This amount is in {code.upper()}, but the currency here is {currency}."
            )
        raise MoneyError(f"{text.strip()!r} is not an amount; write it like {_example(exponent)}.")
    if number.startswith(("-", "−")):
        raise MoneyError("The amount cannot be negative.")
    match = _AMOUNT_RE.fullmatch(number)
    if match is None:
        raise MoneyError(f"{text.strip()!r} is not an amount; write it like {_example(exponent)}.")
    frac = match.group("frac") or ""
    if len(frac) > exponent:
        if exponent == 0:
            raise MoneyError(f"{currency} amounts are whole numbers; leave out the decimals.")
        raise MoneyError(
            f"{currency} has {exponent} decimal places; {text.strip()!r} has {len(frac)}."
        )
    whole = int(match.group("whole").replace(",", ""))
    return whole * 10**exponent + int(frac.ljust(exponent, "0") or "0")
