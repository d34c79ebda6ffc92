"""The colour each author gets, the same for cursors and for the "show authors" view."""

from __future__ import annotations

# Readable on white, distinct from each other, and not red/green-only distinctions.
# No grey: the authors view uses grey for text of unknown origin.
PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#0b6e4f",
    "#b5179e",
)


def author_color(user_id: int) -> str:
    # Multiplying by an odd constant spreads consecutive ids across the palette.
    return PALETTE[(user_id * 7919) % len(PALETTE)]


def identity(user_id: int, name: str) -> dict[str, object]:
    """The `user` field of a y-codemirror awareness state, as the server sets it."""
    color = author_color(user_id)
    return {"name": name, "color": color, "colorLight": color + "33", "userId": user_id}
