"""The notifications page."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from hitrec_app.components.layout import error_callout, page
from hitrec_app.components.sections import feed
from hitrec_app.state.notifications import NotificationRow, NotificationsState


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
            feed(
                s.items,
                _notification,
                label="Notifications",
                empty="Nothing yet. When someone remixes or comments on your records, "
                "you'll hear it here.",
            ),
            spacing="4",
            width="100%",
            max_width="50em",
        )
    )


def _notification(n: ObjectVar[NotificationRow]) -> rx.Component:
    return rx.hstack(
        rx.cond(n.unread, rx.badge("new", color_scheme="tomato"), rx.fragment()),
        rx.badge(n.label, variant="outline"),
        rx.link(
            n.message,
            href=n.link,
            # mypy types @rx.event handlers as EventNamespace (not callable).
            on_click=NotificationsState.open_item(n.id).prevent_default,  # type: ignore[operator]
            weight=rx.cond(n.unread, "bold", "regular"),
        ),
        rx.spacer(),
        rx.text(n.at, size="1", color_scheme="gray"),
        align="center",
        spacing="2",
        width="100%",
        wrap="wrap",
    )
