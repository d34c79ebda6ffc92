"""A section of a page: a heading, then a list of rows or a note saying it is empty."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx
from reflex.vars import ArrayVar

_LIST_STYLE = {"listStyle": "none", "padding": 0, "margin": 0, "width": "100%"}


def item_list(
    items: ArrayVar[Sequence[Any]],
    render: Callable[[Any], rx.Component],
    *,
    empty: str | rx.Var[str] = "",
    label: str = "",
) -> rx.Component:
    """`render(row)` for each row of `items` as a list (named `label` for screen readers,
    when given), or the `empty` note when there are none (without one: nothing)."""
    rows = rx.el.ul(
        rx.foreach(items, lambda row: rx.el.li(render(row), style={"marginBottom": "0.4em"})),
        style=_LIST_STYLE,
        **({"aria_label": label} if label else {}),
    )
    if isinstance(empty, str) and not empty:
        return rows
    return rx.cond(items.length() > 0, rows, rx.text(empty, size="2", color_scheme="gray"))


def section(
    title: str | rx.Var[str],
    items: ArrayVar[Sequence[Any]],
    render: Callable[[Any], rx.Component],
    *,
    empty: str | rx.Var[str],
    level: int = 2,
    as_list: bool = True,
    spacing: str = "2",
    actions: rx.Component | None = None,
    label: str = "",
) -> rx.Component:
    """`render(row)` for each row of `items` (as a list named `label`, unless `as_list` is
    False), or the `empty` note when there are none. `actions` sits beside the heading."""
    heading = rx.heading(title, size="5" if level == 2 else "3", as_=f"h{level}")
    body = (
        item_list(items, render, label=label)
        if as_list
        else rx.vstack(rx.foreach(items, render), spacing=spacing, width="100%")
    )
    return rx.vstack(
        rx.hstack(heading, rx.spacer(), actions, align="center", width="100%")
        if actions is not None
        else heading,
        rx.cond(items.length() > 0, body, rx.text(empty, size="2", color_scheme="gray")),
        spacing=spacing,
        align="start",
        width="100%",
    )


def feed(
    items: ArrayVar[Sequence[Any]],
    render: Callable[[Any], rx.Component],
    *,
    label: str,
    empty: str | rx.Var[str],
) -> rx.Component:
    """A full-width list named `label`, its rows ruled off one from the next (a feed of
    activity or notifications), or the `empty` note when there are none."""
    return rx.cond(
        items.length() > 0,
        rx.el.ul(
            rx.foreach(
                items,
                lambda row: rx.el.li(
                    render(row),
                    style={"padding": "0.5em 0", "borderBottom": "1px solid var(--gray-a4)"},
                ),
            ),
            aria_label=label,
            style=_LIST_STYLE,
        ),
        rx.text(empty, color_scheme="gray"),
    )
