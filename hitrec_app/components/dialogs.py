"""Confirmation before an action that cannot be undone."""

from __future__ import annotations

from typing import Any

import reflex as rx


def confirm_dialog(
    trigger: rx.Component,
    *,
    title: str | rx.Var[str],
    description: str | rx.Var[str],
    confirm: str | rx.Var[str],
    on_confirm: Any,
    cancel: str = "Cancel",
    danger: bool = True,
) -> rx.Component:
    """`trigger` (a button) opens a dialog; only its `confirm` button runs `on_confirm`.

    Escape and `cancel` close it with nothing done; focus returns to the trigger.
    """
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(cancel, variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(confirm, color_scheme="red" if danger else None, on_click=on_confirm)
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
        ),
    )
