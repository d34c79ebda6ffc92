"""Money as every page shows it: a labelled figure (an amount with what it is and how it was
reached), figures side by side, and amounts in a table's column."""

from __future__ import annotations

from typing import Any

import reflex as rx

from hitrec_app.components.sections import note

FIGURE_COLUMNS = rx.breakpoints(initial="1", xs="2", md="4")


def figure(
    label: str | rx.Var[str],
    amount: str | rx.Var[str],
    *,
    hint: str | rx.Var[str] = "",
    accent: bool = False,
    loss: bool | rx.Var[bool] = False,
) -> rx.Component:
    """One amount in a card, large, under its label, with an optional `hint` under it (how it
    is reached). `accent` makes it the figure the eye goes to (the contributors' pool); `loss`
    shows it in red (costs above revenue)."""
    value = rx.text(
        amount,
        size="7" if accent else "6",
        weight="bold",
        color_scheme=rx.cond(loss, "red", "grass" if accent else "gray"),
        high_contrast=not accent,
        style={"fontVariantNumeric": "tabular-nums"},
    )
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", weight="medium", color_scheme="gray"),
            value,
            _hint(hint),
            spacing="1",
        ),
        aria_label=label,
        role="group",
        width="100%",
        height="100%",
        style={"borderTop": "4px solid var(--grass-9)"} if accent else {},
    )


def _hint(hint: str | rx.Var[str]) -> rx.Component:
    if isinstance(hint, str):
        return note(hint, size="1") if hint else rx.fragment()
    return rx.cond(hint != "", note(hint, size="1"))


def figures(*cards: rx.Component, label: str) -> rx.Component:
    """Figures side by side (two per line on a phone), named `label` for screen readers."""
    return rx.el.section(
        rx.grid(*cards, columns=FIGURE_COLUMNS, spacing="3", width="100%"),
        aria_label=label,
        style={"width": "100%"},
    )


def amount_cell(amount: str | rx.Var[str], **props: Any) -> rx.Component:
    """A table cell holding an amount: right-aligned, figures in even columns."""
    return rx.table.cell(
        amount,
        text_align="right",
        style={"fontVariantNumeric": "tabular-nums", "whiteSpace": "nowrap"},
        **props,
    )
