"""Checking what a client sent to an event handler.

Reflex does not enforce a handler's type hints: any client can call any handler over
the websocket with any JSON value (a list where an id belongs, a string where form
data belongs). Handlers turn their arguments into the expected types with these
helpers and show a clear message (or ignore the event) when that fails, instead of
raising.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import unquote

import reflex as rx

from hitrec_app.vocabulary import MAX_ID, TOTAL_BPS

BAD_ID = "That link is broken or out of date; reload the page and try again."
MAX_FORM_VALUE = 100_000  # characters; longer values are cut (services apply real limits)


def as_int(value: Any, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """`value` as an int if it is one (not a bool) or a string of ASCII digits, within
    [minimum, maximum]; otherwise None. Floats, signs, spaces, lists and dicts are refused."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and 0 < len(value) <= 18 and value.isascii() and value.isdigit():
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None


def as_id(value: Any) -> int | None:
    """A database id: a positive int (see `as_int`), or None."""
    return as_int(value, minimum=1)


def as_form(value: Any) -> dict[str, str | bool]:
    """Submitted form data as a dict of string keys to strings (or booleans, as
    checkboxes send them); anything else is dropped. Not a dict at all: an empty dict,
    which the handler's own validation then refuses like an empty form."""
    if not isinstance(value, dict):
        return {}
    form: dict[str, str | bool] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            continue
        if isinstance(item, bool):
            form[key] = item
        elif isinstance(item, str):
            form[key] = _no_nul(item[:MAX_FORM_VALUE])
        elif isinstance(item, int | float):
            form[key] = str(item)
    return form


def as_text(value: Any, *, max_len: int = 200) -> str:
    """A short string argument (a sort key, a filter value); anything else is ''."""
    return _no_nul(value[:max_len]) if isinstance(value, str) else ""


def _no_nul(text: str) -> str:
    # A NUL character means nothing in text and PostgreSQL refuses to store one (the write
    # would fail with an error instead of a message): it never gets past the handler.
    return text.replace("\x00", "")


def as_percent_bps(value: Any) -> int | None:
    """A percentage typed by a person ("12.5", "12.5 %", "33.33") as whole basis points
    (1250), or None: at most two decimals, between 0 and 100."""
    text = as_text(value, max_len=20).strip().removesuffix("%").strip()
    whole, _, frac = text.partition(".")
    if not whole.isascii() or not whole.isdigit() or len(frac) > 2:
        return None
    if frac and (not frac.isascii() or not frac.isdigit()):
        return None
    bps = int(whole) * 100 + int(frac.ljust(2, "0") or "0")
    return bps if bps <= TOTAL_BPS else None


def as_date(value: Any) -> date | None:
    """A date as a date field sends it ("2026-12-16"), or None."""
    text = as_text(value, max_len=10)
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def as_bool(value: Any) -> bool | None:
    """A real boolean, or None for anything else."""
    return value if isinstance(value, bool) else None


def route_param(state: rx.State, name: str) -> str:
    """The value of the page's dynamic route segment `[name]` (e.g. "12" for /records/[id] at
    /records/12), or "". Read from the matched route (`router.route_id`) and the browser's URL
    path: Reflex's `router.page.params` is deprecated, and its replacement (`router.url`)
    carries only the query string's parameters."""
    pattern = state.router.route_id.strip("/").split("/")
    values = state.router.url.path.strip("/").split("/")
    if len(pattern) != len(values):
        return ""
    for segment, value in zip(pattern, values, strict=True):
        if segment == f"[{name}]":
            return unquote(value)
    return ""


def param_id(state: rx.State, name: str = "id") -> int | None:
    """The id in the page's dynamic route segment `[name]` (e.g. /records/[id]), or None."""
    return as_id(route_param(state, name))


def query_id(state: rx.State, name: str) -> int | None:
    """The id in the URL's query parameter `name` (e.g. ?challenge=3), or None."""
    return as_id(state.router.url.query_parameters.get(name, ""))
