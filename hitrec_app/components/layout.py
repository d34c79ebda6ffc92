"""The app shell: skip link, navigation bar and page frame."""

from __future__ import annotations

import reflex as rx

from hitrec_app import routes
from hitrec_app.components.forms import text_field
from hitrec_app.state.base import AuthState
from hitrec_app.state.notifications import InboxRoom


def nav_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, weight="medium", size="3", underline="hover")


def notifications_bell() -> rx.Component:
    """The bell with the live unread count; joining the user's inbox room on mount."""
    return rx.link(
        rx.box(
            rx.icon("bell", size=20),
            rx.cond(
                InboxRoom.unread > 0,
                rx.badge(
                    InboxRoom.unread,
                    color_scheme="tomato",
                    variant="solid",
                    radius="full",
                    size="1",
                    style={"position": "absolute", "top": "-8px", "right": "-10px"},
                ),
            ),
            position="relative",
            display="inline-flex",
        ),
        href=routes.NOTIFICATIONS,
        aria_label=rx.cond(
            InboxRoom.unread > 0,
            f"Notifications, {InboxRoom.unread} unread",
            "Notifications",
        ),
        color_scheme="gray",
        high_contrast=True,
        on_mount=InboxRoom.join,
    )


def _account_menu() -> rx.Component:
    return rx.cond(
        AuthState.signed_in,
        rx.hstack(
            rx.cond(AuthState.is_admin, nav_link("Admin", routes.ADMIN_USERS)),
            notifications_bell(),
            rx.link(
                rx.hstack(rx.icon("circle-user", size=18), rx.text(AuthState.display_name)),
                href=routes.PROFILE,
                aria_label="Your profile",
                weight="medium",
            ),
            rx.button("Sign out", on_click=AuthState.sign_out, variant="soft", size="2"),
            spacing="4",
            align="center",
            wrap="wrap",
        ),
        rx.hstack(
            nav_link("Sign in", routes.SIGN_IN),
            rx.link(rx.button("Join the studio", size="2"), href=routes.SIGN_UP),
            spacing="4",
            align="center",
        ),
    )


def navbar() -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            rx.link(
                rx.hstack(
                    rx.icon("clapperboard", size=22),
                    rx.heading("hitrec", size="5", weight="bold"),
                    align="center",
                    spacing="2",
                ),
                href=routes.HOME,
                underline="none",
                aria_label="hitrec home",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.hstack(
                nav_link("Home", routes.HOME),
                nav_link("Challenges", routes.CHALLENGES),
                rx.cond(AuthState.signed_in, nav_link("Drafts", routes.DRAFTS)),
                spacing="4",
                align="center",
            ),
            rx.spacer(),
            _account_menu(),
            align="center",
            spacing="5",
            wrap="wrap",
            width="100%",
            max_width="1100px",
            margin_x="auto",
            padding_x="1em",
            padding_y="0.75em",
        ),
        aria_label="Main",
        style={
            "borderBottom": "1px solid var(--gray-a5)",
            "background": "var(--color-panel-solid)",
            "position": "sticky",
            "top": "0",
            "zIndex": "10",
            "width": "100%",
        },
    )


def page(*children: rx.Component, title: str = "") -> rx.Component:
    return rx.box(
        rx.el.a(
            "Skip to content",
            href="#main",
            class_name="skip-link",
        ),
        navbar(),
        rx.el.main(
            rx.heading(title, size="7", margin_bottom="0.5em") if title else rx.fragment(),
            *children,
            id="main",
            style={
                "width": "100%",
                "maxWidth": "1100px",
                "margin": "0 auto",
                "padding": "1.25em 1em 4em",
                "boxSizing": "border-box",
            },
        ),
        min_height="100vh",
    )


def error_callout(message: str | rx.Var[str]) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert", width="100%"),
    )


def success_callout(message: str | rx.Var[str]) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="check", color_scheme="green", role="status", width="100%"),
    )


# Deprecated alias while pages move to the component kit (components/forms.py).
labelled_input = text_field
