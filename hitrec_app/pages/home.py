"""The home page: what the studio is, and what is happening in it right now."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from hitrec_app import routes
from hitrec_app.components.layout import dead_end, link_button, page, titled_page
from hitrec_app.components.sections import (
    CARD_COLUMNS,
    feed,
    load_more_button,
    note,
    wrap_row,
)
from hitrec_app.state.activity import ActivityLive, ActivityRow
from hitrec_app.state.base import AuthState

_STEPS = [
    (
        "megaphone",
        "Hosts post challenges",
        "A prompt, a deadline and, when money is involved, the pool up front.",
    ),
    (
        "upload",
        "Contributors submit records",
        "Text, images, audio and video, answering a challenge or standalone.",
    ),
    (
        "git-fork",
        "Everyone remixes",
        "Every remix cites its sources, so credit follows the work down the line.",
    ),
    (
        "users",
        "Writers co-draft live",
        "Many people typing in one story, cursors visible, authorship tracked.",
    ),
    (
        "hand-coins",
        "Money is split in public",
        "Pay proposals show the evidence; the community comments and votes.",
    ),
]


def _step(icon: str, title: str, text: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon(icon, size=24, color="var(--accent-9)"),
            rx.heading(title, size="3", as_="h3"),
            note(text),
            spacing="2",
        ),
        width="100%",
    )


def _activity() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Happening now", size="5", as_="h2"),
            rx.badge("live", color_scheme="green", variant="soft"),
            align="center",
        ),
        feed(
            ActivityLive.items,
            _activity_item,
            label="Recent activity",
            empty="Nothing yet: be the first to join.",
        ),
        load_more_button(
            "Show skipped activity",
            ActivityLive.show_skipped,
            when=(ActivityLive.older_first > 0)
            & (ActivityLive.older_first < ActivityLive.live_after),
        ),
        rx.cond(
            ActivityLive.older.length() > 0,
            feed(ActivityLive.older, _activity_item, label="Older activity", empty=""),
        ),
        load_more_button(
            "Show older activity",
            ActivityLive.show_older,
            when=rx.cond(
                ActivityLive.older.length() > 0,
                ActivityLive.more_older,
                ActivityLive.live_after > 0,
            ),
        ),
        width="100%",
        spacing="3",
    )


def _activity_item(item: ObjectVar[ActivityRow]) -> rx.Component:
    return wrap_row(
        rx.cond(item.link != "", rx.link(item.text, href=item.link), rx.text(item.text)),
        note(item.at, size="1"),
        align="start",
        justify="between",
        width="100%",
    )


def _ways_in(first: tuple[str, str], *others: tuple[str, str]) -> rx.Component:
    """Big buttons to where one starts: the first stands out, the others are outlined."""
    return wrap_row(
        link_button(*first, size="3"),
        *[link_button(*way, size="3", variant="outline") for way in others],
    )


def home() -> rx.Component:
    return titled_page(
        rx.cond(
            AuthState.signed_in,
            f"Welcome back, {AuthState.display_name}",
            "Make things together. Get paid fairly.",
        ),
        note(
            "hitrec is an open studio where people make creative work together: "
            "answer a challenge, remix each other's records, co-write stories live, "
            "and share the money a production earns through open, line-by-line votes.",
            size="4",
            max_width="46em",
        ),
        rx.cond(
            AuthState.signed_in,
            _ways_in(
                ("Browse challenges", routes.CHALLENGES),
                ("Submit a record", routes.RECORD_NEW),
                ("Your drafts", routes.DRAFTS),
            ),
            _ways_in(("Join the studio", routes.SIGN_UP), ("Sign in", routes.SIGN_IN)),
        ),
        rx.grid(
            *[_step(*s) for s in _STEPS],
            columns=CARD_COLUMNS,
            spacing="3",
            width="100%",
            margin_top="1em",
        ),
        _activity(),
        size="8",
        spacing="5",
    )


def not_found() -> rx.Component:
    return page(
        dead_end(
            "Page not found",
            rx.text("There is nothing at this address. It may have moved, or never existed."),
            back=("Go to the home page", routes.HOME),
            size="8",
        )
    )
