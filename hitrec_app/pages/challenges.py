"""The challenge board, a challenge's page and the challenge form."""

from __future__ import annotations

import reflex as rx

from hitrec_app import routes
from hitrec_app.components.layout import error_callout, labelled_input, page
from hitrec_app.components.records import entry_card, kind_badge
from hitrec_app.state.base import AuthState
from hitrec_app.state.challenges import (
    BoardRoom,
    BoardState,
    ChallengeFormState,
    ChallengeRoom,
    ChallengeState,
)

STATUS_COLORS = {"open": "green", "closing soon": "orange", "closed": "gray", "draft": "blue"}
KIND_CHOICES = ["text", "image", "audio", "video"]


def status_badge(status) -> rx.Component:  # noqa: ANN001
    return rx.badge(
        status, color_scheme=rx.match(status, *STATUS_COLORS.items(), "gray"), variant="surface"
    )


def _challenge_card(item) -> rx.Component:  # noqa: ANN001
    return rx.el.article(
        rx.card(
            rx.vstack(
                rx.hstack(
                    status_badge(item["status"]),
                    rx.text(
                        item["entries"].to(str)
                        + rx.cond(item["entries"].to(int) == 1, " entry", " entries"),
                        size="2",
                        color_scheme="gray",
                    ),
                    justify="between",
                    width="100%",
                ),
                rx.link(
                    rx.heading(item["title"], size="4", as_="h3"),
                    href="/challenges/" + item["id"].to(str),
                ),
                rx.text("hosted by ", item["host"], size="2", color_scheme="gray"),
                rx.cond(item["deadline"] != "", rx.text("deadline: ", item["deadline"], size="2")),
                rx.cond(
                    item["money"] != "",
                    rx.callout(item["money"], icon="hand-coins", size="1", color_scheme="amber"),
                ),
                rx.cond(
                    item["latest"].to(list).length() > 0,
                    rx.vstack(
                        rx.text("Latest entries", size="1", weight="bold", color_scheme="gray"),
                        rx.foreach(
                            item["latest"].to(list[dict]),
                            lambda e: rx.link(
                                e["title"], href="/records/" + e["id"].to(str), size="2"
                            ),
                        ),
                        spacing="1",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
            height="100%",
        ),
        aria_label=item["title"].to(str),
    )


def _section(title: str, items, empty: str) -> rx.Component:  # noqa: ANN001
    return rx.el.section(
        rx.vstack(
            rx.heading(title, size="5", as_="h2"),
            rx.cond(
                items.length() > 0,
                rx.grid(
                    rx.foreach(items, _challenge_card),
                    columns=rx.breakpoints(initial="1", sm="2", md="3"),
                    spacing="3",
                    width="100%",
                ),
                rx.text(empty, color_scheme="gray"),
            ),
            width="100%",
            spacing="3",
        ),
        aria_label=title,
        style={"width": "100%"},
    )


def _search() -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.hstack(
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
                width="100%",
            ),
            on_submit=BoardState.search,
            role="search",
            width="100%",
        ),
        rx.cond(
            BoardState.searched,
            rx.vstack(
                rx.heading("Search results", size="4", as_="h2"),
                rx.cond(
                    BoardState.results.length() > 0,
                    rx.grid(
                        rx.foreach(BoardState.results, lambda r: entry_card(r)),
                        columns=rx.breakpoints(initial="1", sm="2", md="4"),
                        spacing="3",
                        width="100%",
                    ),
                    rx.text("No records match “", BoardState.query, "”.", color_scheme="gray"),
                ),
                width="100%",
            ),
        ),
        width="100%",
        spacing="3",
    )


def board() -> rx.Component:
    open_items = BoardRoom.items.to(list[dict])
    return page(
        rx.vstack(
            rx.hstack(
                rx.heading("Challenges", size="8", as_="h1"),
                rx.hstack(
                    rx.cond(
                        AuthState.signed_in,
                        rx.link(
                            rx.button(
                                rx.icon("upload", size=16), "Submit a record", variant="soft"
                            ),
                            href=routes.RECORD_NEW,
                        ),
                    ),
                    rx.cond(
                        AuthState.is_host,
                        rx.link(
                            rx.button(rx.icon("plus", size=16), "New challenge"),
                            href=routes.CHALLENGE_NEW,
                        ),
                    ),
                    spacing="3",
                ),
                justify="between",
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.text("Answer a prompt with a record, or remix someone else's.", color_scheme="gray"),
            _search(),
            rx.cond(BoardState.drafts.length() > 0, _section("Your drafts", BoardState.drafts, "")),
            _section(
                "Closing soon",
                open_items.filter(lambda i: i["status"] == "closing soon"),
                "Nothing closes in the next two days.",
            ),
            _section(
                "Open",
                open_items.filter(lambda i: i["status"] == "open"),
                "No open challenges right now.",
            ),
            _section(
                "Closed",
                open_items.filter(lambda i: i["status"] == "closed"),
                "No closed challenges yet.",
            ),
            spacing="5",
            width="100%",
        ),
    )


def _controls() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.el.label(
                "Sort by", html_for="sort-select", style={"fontSize": "var(--font-size-1)"}
            ),
            rx.select.root(
                rx.select.trigger(id="sort-select", aria_label="Sort by"),
                rx.select.content(
                    rx.select.item("Newest", value="newest"),
                    rx.select.item("Most hearted", value="hearts"),
                    rx.select.item("Most remixed", value="remixes"),
                ),
                value=ChallengeState.sort,
                on_change=ChallengeState.set_sort,
            ),
            spacing="1",
        ),
        rx.vstack(
            rx.el.label("Kind", html_for="kind-select", style={"fontSize": "var(--font-size-1)"}),
            rx.select.root(
                rx.select.trigger(id="kind-select", aria_label="Kind"),
                rx.select.content(
                    rx.select.item("All kinds", value="all"),
                    *[rx.select.item(k.capitalize(), value=k) for k in KIND_CHOICES],
                ),
                value=rx.cond(ChallengeState.kind == "", "all", ChallengeState.kind),
                on_change=ChallengeState.set_kind,
            ),
            spacing="1",
        ),
        rx.el.label(
            rx.hstack(
                rx.checkbox(
                    checked=ChallengeState.never_remixed,
                    on_change=ChallengeState.set_never_remixed,
                    id="never-remixed",
                ),
                rx.text("Never remixed yet", size="2"),
                align="center",
            ),
            html_for="never-remixed",
        ),
        rx.spacer(),
        rx.text(
            ChallengeState.total.to(str) + " shown by this filter", size="2", color_scheme="gray"
        ),
        spacing="4",
        align="end",
        wrap="wrap",
        width="100%",
    )


