"""Sign-up, sign-in, profiles, terms and role management."""

from __future__ import annotations

import reflex as rx

from hitrec_app import routes
from hitrec_app.components.layout import error_callout, labelled_input, page, success_callout
from hitrec_app.pages.notifications import profile_work
from hitrec_app.services.accounts import TERMS_SUMMARY, TERMS_VERSION
from hitrec_app.state.account import (
    AdminUsersState,
    ProfileState,
    PublicProfileState,
    SignInState,
    SignUpState,
)
from hitrec_app.state.base import AuthState

_FORM_WIDTH = "26em"


def sign_up() -> rx.Component:
    return page(
        rx.form(
            rx.vstack(
                rx.heading("Join the studio", size="7", as_="h1"),
                error_callout(SignUpState.error),
                labelled_input(
                    "Username",
                    "username",
                    required=True,
                    auto_complete="username",
                    placeholder="3-32 letters, digits, - or _",
                ),
                labelled_input("Display name", "display_name", placeholder="How others see you"),
                labelled_input(
                    "Password",
                    "password",
                    type="password",
                    required=True,
                    auto_complete="new-password",
                    placeholder="At least 10 characters",
                ),
                labelled_input(
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
                        rx.link(
                            "Read the full terms", href=routes.TERMS, size="2", is_external=True
                        ),
                        rx.el.label(
                            rx.hstack(
                                rx.checkbox(name="accept_terms", id="field-accept_terms"),
                                rx.text(
                                    "I accept the terms, including the remix licence", size="2"
                                ),
                                align="center",
                            ),
                            html_for="field-accept_terms",
                        ),
                        spacing="2",
                    ),
                    width="100%",
                ),
                rx.button("Create account", type="submit", size="3", width="100%"),
                rx.text("Already a member? ", rx.link("Sign in", href=routes.SIGN_IN)),
                spacing="4",
                width="100%",
                max_width=_FORM_WIDTH,
            ),
            on_submit=SignUpState.submit,
            aria_label="Sign up",
        ),
    )


def sign_in() -> rx.Component:
    return page(
        rx.form(
            rx.vstack(
                rx.heading("Sign in", size="7", as_="h1"),
                error_callout(SignInState.error),
                labelled_input("Username", "username", required=True, auto_complete="username"),
                labelled_input(
                    "Password",
                    "password",
                    type="password",
                    required=True,
                    auto_complete="current-password",
                ),
                rx.button("Sign in", type="submit", size="3", width="100%"),
                rx.text("New here? ", rx.link("Join the studio", href=routes.SIGN_UP)),
                spacing="4",
                width="100%",
                max_width=_FORM_WIDTH,
            ),
            on_submit=SignInState.submit,
            aria_label="Sign in",
        ),
    )


def _avatar(url, name) -> rx.Component:  # noqa: ANN001
    return rx.avatar(
        src=rx.cond(url != "", rx.get_upload_url(url), ""),
        fallback=name.to(str)[:2],
        size="6",
        radius="full",
    )


def profile() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Your profile", size="7", as_="h1"),
            success_callout(ProfileState.message),
            error_callout(ProfileState.error),
            rx.hstack(
                _avatar(ProfileState.avatar_url, AuthState.display_name),
                rx.vstack(
                    rx.text(f"@{AuthState.username}", weight="bold"),
                    rx.badge(AuthState.role),
                    rx.link("See your public page", href="/u/" + AuthState.username, size="2"),
                ),
                align="center",
                spacing="4",
            ),
            rx.form(
                rx.vstack(
                    labelled_input(
                        "Display name",
                        "display_name",
                        default_value=AuthState.display_name,
                        key=AuthState.display_name,
                        required=True,
                    ),
                    rx.vstack(
                        rx.el.label("Bio", html_for="field-bio", style={"fontWeight": 500}),
                        rx.text_area(
                            name="bio",
                            id="field-bio",
                            default_value=ProfileState.bio,
                            key=ProfileState.bio,
                            rows="5",
                            width="100%",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    rx.button("Save profile", type="submit"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=ProfileState.save,
                width="100%",
                aria_label="Edit profile",
            ),
            rx.vstack(
                rx.text("Avatar (PNG, JPEG, WebP or GIF, up to 5 MB)", weight="medium"),
                rx.upload(
                    rx.button("Choose image", variant="outline", type="button"),
                    id="avatar",
                    accept={
                        "image/png": [".png"],
                        "image/jpeg": [".jpg", ".jpeg"],
                        "image/webp": [".webp"],
                        "image/gif": [".gif"],
                    },
                    max_files=1,
                    border="1px dashed var(--gray-a7)",
                    padding="1em",
                ),
                rx.text(rx.selected_files("avatar").join(", "), size="2"),
                rx.button(
                    "Upload avatar",
                    on_click=ProfileState.upload_avatar(rx.upload_files(upload_id="avatar")),
                    variant="soft",
                ),
                spacing="2",
            ),
            spacing="4",
            width="100%",
            max_width="36em",
        ),
    )


def public_profile() -> rx.Component:
    return page(
        rx.cond(
            PublicProfileState.found,
            rx.vstack(
                rx.hstack(
                    _avatar(PublicProfileState.p_avatar_url, PublicProfileState.p_display_name),
                    rx.vstack(
                        rx.heading(PublicProfileState.p_display_name, size="7", as_="h1"),
                        rx.text(f"@{PublicProfileState.p_username}", color_scheme="gray"),
                        rx.hstack(
                            rx.badge(PublicProfileState.p_role),
                            rx.text(f"joined {PublicProfileState.p_joined}", size="2"),
                        ),
                    ),
                    align="center",
                    spacing="4",
                ),
                rx.text(PublicProfileState.p_bio, white_space="pre-wrap"),
                profile_work(),
                spacing="4",
            ),
            rx.vstack(
                rx.heading("No such member", size="7", as_="h1"),
                rx.link("Go to the home page", href=routes.HOME),
            ),
        ),
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
                rx.table.body(
                    rx.foreach(
                        AdminUsersState.rows,
                        lambda row: rx.table.row(
                            rx.table.cell(
                                rx.link(row["display_name"], href="/u/" + row["username"])
                            ),
                            rx.table.cell(rx.badge(row["role"])),
                            rx.table.cell(
                                rx.hstack(
                                    *[
                                        rx.button(
                                            role.capitalize(),
                                            size="1",
                                            variant="soft",
                                            disabled=row["role"] == role,
                                            on_click=AdminUsersState.set_role(
                                                row["username"], role
                                            ),
                                            aria_label=f"Make {role}",
                                        )
                                        for role in ("member", "host", "admin")
                                    ]
                                )
                            ),
                        ),
                    )
                ),
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
    )
