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
        note(f"{_live_total()} shown by this filter"),
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


# --- the entries list: this tab's own list, kept current by the room (in the browser) ---------
#
# `ChallengeState.entries` is this tab's own page (its sort, filter and page, read when it
# asked). The room (`ChallengeLive`) carries the challenge's newest entries (`arrivals`), the
# entries taken down lately (`removed`) and the latest edited titles to every viewer alike;
# the expressions below apply them to this tab's list in the browser, so a change costs no
# query and no state load per viewer.


def _joined() -> rx.Var[bool]:
    """This tab holds the room vars of the challenge it shows (its join has run)."""
    # mypy reads ChallengeState.cid (a plain `int` var) as an int, and so `==` as a bool.
    return cast(rx.Var[bool], ChallengeLive.cid == ChallengeState.cid)


def _shown(live: rx.Var, own: rx.Var | str | int) -> rx.Var:
    """The room's value once this tab has joined the challenge's room (it follows every
    change), else the one this tab loaded."""
    return rx.cond(_joined(), live, own)


def _counts(name: str) -> ObjectVar[dict[str, int]]:
    # mypy cannot pick the right overload of a dict field's class access (it says
    # ArrayVar[Never]); the cast states what Reflex hands over.
    return cast(ObjectVar[dict[str, int]], getattr(ChallengeLive, name))


def _live_count(row: ObjectVar[EntryRow], name: str) -> rx.Var[int]:
    """An entry's heart, remix or comment count: the room's latest, else the row's own."""
    counts = _counts(name)
    return rx.cond(counts.contains(row.id), counts[row.id], getattr(row, name))


def _fits_filter(row: ObjectVar[EntryRow]) -> rx.Var[bool]:
    """The entry belongs in this tab's list by its kind filter and "never remixed"."""
    s = ChallengeState
    return ((s.kind == "") | (row.kind == s.kind)) & (
        ~s.never_remixed | (_live_count(row, "remixes") == 0)
    )


def _arrived() -> ArrayVar[Sequence[EntryRow]]:
    """The room's entries that came after this tab read its list and fit its filter."""
    arrivals: ArrayVar[Sequence[EntryRow]] = ChallengeLive.arrivals
    return arrivals.filter(
        lambda row: _joined() & (row.id > ChallengeState.seen_upto) & _fits_filter(row)
    )


def _on_top() -> rx.Var[bool]:
    """This tab shows the newest entries first, from the first: new ones go on top."""
    s = ChallengeState
    return cast(rx.Var[bool], (s.sort == "newest") & (s.page == 1))  # plain vars: see _joined


def _unseen() -> ArrayVar[Sequence[EntryRow]]:
    """Arrived entries this tab's list does not hold (it may, if one came while it was read)."""
    entries: ArrayVar[Sequence[EntryRow]] = ChallengeState.entries
    return _arrived().filter(lambda row: ~entries.contains(row.id, "id"))


def _fresh() -> ArrayVar[Sequence[EntryRow]]:
    """New entries shown on top of the list (on "Newest", page 1 only)."""
    return _unseen().filter(lambda _row: _on_top())


def _kept() -> ArrayVar[Sequence[EntryRow]]:
    """This tab's own entries still up: not taken down (named in `removed`, or missing from
    the room's window of newest entries it would be in) and still fitting the filter."""
    live = ChallengeLive
    entries: ArrayVar[Sequence[EntryRow]] = ChallengeState.entries
    removed: ArrayVar[Sequence[int]] = live.removed
    arrivals: ArrayVar[Sequence[EntryRow]] = live.arrivals
    return entries.filter(
        lambda row: (
            ~_joined()
            | (
                ~removed.contains(row.id)
                & ((row.id <= live.live_after) | arrivals.contains(row.id, "id"))
                & _fits_filter(row)
            )
        )
    )


def _shown_entries() -> ArrayVar[Sequence[EntryRow]]:
    return _fresh() + _kept()


def _live_total() -> rx.Var:
    """The filter's total as loaded, with the entries arrived since and those taken down."""
    s = ChallengeState
    return s.total + _unseen().length() - (s.entries.length() - _kept().length())


