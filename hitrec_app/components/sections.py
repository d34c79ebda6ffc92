"""A section of a page: a heading, then a list of rows or a note saying it is empty."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx
from reflex.vars import ArrayVar
from reflex_base.breakpoints import Breakpoints

# Responsive column counts for a grid of cards.
Columns = str | Breakpoints
CARD_COLUMNS = rx.breakpoints(initial="1", sm="2", md="3")


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
    columns: Columns | None = None,
    region: bool = False,
) -> rx.Component:
    """`render(row)` for each row of `items` (as a list, unless `as_list` is False; as a
    grid of cards when `columns` is given), or the `empty` note when there are none.
    `actions` sits beside the heading; `region` makes it a landmark named by its title."""
    heading = rx.heading(title, size="5" if level == 2 else "3", as_=f"h{level}")
    if columns is not None:
        body = card_grid(items, render, empty=empty, columns=columns)
    else:
        rows = rx.foreach(items, render)
        listing = (
            rx.el.ul(
                rx.foreach(
                    items, lambda row: rx.el.li(render(row), style={"marginBottom": "0.4em"})
                ),
                style={"listStyle": "none", "padding": 0, "margin": 0, "width": "100%"},
            )
            if as_list
            else rx.vstack(rows, spacing=spacing, width="100%")
        )
        body = rx.cond(items.length() > 0, listing, _empty_note(empty))
    column = rx.vstack(
        rx.hstack(heading, rx.spacer(), actions, align="center", width="100%")
        if actions is not None
        else heading,
        body,
        spacing=spacing,
        align="start",
        width="100%",
    )
    if not region:
        return column
    return rx.el.section(column, aria_label=title, style={"width": "100%"})


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


def _empty_note(empty: str | rx.Var[str]) -> rx.Component:
    return rx.text(empty, size="2", color_scheme="gray")


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
            style={"listStyle": "none", "padding": 0, "margin": 0, "width": "100%"},
        ),
        rx.text(empty, color_scheme="gray"),
    )
