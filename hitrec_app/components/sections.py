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
TextSize = Literal["1", "2", "3", "4"]
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
        action_row(heading, actions) if actions is not None else heading,
        body,
        spacing=spacing,
        align="start",
        width="100%",
    )
    return region(title, column) if landmark else column


def action_row(
    content: rx.Component, *actions: rx.Component, spacing: Spacing = "3"
) -> rx.Component:
    """A full-width line: `content` at its start, `actions` (buttons, a date) at its end."""
    return rx.hstack(content, rx.spacer(), *actions, align="center", spacing=spacing, width="100%")


def wrap_row(
    *children: rx.Component,
    spacing: Spacing = "3",
    align: Literal["start", "center", "end"] = "center",
    **props: Any,
) -> rx.Component:
    """Things side by side (badges, buttons, a title and its status) that wrap onto more
    lines when the screen is narrow."""
    return rx.hstack(*children, spacing=spacing, align=align, wrap="wrap", **props)


def main_and_side(
    main: rx.Component, side: rx.Component, *, widths: tuple[str, str] = ("1fr", "19em")
) -> rx.Component:
    """Two columns on a wide screen (`widths`: the main one's, then the side one's), the side
    under the main on a narrow one."""
    main_width, side_width = widths
    return rx.grid(
        main,
        side,
        grid_template_columns=rx.breakpoints(
            initial="minmax(0, 1fr)", md=f"minmax(0, {main_width}) {side_width}"
        ),
        spacing="5",
        width="100%",
    )


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
    return note(empty, size=size)


def note(
    *children: rx.Component | str | rx.Var, size: TextSize | None = "2", **props: Any
) -> rx.Component:
    """Text in the quiet grey of hints, dates and counts (`size` None: the size around it)."""
    return rx.text(*children, color_scheme="gray", **({"size": size} if size else {}), **props)


def card_column(*children: rx.Component, spacing: Spacing = "3") -> rx.Component:
    """A full-width card, its children stacked."""
    return rx.card(rx.vstack(*children, spacing=spacing, width="100%"), width="100%")


def panel(
    title: str | rx.Var[str],
    *children: rx.Component,
    size: HeadingSize = "4",
    spacing: Spacing = "3",
) -> rx.Component:
    """A card headed by its title (an `h2`): a part of a page that stands on its own,
    e.g. a set of controls."""
    return card_column(rx.heading(title, size=size, as_="h2"), *children, spacing=spacing)


def load_more_button(
    label: str, on_click: Any, *, when: rx.Var[bool] | bool = True
) -> rx.Component:
    """A small button that loads more of a list on request ("Show older comments"), shown
    only `when` there is more to load."""
    return rx.cond(when, rx.button(label, on_click=on_click, variant="soft", size="1"))


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
