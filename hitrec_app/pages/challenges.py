"""The challenge board, a challenge's page and the challenge form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from hitrec_app import routes
from hitrec_app.components.dialogs import confirm_dialog
from hitrec_app.components.forms import (
    checkbox_field,
    checkbox_group,
    choice_select,
    form_stack,
    inline_form,
    select_field,
    text_area_field,
    text_field,
)
from hitrec_app.components.layout import (
    dead_end,
    error_callout,
    item_page,
    link_button,
    page_title,
    titled_page,
)
from hitrec_app.components.presence import watching_note
from hitrec_app.components.records import entry_card, kind_badge
from hitrec_app.components.sections import (
    CARD_COLUMNS,
    card_grid,
    grid_card,
    note,
    panel,
    section,
    wrap_row,
)
from hitrec_app.state.base import AuthState
from hitrec_app.state.challenges import (
    BoardLive,
    BoardRow,
    BoardState,
    ChallengeFormState,
    ChallengeLive,
    ChallengeState,
)
from hitrec_app.state.rows import EntryRow, RecordLinkRow, TitledRow
from hitrec_app.vocabulary import RECORD_KINDS

STATUS_COLORS = {"open": "green", "closing soon": "orange", "closed": "gray", "draft": "blue"}
SORT_CHOICES = (("newest", "Newest"), ("hearts", "Most hearted"), ("remixes", "Most remixed"))
KIND_FILTER_CHOICES = (("all", "All kinds"), *((k, k.capitalize()) for k in RECORD_KINDS))
SEARCH_COLUMNS = rx.breakpoints(initial="1", sm="2", md="4")


def status_badge(status: str | rx.Var[str]) -> rx.Component:
    return rx.badge(
        status, color_scheme=rx.match(status, *STATUS_COLORS.items(), "gray"), variant="surface"
    )


def _entries_line(count: int | rx.Var[int]) -> rx.Var[str]:
    """ "1 entry", "3 entries"."""
    return rx.cond(count == 1, f"{count} entry", f"{count} entries")


def _record_link(row: ObjectVar[RecordLinkRow]) -> rx.Component:
    return rx.link(row.title, href=routes.record_url(row.id), size="2")


# --- the board -------------------------------------------------------------------------------


def _challenge_card(item: ObjectVar[BoardRow]) -> rx.Component:
    return grid_card(
        item.title,
        rx.hstack(
            status_badge(item.status),
            note(_entries_line(item.entry_count)),
            justify="between",
            width="100%",
        ),
        rx.link(rx.heading(item.title, size="4", as_="h3"), href=routes.challenge_url(item.id)),
        note("hosted by ", item.host),
        rx.cond(item.deadline != "", rx.text("deadline: ", item.deadline, size="2")),
        rx.cond(
            item.money != "",
            rx.callout(item.money, icon="hand-coins", size="1", color_scheme="amber"),
        ),
        rx.cond(
            item.latest.length() > 0,
            rx.vstack(
                rx.text("Latest entries", size="1", weight="bold", color_scheme="gray"),
                rx.foreach(item.latest, _record_link),
                spacing="1",
            ),
        ),
    )


def _board_section(title: str, items: ArrayVar[Sequence[BoardRow]], empty: str) -> rx.Component:
    return section(
        title, items, _challenge_card, empty=empty, columns=CARD_COLUMNS, landmark=True, spacing="3"
    )


def _search() -> rx.Component:
    return rx.vstack(
        inline_form(
            rx.el.label(
                "Search records by title or tag",
                html_for="field-q",
                class_name="sr-only",
                style={"position": "absolute", "left": "-9999px"},
            ),
            rx.input(
                name="q",
                id="field-q",
                placeholder="Search records by title or tag",
                aria_label="Search records by title or tag",
                width="100%",
                size="3",
            ),
            rx.button(rx.icon("search", size=16), "Search", type="submit", size="3"),
            on_submit=BoardState.search,
            role="search",
        ),
        rx.cond(
            BoardState.searched,
            section(
                "Search results",
                BoardState.results,
                lambda row: entry_card(row),  # foreach wants a one-argument function
                empty=f"No records match “{BoardState.query}”.",
                columns=SEARCH_COLUMNS,
                spacing="3",
            ),
        ),
        width="100%",
        spacing="3",
    )


def _status_section(title: str, status: str, empty: str) -> rx.Component:
    """The live board's challenges in one `status`."""
    items: ArrayVar[Sequence[BoardRow]] = BoardLive.items
    return _board_section(title, items.filter(lambda i: i.status == status), empty)


