"""Notifications page and the profile's 'work' section."""

from __future__ import annotations

import reflex as rx

from hitrec_app.components.layout import error_callout, page
from hitrec_app.components.records import kind_badge
from hitrec_app.state.notifications import NotificationsState, ProfileWorkState


def notifications_page() -> rx.Component:
    s = NotificationsState
    return page(
        rx.vstack(
            rx.hstack(
                rx.heading("Notifications", size="7", as_="h1"),
                rx.button("Mark all as read", variant="soft", on_click=s.mark_all_read),
                justify="between",
                align="center",
                width="100%",
            ),
            error_callout(s.error),
            rx.cond(
                s.items.length() > 0,
                rx.el.ul(
                    rx.foreach(
                        s.items,
                        lambda n: rx.el.li(
                            rx.hstack(
                                rx.cond(
                                    n["unread"],
                                    rx.badge("new", color_scheme="tomato"),
                                    rx.fragment(),
                                ),
                                rx.badge(n["label"], variant="outline"),
                                rx.link(
                                    n["message"],
                                    href=n["link"],
                                    on_click=s.open_item(n["id"].to(int)).prevent_default,
                                    weight=rx.cond(n["unread"], "bold", "regular"),
                                ),
                                rx.spacer(),
                                rx.text(n["at"], size="1", color_scheme="gray"),
                                align="center",
                                spacing="2",
                                width="100%",
                                wrap="wrap",
                            ),
                            style={
                                "padding": "0.6em 0",
                                "borderBottom": "1px solid var(--gray-a4)",
                            },
                        ),
                    ),
                    aria_label="Notifications",
                    style={"listStyle": "none", "padding": 0, "margin": 0, "width": "100%"},
                ),
                rx.text(
                    "Nothing yet. When someone remixes or comments on your records, you'll hear it here.",
                    color_scheme="gray",
                ),
            ),
            spacing="4",
            width="100%",
            max_width="50em",
        )
    )


def profile_work() -> rx.Component:
    """Added to the public profile: records, what they became, production credits."""
    s = ProfileWorkState
    return rx.vstack(
        rx.el.section(
            rx.heading("Records", size="5", as_="h2"),
            rx.cond(
                s.w_records.length() > 0,
                rx.el.ul(
                    rx.foreach(
                        s.w_records,
                        lambda r: rx.el.li(
                            rx.hstack(
                                kind_badge(r["kind"]),
                                rx.link(r["title"], href="/records/" + r["id"].to(str)),
                                rx.cond(r["withdrawn"], rx.badge("withdrawn", color_scheme="gray")),
                                align="center",
                            ),
                            style={"marginBottom": "0.3em"},
                        ),
                    ),
                    style={"listStyle": "none", "padding": 0},
                ),
                rx.text("No records yet.", color_scheme="gray"),
            ),
            aria_label="Records",
        ),
        rx.el.section(
            rx.heading("Remixed into", size="5", as_="h2"),
            rx.cond(
                s.w_remixed.length() > 0,
                rx.el.ul(
                    rx.foreach(
                        s.w_remixed,
                        lambda x: rx.el.li(
                            rx.link(x["source_title"], href="/records/" + x["source_id"].to(str)),
                            " → ",
                            rx.link(x["remix_title"], href="/records/" + x["remix_id"].to(str)),
                            rx.text.span(" by " + x["remixer"].to(str), color="var(--gray-11)"),
                        ),
                    ),
                    style={"paddingLeft": "1.2em"},
                ),
                rx.text("Nobody has remixed these yet.", color_scheme="gray"),
            ),
            aria_label="Remixed into",
        ),
        rx.el.section(
            rx.heading("Credits on productions", size="5", as_="h2"),
            rx.cond(
                s.w_productions.length() > 0,
                rx.el.ul(
                    rx.foreach(
                        s.w_productions,
                        lambda p: rx.el.li(
                            rx.text.strong(p["title"]),
                            " — with ",
                            rx.link(p["record_title"], href="/records/" + p["record_id"].to(str)),
                        ),
                    ),
                    style={"paddingLeft": "1.2em"},
                ),
                rx.text("No production credits yet.", color_scheme="gray"),
            ),
            aria_label="Credits on productions",
        ),
        spacing="4",
        width="100%",
    )
