"""Sign-up, sign-in, terms and role management (profiles: pages/profile.py)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from hitrec_app import routes
from hitrec_app.components.forms import checkbox_field, form_stack, text_field
from hitrec_app.components.layout import (
    error_callout,
    page,
    page_title,
    small_button,
    titled_page,
)
from hitrec_app.components.sections import card_column, note
from hitrec_app.state.account import AdminUsersState, MemberRoleRow, SignInState, SignUpState
from hitrec_app.vocabulary import ROLES, TERMS_SUMMARY, TERMS_VERSION

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
        form_stack(
            page_title(title),
            error_callout(error),
            *fields,
            rx.button(submit, type="submit", size="3", width="100%"),
            rx.text(prompt, rx.link(link_text, href=href)),
            on_submit=on_submit,
            label=label,
            spacing="4",
            max_width=_FORM_WIDTH,
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
        card_column(
            rx.text("The studio's terms", weight="bold"),
            rx.text(TERMS_SUMMARY, size="2"),
            rx.link("Read the full terms", href=routes.TERMS, size="2", is_external=True),
            checkbox_field(
                "I accept the terms, including the remix licence", "accept_terms", label_size="2"
            ),
            spacing="2",
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


_TERMS = (
    "You keep credit for everything you submit, and it follows every remix.",
    "You license what you submit to the studio and its members to remix, adapt "
    "and include in productions.",
    "When a production earns money, the contributors' pool is split by a public "
    "pay proposal that members can discuss and vote on before it is final.",
    "Be kind; no harassment, no work that is not yours to license.",
)


def terms() -> rx.Component:
    return titled_page(
        "The studio's terms",
        note(f"Version {TERMS_VERSION}", size=None),
        rx.text(TERMS_SUMMARY, size="4"),
        rx.unordered_list(*[rx.list_item(term) for term in _TERMS]),
        spacing="3",
        max_width="46em",
    )


def admin_users() -> rx.Component:
    return titled_page(
        "Members and roles",
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
        error=AdminUsersState.error,
        message=AdminUsersState.message,
    )


def _member_row(row: ObjectVar[MemberRoleRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.name, href=routes.user_url(row.username))),
        rx.table.cell(rx.badge(row.role)),
        rx.table.cell(
            rx.hstack(
                *[
                    small_button(
                        role.capitalize(),
                        disabled=row.role == role,
                        # mypy types @rx.event handlers as EventNamespace (not callable).
                        on_click=AdminUsersState.set_role(row.username, role),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
                        aria_label=f"Make {role}",
                    )
                    for role in ROLES
                ]
            )
        ),
    )
