"""A pay proposal's live discussion (/proposals/[id]), the diff between two of its versions
(/proposals/[id]/diff) and the signed-in member's earnings (/earnings)."""

from __future__ import annotations

from typing import Any, cast

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from hitrec_app import routes
from hitrec_app.components.dialogs import confirm_dialog
from hitrec_app.components.forms import (
    checkbox_field,
    form_stack,
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
    small_button,
    success_callout,
    titled_page,
)
from hitrec_app.components.presence import watching_note
from hitrec_app.components.proposals import (
    countdown,
    split_chart,
    state_badge,
    tally_bar,
    vote_form,
)
from hitrec_app.components.sections import (
    load_more_button,
    main_and_side,
    note,
    panel,
    region,
    section,
    wrap_row,
)
from hitrec_app.state.base import AuthState
from hitrec_app.state.proposals import (
    BalanceRow,
    DiffRow,
    EarningsState,
    EvidenceRow,
    HistoryRow,
    LineRow,
    MyProposalRow,
    ProposalCommentRow,
    ProposalDiffState,
    ProposalLive,
    ProposalState,
    ReasonChoiceRow,
    ReasonLinkRow,
    SliceRow,
    TallyRow,
)

L = ProposalLive
S = ProposalState


def _map(var: Any) -> ObjectVar[dict[str, Any]]:
    # mypy cannot pick the right overload of a dict field's class access (it says
    # ArrayVar); the cast states what Reflex hands over.
    return cast(ObjectVar[dict[str, Any]], var)


def _on_current() -> rx.Var[bool]:
    """The table shows the current version (live), not an earlier one (read once)."""
    return S.shown_version == 0


def _shown_lines() -> ArrayVar[list[LineRow]]:
    return cast(ArrayVar[list[LineRow]], rx.cond(_on_current(), L.lines, S.past_lines))


def _shown_slices() -> ArrayVar[list[SliceRow]]:
    return cast(ArrayVar[list[SliceRow]], rx.cond(_on_current(), L.slices, S.past_slices))


VOTE_CHOICES = (("agree", "Agree"), ("object", "Object"), ("abstain", "Abstain"))


# --- the header ------------------------------------------------------------------------------


