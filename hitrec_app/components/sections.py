"""A section of a page: a heading, then a list of rows or a note saying it is empty."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import reflex as rx
from reflex.vars import ArrayVar

HeadingSize = Literal["1", "2", "3", "4", "5", "6", "7", "8", "9"]
Spacing = Literal["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
# How a list looks: "plain" rows, "bullets" (a bulleted list), or "divided"
# (rows with a rule under each, e.g. comments, a feed).
ListStyle = Literal["plain", "bullets", "divided"]

_LIST_STYLES: dict[ListStyle, tuple[dict[str, Any], dict[str, Any]]] = {
    # (the list's style, each item's style)
    "plain": (
        {"listStyle": "none", "padding": 0, "margin": 0, "width": "100%"},
        {"marginBottom": "0.4em"},
    ),
    "bullets": ({"paddingLeft": "1.2em", "margin": 0}, {}),
    "divided": (
        {"listStyle": "none", "padding": 0, "margin": 0, "width": "100%"},
        {"padding": "0.5em 0", "borderBottom": "1px solid var(--gray-a4)"},
    ),
}


def item_list(
    items: ArrayVar[Sequence[Any]],
    render: Callable[[Any], rx.Component],
    *,
    empty: str | rx.Var[str] = "",
    label: str = "",
    list_style: ListStyle = "plain",
    note_size: Literal["2", "3"] = "2",
) -> rx.Component:
    """`render(row)` for each row of `items` as a list (named `label` for screen readers,
    when given), or the `empty` note when there are none (without one: nothing)."""
    list_css, item_css = _LIST_STYLES[list_style]
    rows = rx.el.ul(
        rx.foreach(items, lambda row: rx.el.li(render(row), style=item_css)),
        style=list_css,
        **({"aria_label": label} if label else {}),
    )
    if isinstance(empty, str) and not empty:
        return rows
    return rx.cond(items.length() > 0, rows, rx.text(empty, size=note_size, color_scheme="gray"))


def section(
    title: str | rx.Var[str],
    items: ArrayVar[Sequence[Any]],
    render: Callable[[Any], rx.Component],
    *,
    empty: str | rx.Var[str],
    level: int = 2,
    as_list: bool = True,
    spacing: Spacing = "2",
    actions: rx.Component | None = None,
    size: HeadingSize | None = None,
    list_style: ListStyle = "plain",
    label: str = "",
) -> rx.Component:
    """A heading, then `render(row)` for each row of `items` (as a list named `label`,
    unless `as_list` is False), or the `empty` note when there are none. `actions` sits
    beside the heading; `size` overrides the heading's size for its level."""
    heading = rx.heading(title, size=size or ("5" if level == 2 else "3"), as_=f"h{level}")
    body = (
        item_list(items, render, label=label, list_style=list_style)
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
    return item_list(items, render, empty=empty, label=label, list_style="divided", note_size="3")


def region(label: str, *children: rx.Component, spacing: Spacing = "2") -> rx.Component:
    """A landmark part of a page (`<section>` named `label` for screen readers), its
    children stacked full width."""
    return rx.el.section(
        rx.vstack(*children, spacing=spacing, width="100%"),
        aria_label=label,
        style={"width": "100%"},
    )
