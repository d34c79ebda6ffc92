"""Your profile (edit it, change the avatar) and a member's public page with their work."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar, StringVar

from hitrec_app import routes
from hitrec_app.components.forms import form_stack, text_area_field, text_field
from hitrec_app.components.layout import dead_end, item_page, page_title, titled_page
from hitrec_app.components.records import record_link
from hitrec_app.components.sections import note, section
from hitrec_app.state.base import AuthState
from hitrec_app.state.profile import (
    ProductionCreditRow,
    ProfileState,
    PublicProfileState,
    RemixRow,
)
from hitrec_app.vocabulary import AVATAR_HINT

_AVATAR_TYPES = {
    "image/png": [".png"],
    "image/jpeg": [".jpg", ".jpeg"],
    "image/webp": [".webp"],
    "image/gif": [".gif"],
}


def _avatar(url: str | rx.Var[str], name: str | StringVar) -> rx.Component:
    return rx.avatar(
        src=rx.cond(url != "", rx.get_upload_url(url), ""),
        fallback=name[:2],
        size="6",
        radius="full",
    )


def _avatar_upload() -> rx.Component:
    return rx.vstack(
        rx.text(f"Avatar ({AVATAR_HINT})", weight="medium"),
        rx.upload(
            rx.button("Choose image", variant="outline", type="button"),
            id="avatar",
            accept=_AVATAR_TYPES,
            max_files=1,
            border="1px dashed var(--gray-a7)",
            padding="1em",
        ),
        rx.text(rx.selected_files("avatar").join(", "), size="2"),
        rx.button(
            "Upload avatar",
            # mypy types @rx.event handlers as EventNamespace (not callable).
            on_click=ProfileState.upload_avatar(rx.upload_files(upload_id="avatar")),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
            variant="soft",
        ),
        spacing="2",
    )


def profile() -> rx.Component:
    return titled_page(
        "Your profile",
        rx.hstack(
            _avatar(ProfileState.avatar_url, AuthState.display_name),
            rx.vstack(
                rx.text(f"@{AuthState.username}", weight="bold"),
                rx.badge(AuthState.role),
                rx.link("See your public page", href=routes.user_url(AuthState.username), size="2"),
            ),
            align="center",
            spacing="4",
        ),
        form_stack(
            text_field(
                "Display name",
                "display_name",
                default_value=AuthState.display_name,
                key=AuthState.display_name,
                required=True,
            ),
            text_area_field(
                "Bio", "bio", rows=5, default_value=ProfileState.bio, key=ProfileState.bio
            ),
            rx.button("Save profile", type="submit"),
            on_submit=ProfileState.save,
            label="Edit profile",
        ),
        _avatar_upload(),
        error=ProfileState.error,
        message=ProfileState.message,
        max_width="36em",
    )


def public_profile() -> rx.Component:
    s = PublicProfileState
    return item_page(
        s.found,
        dead_end("No such member", back=("Go to the home page", routes.HOME)),
        rx.hstack(
            _avatar(s.p_avatar_url, s.p_display_name),
            rx.vstack(
                page_title(s.p_display_name),
                note(f"@{s.p_username}", size=None),
                rx.hstack(rx.badge(s.p_role), rx.text(f"joined {s.p_joined}", size="2")),
            ),
            align="center",
            spacing="4",
        ),
        rx.text(s.p_bio, white_space="pre-wrap"),
        _work(),
    )


def _work() -> rx.Component:
    """What the member made, what it was remixed into, and their production credits."""
    s = PublicProfileState
    return rx.vstack(
        section("Records", s.w_records, record_link, empty="No records yet.", landmark=True),
        section(
            "Remixed into",
            s.w_remixed,
            _remix,
            empty="Nobody has remixed these yet.",
            landmark=True,
        ),
        section(
            "Credits on productions",
            s.w_productions,
            _credit,
            empty="No production credits yet.",
            landmark=True,
        ),
        spacing="4",
        width="100%",
    )


def _remix(x: ObjectVar[RemixRow]) -> rx.Component:
    return rx.fragment(
        rx.link(x.source_title, href=routes.record_url(x.source_id)),
        " → ",
        rx.link(x.remix_title, href=routes.record_url(x.remix_id)),
        rx.text.span(f" by {x.remixer_name}", color="var(--gray-11)"),
    )


def _credit(p: ObjectVar[ProductionCreditRow]) -> rx.Component:
    return rx.fragment(
        rx.text.strong(p.production_title),
        " — with ",
        rx.link(p.record_title, href=routes.record_url(p.record_id)),
    )
