"""The home page: what the studio is, and what is happening in it right now."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from hitrec_app import routes
from hitrec_app.components.layout import page
from hitrec_app.components.sections import feed
from hitrec_app.state.activity import ActivityRoom, ActivityRow
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
            rx.text(text, size="2", color_scheme="gray"),
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
            ActivityRoom.items,
            _activity_item,
            label="Recent activity",
            empty="Nothing yet: be the first to join.",
        ),
        width="100%",
        spacing="3",
    )


def _activity_item(item: ObjectVar[ActivityRow]) -> rx.Component:
    return rx.hstack(
        rx.cond(item.link != "", rx.link(item.text, href=item.link), rx.text(item.text)),
        rx.text(item.at, size="1", color_scheme="gray"),
        justify="between",
        wrap="wrap",
        width="100%",
    )


def home() -> rx.Component:
    return page(
        rx.vstack(
            rx.cond(
                AuthState.signed_in,
                rx.heading(f"Welcome back, {AuthState.display_name}", size="8", as_="h1"),
                rx.heading("Make things together. Get paid fairly.", size="8", as_="h1"),
            ),
            rx.text(
                "hitrec is an open studio where people make creative work together: "
                "answer a challenge, remix each other's records, co-write stories live, "
                "and share the money a production earns through open, line-by-line votes.",
                size="4",
                color_scheme="gray",
                max_width="46em",
            ),
            rx.cond(
                AuthState.signed_in,
                rx.hstack(
                    rx.link(rx.button("Browse challenges", size="3"), href=routes.CHALLENGES),
                    rx.link(
                        rx.button("Submit a record", size="3", variant="outline"),
                        href=routes.RECORD_NEW,
                    ),
                    rx.link(
                        rx.button("Your drafts", size="3", variant="outline"), href=routes.DRAFTS
                    ),
                    spacing="3",
                    wrap="wrap",
                ),
                rx.hstack(
                    rx.link(rx.button("Join the studio", size="3"), href=routes.SIGN_UP),
                    rx.link(rx.button("Sign in", size="3", variant="outline"), href=routes.SIGN_IN),
                    spacing="3",
                ),
            ),
            rx.grid(
                *[_step(*s) for s in _STEPS],
                columns=rx.breakpoints(initial="1", sm="2", md="3"),
                spacing="3",
                width="100%",
                margin_top="1em",
            ),
            _activity(),
            spacing="5",
            width="100%",
        ),
    )


def not_found() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Page not found", size="8", as_="h1"),
            rx.text("There is nothing at this address. It may have moved, or never existed."),
            rx.link("Go to the home page", href=routes.HOME),
            spacing="3",
        )
    )
