"""The record page (with its lineage graph) and the submission form."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from hitrec_app import routes
from hitrec_app.components.dialogs import confirm_dialog
from hitrec_app.components.forms import radio_field, text_area_field, text_field, upload_field
from hitrec_app.components.layout import error_callout, page, success_callout
from hitrec_app.components.records import kind_badge, lineage_graph, safe_markdown
from hitrec_app.components.sections import region, section
from hitrec_app.state.base import AuthState
from hitrec_app.state.records import (
    CommentRow,
    CreditRow,
    RecordRoom,
    RecordState,
    SubmitState,
)
from hitrec_app.state.rows import PersonRow, RecordLinkRow
from hitrec_app.vocabulary import RECORD_FILE_ACCEPT, RECORD_FILE_HINTS


def _media() -> rx.Component:
    s = RecordState
    url = rx.get_upload_url(s.file_path)
    return rx.match(
        s.kind,
        ("text", rx.box(safe_markdown(s.body), class_name="record-body", width="100%")),
        (
            "image",
            rx.cond(
                s.file_path != "",
                rx.image(
                    src=url,
                    alt=s.title,
                    max_width="100%",
                    max_height="70vh",
                    border_radius="var(--radius-3)",
                ),
            ),
        ),
        (
            "audio",
            rx.cond(
                s.file_path != "",
                rx.el.audio(
                    rx.el.source(src=url, type=s.mime),
                    controls=True,
                    aria_label="Play " + s.title,
                    style={"width": "100%"},
                ),
            ),
        ),
        (
            "video",
            rx.cond(
                s.file_path != "",
                rx.el.video(
                    rx.el.source(src=url, type=s.mime),
                    controls=True,
                    aria_label="Play " + s.title,
                    style={"maxWidth": "100%", "maxHeight": "70vh"},
                ),
            ),
        ),
        rx.fragment(),
    )


def _record_link(r: ObjectVar[RecordLinkRow]) -> rx.Component:
    return rx.hstack(
        kind_badge(r.kind),
        rx.link(r.title, href=routes.record_url(r.id)),
        rx.cond(r.withdrawn, rx.badge("withdrawn", color_scheme="gray")),
        align="center",
        spacing="2",
    )


def _citations_editor() -> rx.Component:
    s = RecordState
    return rx.vstack(
        rx.heading("Citations", size="3", as_="h3"),
        rx.foreach(
            s.sources,
            lambda r: rx.hstack(
                rx.text(r.title),
                rx.button(
                    "Remove citation of " + r.title,
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=s.remove_citation(r.id),  # type: ignore[operator]  # mypy reads @rx.event as EventNamespace, not its __new__ result
                ),
                align="center",
            ),
        ),
        rx.form(
            rx.hstack(
                text_field("Cite another record (number or link)", "source", placeholder="e.g. 12"),
                rx.button("Add citation", type="submit", variant="soft"),
                align="end",
                width="100%",
            ),
            # Not reset_on_submit: a refused citation stays in the field to be corrected;
            # the handler clears it once the citation is in.
            on_submit=s.add_citation,
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _edit_form() -> rx.Component:
    s = RecordState
    return rx.form(
        rx.vstack(
            text_field("Title", "title", default_value=s.title, required=True),
            text_area_field("Description", "description", rows=2, default_value=s.description),
            text_field("Tags (comma separated)", "tags", default_value=s.tags_text),
            rx.hstack(
                rx.button("Save", type="submit"),
                rx.button("Cancel", variant="soft", type="button", on_click=s.cancel_editing),
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=s.save,
        width="100%",
    )


def _panel(title: str, *children: rx.Component) -> rx.Component:
    """A card of controls for the people who may act on the record."""
    return rx.card(
        rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="3", width="100%"),
        width="100%",
    )


def _editor() -> rx.Component:
    s = RecordState
    return rx.cond(
        s.can_edit,
        _panel(
            "Your record",
            rx.cond(
                s.editing,
                _edit_form(),
                rx.button(
                    "Edit title, description and tags", variant="soft", on_click=s.start_editing
                ),
            ),
            _citations_editor(),
            _withdraw_button(),
        ),
        # An admin who did not submit it: moderation only, no editing.
        rx.cond(s.can_withdraw, _panel("Moderation", _withdraw_button())),
    )


def _withdraw_button() -> rx.Component:
    return confirm_dialog(
        rx.button("Withdraw record", color_scheme="red", variant="outline"),
        title="Withdraw this record?",
        description="If nobody built on it, it is deleted. If others remixed it, a stub keeps "
        "its title and credits so their lineage stays intact.",
        confirm="Withdraw",
        cancel="Keep it",
        on_confirm=RecordState.withdraw,
    )


def _credit() -> rx.Component:
    """A co-author (not the submitter) may take their name off; nothing else."""
    s = RecordState
    return rx.cond(
        s.can_remove_credit,
        _panel(
            "Your credit",
            rx.text(
                "You are credited as a co-author. The person who submitted the record "
                "edits it; you can take your name off it.",
                size="2",
                color_scheme="gray",
            ),
            confirm_dialog(
                rx.button("Remove my credit", color_scheme="red", variant="outline"),
                title="Remove your credit?",
                description="Your name comes off this record; the record stays, credited to "
                "its other authors.",
                confirm="Remove",
                cancel="Keep my credit",
                on_confirm=s.remove_my_credit,
            ),
        ),
    )


def _lineage() -> rx.Component:
    s = RecordState
    return region(
        "Lineage",
        rx.heading("Lineage", size="5", as_="h2"),
        rx.text(
            "What this record was built from (left) and what was built from it (right). "
            "Click a record to centre the graph on it.",
            size="2",
            color_scheme="gray",
        ),
        rx.hstack(
            rx.cond(
                s.more_up,
                rx.button(
                    rx.icon("chevrons-left", size=14),
                    "Show older sources",
                    size="1",
                    variant="soft",
                    on_click=s.show_more_up,
                ),
            ),
            rx.spacer(),
            rx.cond(
                s.hidden > 0,
                rx.text(s.hidden, " more not shown", size="1", color_scheme="gray"),
            ),
            rx.cond(
                s.more_down,
                rx.button(
                    "Show later remixes",
                    rx.icon("chevrons-right", size=14),
                    size="1",
                    variant="soft",
                    on_click=s.show_more_down,
                ),
            ),
            width="100%",
        ),
        lineage_graph(s.nodes, s.edges, s.graph_w, s.graph_h),
    )


def _credit_row(c: ObjectVar[CreditRow]) -> rx.Component:
    return rx.fragment(
        rx.link(c.name, href=routes.user_url(c.username), weight="bold"),
        rx.text.span(" for "),
        rx.foreach(
            c.records,
            lambda r: rx.link(f"“{r.title}” ", href=routes.record_url(r.id)),
        ),
    )


def _credits() -> rx.Component:
    return region(
        "Credits upstream",
        section(
            "Credits upstream",
            RecordState.credits,
            _credit_row,
            empty="Original work: nothing upstream.",
            size="4",
            list_style="bullets",
        ),
    )


def _comment(c: ObjectVar[CommentRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link(
                c.author_name, href=routes.user_url(c.author_username), weight="bold", size="2"
            ),
            rx.text(c.at, size="1", color_scheme="gray"),
            align="center",
        ),
        rx.text(c.body, white_space="pre-wrap", size="2"),
        spacing="1",
    )


def _comments() -> rx.Component:
    s = RecordState
    return region(
        "Comments",
        section(
            "Comments",
            RecordRoom.comments,
            _comment,
            empty="No comments yet.",
            list_style="divided",
            label="Comments",
            spacing="3",
        ),
        rx.cond(
            AuthState.signed_in & ~s.withdrawn,
            rx.form(
                rx.vstack(
                    text_area_field("Add a comment", "body", field_id="field-comment", rows=3),
                    error_callout(s.comment_error),
                    rx.button("Post comment", type="submit"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=s.add_comment,
                width="100%",
            ),
        ),
        spacing="3",
    )


def _author(a: ObjectVar[PersonRow]) -> rx.Component:
    return rx.link(f"{a.display_name} ", href=routes.user_url(a.username))


def _actions() -> rx.Component:
    """Heart, remix, and the live counts."""
    s = RecordState
    return rx.hstack(
        rx.button(
            rx.icon("heart", size=16, fill=rx.cond(s.hearted, "currentColor", "none")),
            rx.cond(s.hearted, "Hearted", "Heart"),
            rx.text.span(RecordRoom.hearts, aria_label=f"hearts: {RecordRoom.hearts}"),
            on_click=s.toggle_heart,
            disabled=~AuthState.signed_in,
            variant=rx.cond(s.hearted, "solid", "outline"),
            aria_pressed=rx.cond(s.hearted, "true", "false"),
        ),
        rx.cond(
            AuthState.signed_in,
            rx.link(
                rx.button(rx.icon("git-fork", size=16), "Remix this", variant="soft"),
                href=routes.new_record_url(remix_of=s.rid),
            ),
        ),
        rx.text(
            RecordRoom.remixes,
            rx.cond(RecordRoom.remixes == 1, " remix", " remixes"),
            size="2",
            color_scheme="gray",
        ),
        spacing="3",
        align="center",
        wrap="wrap",
    )


def record_page() -> rx.Component:
    s = RecordState
    return page(
        rx.cond(
            s.found,
            rx.vstack(
                rx.cond(
                    s.challenge_id > 0,
                    rx.link(
                        "← ",
                        s.challenge_title,
                        href=routes.challenge_url(s.challenge_id),
                        size="2",
                    ),
                ),
                rx.hstack(
                    kind_badge(s.kind),
                    rx.cond(s.withdrawn, rx.badge("withdrawn", color_scheme="gray")),
                    rx.text(s.created, size="1", color_scheme="gray"),
                    align="center",
                ),
                rx.heading(s.title, size="8", as_="h1"),
                rx.text("by ", rx.foreach(s.authors, _author), color_scheme="gray"),
                success_callout(s.message),
                error_callout(s.error),
                rx.cond(
                    s.withdrawn,
                    rx.callout(
                        "The author withdrew this record. Its title and credits stay because "
                        "others built on it.",
                        icon="archive",
                        color_scheme="gray",
                    ),
                    rx.vstack(
                        rx.cond(
                            s.description != "", rx.text(s.description, white_space="pre-wrap")
                        ),
                        _media(),
                        rx.hstack(
                            rx.foreach(s.tags, lambda t: rx.badge("#" + t, variant="outline")),
                            wrap="wrap",
                        ),
                        _actions(),
                        spacing="3",
                        width="100%",
                    ),
                ),
                _lineage(),
                rx.grid(
                    section(
                        "Built from",
                        s.sources,
                        _record_link,
                        empty="Nothing: an original.",
                        level=3,
                    ),
                    section(
                        "Remixed into",
                        s.remixes,
                        _record_link,
                        empty="Not remixed yet.",
                        level=3,
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="4",
                    width="100%",
                ),
                _credits(),
                _editor(),
                _credit(),
                _comments(),
                spacing="4",
                width="100%",
            ),
            rx.vstack(
                rx.heading("No such record", size="7", as_="h1"),
                rx.link("See the challenges", href=routes.CHALLENGES),
            ),
        ),
    )


def _source(src: ObjectVar[RecordLinkRow]) -> rx.Component:
    s = SubmitState
    return rx.hstack(
        kind_badge(src.kind),
        rx.link(src.title, href=routes.record_url(src.id), is_external=True),
        rx.button(
            "Remove",
            size="1",
            variant="ghost",
            type="button",
            on_click=s.drop_source(src.id),  # type: ignore[operator]  # mypy reads @rx.event as EventNamespace, not its __new__ result
            aria_label=f"Remove source {src.title}",
        ),
        align="center",
    )


def submit_form() -> rx.Component:
    s = SubmitState
    return page(
        rx.form(
            rx.vstack(
                rx.heading(
                    rx.cond(s.sources.length() > 0, "Remix", "Submit a record"), size="7", as_="h1"
                ),
                error_callout(s.error),
                rx.cond(
                    s.challenge_id > 0,
                    rx.callout(
                        rx.hstack(
                            rx.text("For the challenge “", s.challenge_title, "”"),
                            rx.button(
                                "Submit standalone instead",
                                size="1",
                                variant="ghost",
                                type="button",
                                on_click=s.leave_challenge,
                            ),
                            wrap="wrap",
                            align="center",
                        ),
                        icon="megaphone",
                    ),
                ),
                rx.cond(
                    s.sources.length() > 0,
                    rx.card(
                        rx.vstack(
                            rx.text("Built on (credit follows the work):", weight="medium"),
                            rx.foreach(s.sources, _source),
                            spacing="2",
                        ),
                        width="100%",
                    ),
                ),
                radio_field(
                    "Kind of record",
                    "kind",
                    s.allowed_kinds,
                    value=s.kind,
                    on_change=s.set_kind,
                ),
                text_field("Title", "title", required=True, max_length=200),
                rx.cond(
                    s.kind == "text",
                    text_area_field(
                        "Text (Markdown: **bold**, *italic*, lists, links)",
                        "body",
                        rows=10,
                        placeholder="Write here…",
                    ),
                    upload_field(
                        f"File ({rx.match(s.kind, *RECORD_FILE_HINTS.items(), '')})",
                        "record_file",
                        accept=rx.match(s.kind, *RECORD_FILE_ACCEPT.items(), {}),
                    ),
                ),
                text_area_field("Description (optional)", "description", rows=2),
                text_field(
                    "Tags (comma separated, optional)", "tags", placeholder="story, lighthouse"
                ),
                rx.button("Submit record", type="submit", size="3"),
                spacing="4",
                width="100%",
                max_width="44em",
            ),
            on_submit=lambda form_data: SubmitState.submit(  # type: ignore[operator]  # mypy reads @rx.event as EventNamespace, not its __new__ result
                rx.upload_files(upload_id="record_file"), form_data
            ),
            aria_label="Submit a record",
        ),
    )