def board() -> rx.Component:
    return titled_page(
        "Challenges",
        _search(),
        rx.cond(
            BoardState.drafts.length() > 0,
            _board_section("Your drafts", BoardState.drafts, ""),
        ),
        _status_section("Closing soon", "closing soon", "Nothing closes in the next two days."),
        _status_section("Open", "open", "No open challenges right now."),
        _status_section("Closed", "closed", "No closed challenges yet."),
        actions=[
            rx.cond(
                AuthState.signed_in,
                link_button(
                    "Submit a record", routes.new_record_url(), icon="upload", variant="soft"
                ),
            ),
            rx.cond(
                AuthState.is_host,
                link_button("New challenge", routes.CHALLENGE_NEW, icon="plus"),
            ),
        ],
        intro="Answer a prompt with a record, or remix someone else's.",
        size="8",
        spacing="5",
    )


# --- a challenge's page ----------------------------------------------------------------------


def _controls() -> rx.Component:
    s = ChallengeState
    return wrap_row(
        choice_select(
            "Sort by", SORT_CHOICES, value=s.sort, on_change=s.set_sort, field_id="sort-select"
        ),
        choice_select(
            "Kind",
            KIND_FILTER_CHOICES,
            value=rx.cond(s.kind == "", "all", s.kind),
            on_change=s.set_kind,
            field_id="kind-select",
        ),
        checkbox_field(
            "Never remixed yet",
            "never_remixed",
            label_size="2",
            checked=s.never_remixed,
            on_change=s.set_never_remixed,
            id="never-remixed",
        ),
        rx.spacer(),
        note(f"{s.total} shown by this filter"),
        spacing="4",
        align="end",
        width="100%",
    )


def _pager() -> rx.Component:
    s = ChallengeState
    return rx.cond(
        s.pages > 1,
        rx.el.nav(
            rx.hstack(
                rx.button(
                    "Previous page",
                    # mypy reads @rx.event as its EventNamespace class (the decorator's
                    # __new__ overloads), so a handler called with an argument needs this:
                    on_click=s.go_page(s.page - 1),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
                    disabled=s.page <= 1,
                    variant="soft",
                ),
                rx.text(f"Page {s.page} of {s.pages}", size="2"),
                rx.button(
                    "Next page",
                    on_click=s.go_page(s.page + 1),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
                    disabled=s.page >= s.pages,
                    variant="soft",
                ),
                align="center",
                spacing="3",
            ),
            aria_label="Pages",
        ),
    )


def _live_strip() -> rx.Component:
    return rx.el.section(
        wrap_row(
            rx.badge("live", color_scheme="green"),
            rx.text(_entries_line(ChallengeLive.entry_count), weight="bold", aria_live="polite"),
            note("· latest:"),
            rx.foreach(ChallengeLive.latest, _record_link),
            spacing="2",
        ),
        aria_label="Latest entries",
    )


def _live_entry(row: ObjectVar[EntryRow]) -> rx.Component:
    """An entry card whose heart and remix counts follow the challenge's room."""
    # mypy cannot pick the right overload of a dict field's class access (it says
    # ArrayVar[Never]); the cast states what Reflex hands over.
    hearts = cast(ObjectVar[dict[str, int]], ChallengeLive.hearts)
    remixes = cast(ObjectVar[dict[str, int]], ChallengeLive.remixes)
    return entry_card(
        row,
        hearts=rx.cond(hearts.contains(row.id), hearts[row.id], row.hearts),
        remixes=rx.cond(remixes.contains(row.id), remixes[row.id], row.remixes),
    )


def _manage_buttons() -> rx.Component:
    s = ChallengeState
    return rx.hstack(
        rx.cond(
            s.state != "closed",
            link_button("Edit challenge", routes.challenge_edit_url(s.cid), variant="outline"),
        ),
        rx.cond(
            s.state == "draft",
            rx.button("Open challenge", on_click=s.open_challenge, color_scheme="green"),
        ),
        rx.cond(
            s.state == "open",
            confirm_dialog(
                rx.button("Close challenge", color_scheme="red", variant="soft"),
                title="Close this challenge?",
                description="It will take no more entries.",
                confirm="Close it",
                cancel="Keep it open",
                on_confirm=s.close_challenge,
            ),
        ),
        spacing="3",
    )


