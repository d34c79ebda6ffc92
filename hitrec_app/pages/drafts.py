"""`/drafts` (my drafts) and `/drafts/[draft]` (the co-editing page)."""

from __future__ import annotations

import reflex as rx

from hitrec_app import routes
from hitrec_app.components.collab_editor import collab_editor
from hitrec_app.components.layout import error_callout, labelled_input, page, success_callout
from hitrec_app.state.base import AuthState
from hitrec_app.state.drafts import DraftsListState, DraftState


# -- /drafts ----------------------------------------------------------------------------
def _draft_row(d: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.hstack(
                rx.vstack(
                    rx.link(d["title"], href=d["url"], weight="bold", size="4"),
                    rx.hstack(
                        rx.badge(d["role"], variant="soft"),
                        rx.text(d["members"], size="2", color_scheme="gray"),
                        rx.cond(
                            d["challenge"] != "",
                            rx.text("for “", d["challenge"], "”", size="2", color_scheme="gray"),
                        ),
                        spacing="3",
                        align="center",
                        wrap="wrap",
                    ),
                    spacing="1",
                ),
                rx.spacer(),
                rx.text(d["created"], size="1", color_scheme="gray"),
                align="center",
                width="100%",
            ),
            width="100%",
        ),
        style={"listStyle": "none"},
    )


def _new_draft_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Start a draft", size="4", as_="h2"),
                labelled_input(
                    "Title",
                    "title",
                    required=True,
                    max_length=200,
                    placeholder="The working title of your story",
                ),
                rx.vstack(
                    rx.el.label(
                        "For a challenge (optional)",
                        html_for="field-challenge_id",
                        style={"fontWeight": 500},
                    ),
                    rx.el.select(
                        rx.el.option("No challenge", value="none"),
                        rx.foreach(
                            DraftsListState.challenge_options,
                            lambda c: rx.el.option(c["title"], value=c["id"]),
                        ),
                        name="challenge_id",
                        id="field-challenge_id",
                        default_value="none",
                        class_name="hitrec-select",
                        style={
                            "width": "100%",
                            "padding": "0.5em",
                            "borderRadius": "var(--radius-2)",
                            "border": "1px solid var(--gray-a7)",
                            "background": "var(--color-surface)",
                        },
                    ),
                    spacing="1",
                    width="100%",
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
                    rx.vstack(
                        rx.heading("Your drafts", size="5", as_="h2"),
                        rx.cond(
                            DraftsListState.my_drafts.length() > 0,
                            rx.el.ul(
                                rx.foreach(DraftsListState.my_drafts, _draft_row),
                                aria_label="Your drafts",
                                style={
                                    "display": "flex",
                                    "flexDirection": "column",
                                    "gap": "0.6em",
                                    "padding": 0,
                                    "margin": 0,
                                    "width": "100%",
                                },
                            ),
                            rx.text(
                                "You are not in any draft yet. Start one, or ask a writer "
                                "to invite you.",
                                color_scheme="gray",
                            ),
                        ),
                        spacing="3",
                        width="100%",
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
def _role_select(m: rx.Var) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=f"Role of {m['display_name']}"),
        rx.select.content(
            rx.select.item("Editor", value="editor"),
            rx.select.item("Viewer", value="viewer"),
            rx.select.item("Owner (hand over)", value="owner"),
        ),
        value=m["role"],
        on_change=lambda role: DraftState.change_role(m["user_id"], role),
        size="1",
    )


