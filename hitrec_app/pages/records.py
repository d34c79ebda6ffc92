"""The record page (with its lineage graph) and the submission form."""

from __future__ import annotations

import reflex as rx

from hitrec_app import routes
from hitrec_app.components.layout import error_callout, labelled_input, page, success_callout
from hitrec_app.components.records import kind_badge, lineage_graph, safe_markdown
from hitrec_app.state.base import AuthState
from hitrec_app.state.records import RecordRoom, RecordState, SubmitState

ACCEPT = {
    "image": {
        "image/png": [".png"],
        "image/jpeg": [".jpg", ".jpeg"],
        "image/webp": [".webp"],
        "image/gif": [".gif"],
    },
    "audio": {
        "audio/mpeg": [".mp3"],
        "audio/ogg": [".ogg", ".oga", ".opus"],
        "audio/wav": [".wav"],
    },
    "video": {"video/webm": [".webm"], "video/mp4": [".mp4", ".m4v"]},
}
FORMATS = {
    "image": "PNG, JPEG, WebP or GIF, up to 15 MB",
    "audio": "MP3, OGG or WAV, up to 40 MB",
    "video": "WebM or MP4, up to 200 MB",
}


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


def _ref_list(title: str, items, empty: str) -> rx.Component:  # noqa: ANN001
    return rx.vstack(
        rx.heading(title, size="3", as_="h3"),
        rx.cond(
            items.length() > 0,
            rx.el.ul(
                rx.foreach(
                    items,
                    lambda r: rx.el.li(
                        rx.hstack(
                            kind_badge(r["kind"]),
                            rx.link(r["title"], href="/records/" + r["id"].to(str)),
                            rx.cond(r["withdrawn"], rx.badge("withdrawn", color_scheme="gray")),
                            align="center",
                            spacing="2",
                        ),
                        style={"marginBottom": "0.3em"},
                    ),
                ),
                style={"listStyle": "none", "padding": 0, "margin": 0},
            ),
            rx.text(empty, size="2", color_scheme="gray"),
        ),
        spacing="2",
        align="start",
    )


