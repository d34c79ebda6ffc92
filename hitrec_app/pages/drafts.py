"""`/drafts` (my drafts) and `/drafts/[draft]` (the co-editing page)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from hitrec_app import routes
from hitrec_app.components.collab_editor import (
    author_swatch,
    authored_text,
    authorship_key,
    collab_editor,
    line_diff,
)
from hitrec_app.components.dialogs import confirm_dialog
from hitrec_app.components.forms import select_field, text_field
from hitrec_app.components.layout import error_callout, page, success_callout
from hitrec_app.components.sections import item_list, section
from hitrec_app.state.base import AuthState
from hitrec_app.state.drafts import (
    SNAPSHOT_FIELD,
    DraftRow,
    DraftsListState,
    DraftState,
    MemberRow,
    SnapshotRow,
)
from hitrec_app.state.rows import TitledRow
from hitrec_app.vocabulary import INVITABLE_ROLES

# What each role may do, as the member forms name it.
INVITE_ROLE_LABELS = {"editor": "Editor (can write)", "viewer": "Viewer (can read)"}
MEMBER_ROLE_LABELS = {"editor": "Editor", "viewer": "Viewer", "owner": "Owner (hand over)"}


# -- /drafts ----------------------------------------------------------------------------
def _draft_row(d: ObjectVar[DraftRow]) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.link(d.title, href=routes.draft_url(d.id), weight="bold", size="4"),
                rx.hstack(
                    rx.badge(d.role, variant="soft"),
                    rx.text(d.members, size="2", color_scheme="gray"),
                    rx.cond(
                        d.challenge != "",
                        rx.text("for “", d.challenge, "”", size="2", color_scheme="gray"),
                    ),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.text(d.created, size="1", color_scheme="gray"),
            align="center",
            width="100%",
        ),
        width="100%",
    )


def _challenge_option(c: ObjectVar[TitledRow]) -> tuple[rx.Var, rx.Var]:
    return c.id, c.title


def _new_draft_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Start a draft", size="4", as_="h2"),
                text_field(
                    "Title",
                    "title",
                    required=True,
                    max_length=200,
                    placeholder="The working title of your story",
                ),
                select_field(
                    "For a challenge (optional)",
                    "challenge_id",
                    DraftsListState.challenge_options,
                    first=("none", "No challenge"),
                    option=_challenge_option,
                    default_value="none",
                ),
                rx.button("Create draft", type="submit", size="3"),
                spacing="3",
                width="100%",
            ),
            on_submit=DraftsListState.create,
            aria_label="Start a draft",
        ),
        width="100%",
    )


def drafts_index() -> rx.Component:
    return page(
        rx.vstack(
            rx.text(
                "Write a story together, live. Everyone in a draft types at once, sees each "
                "other's cursors, and gets credit for exactly what they wrote.",
                color_scheme="gray",
            ),
            error_callout(DraftsListState.error),
            rx.cond(
                AuthState.signed_in,
                rx.grid(
                    section(
                        "Your drafts",
                        DraftsListState.my_drafts,
                        _draft_row,
                        empty="You are not in any draft yet. Start one, or ask a writer "
                        "to invite you.",
                        label="Your drafts",
                        spacing="3",
                    ),
                    _new_draft_form(),
                    grid_template_columns=rx.breakpoints(
                        initial="minmax(0, 1fr)", md="minmax(0, 2fr) minmax(0, 1fr)"
                    ),
                    spacing="5",
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        title="Drafts",
    )


# -- /drafts/[draft] ------------------------------------------------------------------
def _role_select(m: ObjectVar[MemberRow]) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=f"Role of {m.display_name}"),
        rx.select.content(
            *[rx.select.item(text, value=role) for role, text in MEMBER_ROLE_LABELS.items()]
        ),
        value=m.role,
        # A handler called with arguments: mypy types `@rx.event` as EventNamespace.
        on_change=lambda role: DraftState.change_role(m.user_id, role),  # type: ignore[operator]
        size="1",
    )


def _member_row(m: ObjectVar[MemberRow]) -> rx.Component:
    return rx.hstack(
        author_swatch(m.color),
        rx.vstack(
            rx.text(m.display_name, rx.cond(m.is_me, " (you)", ""), size="2", weight="medium"),
            rx.text("@", m.username, size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.spacer(),
        rx.cond(
            DraftState.is_owner & ~m.is_me,
            rx.hstack(
                _role_select(m),
                rx.icon_button(
                    rx.icon("user-minus", size=14),
                    # See _role_select: a handler called with arguments.
                    on_click=DraftState.remove_member(m.user_id),  # type: ignore[operator]
                    aria_label=f"Remove {m.display_name}",
                    title="Remove from draft",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                ),
                spacing="2",
                align="center",
            ),
            rx.badge(m.role, variant="soft"),
        ),
        align="center",
        spacing="2",
        width="100%",
    )


def _invite_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field("Invite by username", "username", required=True, placeholder="username"),
            select_field(
                "Role",
                "role",
                [(role, INVITE_ROLE_LABELS[role]) for role in INVITABLE_ROLES],
                field_id="field-invite-role",
                default_value="editor",
            ),
            rx.button("Invite", type="submit", size="2"),
            spacing="2",
            width="100%",
        ),
        on_submit=DraftState.invite,
        aria_label="Invite a member",
        width="100%",
    )


def _members_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Members", size="3", as_="h2"),
            item_list(DraftState.members, _member_row, label="Members"),
            rx.cond(DraftState.is_owner, _invite_form()),
            confirm_dialog(
                rx.button("Leave draft", variant="soft", color_scheme="gray", size="2"),
                title="Leave this draft?",
                description=rx.cond(
                    DraftState.is_owner,
                    "Ownership passes to the longest-standing editor. Your authorship "
                    "credit stays with the text you wrote.",
                    "You will lose access. Your authorship credit stays with the text you wrote.",
                ),
                confirm="Leave",
                cancel="Stay",
                on_confirm=DraftState.leave,
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _publish_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Publish", size="3", as_="h2"),
            rx.text(
                "Publishing makes the current text a record, credited to every author "
                "with their share of the surviving text (used later in pay proposals).",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                DraftState.published_url != "",
                rx.link("See the published record", href=DraftState.published_url, size="2"),
            ),
            rx.cond(
                DraftState.can_edit & (DraftState.published_url == ""),
                rx.button("Publish as a text record", on_click=DraftState.publish, size="2"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _authors_panel() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(
                "Each author's text in their colour; shares count surviving characters.",
                size="2",
                color_scheme="gray",
            ),
            rx.spacer(),
            rx.button(
                rx.icon("refresh-cw", size=14),
                "Refresh",
                on_click=DraftState.load_authors,
                size="1",
                variant="soft",
            ),
            width="100%",
            align="center",
        ),
        authorship_key(DraftState.author_shares),
        authored_text(DraftState.author_runs),
        spacing="3",
        width="100%",
    )


def _snapshot_row(s: ObjectVar[SnapshotRow]) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(s.label, weight="medium", size="2"),
            rx.text(s.when, rx.cond(s.by != "", f" · {s.by}", ""), size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.spacer(),
        rx.button(
            "View",
            # See _role_select: a handler called with arguments.
            on_click=DraftState.view_snapshot(s.id),  # type: ignore[operator]
            size="1",
            variant="soft",
            aria_label=f"View {s.label} {s.when}",
        ),
        align="center",
        width="100%",
    )


def _snapshot_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                name="name",
                id=SNAPSHOT_FIELD,
                placeholder="Name this version, e.g. “first act done”",
                aria_label="Snapshot name",
                required=True,
                max_length=120,
                width="100%",
            ),
            rx.button("Save named snapshot", type="submit"),
            width="100%",
        ),
        on_submit=DraftState.take_snapshot,
        aria_label="Save a named snapshot",
        width="100%",
    )


def _snapshot_view() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(DraftState.viewing_label, size="3", as_="h3"),
                rx.spacer(),
                rx.cond(
                    DraftState.can_edit,
                    rx.button(
                        "Restore this version",
                        # See _role_select: a handler called with arguments.
                        on_click=DraftState.restore_snapshot(  # type: ignore[operator]
                            DraftState.viewing_snapshot_id
                        ),
                        size="1",
                        color_scheme="orange",
                    ),
                ),
                rx.button(
                    "Close",
                    on_click=DraftState.close_snapshot,
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                ),
                width="100%",
                align="center",
            ),
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger("Diff against now", value="diff"),
                    rx.tabs.trigger("Text of this version", value="text"),
                ),
                rx.tabs.content(
                    line_diff(DraftState.diff_lines, label="Changes since this version"),
                    value="diff",
                ),
                rx.tabs.content(
                    rx.box(
                        DraftState.viewing_text,
                        white_space="pre-wrap",
                        padding_y="0.5em",
                        aria_label="Text of this version",
                        role="region",
                    ),
                    value="text",
                ),
                default_value="diff",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _history_panel() -> rx.Component:
    return rx.vstack(
        rx.cond(DraftState.can_edit, _snapshot_form()),
        rx.cond(DraftState.viewing_snapshot_id > 0, _snapshot_view()),
        item_list(
            DraftState.snapshots,
            _snapshot_row,
            label="Snapshots",
            empty="No snapshots yet. They are taken automatically while people write, "
            "or name one yourself.",
        ),
        spacing="3",
        width="100%",
    )


def _editor() -> rx.Component:
    return rx.cond(
        DraftState.editor_draft_id > 0,
        collab_editor(
            draft_id=DraftState.editor_draft_id,
            token=DraftState.collab_token,
            user_name=AuthState.display_name,
            user_color=DraftState.my_color,
            read_only=~DraftState.can_edit,
            placeholder=rx.cond(DraftState.can_edit, "Start writing…", "Nothing written yet."),
            on_access_changed=DraftState.access_changed,
        ),
        rx.skeleton(rx.box(height="22em", width="100%")),
    )


def _draft_header() -> rx.Component:
    return rx.fragment(
        rx.link(
            rx.hstack(
                rx.icon("arrow-left", size=14), rx.text("All drafts"), spacing="1", align="center"
            ),
            href=routes.DRAFTS,
            size="2",
        ),
        rx.heading(DraftState.title, size="7", as_="h1"),
        rx.hstack(
            rx.badge("You are ", DraftState.my_role, variant="soft", size="2"),
            rx.cond(
                DraftState.challenge_title != "",
                rx.text(
                    "For the challenge “",
                    DraftState.challenge_title,
                    "”",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            rx.cond(
                ~DraftState.can_edit,
                rx.text(
                    "You can read this draft but not change it.", size="2", color_scheme="gray"
                ),
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
    )


def draft_page() -> rx.Component:
    return page(
        rx.cond(
            DraftState.found,
            rx.vstack(
                _draft_header(),
                error_callout(DraftState.error),
                success_callout(DraftState.message),
                rx.grid(
                    rx.vstack(
                        _editor(),
                        rx.tabs.root(
                            rx.tabs.list(
                                rx.tabs.trigger(
                                    "Show authors",
                                    value="authors",
                                    on_click=DraftState.load_authors,
                                ),
                                rx.tabs.trigger("History", value="history"),
                            ),
                            rx.tabs.content(_authors_panel(), value="authors", padding_top="1em"),
                            rx.tabs.content(_history_panel(), value="history", padding_top="1em"),
                            default_value="history",
                            width="100%",
                        ),
                        spacing="4",
                        width="100%",
                        min_width="0",
                    ),
                    rx.vstack(_members_card(), _publish_card(), spacing="4", width="100%"),
                    grid_template_columns=rx.breakpoints(
                        initial="minmax(0, 1fr)", md="minmax(0, 1fr) 19em"
                    ),
                    spacing="5",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                DraftState.denied != "",
                rx.vstack(
                    rx.heading("This draft is not open to you", size="6", as_="h1"),
                    error_callout(DraftState.denied),
                    rx.link("Back to your drafts", href=routes.DRAFTS),
                    spacing="3",
                ),
                rx.skeleton(rx.box(height="22em", width="100%")),
            ),
        ),
    )