def _new_entries_banner() -> rx.Component:
    """ "New entries have arrived": on a list new entries do not go on top of (another sort
    or page) when some fit its filter, or when more arrived than the room's window holds.
    Its button reloads this tab's own list (one query, on request)."""
    s = ChallengeState
    waiting = (~_on_top() & (_arrived().length() > 0)) | (
        _joined() & _on_top() & (ChallengeLive.live_after > s.seen_upto)
    )
    return rx.el.div(
        rx.cond(
            waiting,
            rx.callout.root(
                rx.hstack(
                    rx.callout.icon(rx.icon("sparkles", size=16)),
                    rx.callout.text("New entries have arrived."),
                    rx.button("Show", on_click=s.show_new, size="1", variant="soft"),
                    align="center",
                    spacing="2",
                ),
                size="1",
                color_scheme="blue",
            ),
        ),
        role="status",  # a polite live region, present before its text appears
        width="100%",
    )


def _live_entry(row: ObjectVar[EntryRow]) -> rx.Component:
    """An entry card whose title, heart and remix counts follow the challenge's room."""
    titles = cast(ObjectVar[dict[str, str]], ChallengeLive.titles)
    return entry_card(
        row,
        title=rx.cond(_joined() & titles.contains(row.id), titles[row.id], row.title),
        hearts=_live_count(row, "hearts"),
        remixes=_live_count(row, "remixes"),
        comments=_live_count(row, "comments"),
    )


def _status() -> rx.Var[str]:
    """ "open", "closing soon", "closed" or "draft", as it is now."""
    return _shown(ChallengeLive.status, ChallengeState.status)


def _taking_entries() -> rx.Var[bool]:
    return (_status() == "open") | (_status() == "closing soon")


def _manage_buttons() -> rx.Component:
    s = ChallengeState
    return wrap_row(
        rx.cond(
            _status() != "closed",
            link_button("Edit challenge", routes.challenge_edit_url(s.cid), variant="outline"),
        ),
        rx.cond(
            _status() == "draft",
            rx.button("Open challenge", on_click=s.open_challenge, color_scheme="green"),
        ),
        rx.cond(
            _shown(ChallengeLive.production_id, s.production_id) == 0,
            link_button(
                "Make a production from this challenge",
                routes.new_production_url(challenge_id=s.cid),
                icon="clapperboard",
                variant="soft",
            ),
        ),
        rx.cond(
            _taking_entries(),
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
    s, live = ChallengeState, ChallengeLive
    deadline, money = _shown(live.deadline, s.deadline), _shown(live.money, s.money)
    production = _shown(live.production, s.production)
    return rx.fragment(
        rx.hstack(rx.link("← All challenges", href=routes.CHALLENGES, size="2"), width="100%"),
        wrap_row(page_title(_shown(live.title, s.title), size="8"), status_badge(_status())),
        note(
            "hosted by ",
            rx.link(s.host_name, href=routes.user_url(s.host_username)),
            rx.cond(deadline != "", f" · deadline {deadline}", ""),
            size=None,
        ),
        watching_note(ChallengeLive.watching, ChallengeLive.watchers),
        rx.cond(
            money != "",
            rx.callout(money, icon="hand-coins", color_scheme="amber", title="Money involved"),
        ),
        rx.cond(
            production != "",
            rx.text(
                "For the production ",
                rx.link(
                    production,
                    href=routes.production_url(_shown(live.production_id, s.production_id)),
                ),
                size="2",
            ),
        ),
    )


def _prompt() -> rx.Component:
    s, live = ChallengeState, ChallengeLive
    instructions = _shown(live.instructions, s.instructions)
    kinds: ArrayVar[Sequence[str]] = _shown(live.kinds, s.kinds).to(list[str])
    return panel(
        "Prompt",
        rx.text(_shown(live.prompt, s.prompt), white_space="pre-wrap"),
        rx.cond(
            instructions != "",
            rx.vstack(
                rx.heading("Instructions", size="3", as_="h2"),
                rx.text(instructions, white_space="pre-wrap"),
            ),
        ),
        rx.hstack(rx.text("Accepts", size="2"), rx.foreach(kinds, kind_badge), spacing="2"),
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
                _taking_entries() & AuthState.signed_in,
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
        _new_entries_banner(),
        card_grid(_shown_entries(), _live_entry, empty="No entries here yet."),
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