def _citations_editor() -> rx.Component:
    s = RecordState
    return rx.vstack(
        rx.heading("Citations", size="3", as_="h3"),
        rx.foreach(
            s.sources,
            lambda r: rx.hstack(
                rx.text(r["title"]),
                rx.button(
                    "Remove citation of " + r["title"].to(str),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=s.remove_citation(r["id"].to(int)),
                ),
                align="center",
            ),
        ),
        rx.form(
            rx.hstack(
                labelled_input(
                    "Cite another record (number or link)", "source", placeholder="e.g. 12"
                ),
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


def _editor() -> rx.Component:
    s = RecordState
    return rx.cond(
        s.can_edit,
        rx.card(
            rx.vstack(
                rx.heading("Your record", size="4", as_="h2"),
                rx.cond(
                    s.editing,
                    rx.form(
                        rx.vstack(
                            labelled_input("Title", "title", default_value=s.title, required=True),
                            rx.vstack(
                                rx.el.label(
                                    "Description",
                                    html_for="field-description",
                                    style={"fontWeight": 500},
                                ),
                                rx.text_area(
                                    name="description",
                                    id="field-description",
                                    default_value=s.description,
                                    width="100%",
                                ),
                                spacing="1",
                                width="100%",
                            ),
                            labelled_input(
                                "Tags (comma separated)", "tags", default_value=s.tags_text
                            ),
                            rx.hstack(
                                rx.button("Save", type="submit"),
                                rx.button(
                                    "Cancel",
                                    variant="soft",
                                    type="button",
                                    on_click=s.cancel_editing,
                                ),
                            ),
                            spacing="3",
                            width="100%",
                        ),
                        on_submit=s.save,
                        width="100%",
                    ),
                    rx.button(
                        "Edit title, description and tags", variant="soft", on_click=s.start_editing
                    ),
                ),
                _citations_editor(),
                _withdraw_button(),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        rx.cond(
            s.can_withdraw,
            # An admin who did not submit it: moderation only, no editing.
            rx.card(
                rx.vstack(
                    rx.heading("Moderation", size="4", as_="h2"),
                    _withdraw_button(),
                    spacing="3",
                    width="100%",
                ),
                width="100%",
            ),
        ),
    )


def _withdraw_button() -> rx.Component:
    s = RecordState
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button("Withdraw record", color_scheme="red", variant="outline")
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Withdraw this record?"),
            rx.alert_dialog.description(
                "If nobody built on it, it is deleted. If others remixed it, a stub keeps "
                "its title and credits so their lineage stays intact."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                rx.alert_dialog.action(
                    rx.button("Withdraw", color_scheme="red", on_click=s.withdraw)
                ),
                spacing="3",
                justify="end",
            ),
        ),
    )


def _credit() -> rx.Component:
    """A co-author (not the submitter) may take their name off; nothing else."""
    s = RecordState
    return rx.cond(
        s.can_remove_credit,
        rx.card(
            rx.vstack(
                rx.heading("Your credit", size="4", as_="h2"),
                rx.text(
                    "You are credited as a co-author. The person who submitted the record "
                    "edits it; you can take your name off it.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.alert_dialog.root(
                    rx.alert_dialog.trigger(
                        rx.button("Remove my credit", color_scheme="red", variant="outline")
                    ),
                    rx.alert_dialog.content(
                        rx.alert_dialog.title("Remove your credit?"),
                        rx.alert_dialog.description(
                            "Your name comes off this record; the record stays, credited to "
                            "its other authors."
                        ),
                        rx.hstack(
                            rx.alert_dialog.cancel(rx.button("Keep my credit", variant="soft")),
                            rx.alert_dialog.action(
                                rx.button("Remove", color_scheme="red", on_click=s.remove_my_credit)
                            ),
                            spacing="3",
                            justify="end",
                        ),
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def _lineage() -> rx.Component:
    s = RecordState
    return rx.el.section(
        rx.vstack(
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
                    rx.text(s.hidden.to(str) + " more not shown", size="1", color_scheme="gray"),
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
            spacing="2",
            width="100%",
        ),
        aria_label="Lineage",
        style={"width": "100%"},
    )


def _credits() -> rx.Component:
    s = RecordState
    return rx.el.section(
        rx.vstack(
            rx.heading("Credits upstream", size="4", as_="h2"),
            rx.cond(
                s.credits.length() > 0,
                rx.el.ul(
                    rx.foreach(
                        s.credits,
                        lambda c: rx.el.li(
                            rx.link(c["name"], href="/u/" + c["username"].to(str), weight="bold"),
                            rx.text.span(" for "),
                            rx.foreach(
                                c["records"].to(list[dict]),
                                lambda r: rx.link(
                                    "“" + r["title"].to(str) + "” ",
                                    href="/records/" + r["id"].to(str),
                                ),
                            ),
                        ),
                    ),
                    style={"paddingLeft": "1.2em", "margin": 0},
                ),
                rx.text("Original work: nothing upstream.", size="2", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        aria_label="Credits upstream",
        style={"width": "100%"},
    )


def _comments() -> rx.Component:
    s = RecordState
    return rx.el.section(
        rx.vstack(
            rx.heading("Comments", size="5", as_="h2"),
            rx.cond(
                RecordRoom.comments.length() > 0,
                rx.el.ul(
                    rx.foreach(
                        RecordRoom.comments,
                        lambda c: rx.el.li(
                            rx.vstack(
                                rx.hstack(
                                    rx.link(
                                        c["author"],
                                        href="/u/" + c["username"].to(str),
                                        weight="bold",
                                        size="2",
                                    ),
                                    rx.text(c["at"], size="1", color_scheme="gray"),
                                    align="center",
                                ),
                                rx.text(c["body"], white_space="pre-wrap", size="2"),
                                spacing="1",
                            ),
                            style={
                                "padding": "0.5em 0",
                                "borderBottom": "1px solid var(--gray-a4)",
                            },
                        ),
                    ),
                    aria_label="Comments",
                    style={"listStyle": "none", "padding": 0, "margin": 0, "width": "100%"},
                ),
                rx.text("No comments yet.", size="2", color_scheme="gray"),
            ),
            rx.cond(
                AuthState.signed_in & ~s.withdrawn,
                rx.form(
                    rx.vstack(
                        rx.el.label(
                            "Add a comment", html_for="field-comment", style={"fontWeight": 500}
                        ),
                        rx.text_area(name="body", id="field-comment", width="100%", rows="3"),
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
            width="100%",
        ),
        aria_label="Comments",
        style={"width": "100%"},
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
                        href="/challenges/" + s.challenge_id.to(str),
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
                rx.text(
                    "by ",
                    rx.foreach(
                        s.authors, lambda a: rx.link(a["name"] + " ", href="/u/" + a["username"])
                    ),
                    color_scheme="gray",
                ),
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
                        rx.hstack(
                            rx.button(
                                rx.icon(
                                    "heart",
                                    size=16,
                                    fill=rx.cond(s.hearted, "currentColor", "none"),
                                ),
                                rx.cond(s.hearted, "Hearted", "Heart"),
                                rx.text.span(
                                    RecordRoom.hearts.to(str),
                                    aria_label="hearts: " + RecordRoom.hearts.to(str),
                                ),
                                on_click=s.toggle_heart,
                                disabled=~AuthState.signed_in,
                                variant=rx.cond(s.hearted, "solid", "outline"),
                                aria_pressed=rx.cond(s.hearted, "true", "false"),
                            ),
                            rx.cond(
                                AuthState.signed_in,
                                rx.link(
                                    rx.button(
                                        rx.icon("git-fork", size=16), "Remix this", variant="soft"
                                    ),
                                    href="/records/new?remix=" + s.rid.to(str),
                                ),
                            ),
                            rx.text(
                                RecordRoom.remixes.to(str)
                                + rx.cond(RecordRoom.remixes == 1, " remix", " remixes"),
                                size="2",
                                color_scheme="gray",
                            ),
                            spacing="3",
                            align="center",
                            wrap="wrap",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                ),
                _lineage(),
                rx.grid(
                    _ref_list("Built from", s.sources, "Nothing: an original."),
                    _ref_list("Remixed into", s.remixes, "Not remixed yet."),
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


def _file_picker() -> rx.Component:
    s = SubmitState
    return rx.vstack(
        rx.text(
            "File (",
            rx.match(s.kind, *[(k, v) for k, v in FORMATS.items()], ""),
            ")",
            weight="medium",
        ),
        rx.upload.root(
            rx.vstack(
                rx.button("Choose file", type="button", variant="outline"),
                rx.text("or drop it here", size="2", color_scheme="gray"),
                align="center",
            ),
            id="record_file",
            max_files=1,
            multiple=False,
            border="1px dashed var(--gray-a8)",
            padding="1.25em",
            width="100%",
            border_radius="var(--radius-3)",
            accept=rx.match(s.kind, *[(k, v) for k, v in ACCEPT.items()], {}),
        ),
        rx.text(rx.selected_files("record_file").join(", "), size="2", aria_live="polite"),
        spacing="1",
        width="100%",
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
                            rx.foreach(
                                s.sources,
                                lambda src: rx.hstack(
                                    kind_badge(src["kind"]),
                                    rx.link(
                                        src["title"],
                                        href="/records/" + src["id"].to(str),
                                        is_external=True,
                                    ),
                                    rx.button(
                                        "Remove",
                                        size="1",
                                        variant="ghost",
                                        type="button",
                                        on_click=s.drop_source(src["id"].to(int)),
                                        aria_label="Remove source " + src["title"].to(str),
                                    ),
                                    align="center",
                                ),
                            ),
                            spacing="2",
                        ),
                        width="100%",
                    ),
                ),
                rx.vstack(
                    rx.el.label("Kind of record", id="kind-label", style={"fontWeight": 500}),
                    rx.radio_group.root(
                        rx.hstack(
                            rx.foreach(
                                s.allowed_kinds,
                                lambda k: rx.el.label(
                                    rx.hstack(
                                        rx.radio_group.item(value=k, id="kind-" + k),
                                        rx.text(k.capitalize()),
                                        align="center",
                                        spacing="1",
                                    ),
                                    html_for="kind-" + k,
                                ),
                            ),
                            spacing="4",
                        ),
                        value=s.kind,
                        on_change=s.set_kind,
                        aria_labelledby="kind-label",
                    ),
                    spacing="1",
                ),
                labelled_input("Title", "title", required=True, max_length=200),
                rx.cond(
                    s.kind == "text",
                    rx.vstack(
                        rx.el.label(
                            "Text (Markdown: **bold**, *italic*, lists, links)",
                            html_for="field-body",
                            style={"fontWeight": 500},
                        ),
                        rx.text_area(
                            name="body",
                            id="field-body",
                            rows="10",
                            width="100%",
                            placeholder="Write here…",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    _file_picker(),
                ),
                rx.vstack(
                    rx.el.label(
                        "Description (optional)",
                        html_for="field-description",
                        style={"fontWeight": 500},
                    ),
                    rx.text_area(
                        name="description", id="field-description", rows="2", width="100%"
                    ),
                    spacing="1",
                    width="100%",
                ),
                labelled_input(
                    "Tags (comma separated, optional)", "tags", placeholder="story, lighthouse"
                ),
                rx.button("Submit record", type="submit", size="3"),
                spacing="4",
                width="100%",
                max_width="44em",
            ),
            on_submit=lambda form_data: SubmitState.submit(
                rx.upload_files(upload_id="record_file"), form_data
            ),
            aria_label="Submit a record",
        ),
    )
