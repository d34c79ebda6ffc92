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
    version_text,
)
from hitrec_app.components.dialogs import confirm_dialog
from hitrec_app.components.forms import form_stack, inline_form, select_field, text_field
from hitrec_app.components.layout import (
    dead_end,
    error_callout,
    item_page,
    page_title,
    small_button,
    success_callout,
    titled_page,
)
from hitrec_app.components.sections import (
    action_row,
    card_column,
    item_list,
    main_and_side,
    note,
    panel,
    section,
    wrap_row,
)
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
        action_row(
            rx.vstack(
                rx.link(d.title, href=routes.draft_url(d.id), weight="bold", size="4"),
                wrap_row(
                    rx.badge(d.role, variant="soft"),
                    note(d.members),
                    rx.cond(d.challenge != "", note("for “", d.challenge, "”")),
                ),
                spacing="1",
            ),
            note(d.created, size="1"),
        ),
        width="100%",
    )


def _challenge_option(c: ObjectVar[TitledRow]) -> tuple[rx.Var, rx.Var]:
    return c.id, c.title


def _new_draft_form() -> rx.Component:
    return panel(
        "Start a draft",
        form_stack(
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
            on_submit=DraftsListState.create,
            label="Start a draft",
        ),
    )


def drafts_index() -> rx.Component:
    return titled_page(
        "Drafts",
        rx.cond(
            AuthState.signed_in,
            main_and_side(
                section(
                    "Your drafts",
                    DraftsListState.my_drafts,
                    _draft_row,
                    empty="You are not in any draft yet. Start one, or ask a writer to invite you.",
                    label="Your drafts",
                    spacing="3",
                ),
                _new_draft_form(),
                widths=("2fr", "minmax(0, 1fr)"),
            ),
        ),
        intro="Write a story together, live. Everyone in a draft types at once, sees each "
        "other's cursors, and gets credit for exactly what they wrote.",
        error=DraftsListState.error,
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
        on_change=lambda role: DraftState.change_role(m.user_id, role),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
        size="1",
    )


def _member_row(m: ObjectVar[MemberRow]) -> rx.Component:
    return action_row(
        rx.hstack(
            author_swatch(m.color),
            rx.vstack(
                rx.text(m.display_name, rx.cond(m.is_me, " (you)", ""), size="2", weight="medium"),
                note("@", m.username, size="1"),
                spacing="0",
            ),
            spacing="2",
            align="center",
        ),
        rx.cond(
            DraftState.is_owner & ~m.is_me,
            rx.hstack(
                _role_select(m),
                rx.icon_button(
                    rx.icon("user-minus", size=14),
                    # See _role_select: a handler called with arguments.
                    on_click=DraftState.remove_member(m.user_id),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
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
        spacing="2",
    )


def _invite_form() -> rx.Component:
    return form_stack(
        text_field("Invite by username", "username", required=True, placeholder="username"),
        select_field(
            "Role",
            "role",
            [(role, INVITE_ROLE_LABELS[role]) for role in INVITABLE_ROLES],
            field_id="field-invite-role",
            default_value="editor",
        ),
        rx.button("Invite", type="submit", size="2"),
        on_submit=DraftState.invite,
        label="Invite a member",
        spacing="2",
    )


def _members_card() -> rx.Component:
    return panel(
        "Members",
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
        size="3",
    )


def _publish_card() -> rx.Component:
    return panel(
        "Publish",
        note(
            "Publishing makes the current text a record, credited to every author "
            "with their share of the surviving text (used later in pay proposals)."
        ),
        rx.cond(
            DraftState.published_url != "",
            rx.link("See the published record", href=DraftState.published_url, size="2"),
        ),
        rx.cond(
            DraftState.can_edit & (DraftState.published_url == ""),
            rx.button("Publish as a text record", on_click=DraftState.publish, size="2"),
        ),
        size="3",
        spacing="2",
    )


def _authors_panel() -> rx.Component:
    return rx.vstack(
        action_row(
            note("Each author's text in their colour; shares count surviving characters."),
            small_button(
                rx.icon("refresh-cw", size=14), "Refresh", on_click=DraftState.load_authors
            ),
        ),
        authorship_key(DraftState.author_shares),
        authored_text(DraftState.author_runs),
        spacing="3",
        width="100%",
    )


def _snapshot_row(s: ObjectVar[SnapshotRow]) -> rx.Component:
    return action_row(
        rx.vstack(
            rx.text(s.label, weight="medium", size="2"),
            note(s.when, rx.cond(s.by != "", f" · {s.by}", ""), size="1"),
            spacing="0",
        ),
        small_button(
            "View",
            # See _role_select: a handler called with arguments.
            on_click=DraftState.view_snapshot(s.id),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
            aria_label=f"View {s.label} {s.when}",
        ),
    )


def _snapshot_form() -> rx.Component:
    return inline_form(
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
        on_submit=DraftState.take_snapshot,
        label="Save a named snapshot",
    )


def _snapshot_view() -> rx.Component:
    return card_column(
        action_row(
            rx.heading(DraftState.viewing_label, size="3", as_="h3"),
            rx.cond(
                DraftState.can_edit,
                small_button(
                    "Restore this version",
                    # See _role_select: a handler called with arguments.
                    on_click=DraftState.restore_snapshot(  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
                        DraftState.viewing_snapshot_id
                    ),
                    variant="solid",
                    color_scheme="orange",
                ),
            ),
            small_button("Close", on_click=DraftState.close_snapshot, color_scheme="gray"),
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
                version_text(DraftState.viewing_text, label="Text of this version"), value="text"
            ),
            default_value="diff",
            width="100%",
        ),
        spacing="2",
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
        _loading(),
    )


def _loading() -> rx.Component:
    return rx.skeleton(rx.box(height="22em", width="100%"))


def _draft_header() -> rx.Component:
    return rx.fragment(
        rx.link(
            rx.hstack(
                rx.icon("arrow-left", size=14), rx.text("All drafts"), spacing="1", align="center"
            ),
            href=routes.DRAFTS,
            size="2",
        ),
        page_title(DraftState.title),
        wrap_row(
            rx.badge("You are ", DraftState.my_role, variant="soft", size="2"),
            rx.cond(
                DraftState.challenge_title != "",
                note("For the challenge “", DraftState.challenge_title, "”"),
            ),
            rx.cond(
                ~DraftState.can_edit,
                note("You can read this draft but not change it."),
            ),
        ),
    )


def _draft_tabs() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger("Show authors", value="authors", on_click=DraftState.load_authors),
            rx.tabs.trigger("History", value="history"),
        ),
        rx.tabs.content(_authors_panel(), value="authors", padding_top="1em"),
        rx.tabs.content(_history_panel(), value="history", padding_top="1em"),
        default_value="history",
        width="100%",
    )


def draft_page() -> rx.Component:
    not_open = dead_end(
        "This draft is not open to you",
        error_callout(DraftState.denied),
        back=("Back to your drafts", routes.DRAFTS),
        size="6",
    )
    return item_page(
        DraftState.found,
        # Until the draft has loaded: neither found nor refused.
        rx.cond(DraftState.denied != "", not_open, _loading()),
        _draft_header(),
        error_callout(DraftState.error),
        success_callout(DraftState.message),
        main_and_side(
            rx.vstack(_editor(), _draft_tabs(), spacing="4", width="100%", min_width="0"),
            rx.vstack(_members_card(), _publish_card(), spacing="4", width="100%"),
        ),
        spacing="3",
    )