def _member_row(m: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.box(
                width="0.7em",
                height="0.7em",
                border_radius="50%",
                background=m["color"],
                flex_shrink="0",
                aria_hidden="true",
            ),
            rx.vstack(
                rx.text(
                    m["display_name"],
                    rx.cond(m["is_me"] != "", " (you)", ""),
                    size="2",
                    weight="medium",
                ),
                rx.text("@", m["username"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            rx.spacer(),
            rx.cond(
                DraftState.is_owner & (m["is_me"] == ""),
                rx.hstack(
                    _role_select(m),
                    rx.icon_button(
                        rx.icon("user-minus", size=14),
                        on_click=DraftState.remove_member(m["user_id"]),
                        aria_label=f"Remove {m['display_name']}",
                        title="Remove from draft",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                    ),
                    spacing="2",
                    align="center",
                ),
                rx.badge(m["role"], variant="soft"),
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        style={"listStyle": "none"},
    )


def _members_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Members", size="3", as_="h2"),
            rx.el.ul(
                rx.foreach(DraftState.members, _member_row),
                aria_label="Members",
                style={
                    "display": "flex",
                    "flexDirection": "column",
                    "gap": "0.5em",
                    "padding": 0,
                    "margin": 0,
                    "width": "100%",
                },
            ),
            rx.cond(
                DraftState.is_owner,
                rx.form(
                    rx.vstack(
                        labelled_input(
                            "Invite by username",
                            "username",
                            required=True,
                            placeholder="username",
                        ),
                        rx.hstack(
                            rx.el.label("Role", html_for="field-invite-role", size="2"),
                            rx.el.select(
                                rx.el.option("Editor (can write)", value="editor"),
                                rx.el.option("Viewer (can read)", value="viewer"),
                                name="role",
                                id="field-invite-role",
                                default_value="editor",
                                style={
                                    "flex": "1",
                                    "padding": "0.35em",
                                    "borderRadius": "var(--radius-2)",
                                    "border": "1px solid var(--gray-a7)",
                                    "background": "var(--color-surface)",
                                },
                            ),
                            align="center",
                            spacing="2",
                            width="100%",
                        ),
                        rx.button("Invite", type="submit", size="2"),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=DraftState.invite,
                    aria_label="Invite a member",
                    width="100%",
                ),
            ),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(
                    rx.button("Leave draft", variant="soft", color_scheme="gray", size="2"),
                ),
                rx.alert_dialog.content(
                    rx.alert_dialog.title("Leave this draft?"),
                    rx.alert_dialog.description(
                        rx.cond(
                            DraftState.is_owner,
                            "Ownership passes to the longest-standing editor. Your authorship "
                            "credit stays with the text you wrote.",
                            "You will lose access. Your authorship credit stays with the text "
                            "you wrote.",
                        ),
                    ),
                    rx.hstack(
                        rx.alert_dialog.cancel(
                            rx.button("Stay", variant="soft", color_scheme="gray")
                        ),
                        rx.alert_dialog.action(
                            rx.button("Leave", color_scheme="red", on_click=DraftState.leave),
                        ),
                        spacing="3",
                        justify="end",
                        margin_top="1em",
                    ),
                ),
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
        rx.el.ul(
            rx.foreach(
                DraftState.author_shares,
                lambda a: rx.el.li(
                    rx.hstack(
                        rx.box(
                            width="0.8em",
                            height="0.8em",
                            border_radius="2px",
                            background=a["color"],
                            aria_hidden="true",
                        ),
                        rx.text(a["name"], weight="medium", size="2"),
                        rx.text(a["share"], size="2"),
                        rx.text("(", a["chars"], " characters)", size="1", color_scheme="gray"),
                        align="center",
                        spacing="2",
                    ),
                    style={"listStyle": "none"},
                ),
            ),
            aria_label="Authorship shares",
            style={
                "display": "flex",
                "flexWrap": "wrap",
                "gap": "0.4em 1.4em",
                "padding": 0,
                "margin": 0,
            },
        ),
        rx.box(
            rx.foreach(
                DraftState.author_runs,
                lambda r: rx.el.span(
                    r["text"],
                    title=r["name"],
                    style={
                        "backgroundColor": r["color"] + "38",
                        "borderBottom": "2px solid " + r["color"],
                    },
                ),
            ),
            aria_label="Text coloured by author",
            role="region",
            white_space="pre-wrap",
            font_family="ui-serif, Georgia, Cambria, 'Times New Roman', serif",
            line_height="1.7",
            padding="1em 1.25em",
            border="1px solid var(--gray-a6)",
            border_radius="var(--radius-3)",
            width="100%",
            min_height="6em",
        ),
        spacing="3",
        width="100%",
    )


def _snapshot_row(s: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.vstack(
                rx.text(s["label"], weight="medium", size="2"),
                rx.text(
                    s["when"],
                    rx.cond(s["by"] != "", " · " + s["by"], ""),
                    size="1",
                    color_scheme="gray",
                ),
                spacing="0",
            ),
            rx.spacer(),
            rx.button(
                "View",
                on_click=DraftState.view_snapshot(s["id"]),
                size="1",
                variant="soft",
                aria_label="View " + s["label"] + " " + s["when"],
            ),
            align="center",
            width="100%",
        ),
        style={"listStyle": "none"},
    )


def _diff_line(d: rx.Var) -> rx.Component:
    return rx.el.div(
        rx.match(d["kind"], ("add", "+ "), ("del", "− "), "  "),
        d["text"],
        style={
            "whiteSpace": "pre-wrap",
            "fontFamily": "var(--code-font-family, monospace)",
            "fontSize": "0.85em",
            "padding": "0 0.5em",
            "backgroundColor": rx.match(
                d["kind"], ("add", "var(--green-a3)"), ("del", "var(--red-a3)"), "transparent"
            ),
        },
        data_kind=d["kind"],
    )


def _history_panel() -> rx.Component:
    return rx.vstack(
        rx.cond(
            DraftState.can_edit,
            rx.form(
                rx.hstack(
                    rx.input(
                        name="name",
                        id="snapshot-name",
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
            ),
        ),
        rx.cond(
            DraftState.viewing_snapshot_id > 0,
            rx.card(
                rx.vstack(
                    rx.hstack(
                        rx.heading(DraftState.viewing_label, size="3", as_="h3"),
                        rx.spacer(),
                        rx.cond(
                            DraftState.can_edit,
                            rx.button(
                                "Restore this version",
                                on_click=DraftState.restore_snapshot(
                                    DraftState.viewing_snapshot_id.to_string()
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
                            rx.box(
                                rx.foreach(DraftState.diff_lines, _diff_line),
                                aria_label="Changes since this version",
                                role="region",
                                padding_y="0.5em",
                            ),
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
            ),
        ),
        rx.cond(
            DraftState.snapshots.length() > 0,
            rx.el.ul(
                rx.foreach(DraftState.snapshots, _snapshot_row),
                aria_label="Snapshots",
                style={
                    "display": "flex",
                    "flexDirection": "column",
                    "gap": "0.5em",
                    "padding": 0,
                    "margin": 0,
                    "width": "100%",
                },
            ),
            rx.text(
                "No snapshots yet. They are taken automatically while people write, "
                "or name one yourself.",
                size="2",
                color_scheme="gray",
            ),
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


def draft_page() -> rx.Component:
    return page(
        rx.cond(
            DraftState.found,
            rx.vstack(
                rx.link(
                    rx.hstack(
                        rx.icon("arrow-left", size=14),
                        rx.text("All drafts"),
                        spacing="1",
                        align="center",
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
                            "You can read this draft but not change it.",
                            size="2",
                            color_scheme="gray",
                        ),
                    ),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
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
