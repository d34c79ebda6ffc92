"""Sign-up, sign-in, terms and role management (profiles: pages/profile.py)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from hitrec_app import routes
from hitrec_app.components.forms import checkbox_field, text_field
from hitrec_app.components.layout import error_callout, page, success_callout
from hitrec_app.services.accounts import TERMS_SUMMARY, TERMS_VERSION
from hitrec_app.state.account import AdminUsersState, MemberRoleRow, SignInState, SignUpState
from hitrec_app.vocabulary import ROLES

_FORM_WIDTH = "26em"


def _account_form(
    title: str,
    error: str | rx.Var[str],
    *fields: rx.Component,
    submit: str,
    other: tuple[str, str, str],
    on_submit: Any,
    label: str,
) -> rx.Component:
    """The sign-up and sign-in forms: heading, refusal, fields, the button, then the
    way to the other form as (prompt, link text, href)."""
    prompt, link_text, href = other
    return page(
        rx.form(
            rx.vstack(
                rx.heading(title, size="7", as_="h1"),
                error_callout(error),
                *fields,
                rx.button(submit, type="submit", size="3", width="100%"),
                rx.text(prompt, rx.link(link_text, href=href)),
                spacing="4",
                width="100%",
                max_width=_FORM_WIDTH,
            ),
            on_submit=on_submit,
            aria_label=label,
        ),
    )


def sign_up() -> rx.Component:
    return _account_form(
        "Join the studio",
        SignUpState.error,
        text_field(
            "Username",
            "username",
            required=True,
            auto_complete="username",
            placeholder="3-32 letters, digits, - or _",
        ),
        text_field("Display name", "display_name", placeholder="How others see you"),
        text_field(
            "Password",
            "password",
            type="password",
            required=True,
            auto_complete="new-password",
            placeholder="At least 10 characters",
        ),
        text_field(
            "Repeat password",
            "password_confirm",
            type="password",
            required=True,
            auto_complete="new-password",
        ),
        rx.card(
            rx.vstack(
                rx.text("The studio's terms", weight="bold"),
                rx.text(TERMS_SUMMARY, size="2"),
                rx.link("Read the full terms", href=routes.TERMS, size="2", is_external=True),
                checkbox_field(
                    "I accept the terms, including the remix licence",
                    "accept_terms",
                    label_size="2",
                ),
                spacing="2",
            ),
            width="100%",
        ),
        submit="Create account",
        other=("Already a member? ", "Sign in", routes.SIGN_IN),
        on_submit=SignUpState.submit,
        label="Sign up",
    )


def sign_in() -> rx.Component:
    return _account_form(
        "Sign in",
        SignInState.error,
        text_field("Username", "username", required=True, auto_complete="username"),
        text_field(
            "Password",
            "password",
            type="password",
            required=True,
            auto_complete="current-password",
        ),
        submit="Sign in",
        other=("New here? ", "Join the studio", routes.SIGN_UP),
        on_submit=SignInState.submit,
        label="Sign in",
    )


def terms() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("The studio's terms", size="7", as_="h1"),
            rx.text(f"Version {TERMS_VERSION}", color_scheme="gray"),
            rx.text(TERMS_SUMMARY, size="4"),
            rx.unordered_list(
                rx.list_item(
                    "You keep credit for everything you submit, and it follows every remix."
                ),
                rx.list_item(
                    "You license what you submit to the studio and its members to remix, adapt "
                    "and include in productions."
                ),
                rx.list_item(
                    "When a production earns money, the contributors' pool is split by a public "
                    "pay proposal that members can discuss and vote on before it is final."
                ),
                rx.list_item("Be kind; no harassment, no work that is not yours to license."),
            ),
            spacing="3",
            max_width="46em",
        ),
    )


def admin_users() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Members and roles", size="7", as_="h1"),
            error_callout(AdminUsersState.error),
            success_callout(AdminUsersState.message),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Member"),
                        rx.table.column_header_cell("Role"),
                        rx.table.column_header_cell("Change role"),
                    )
                ),
                rx.table.body(rx.foreach(AdminUsersState.rows, _member_row)),
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
    )


def _member_row(row: ObjectVar[MemberRoleRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.name, href=routes.user_url(row.username))),
        rx.table.cell(rx.badge(row.role)),
        rx.table.cell(
            rx.hstack(
                *[
                    rx.button(
                        role.capitalize(),
                        size="1",
                        variant="soft",
                        disabled=row.role == role,
                        # mypy types @rx.event handlers as EventNamespace (not callable).
                        on_click=AdminUsersState.set_role(row.username, role),  # type: ignore[operator]
                        aria_label=f"Make {role}",
                    )
                    for role in ROLES
                ]
            )
        ),
    )
