"""The notifications page."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from hitrec_app.components.layout import titled_page
from hitrec_app.components.sections import feed, note, wrap_row
from hitrec_app.state.notifications import NotificationRow, NotificationsState


def notifications_page() -> rx.Component:
    s = NotificationsState
    return titled_page(
        "Notifications",
        feed(
            s.items,
            _notification,
            label="Notifications",
            empty="Nothing yet. When someone remixes or comments on your records, "
            "you'll hear it here.",
        ),
        actions=[rx.button("Mark all as read", variant="soft", on_click=s.mark_all_read)],
        error=s.error,
        max_width="50em",
    )


def _notification(n: ObjectVar[NotificationRow]) -> rx.Component:
    return wrap_row(
        rx.cond(n.unread, rx.badge("new", color_scheme="tomato"), rx.fragment()),
        rx.badge(n.label, variant="outline"),
        rx.link(
            n.message,
            href=n.link,
            # mypy types @rx.event handlers as EventNamespace (not callable).
            on_click=NotificationsState.open_item(n.id).prevent_default,  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
            weight=rx.cond(n.unread, "bold", "regular"),
        ),
        rx.spacer(),
        note(n.at, size="1"),
        spacing="2",
        width="100%",
    )
