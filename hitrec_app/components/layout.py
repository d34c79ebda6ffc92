"""The app shell (skip link, navigation bar, page frame), the ways a page is laid out
under it (`titled_page`, `item_page`, `dead_end`), its buttons and status callouts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import reflex as rx

from hitrec_app import routes
from hitrec_app.components.sections import Spacing, note, wrap_row
from hitrec_app.state.base import AuthState
from hitrec_app.state.notifications import InboxLive


def nav_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, weight="medium", size="3", underline="hover")


def link_button(
    label: str | rx.Var[str], href: str | rx.Var[str], *, icon: str = "", **button: Any
) -> rx.Component:
    """A link that looks like a button (`button` props: size, variant...), with an optional
    icon before its label."""
    icon_part = (rx.icon(icon, size=16),) if icon else ()
    return rx.link(rx.button(*icon_part, label, **button), href=href)


def small_button(
    *children: rx.Component | str | rx.Var,
    variant: Literal["soft", "ghost", "solid"] = "soft",
    **props: Any,
) -> rx.Component:
    """A small button for an action on one row or panel; it never submits a form it is in."""
    return rx.button(*children, size="1", variant=variant, type="button", **props)


def notifications_bell() -> rx.Component:
    """The bell with the live unread count (every page's on_load subscribes the tab to the
    signed-in user's inbox room: hitrec_app.py)."""
    return rx.link(
        rx.box(
            rx.icon("bell", size=20),
            rx.cond(
                InboxLive.unread > 0,
                rx.badge(
                    InboxLive.unread,
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
            InboxLive.unread > 0,
            f"Notifications, {InboxLive.unread} unread",
            "Notifications",
        ),
        color_scheme="gray",
        high_contrast=True,
    )


def _account_menu() -> rx.Component:
    return rx.cond(
        AuthState.signed_in,
        wrap_row(
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
        ),
        rx.hstack(
            nav_link("Sign in", routes.SIGN_IN),
            link_button("Join the studio", routes.SIGN_UP, size="2"),
            spacing="4",
            align="center",
        ),
    )


def navbar() -> rx.Component:
    return rx.el.nav(
        wrap_row(
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
                nav_link("Productions", routes.PRODUCTIONS),
                rx.cond(AuthState.signed_in, nav_link("Drafts", routes.DRAFTS)),
                rx.cond(AuthState.signed_in, nav_link("Earnings", routes.EARNINGS)),
                spacing="4",
                align="center",
            ),
            rx.spacer(),
            _account_menu(),
            spacing="5",
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


def page(*children: rx.Component) -> rx.Component:
    """The frame of every page: skip link, navigation bar, then `children` as its main part."""
    return rx.box(
        rx.el.a(
            "Skip to content",
            href="#main",
            class_name="skip-link",
        ),
        navbar(),
        rx.el.main(
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


TitleSize = Literal["6", "7", "8"]


def page_title(text: str | rx.Var[str], *, size: TitleSize = "7") -> rx.Component:
    """The page's one `h1`."""
    return rx.heading(text, size=size, as_="h1")


def page_header(
    title: str | rx.Var[str], *actions: rx.Component, size: TitleSize = "7"
) -> rx.Component:
    """The page's title with its actions (buttons, links) at the other end of the line."""
    return wrap_row(
        page_title(title, size=size),
        rx.hstack(*actions, spacing="3"),
        justify="between",
        width="100%",
    )


def dead_end(
    title: str | rx.Var[str],
    *reasons: rx.Component,
    back: tuple[str, str],
    size: TitleSize = "7",
) -> rx.Component:
    """What a page shows when it has nothing for this visitor (no such thing, no access):
    a title, why, and a way on as (link text, href)."""
    text, href = back
    return rx.vstack(page_title(title, size=size), *reasons, rx.link(text, href=href), spacing="3")


def titled_page(
    title: str | rx.Var[str],
    *content: rx.Component,
    actions: Sequence[rx.Component] = (),
    intro: str = "",
    error: str | rx.Var[str] | None = None,
    message: str | rx.Var[str] | None = None,
    size: TitleSize = "7",
    spacing: Spacing = "4",
    max_width: str | None = None,
) -> rx.Component:
    """A page under its title (with its `actions` at the end of the title's line) and its
    `intro` text, then what went wrong (`error`) or was done (`message`), then its
    `content`, stacked."""
    return page(
        rx.vstack(
            page_header(title, *actions, size=size) if actions else page_title(title, size=size),
            note(intro, size=None) if intro else rx.fragment(),
            error_callout(error) if error is not None else rx.fragment(),
            success_callout(message) if message is not None else rx.fragment(),
            *content,
            spacing=spacing,
            width="100%",
            **({"max_width": max_width} if max_width else {}),
        )
    )


def item_page(
    found: bool | rx.Var[bool],
    missing: rx.Component,
    *content: rx.Component,
    spacing: Spacing = "4",
) -> rx.Component:
    """The page of one thing (a record, a challenge, a member, a form): its `content`,
    stacked, once `found`; else `missing` (a `dead_end`: no such thing, or not for you)."""
    return page(rx.cond(found, rx.vstack(*content, spacing=spacing, width="100%"), missing))


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
