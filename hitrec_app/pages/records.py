"""The record page (with its lineage graph) and the submission form."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.vars import ObjectVar

from hitrec_app import routes
from hitrec_app.components.dialogs import confirm_dialog
from hitrec_app.components.forms import (
    form_stack,
    inline_form,
    radio_field,
    text_area_field,
    text_field,
    upload_field,
)
from hitrec_app.components.layout import (
    dead_end,
    error_callout,
    item_page,
    link_button,
    page,
    page_title,
    small_button,
    success_callout,
)
from hitrec_app.components.presence import watching_note
from hitrec_app.components.records import (
    kind_badge,
    lineage_graph,
    record_link,
    safe_markdown,
    withdrawn_badge,
)
from hitrec_app.components.sections import (
    card_column,
    load_more_button,
    note,
    panel,
    region,
    section,
    wrap_row,
)
from hitrec_app.state.base import AuthState
from hitrec_app.state.records import (
    CommentRow,
    CreditRow,
    RecordLive,
    RecordState,
    SubmitState,
)
from hitrec_app.state.rows import PersonRow, RecordLinkRow
from hitrec_app.vocabulary import RECORD_FILE_ACCEPT, RECORD_FILE_HINTS


def _player(element: Callable[..., rx.Component], style: dict[str, str]) -> rx.Component:
    """The record's sound or film, with the browser's own controls."""
    s = RecordState
    return rx.cond(
        s.file_path != "",
        element(
            rx.el.source(src=rx.get_upload_url(s.file_path), type=s.mime),
            controls=True,
            aria_label="Play " + s.title,
            style=style,
        ),
    )


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
        ("audio", _player(rx.el.audio, {"width": "100%"})),
        ("video", _player(rx.el.video, {"maxWidth": "100%", "maxHeight": "70vh"})),
        rx.fragment(),
    )


def _citations_editor() -> rx.Component:
    s = RecordState
    return rx.vstack(
        rx.heading("Citations", size="3", as_="h3"),
        rx.foreach(
            s.sources,
            lambda r: rx.hstack(
                rx.text(r.title),
                small_button(
                    "Remove citation of " + r.title,
                    variant="ghost",
                    color_scheme="red",
                    on_click=s.remove_citation(r.id),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
                ),
                align="center",
            ),
        ),
        # Not reset_on_submit: a refused citation stays in the field to be corrected;
        # the handler clears it once the citation is in.
        inline_form(
            text_field("Cite another record (number or link)", "source", placeholder="e.g. 12"),
            rx.button("Add citation", type="submit", variant="soft"),
            on_submit=s.add_citation,
            align="end",
        ),
        spacing="2",
        width="100%",
    )


def _edit_form() -> rx.Component:
    s = RecordState
    return form_stack(
        text_field("Title", "title", default_value=s.title, required=True),
        text_area_field("Description", "description", rows=2, default_value=s.description),
        text_field("Tags (comma separated)", "tags", default_value=s.tags_text),
        rx.hstack(
            rx.button("Save", type="submit"),
            rx.button("Cancel", variant="soft", type="button", on_click=s.cancel_editing),
        ),
        on_submit=s.save,
    )


def _editor() -> rx.Component:
    s = RecordState
    return rx.cond(
        s.can_edit,
        panel(
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
        rx.cond(s.can_withdraw, panel("Moderation", _withdraw_button())),
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
        panel(
            "Your credit",
            note(
                "You are credited as a co-author. The person who submitted the record "
                "edits it; you can take your name off it."
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
        note(
            "What this record was built from (left) and what was built from it (right). "
            "Click a record to centre the graph on it."
        ),
        rx.hstack(
            rx.cond(
                s.more_up,
                small_button(
                    rx.icon("chevrons-left", size=14), "Show older sources", on_click=s.show_more_up
                ),
            ),
            rx.spacer(),
            rx.cond(
                s.hidden > 0,
                note(s.hidden, " more not shown", size="1"),
            ),
            rx.cond(
                s.more_down,
                small_button(
                    "Show later remixes",
                    rx.icon("chevrons-right", size=14),
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
            note(c.at, size="1"),
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
            RecordLive.older + RecordLive.comments,
            _comment,
            empty="No comments yet.",
            actions=rx.hstack(
                load_more_button(
                    "Show skipped comments",
                    RecordLive.show_skipped,
                    when=(RecordLive.older_last > 0)
                    & (RecordLive.older_last < RecordLive.live_after),
                ),
                load_more_button(
                    "Show older comments",
                    RecordLive.show_older,
                    when=rx.cond(
                        RecordLive.older.length() > 0, RecordLive.more_older, RecordLive.older_exist
                    ),
                ),
                spacing="2",
            ),
            list_style="divided",
            label="Comments",
            spacing="3",
        ),
        rx.cond(
            AuthState.signed_in & ~s.withdrawn,
            form_stack(
                text_area_field("Add a comment", "body", field_id="field-comment", rows=3),
                error_callout(s.comment_error),
                rx.button("Post comment", type="submit"),
                on_submit=s.add_comment,
                spacing="2",
            ),
        ),
        spacing="3",
    )


def _author(a: ObjectVar[PersonRow]) -> rx.Component:
    return rx.link(f"{a.display_name} ", href=routes.user_url(a.username))


def _actions() -> rx.Component:
    """Heart, remix, and the live counts."""
    s = RecordState
    return wrap_row(
        rx.button(
            rx.icon("heart", size=16, fill=rx.cond(s.hearted, "currentColor", "none")),
            rx.cond(s.hearted, "Hearted", "Heart"),
            rx.text.span(RecordLive.hearts, aria_label=f"hearts: {RecordLive.hearts}"),
            on_click=s.toggle_heart,
            disabled=~AuthState.signed_in,
            variant=rx.cond(s.hearted, "solid", "outline"),
            aria_pressed=rx.cond(s.hearted, "true", "false"),
        ),
        rx.cond(
            AuthState.signed_in,
            link_button(
                "Remix this", routes.new_record_url(remix_of=s.rid), icon="git-fork", variant="soft"
            ),
        ),
        note(RecordLive.remixes, rx.cond(RecordLive.remixes == 1, " remix", " remixes")),
    )


def _record_header() -> rx.Component:
    s = RecordState
    return rx.fragment(
        rx.cond(
            s.challenge_id > 0,
            rx.link("← ", s.challenge_title, href=routes.challenge_url(s.challenge_id), size="2"),
        ),
        rx.hstack(
            kind_badge(s.kind),
            rx.cond(s.withdrawn, withdrawn_badge()),
            note(s.created, size="1"),
            align="center",
        ),
        page_title(s.title, size="8"),
        note("by ", rx.foreach(s.authors, _author), size=None),
        watching_note(RecordLive.watching, RecordLive.watchers),
    )


def _work() -> rx.Component:
    """The record itself, or the note that it was withdrawn."""
    s = RecordState
    return rx.cond(
        s.withdrawn,
        rx.callout(
            "The author withdrew this record. Its title and credits stay because "
            "others built on it.",
            icon="archive",
            color_scheme="gray",
        ),
        rx.vstack(
            rx.cond(s.description != "", rx.text(s.description, white_space="pre-wrap")),
            _media(),
            wrap_row(rx.foreach(s.tags, lambda t: rx.badge("#" + t, variant="outline"))),
            _actions(),
            spacing="3",
            width="100%",
        ),
    )


def _neighbours() -> rx.Component:
    """The records this one was built from and those built from it."""
    s = RecordState
    return rx.grid(
        section("Built from", s.sources, record_link, empty="Nothing: an original.", level=3),
        section("Remixed into", s.remixes, record_link, empty="Not remixed yet.", level=3),
        columns=rx.breakpoints(initial="1", sm="2"),
        spacing="4",
        width="100%",
    )


def record_page() -> rx.Component:
    return item_page(
        RecordState.found,
        dead_end("No such record", back=("See the challenges", routes.CHALLENGES)),
        _record_header(),
        success_callout(RecordState.message),
        error_callout(RecordState.error),
        _work(),
        _lineage(),
        _neighbours(),
        _credits(),
        _editor(),
        _credit(),
        _comments(),
    )


def _source(src: ObjectVar[RecordLinkRow]) -> rx.Component:
    s = SubmitState
    return rx.hstack(
        kind_badge(src.kind),
        rx.link(src.title, href=routes.record_url(src.id), is_external=True),
        small_button(
            "Remove",
            variant="ghost",
            on_click=s.drop_source(src.id),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
            aria_label=f"Remove source {src.title}",
        ),
        align="center",
    )


def _for_challenge() -> rx.Component:
    """The challenge the record answers, and the way out of it."""
    s = SubmitState
    return rx.callout(
        wrap_row(
            rx.text("For the challenge “", s.challenge_title, "”"),
            small_button("Submit standalone instead", variant="ghost", on_click=s.leave_challenge),
        ),
        icon="megaphone",
    )


def submit_form() -> rx.Component:
    s = SubmitState
    remixing = s.sources.length() > 0
    return page(
        form_stack(
            page_title(rx.cond(remixing, "Remix", "Submit a record")),
            error_callout(s.error),
            rx.cond(s.challenge_id > 0, _for_challenge()),
            rx.cond(
                remixing,
                card_column(
                    rx.text("Built on (credit follows the work):", weight="medium"),
                    rx.foreach(s.sources, _source),
                    spacing="2",
                ),
            ),
            radio_field(
                "Kind of record", "kind", s.allowed_kinds, value=s.kind, on_change=s.set_kind
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
            text_field("Tags (comma separated, optional)", "tags", placeholder="story, lighthouse"),
            rx.button("Submit record", type="submit", size="3"),
            on_submit=lambda form_data: SubmitState.submit(  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
                rx.upload_files(upload_id="record_file"), form_data
            ),
            label="Submit a record",
            spacing="4",
            max_width="44em",
        ),
    )
