"""A section of a page: a heading, then a list of rows or a note saying it is empty."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import reflex as rx
from reflex.vars import ArrayVar

HeadingSize = Literal["1", "2", "3", "4", "5", "6", "7", "8", "9"]
Spacing = Literal["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
# How a section's list looks: "plain" rows, "bullets" (a bulleted list), or "divided"
# (rows with a rule under each, e.g. comments).
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
    list_label: str | None = None,
) -> rx.Component:
    """`render(row)` for each row of `items` (as a list, unless `as_list` is False), or
    the `empty` note when there are none. `actions` sits beside the heading; `size`
    overrides the heading's size for its level; `list_label` names the list for
    screen readers."""
    heading = rx.heading(title, size=size or ("5" if level == 2 else "3"), as_=f"h{level}")
    rows = rx.foreach(items, render)
    list_css, item_css = _LIST_STYLES[list_style]
    body = (
        rx.el.ul(
            rx.foreach(items, lambda row: rx.el.li(render(row), style=item_css)),
            aria_label=list_label,
            style=list_css,
        )
        if as_list
        else rx.vstack(rows, spacing=spacing, width="100%")
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
    list_style, item_style = _LIST_STYLES["divided"]
    return rx.cond(
        items.length() > 0,
        rx.el.ul(
            rx.foreach(items, lambda row: rx.el.li(render(row), style=item_style)),
            aria_label=label,
            style=list_style,
        ),
        rx.text(empty, color_scheme="gray"),
    )


def region(label: str, *children: rx.Component, spacing: Spacing = "2") -> rx.Component:
    """A landmark part of a page (`<section>` named `label` for screen readers), its
    children stacked full width."""
    return rx.el.section(
        rx.vstack(*children, spacing=spacing, width="100%"),
        aria_label=label,
        style={"width": "100%"},
    )