def _pager() -> rx.Component:
    return rx.cond(
        ChallengeState.pages > 1,
        rx.el.nav(
            rx.hstack(
                rx.button(
                    "Previous page",
                    on_click=ChallengeState.go_page(ChallengeState.page - 1),
                    disabled=ChallengeState.page <= 1,
                    variant="soft",
                ),
                rx.text(
                    "Page ",
                    ChallengeState.page.to(str),
                    " of ",
                    ChallengeState.pages.to(str),
                    size="2",
                ),
                rx.button(
                    "Next page",
                    on_click=ChallengeState.go_page(ChallengeState.page + 1),
                    disabled=ChallengeState.page >= ChallengeState.pages,
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
        rx.hstack(
            rx.badge("live", color_scheme="green"),
            rx.text(
                ChallengeRoom.entry_count.to(str)
                + rx.cond(ChallengeRoom.entry_count == 1, " entry", " entries"),
                weight="bold",
                aria_live="polite",
            ),
            rx.text("· latest:", color_scheme="gray", size="2"),
            rx.foreach(
                ChallengeRoom.latest,
                lambda e: rx.link(e["title"], href="/records/" + e["id"].to(str), size="2"),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        aria_label="Latest entries",
    )


def challenge_page() -> rx.Component:
    s = ChallengeState
    return page(
        rx.cond(
            s.found,
            rx.vstack(
                rx.hstack(
                    rx.link("← All challenges", href=routes.CHALLENGES, size="2"),
                    width="100%",
                ),
                rx.hstack(
                    rx.heading(s.title, size="8", as_="h1"),
                    status_badge(
                        rx.cond(ChallengeRoom.status != "", ChallengeRoom.status, s.status)
                    ),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                rx.text(
                    "hosted by ",
                    rx.link(s.host_name, href="/u/" + s.host_username),
                    rx.cond(s.deadline != "", " · deadline " + s.deadline, ""),
                    color_scheme="gray",
                ),
                rx.cond(
                    s.money != "",
                    rx.callout(
                        s.money, icon="hand-coins", color_scheme="amber", title="Money involved"
                    ),
                ),
                rx.cond(
                    s.production != "", rx.text("For the production “", s.production, "”", size="2")
                ),
                rx.card(
                    rx.vstack(
                        rx.heading("Prompt", size="3", as_="h2"),
                        rx.text(s.prompt, white_space="pre-wrap"),
                        rx.cond(
                            s.instructions != "",
                            rx.vstack(
                                rx.heading("Instructions", size="3", as_="h2"),
                                rx.text(s.instructions, white_space="pre-wrap"),
                            ),
                        ),
                        rx.hstack(
                            rx.text("Accepts", size="2"),
                            rx.foreach(s.kinds, kind_badge),
                            spacing="2",
                        ),
                        spacing="2",
                    ),
                    width="100%",
                ),
                error_callout(s.error),
                rx.hstack(
                    rx.cond(
                        (s.state == "open") & (s.status != "closed") & AuthState.signed_in,
                        rx.link(
                            rx.button(rx.icon("upload", size=16), "Submit a record", size="3"),
                            href="/records/new?challenge=" + s.cid.to(str),
                        ),
                    ),
                    rx.cond(
                        s.can_manage,
                        rx.hstack(
                            rx.cond(
                                s.state != "closed",
                                rx.link(
                                    rx.button("Edit challenge", variant="outline"),
                                    href="/challenges/" + s.cid.to(str) + "/edit",
                                ),
                            ),
                            rx.cond(
                                s.state == "draft",
                                rx.button(
                                    "Open challenge",
                                    on_click=s.open_challenge,
                                    color_scheme="green",
                                ),
                            ),
                            rx.cond(
                                s.state == "open",
                                rx.alert_dialog.root(
                                    rx.alert_dialog.trigger(
                                        rx.button(
                                            "Close challenge", color_scheme="red", variant="soft"
                                        )
                                    ),
                                    rx.alert_dialog.content(
                                        rx.alert_dialog.title("Close this challenge?"),
                                        rx.alert_dialog.description(
                                            "It will take no more entries."
                                        ),
                                        rx.hstack(
                                            rx.alert_dialog.cancel(
                                                rx.button("Keep it open", variant="soft")
                                            ),
                                            rx.alert_dialog.action(
                                                rx.button(
                                                    "Close it",
                                                    color_scheme="red",
                                                    on_click=s.close_challenge,
                                                )
                                            ),
                                            spacing="3",
                                            justify="end",
                                        ),
                                    ),
                                ),
                            ),
                            spacing="3",
                        ),
                    ),
                    spacing="3",
                    wrap="wrap",
                ),
                rx.divider(),
                rx.heading("Entries", size="6", as_="h2"),
                _live_strip(),
                _controls(),
                rx.cond(
                    s.entries.length() > 0,
                    rx.grid(
                        rx.foreach(
                            s.entries,
                            lambda row: entry_card(
                                row,
                                hearts=rx.cond(
                                    ChallengeRoom.hearts.contains(row["key"]),
                                    ChallengeRoom.hearts[row["key"].to(str)],
                                    row["hearts"],
                                ),
                                remixes=rx.cond(
                                    ChallengeRoom.remixes.contains(row["key"]),
                                    ChallengeRoom.remixes[row["key"].to(str)],
                                    row["remixes"],
                                ),
                            ),
                        ),
                        columns=rx.breakpoints(initial="1", sm="2", md="3"),
                        spacing="3",
                        width="100%",
                    ),
                    rx.text("No entries here yet.", color_scheme="gray"),
                ),
                _pager(),
                spacing="4",
                width="100%",
            ),
            rx.vstack(
                rx.heading("No such challenge", size="7", as_="h1"),
                rx.link("See all challenges", href=routes.CHALLENGES),
            ),
        ),
    )


def _textarea(label: str, name: str, value, rows: str = "4", **props) -> rx.Component:  # noqa: ANN001
    return rx.vstack(
        rx.el.label(label, html_for=f"field-{name}", style={"fontWeight": 500}),
        rx.text_area(
            name=name, id=f"field-{name}", default_value=value, rows=rows, width="100%", **props
        ),
        spacing="1",
        width="100%",
    )


def challenge_form() -> rx.Component:
    f = ChallengeFormState
    return page(
        rx.cond(
            f.allowed,
            rx.form(
                rx.vstack(
                    rx.heading(
                        rx.cond(f.editing_id > 0, "Edit challenge", "New challenge"),
                        size="7",
                        as_="h1",
                    ),
                    error_callout(f.error),
                    labelled_input(
                        "Title", "title", default_value=f.f_title, required=True, max_length=200
                    ),
                    _textarea("Prompt", "prompt", f.f_prompt, required=True),
                    _textarea("Instructions", "instructions", f.f_instructions, rows="3"),
                    rx.el.fieldset(
                        rx.el.legend("Accepted record kinds", style={"fontWeight": 500}),
                        rx.hstack(
                            *[
                                rx.el.label(
                                    rx.hstack(
                                        rx.checkbox(
                                            name=f"kind_{k}",
                                            default_checked=f.f_kinds.contains(k),
                                            id=f"kind-{k}",
                                        ),
                                        rx.text(k.capitalize()),
                                        align="center",
                                    ),
                                    html_for=f"kind-{k}",
                                )
                                for k in KIND_CHOICES
                            ],
                            spacing="4",
                        ),
                        style={"border": "none", "padding": 0},
                    ),
                    labelled_input(
                        "Deadline (UTC, optional)",
                        "deadline",
                        type="datetime-local",
                        default_value=f.f_deadline,
                    ),
                    rx.vstack(
                        rx.el.label(
                            "Production (optional)",
                            html_for="field-production",
                            style={"fontWeight": 500},
                        ),
                        rx.el.select(
                            rx.el.option("No production", value=""),
                            rx.foreach(
                                f.productions, lambda p: rx.el.option(p["title"], value=p["id"])
                            ),
                            name="production",
                            id="field-production",
                            default_value=f.f_production,
                            style={"padding": "0.5em", "width": "100%"},
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    rx.hstack(
                        labelled_input(
                            "Pool in dollars (optional)",
                            "pool",
                            default_value=f.f_pool,
                            inputmode="decimal",
                            placeholder="e.g. 1200",
                        ),
                        labelled_input(
                            "Contributors' share in % (optional)",
                            "share",
                            default_value=f.f_share,
                            inputmode="decimal",
                            placeholder="e.g. 50",
                        ),
                        width="100%",
                        spacing="3",
                    ),
                    rx.text(
                        "When money is involved the pool and share are shown on the challenge, "
                        "so nobody contributes blind.",
                        size="2",
                        color_scheme="gray",
                    ),
                    rx.cond(
                        f.editing_id == 0,
                        rx.el.label(
                            rx.hstack(
                                rx.checkbox(
                                    name="publish", id="field-publish", default_checked=True
                                ),
                                rx.text("Open it for entries now (otherwise save as a draft)"),
                                align="center",
                            ),
                            html_for="field-publish",
                        ),
                    ),
                    rx.button(
                        rx.cond(f.editing_id > 0, "Save challenge", "Post challenge"),
                        type="submit",
                        size="3",
                    ),
                    spacing="4",
                    width="100%",
                    max_width="40em",
                ),
                on_submit=f.submit,
                aria_label="Challenge",
            ),
            rx.vstack(
                rx.heading("Challenges", size="7", as_="h1"),
                error_callout(f.error),
                rx.cond(f.error == "", rx.text("Only hosts can post challenges.")),
                rx.link("Back to the board", href=routes.CHALLENGES),
            ),
        ),
    )
