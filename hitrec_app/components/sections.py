"""A section of a page: a heading, then a list of rows or a note saying it is empty."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import reflex as rx
from reflex.vars import ArrayVar
from reflex_base.breakpoints import Breakpoints

# Responsive column counts for a grid of cards.
Columns = str | Breakpoints
CARD_COLUMNS = rx.breakpoints(initial="1", sm="2", md="3")

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
    return rx.cond(items.length() > 0, rows, _empty_note(empty, note_size))


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
    columns: Columns | None = None,
    landmark: bool = False,
) -> rx.Component:
    """A heading, then `render(row)` for each row of `items` (as a list named `label`,
    unless `as_list` is False; as a grid of cards when `columns` is given), or the `empty`
    note when there are none. `actions` sits beside the heading; `size` overrides the
    heading's size for its level; `landmark` makes it a region named by its title."""
    heading = rx.heading(title, size=size or ("5" if level == 2 else "3"), as_=f"h{level}")
    if columns is not None:
        body = card_grid(items, render, empty=empty, columns=columns)
    elif as_list:
        body = item_list(items, render, empty=empty, label=label, list_style=list_style)
    else:
        stack = rx.vstack(rx.foreach(items, render), spacing=spacing, width="100%")
        body = rx.cond(items.length() > 0, stack, _empty_note(empty))
    column = rx.vstack(
        rx.hstack(heading, rx.spacer(), actions, align="center", width="100%")
        if actions is not None
        else heading,
        body,
        spacing=spacing,
        align="start",
        width="100%",
    )
    return region(title, column) if landmark else column


def card_grid(
    items: ArrayVar[Sequence[Any]],
    render: Callable[[Any], rx.Component],
    *,
    empty: str | rx.Var[str],
    columns: Columns = CARD_COLUMNS,
) -> rx.Component:
    """Cards side by side (`render(row)` for each row), or the `empty` note."""
    return rx.cond(
        items.length() > 0,
        rx.grid(rx.foreach(items, render), columns=columns, spacing="3", width="100%"),
        _empty_note(empty),
    )


def grid_card(title: str | rx.Var[str], *children: rx.Component) -> rx.Component:
    """One card of a `card_grid`: an article named by its title, as tall as its row."""
    return rx.el.article(
        rx.card(rx.vstack(*children, spacing="2", width="100%"), width="100%", height="100%"),
        aria_label=title,
        style={"height": "100%"},
    )


def _empty_note(empty: str | rx.Var[str], size: Literal["2", "3"] = "2") -> rx.Component:
    return rx.text(empty, size=size, color_scheme="gray")


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


def region(
    label: str | rx.Var[str], *children: rx.Component, spacing: Spacing = "2"
) -> rx.Component:
    """A landmark part of a page (`<section>` named `label` for screen readers), its
    children stacked full width."""
    return rx.el.section(
        rx.vstack(*children, spacing=spacing, width="100%"),
        aria_label=label,
        style={"width": "100%"},
    )