def _version_picker() -> rx.Component:
    """Which version the table shows: the current one (live) or an earlier one (read once)."""
    return rx.hstack(
        note("Version", size="2"),
        rx.foreach(
            L.versions,
            lambda n: small_button(
                n,
                variant=rx.cond(
                    (S.shown_version == n) | (_on_current() & (n == L.version)), "solid", "soft"
                ),
                on_click=S.show_version(n),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
                aria_label=rx.cond(n == L.version, f"Version {n} (current)", f"Version {n}"),
                aria_pressed=rx.cond(
                    (S.shown_version == n) | (_on_current() & (n == L.version)), "true", "false"
                ),
            ),
        ),
        rx.cond(
            L.version > 1,
            rx.link(
                "What changed in version ",
                L.version,
                href=routes.proposal_diff_url(L.pid, (L.version - 1).to(int), L.version),
                size="2",
            ),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _header() -> rx.Component:
    return rx.vstack(
        rx.link("← ", S.production_title, href=routes.production_url(S.production_id), size="2"),
        wrap_row(
            page_title(S.title, size="7"),
            state_badge(L.state),
            rx.badge("Version ", L.version, variant="outline", size="2"),
        ),
        wrap_row(
            rx.text(
                "Pool: ",
                rx.text.span(L.pool, weight="bold"),
                size="3",
            ),
            rx.cond(L.state == "open", countdown(L.closes_iso, L.closes_text)),
            watching_note(L.watching, L.watchers),
            spacing="5",
        ),
        _version_picker(),
        rx.cond(
            (L.version > 0)
            & (S.loaded_version > 0)
            & (L.version != S.loaded_version)
            & (S.has_stake | S.can_manage),
            rx.callout(
                wrap_row(
                    rx.text(
                        "Version ",
                        L.version,
                        " is out: your votes shown here are for version ",
                        S.loaded_version,
                        ".",
                    ),
                    small_button("Show my votes on the new version", on_click=S.refresh_mine),
                ),
                icon="refresh-cw",
                role="status",
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
    )


# --- the table of lines ------------------------------------------------------------------------


def _payee(line: ObjectVar[LineRow]) -> rx.Component:
    return rx.hstack(
        rx.avatar(
            src=rx.cond(line.avatar != "", rx.get_upload_url(line.avatar), ""),
            fallback=line.name.to(str)[:2],
            size="2",
            radius="full",
        ),
        rx.vstack(
            rx.link(line.name, href=routes.user_url(line.username), weight="bold"),
            rx.cond(S.my_id == line.payee_id, rx.badge("you", size="1", variant="soft")),
            spacing="0",
        ),
        spacing="2",
        align="center",
    )


def _share(line: ObjectVar[LineRow]) -> rx.Component:
    return rx.vstack(
        rx.text(line.share, weight="bold", size="4"),
        rx.text(line.amount, size="2"),
        rx.cond(line.suggested != "", note("suggested ", line.suggested, size="1")),
        spacing="0",
    )


def _evidence_item(e: ObjectVar[EvidenceRow]) -> rx.Component:
    return rx.el.li(rx.link(e.text, href=routes.record_url(e.record_id), size="1"))


def _evidence(line: ObjectVar[LineRow]) -> rx.Component:
    return rx.vstack(
        rx.el.ul(
            rx.foreach(line.evidence, _evidence_item),
            style={"margin": 0, "paddingLeft": "1.1em"},
            aria_label="Evidence",
        ),
        rx.cond(
            line.reason != "",
            rx.callout(
                rx.text(rx.text.span("Host's reason: ", weight="bold"), line.reason, size="1"),
                icon="pencil",
                size="1",
                color_scheme="amber",
            ),
        ),
        spacing="1",
        align="start",
    )


def _tally(line: ObjectVar[LineRow]) -> rx.Component:
    key = line.payee_id.to_string()
    t = cast(ObjectVar[TallyRow], _map(L.tallies)[key])
    return rx.cond(
        ~_on_current(),
        note("Tallies are of the current version", size="1"),
        rx.cond(
            L.tallies_hidden,
            note("Tallies hidden until close", size="1"),
            rx.cond(
                L.tallies.contains(key),
                tally_bar(
                    t.agree.to(int),
                    t.objected.to(int),
                    t.abstain.to(int),
                    label=f"Votes on {line.name}'s line: {t.agree} agree, "
                    f"{t.objected} object, {t.abstain} abstain",
                ),
                note("No votes yet", size="1"),
            ),
        ),
    )


def _my_vote(line: ObjectVar[LineRow]) -> rx.Component:
    """This member's vote on the line: shown, changeable until close."""
    key = line.payee_id.to_string()
    return rx.cond(
        AuthState.signed_in & (L.state == "open") & ~L.closed & _on_current(),
        rx.vstack(
            rx.cond(
                S.my_votes.contains(key),
                note("Your vote: ", rx.text.span(_map(S.my_votes)[key], weight="bold"), size="1"),
            ),
            rx.cond(
                S.my_stale.contains(key),
                rx.badge(
                    "cast on version ",
                    _map(S.my_stale)[key],
                    ": look again",
                    color_scheme="amber",
                    size="1",
                ),
            ),
            vote_form(
                payee_id=line.payee_id,
                payee_name=line.name,
                choices=VOTE_CHOICES,
                value=rx.cond(_map(S.my_votes).contains(key), _map(S.my_votes)[key], "agree"),
                reason=rx.cond(_map(S.my_reasons).contains(key), _map(S.my_reasons)[key], ""),
                error=rx.cond(S.vote_error_line == line.payee_id, error_callout(S.vote_error)),
                on_submit=S.vote,
            ),
            spacing="1",
            min_width="11em",
        ),
    )


def _sign_off(line: ObjectVar[LineRow]) -> rx.Component:
    """The payee's own answer to their line (a split sheet's signature), and everyone sees it."""
    key = line.payee_id.to_string()
    answer = _map(L.sign_offs)[key]
    return rx.vstack(
        rx.cond(
            _on_current(),  # answers are to the current version
            rx.cond(
                L.sign_offs.contains(key),
                rx.badge(
                    rx.cond(answer == "accept", "Accepted by payee", "Payee objects"),
                    color_scheme=rx.cond(answer == "accept", "grass", "tomato"),
                    size="1",
                ),
                rx.cond(L.state == "open", note("Payee has not answered", size="1")),
            ),
        ),
        rx.cond(
            (S.my_id == line.payee_id) & (L.state == "open") & ~L.closed & _on_current(),
            form_stack(
                text_field("Why you object (if you do)", "reason", field_id="sign-off-reason"),
                error_callout(S.sign_off_error),
                rx.hstack(
                    rx.button(
                        "Accept my line",
                        type="button",
                        size="1",
                        color_scheme="grass",
                        on_click=S.accept_my_line,
                    ),
                    rx.button("Object to my line", type="submit", size="1", variant="outline"),
                    spacing="2",
                ),
                on_submit=S.object_to_my_line,
                label="Your answer to your line",
                spacing="1",
            ),
        ),
        spacing="1",
    )


def _thread_toggle(line: ObjectVar[LineRow]) -> rx.Component:
    key = line.payee_id.to_string()
    counts = _map(L.comment_counts)
    count = rx.cond(counts.contains(key), counts[key], 0)
    return small_button(
        rx.icon("message-square", size=14),
        "comments (",
        count,
        ")",
        variant="ghost",
        on_click=S.toggle_thread(line.payee_id),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
        aria_expanded=rx.cond(S.thread_payee == line.payee_id, "true", "false"),
        aria_label=f"Comments on {line.name}'s line ({count})",
    )


def _thread(line: ObjectVar[LineRow]) -> rx.Component:
    """The line's comments: those this tab read when it opened the thread, then the live
    window's newer ones on this line (applied in the browser, no query per viewer)."""
    arrived = L.comments.filter(lambda c: (c.payee_id == S.thread_payee) & (c.id > S.thread_upto))
    return rx.cond(
        S.thread_payee == line.payee_id,
        rx.el.tr(
            rx.el.td(
                rx.vstack(
                    rx.heading("Comments on ", line.name, "'s line", size="2", as_="h3"),
                    rx.el.ul(
                        rx.foreach(S.thread, lambda c: rx.el.li(_comment_body(c))),
                        rx.foreach(arrived, lambda c: rx.el.li(_comment_body(c))),
                        style={"listStyle": "none", "padding": 0, "margin": 0, "width": "100%"},
                        aria_label=f"Comments on {line.name}'s line",
                    ),
                    rx.cond(
                        (S.thread.length() == 0) & (arrived.length() == 0),
                        note("No comments on this line yet."),
                    ),
                    rx.cond(
                        AuthState.signed_in,
                        form_stack(
                            text_area_field(
                                f"Comment on {line.name}'s line",
                                "body",
                                field_id="field-line-comment",
                                rows=2,
                            ),
                            error_callout(S.thread_error),
                            rx.button("Post on this line", type="submit", size="1"),
                            on_submit=S.comment_on_line,
                            spacing="1",
                        ),
                    ),
                    spacing="2",
                    width="100%",
                ),
                col_span=6,
                style={"background": "var(--gray-a2)", "padding": "0.75em 1em"},
            )
        ),
    )


def _line(line: ObjectVar[LineRow]) -> rx.Component:
    cell = {"padding": "0.6em 0.5em", "verticalAlign": "top"}
    return rx.fragment(
        rx.el.tr(
            rx.el.td(_payee(line), _sign_off(line), style=cell),
            rx.el.td(_share(line), style=cell),
            rx.el.td(_evidence(line), style={**cell, "maxWidth": "22em"}),
            rx.el.td(_tally(line), _thread_toggle(line), style=cell),
            rx.el.td(_my_vote(line), style=cell),
            style={"borderTop": "1px solid var(--gray-a5)"},
            id="line-" + line.payee_id.to_string(),
        ),
        _thread(line),
    )


def _lines_table() -> rx.Component:
    head = {"textAlign": "left", "padding": "0.4em 0.5em", "fontWeight": 600, "fontSize": "0.85em"}
    return rx.box(
        rx.el.table(
            rx.el.caption(
                "The split, line by line", style={"textAlign": "left", "fontWeight": 600}
            ),
            rx.el.thead(
                rx.el.tr(
                    rx.el.th("Payee", scope="col", style=head),
                    rx.el.th("Share and amount", scope="col", style=head),
                    rx.el.th("Evidence", scope="col", style=head),
                    rx.el.th("Tally", scope="col", style=head),
                    rx.el.th("Your vote", scope="col", style=head),
                )
            ),
            rx.el.tbody(rx.foreach(_shown_lines(), _line)),
            # On a narrow screen the table scrolls sideways rather than squeezing the evidence.
            style={"width": "100%", "minWidth": "52em", "borderCollapse": "collapse"},
        ),
        overflow_x="auto",
        width="100%",
    )


# --- the discussion ---------------------------------------------------------------------------


def _comment_body(c: ObjectVar[ProposalCommentRow]) -> rx.Component:
    return rx.vstack(
        wrap_row(
            rx.link(
                c.author_name, href=routes.user_url(c.author_username), weight="bold", size="2"
            ),
            rx.cond(c.line_name != "", rx.badge("on ", c.line_name, "'s line", size="1")),
            note("v", c.version_number, " · ", c.at, size="1"),
            spacing="2",
        ),
        rx.cond(
            c.parent_id.to(int) > 0,
            note("↳ replying to ", c.parent_author, ": “", c.parent_excerpt, "”", size="1"),
        ),
        rx.text(c.body, white_space="pre-wrap", size="2"),
        spacing="1",
        id="comment-" + c.id.to_string(),
        padding_left=rx.cond(c.parent_id.to(int) > 0, "1.25em", "0"),
        border_left=rx.cond(c.parent_id.to(int) > 0, "2px solid var(--gray-a5)", "none"),
        width="100%",
    )


def _discussion_comment(c: ObjectVar[ProposalCommentRow]) -> rx.Component:
    return rx.vstack(
        _comment_body(c),
        rx.cond(
            AuthState.signed_in,
            small_button(
                "Reply",
                variant="ghost",
                on_click=S.reply_to(c.id),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
                aria_label=f"Reply to {c.author_name}",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _discussion() -> rx.Component:
    return region(
        "Discussion",
        section(
            "Discussion",
            L.older + L.comments,
            _discussion_comment,
            empty="No comments yet. Ask about a line, or say what you think of the split.",
            actions=rx.hstack(
                load_more_button(
                    "Show skipped comments",
                    L.show_skipped,
                    when=(L.older_last > 0) & (L.older_last < L.live_after),
                ),
                load_more_button(
                    "Show older comments",
                    L.show_older,
                    when=rx.cond(L.older.length() > 0, L.more_older, L.older_exist),
                ),
                spacing="2",
            ),
            list_style="divided",
            label="Discussion",
        ),
        rx.cond(
            AuthState.signed_in,
            form_stack(
                rx.cond(
                    S.reply_parent > 0,
                    wrap_row(
                        note("Replying to ", S.reply_name),
                        small_button("Cancel reply", variant="ghost", on_click=S.cancel_reply),
                    ),
                ),
                text_area_field("Add to the discussion", "body", field_id="field-comment", rows=3),
                error_callout(S.comment_error),
                rx.button("Post comment", type="submit"),
                on_submit=S.add_comment,
                spacing="2",
            ),
            note("Sign in to vote and comment."),
        ),
        spacing="3",
    )


# --- the side: chart, who has not answered, host controls -----------------------------------


def _side() -> rx.Component:
    """The split as a chart beside who has not answered yet and the version's note."""
    return rx.grid(
        panel(
            "The split",
            split_chart(_shown_slices(), label="The split as a chart: each payee's share"),
            size="3",
        ),
        rx.vstack(
            rx.cond(
                L.state == "open",
                panel(
                    "Waiting for",
                    rx.cond(
                        L.waiting.length() > 0,
                        rx.text(
                            "Not answered yet: ",
                            rx.foreach(
                                L.waiting,
                                lambda name, i: rx.fragment(rx.cond(i > 0, ", ", ""), name),
                            ),
                            size="2",
                            aria_label="Waiting for",
                        ),
                        note("Every payee has answered."),
                    ),
                    size="3",
                ),
            ),
            rx.cond(
                L.note != "",
                panel("What changed in this version", rx.text(L.note, size="2"), size="3"),
            ),
            panel(
                "How to take part",
                note(
                    "Vote on each line: agree, object (say why) or abstain; you can change "
                    "your vote until feedback closes. Payees accept or object to their own "
                    "line. Open a line's comments to discuss it.",
                ),
                size="3",
            ),
            spacing="3",
            width="100%",
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="4",
        width="100%",
    )


def _reason_choice(r: ObjectVar[ReasonChoiceRow]) -> rx.Component:
    return checkbox_field(r.label, f"reason-{r.key}", label_size="1")


def _share_form(lines: rx.Var, heading: str) -> rx.Component:
    """Change one payee's share of the version being prepared, for a reason everyone sees."""
    return form_stack(
        rx.heading(heading, size="2", as_="h3"),
        select_field(
            "Payee",
            "payee",
            lines,
            option=lambda line: (line.payee_id.to_string(), line.name + " (" + line.share + ")"),
        ),
        text_field("New share (%)", "share", placeholder="e.g. 12.5"),
        text_field("Why (everyone sees this)", "reason"),
        rx.button("Change share", type="submit", size="2"),
        on_submit=S.change_share,
        label=heading,
        spacing="2",
    )


def _closing_fields() -> list[rx.Component]:
    return [
        text_field("Feedback closes on", "closes", type="date", default_value=S.default_close),
    ]


def _draft_controls() -> rx.Component:
    return rx.vstack(
        _share_form(L.lines, "Change a share"),
        form_stack(
            rx.heading("Open for feedback", size="2", as_="h3"),
            *_closing_fields(),
            checkbox_field("Hide the tallies until feedback closes", "hide_tallies"),
            rx.button("Open for feedback", type="submit", size="2"),
            on_submit=S.open_for_feedback,
            label="Open for feedback",
            spacing="2",
        ),
        spacing="4",
        width="100%",
    )


def _prep_line(line: ObjectVar[LineRow]) -> rx.Component:
    return rx.text(line.name, ": ", rx.text.span(line.share, weight="bold"), " · ", line.amount)


def _revision_controls() -> rx.Component:
    """The host prepares version n+1 while version n stays open."""
    return rx.vstack(
        rx.heading("Version ", S.preparing, " (not public yet)", size="2", as_="h3"),
        rx.cond(S.prep_note != "", note(S.prep_note, size="1")),
        rx.el.ul(
            rx.foreach(S.prep_lines, lambda line: rx.el.li(_prep_line(line))),
            style={"margin": 0, "paddingLeft": "1.1em", "fontSize": "0.9em"},
            aria_label="The new version's shares",
        ),
        _share_form(S.prep_lines, "Change a share in the new version"),
        form_stack(
            *_closing_fields(),
            rx.button("Open version ", S.preparing, type="submit", size="2"),
            on_submit=S.open_revision,
            label="Open the new version",
            spacing="2",
        ),
        small_button("Discard the new version", variant="ghost", on_click=S.discard_revision),
        spacing="3",
        width="100%",
    )


def _open_controls() -> rx.Component:
    return rx.cond(
        S.preparing > 0,
        _revision_controls(),
        rx.vstack(
            form_stack(
                rx.heading("Revise (a new version)", size="2", as_="h3"),
                note(
                    "Name the comments and objections that led to the change: the diff "
                    "links to them.",
                    size="1",
                ),
                rx.box(
                    rx.foreach(S.reason_choices, _reason_choice),
                    max_height="14em",
                    overflow_y="auto",
                    width="100%",
                ),
                text_area_field("What changes and why", "note", rows=2),
                rx.button("Start a new version", type="submit", size="2"),
                on_submit=S.revise,
                label="Revise",
                spacing="2",
            ),
            confirm_dialog(
                rx.button("Finalise", color_scheme="blue", size="2"),
                title="Finalise this proposal?",
                description="The split becomes final and the ledger is written: what each "
                "payee is owed, and what carries forward below the minimum payout. This "
                "cannot be undone.",
                confirm="Finalise",
                on_confirm=S.finalise,
                danger=False,
            ),
            spacing="4",
            width="100%",
        ),
    )


def _host_controls() -> rx.Component:
    """What the host (or an admin) may do now; the services check it again."""
    return rx.cond(
        S.can_manage,
        panel(
            "Host controls",
            rx.match(
                L.state,
                ("draft", _draft_controls()),
                ("open", _open_controls()),
                (
                    "final",
                    rx.cond(
                        AuthState.is_admin,
                        form_stack(
                            text_field("Payment reference", "reference"),
                            rx.button("Mark paid", type="submit", size="2"),
                            on_submit=S.mark_paid,
                            label="Mark paid",
                            spacing="2",
                        ),
                        note("An admin marks the payouts paid."),
                    ),
                ),
                note("Paid: nothing left to do."),
            ),
            size="3",
        ),
    )


def _downloads() -> rx.Component:
    return rx.cond(
        (L.state == "final") | (L.state == "paid"),
        wrap_row(
            small_button(
                rx.icon("download", size=14), "Split sheet (CSV)", on_click=S.download_csv
            ),
            small_button(
                rx.icon("download", size=14), "Split sheet (JSON)", on_click=S.download_json
            ),
            rx.cond(
                S.can_manage,
                small_button(
                    rx.icon("download", size=14),
                    "Production ledger (CSV)",
                    on_click=S.download_ledger,
                ),
            ),
        ),
    )


def proposal_page() -> rx.Component:
    return item_page(
        S.found,
        dead_end("No such proposal", back=("See your earnings", routes.EARNINGS)),
        _header(),
        success_callout(S.message),
        error_callout(S.error),
        _side(),
        _lines_table(),
        _downloads(),
        rx.cond(
            S.can_manage,
            main_and_side(_discussion(), _host_controls(), widths=("1fr", "24em")),
            _discussion(),
        ),
    )


# --- the diff ---------------------------------------------------------------------------------


def _reason_link(r: ObjectVar[ReasonLinkRow]) -> rx.Component:
    return rx.link(r.label, href=f"{routes.proposal_url(ProposalDiffState.pid)}#{r.anchor}")


def _diff_row(d: ObjectVar[DiffRow]) -> rx.Component:
    cell = {"padding": "0.5em", "verticalAlign": "top"}
    figures = {**cell, "whiteSpace": "nowrap"}
    return rx.el.tr(
        rx.el.td(rx.link(d.name, href=routes.user_url(d.username)), style=cell),
        rx.el.td(d.before, style=figures),
        rx.el.td(d.after, style=figures),
        rx.el.td(
            rx.text(
                d.change,
                color=rx.match(
                    d.direction, ("up", "var(--grass-11)"), ("down", "var(--tomato-11)"), "inherit"
                ),
                weight="bold",
            ),
            style=figures,
        ),
        rx.el.td(d.reason, style=cell),
        style={"borderTop": "1px solid var(--gray-a5)"},
    )


def proposal_diff_page() -> rx.Component:
    d = ProposalDiffState
    head = {"textAlign": "left", "padding": "0.4em 0.5em"}
    return item_page(
        d.found,
        dead_end(
            "No such versions",
            error_callout(d.error),
            back=("Back to the proposal", routes.proposal_url(d.pid)),
        ),
        rx.link("← ", d.title, href=routes.proposal_url(d.pid), size="2"),
        page_title(rx.text("What changed from version ", d.from_version, " to ", d.to_version)),
        rx.cond(d.note != "", rx.blockquote(d.note)),
        rx.box(
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th("Payee", scope="col", style=head),
                        rx.el.th(rx.text("Version ", d.from_version), scope="col", style=head),
                        rx.el.th(rx.text("Version ", d.to_version), scope="col", style=head),
                        rx.el.th("Gained or lost", scope="col", style=head),
                        rx.el.th("Host's reason", scope="col", style=head),
                    )
                ),
                rx.el.tbody(rx.foreach(d.rows, _diff_row)),
                style={"width": "100%", "borderCollapse": "collapse"},
                aria_label="Changes by payee",
            ),
            overflow_x="auto",
            width="100%",
        ),
        section(
            "Why: the comments and objections behind it",
            d.reasons,
            _reason_link,
            empty="The host named no comments or objections for this version.",
            list_style="bullets",
            label="Reasons for the change",
        ),
    )


# --- earnings ----------------------------------------------------------------------------------


def _history(h: ObjectVar[HistoryRow]) -> rx.Component:
    return wrap_row(
        note(h.at, size="1"),
        rx.badge(h.account, variant="soft", color_scheme="gray"),
        rx.text(h.what, size="2"),
        rx.text(h.amount, weight="bold", size="2"),
        rx.cond(
            h.proposal_id.to(int) > 0, rx.link("proposal", href=routes.proposal_url(h.proposal_id))
        ),
        spacing="3",
    )


def _my_proposal(p: ObjectVar[MyProposalRow]) -> rx.Component:
    return wrap_row(
        rx.link(p.title, href=routes.proposal_url(p.id), weight="bold"),
        state_badge(p.state),
        note(p.production, size="2"),
        rx.text(
            rx.cond((p.state == "final") | (p.state == "paid"), "", "proposed: "),
            p.share,
            " · ",
            p.amount,
            size="2",
        ),
        rx.cond(
            (p.state == "final") | (p.state == "paid"),
            rx.hstack(
                small_button(
                    "CSV",
                    on_click=EarningsState.download_csv(p.id),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
                    aria_label=f"Split sheet of {p.title} (CSV)",
                ),
                small_button(
                    "JSON",
                    on_click=EarningsState.download_json(p.id),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
                    aria_label=f"Split sheet of {p.title} (JSON)",
                ),
                spacing="1",
            ),
        ),
        spacing="3",
    )


def _balance(label: str, value: rx.Var[str]) -> rx.Component:
    return rx.card(
        rx.vstack(note(label), rx.text(value, size="6", weight="bold"), spacing="1"),
        role="group",
        aria_label=label,
    )


def _balances_of(owed: rx.Var[str], carried: rx.Var[str], paid: rx.Var[str]) -> rx.Component:
    return rx.grid(
        _balance("Owed to you", owed),
        _balance("Carried forward", carried),
        _balance("Paid to you", paid),
        columns=rx.breakpoints(initial="1", sm="3"),
        spacing="3",
        width="100%",
    )


def _balances(b: ObjectVar[BalanceRow]) -> rx.Component:
    """One currency's balance."""
    return _balances_of(b.owed, b.carried, b.paid)


def earnings_page() -> rx.Component:
    e = EarningsState
    return titled_page(
        "Your earnings",
        rx.cond(
            e.balances.length() > 0,
            rx.foreach(e.balances, _balances),
            _balances_of(rx.Var.create("—"), rx.Var.create("—"), rx.Var.create("—")),
        ),
        note(
            "Amounts below a production's minimum payout carry forward to your balance and "
            "are paid once it passes the minimum; nothing is lost.",
        ),
        section(
            "Proposals you are on",
            e.proposals,
            _my_proposal,
            empty="You are not on any pay proposal yet.",
            list_style="divided",
            label="Proposals you are on",
        ),
        section(
            "History",
            e.history,
            _history,
            empty="No money has moved for you yet.",
            list_style="divided",
            label="History",
        ),
        small_button(rx.icon("download", size=14), "My ledger (CSV)", on_click=e.download_ledger),
        error=e.error,
        intro="What the studio's productions owe you, what carries forward, and what was paid.",
        actions=[link_button("Your profile", routes.PROFILE, variant="soft")],
    )
