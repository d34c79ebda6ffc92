"""How states turn values into the text pages show (shared by every state)."""

from __future__ import annotations

from datetime import datetime


def fmt_time(when: datetime | None) -> str:
    """A timestamp as pages show it, e.g. "01 Dec 2026, 18:40 UTC"; '' for none."""
    return when.strftime("%d %b %Y, %H:%M UTC") if when else ""
