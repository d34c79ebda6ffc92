"""Who is watching a page now (hitrec_app/realtime/presence.py keeps the count)."""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx
from reflex.vars import ArrayVar, NumberVar

from hitrec_app.components.sections import note


def watching_note(watching: NumberVar[int], watchers: ArrayVar[Sequence[str]]) -> rx.Component:
    """ "12 watching · Alice, Bob and 10 others": how many watch the page (signed-in people
    once each, anonymous tabs each), the signed-in names the room sends (a bounded few), the
    rest counted. Nothing while nobody is counted (before the page's join)."""
    named = watchers.length()
    others = watching - named
    return rx.cond(
        watching > 0,
        rx.hstack(
            rx.icon("eye", size=15, aria_hidden="true", color="var(--gray-11)"),
            note(
                watching,
                " watching",
                rx.cond(named > 0, " · ", ""),
                rx.foreach(
                    watchers,
                    lambda name, i: rx.fragment(
                        rx.cond(
                            i > 0, rx.cond((i == named - 1) & (others == 0), " and ", ", "), ""
                        ),
                        name,
                    ),
                ),
                rx.cond(
                    (named > 0) & (others > 0),
                    rx.fragment(" and ", others, rx.cond(others == 1, " other", " others")),
                ),
            ),
            role="note",
            aria_label="Watching now",
            spacing="1",
            align="center",
        ),
    )