def _challenge_header() -> rx.Component:
    s = ChallengeState
    return rx.fragment(
        rx.hstack(rx.link("← All challenges", href=routes.CHALLENGES, size="2"), width="100%"),
        wrap_row(
            page_title(s.title, size="8"),
            status_badge(rx.cond(ChallengeLive.status != "", ChallengeLive.status, s.status)),
        ),
        note(
            "hosted by ",
            rx.link(s.host_name, href=routes.user_url(s.host_username)),
            rx.cond(s.deadline != "", f" · deadline {s.deadline}", ""),
            size=None,
        ),
        watching_note(ChallengeLive.watching, ChallengeLive.watchers),
        rx.cond(
            s.money != "",
            rx.callout(s.money, icon="hand-coins", color_scheme="amber", title="Money involved"),
        ),
        rx.cond(s.production != "", rx.text("For the production “", s.production, "”", size="2")),
    )


def _prompt() -> rx.Component:
    s = ChallengeState
    return panel(
        "Prompt",
        rx.text(s.prompt, white_space="pre-wrap"),
        rx.cond(
            s.instructions != "",
            rx.vstack(
                rx.heading("Instructions", size="3", as_="h2"),
                rx.text(s.instructions, white_space="pre-wrap"),
            ),
        ),
        rx.hstack(rx.text("Accepts", size="2"), rx.foreach(s.kinds, kind_badge), spacing="2"),
        size="3",
        spacing="2",
    )


def challenge_page() -> rx.Component:
    s = ChallengeState
    return item_page(
        s.found,
        dead_end("No such challenge", back=("See all challenges", routes.CHALLENGES)),
        _challenge_header(),
        _prompt(),
        error_callout(s.error),
        wrap_row(
            rx.cond(
                (s.state == "open") & (s.status != "closed") & AuthState.signed_in,
                link_button(
                    "Submit a record",
                    routes.new_record_url(challenge_id=s.cid),
                    icon="upload",
                    size="3",
                ),
            ),
            rx.cond(s.can_manage, _manage_buttons()),
            align="start",
        ),
        rx.divider(),
        rx.heading("Entries", size="6", as_="h2"),
        _live_strip(),
        _controls(),
        card_grid(s.entries, _live_entry, empty="No entries here yet."),
        _pager(),
    )


# --- the challenge form ----------------------------------------------------------------------


def _production_option(row: ObjectVar[TitledRow]) -> tuple[rx.Var, rx.Var]:
    return row.id, row.title


def _money_fields() -> rx.Component:
    f = ChallengeFormState
    return rx.fragment(
        rx.hstack(
            text_field(
                "Pool in dollars (optional)",
                "pool",
                default_value=f.f_pool,
                inputmode="decimal",
                placeholder="e.g. 1200",
            ),
            text_field(
                "Contributors' share in % (optional)",
                "share",
                default_value=f.f_share,
                inputmode="decimal",
                placeholder="e.g. 50",
            ),
            width="100%",
            spacing="3",
        ),
        note(
            "When money is involved the pool and share are shown on the challenge, "
            "so nobody contributes blind."
        ),
    )


def challenge_form() -> rx.Component:
    f = ChallengeFormState
    editing = f.editing_id > 0
    return item_page(
        f.allowed,
        dead_end(
            "Challenges",
            error_callout(f.error),
            rx.cond(f.error == "", rx.text("Only hosts can post challenges.")),
            back=("Back to the board", routes.CHALLENGES),
        ),
        form_stack(
            page_title(rx.cond(editing, "Edit challenge", "New challenge")),
            error_callout(f.error),
            text_field("Title", "title", default_value=f.f_title, required=True, max_length=200),
            text_area_field("Prompt", "prompt", default_value=f.f_prompt, required=True),
            text_area_field("Instructions", "instructions", default_value=f.f_instructions, rows=3),
            checkbox_group(
                "Accepted record kinds",
                *[
                    checkbox_field(
                        k.capitalize(),
                        f"kind_{k}",
                        default_checked=f.f_kinds.contains(k),
                        id=f"kind-{k}",
                    )
                    for k in RECORD_KINDS
                ],
            ),
            text_field(
                "Deadline (UTC, optional)",
                "deadline",
                type="datetime-local",
                default_value=f.f_deadline,
            ),
            select_field(
                "Production (optional)",
                "production",
                f.productions,
                first=("", "No production"),
                option=_production_option,
                default_value=f.f_production,
            ),
            _money_fields(),
            rx.cond(
                f.editing_id == 0,
                checkbox_field(
                    "Open it for entries now (otherwise save as a draft)",
                    "publish",
                    id="field-publish",
                    default_checked=True,
                ),
            ),
            rx.button(
                rx.cond(editing, "Save challenge", "Post challenge"), type="submit", size="3"
            ),
            on_submit=f.submit,
            label="Challenge",
            spacing="4",
            max_width="40em",
            key=f.loads,
        ),
    )
