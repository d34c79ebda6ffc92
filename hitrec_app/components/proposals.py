"""Pay proposal pieces: the state badge, the closing countdown, a line's tally bar and the
split chart (Reflex's recharts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx
from reflex.vars import ArrayVar, NumberVar

from hitrec_app.components.sections import note

# A proposal's state in words, with the colour of its badge.
STATE_WORDS = {
    "draft": ("Draft: not open yet", "gray"),
    "open": ("Open for feedback", "grass"),
    "final": ("Final", "blue"),
    "paid": ("Paid", "purple"),
}
# The colours of a vote: agree, object, abstain (also the tally bar's segments).
VOTE_COLORS = {"agree": "var(--grass-9)", "object": "var(--tomato-9)", "abstain": "var(--gray-8)"}


def state_badge(state: str | rx.Var[str]) -> rx.Component:
    """The proposal's state in words (a badge that reads "Open for feedback", not "open")."""
    return rx.badge(
        rx.match(state, *[(k, words) for k, (words, _) in STATE_WORDS.items()], state),
        color_scheme=rx.match(state, *[(k, c) for k, (_, c) in STATE_WORDS.items()], "gray"),
        size="2",
        variant="soft",
    )


def countdown(closes_iso: str | rx.Var[str], closes_text: str | rx.Var[str]) -> rx.Component:
    """When feedback closes: the server's closing time, and how long is left (refreshed in
    the browser every 30 s; the end time comes from the server, never ticks)."""
    return rx.hstack(
        rx.icon("timer", size=15, aria_hidden="true", color="var(--gray-11)"),
        note(
            "Closes ",
            rx.moment(closes_iso, from_now=True, interval=30_000),
            " (",
            closes_text,
            ")",
        ),
        spacing="1",
        align="center",
        role="timer",
        aria_label="Feedback closes",
    )


def _segment(count: NumberVar, total: NumberVar, color: str) -> rx.Component:
    return rx.box(
        width=rx.cond(total > 0, (count * 100 / total).to_string() + "%", "0%"),
        height="100%",
        background=color,
    )


def tally_bar(
    agree: NumberVar[int], object_: NumberVar[int], abstain: NumberVar[int], *, label: Any
) -> rx.Component:
    """A line's votes as a small stacked bar with the numbers beside it, named for screen
    readers by `label` (e.g. "Votes on Priya's line: 3 agree, 1 object, 0 abstain")."""
    total = agree + object_ + abstain
    return rx.vstack(
        rx.hstack(
            _segment(agree, total, VOTE_COLORS["agree"]),
            _segment(object_, total, VOTE_COLORS["object"]),
            _segment(abstain, total, VOTE_COLORS["abstain"]),
            spacing="0",
            width="7em",
            height="8px",
            overflow="hidden",
            border_radius="4px",
            background="var(--gray-a3)",
            aria_hidden="true",
        ),
        rx.text(
            rx.text.span(agree, color="var(--grass-11)", weight="bold"),
            " agree · ",
            rx.text.span(object_, color="var(--tomato-11)", weight="bold"),
            " object · ",
            abstain,
            " abstain",
            size="1",
            color_scheme="gray",
            white_space="nowrap",
        ),
        spacing="1",
        role="img",
        aria_label=label,
    )


def split_chart(slices: ArrayVar[Sequence[Any]], *, label: str) -> rx.Component:
    """The split as a donut chart, one slice per line (`slices`: rows with `name`,
    `percent` (a number), `label` ("33.34%") and `color`), with a legend of names."""
    return rx.box(
        rx.recharts.pie_chart(
            rx.recharts.pie(
                rx.foreach(slices, lambda s: rx.recharts.cell(fill=s.color)),
                rx.recharts.label_list(data_key="label", position="outside", fill="var(--gray-12)"),
                # recharts wants plain objects; the rows serialise to exactly that.
                data=slices.to(list[dict[str, Any]]),
                data_key="percent",
                name_key="name",
                inner_radius="42%",
                outer_radius="70%",
                padding_angle=1,
                is_animation_active=False,
            ),
            rx.recharts.legend(vertical_align="bottom", icon_type="circle"),
            rx.recharts.graphing_tooltip(),
            width="100%",
            height=280,
        ),
        role="img",
        aria_label=label,
        width="100%",
    )


def vote_form(
    *,
    payee_id: rx.Var[int],
    payee_name: rx.Var[str],
    choices: Sequence[tuple[str, str]],
    value: rx.Var[str],
    reason: rx.Var[str],
    error: rx.Component,
    on_submit: Any,
) -> rx.Component:
    """A compact vote on one line: the choice and the button on one row, the reason under
    them (named for screen readers; the placeholder says it is required to object)."""
    name = f"Your vote on {payee_name}'s line"
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.el.select(
                    *[rx.el.option(text, value=v) for v, text in choices],
                    name="value",
                    default_value=value,
                    aria_label=name,
                    class_name="hitrec-select",
                    style={
                        "padding": "0.2em 0.4em",
                        "borderRadius": "var(--radius-2)",
                        "border": "1px solid var(--gray-a7)",
                        "background": "var(--color-surface)",
                        "fontSize": "var(--font-size-1)",
                    },
                ),
                rx.button("Vote", type="submit", size="1"),
                spacing="1",
                align="center",
            ),
            rx.input(
                name="reason",
                default_value=reason,
                placeholder="Reason (required to object)",
                aria_label="Reason (required to object)",
                size="1",
                width="100%",
            ),
            error,
            # Which line: a form's submit handler cannot close over a row of a list (React
            # hoists it), so the line's id goes with the form; the server checks it.
            rx.el.input(type="hidden", name="payee", value=payee_id),
            spacing="1",
            width="100%",
        ),
        on_submit=on_submit,
        aria_label=f"Vote on {payee_name}'s line",
        width="100%",
    )
