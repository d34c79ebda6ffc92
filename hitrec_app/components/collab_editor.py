"""The co-editing editor as a Reflex component (the React side is assets/collab_editor.jsx),
and the pieces that show who wrote what in a draft.

Yjs + CodeMirror 6 + y-codemirror.next, synced over the y-websocket protocol with the
room `draft-{id}` that hitrec_app.collab serves at `/collab/draft-{id}`. The first
connection uses `token` (issued by the page's state after checking the user's role);
every reconnect fetches a fresh token from `POST /collab/draft-{id}/token`
(hitrec_app.api.collab_token), so a token never outlives a few minutes in the browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import reflex as rx
from reflex.event import EventHandler, no_args_event_spec
from reflex.vars import ArrayVar

from hitrec_app.components.sections import note

COLLAB_NPM_PACKAGES = [
    "yjs@13.6.33",
    "y-websocket@3.1.0",
    "y-codemirror.next@0.3.6",
    "@codemirror/state@6.7.6",
    "@codemirror/view@6.43.15",
    "@codemirror/commands@6.11.1",
    "@codemirror/lang-markdown@6.5.2",
]


class CollabEditor(rx.Component):
    """A collaborative Markdown editor bound to one draft's room."""

    library: str | None = rx.asset("collab_editor.jsx").importable_path
    tag: str | None = "CollabEditor"
    lib_dependencies: list[str] = COLLAB_NPM_PACKAGES

    draft_id: rx.Var[int]
    token: rx.Var[str]
    user_name: rx.Var[str]
    user_color: rx.Var[str]
    read_only: rx.Var[bool]
    placeholder: rx.Var[str]

    # The server refused the user (removed from the draft) or their role changed.
    # (`EventHandler[spec]` is this Annotated form, spelt so that type checkers read it.)
    on_access_changed: Annotated[EventHandler, no_args_event_spec]


collab_editor = CollabEditor.create


def author_swatch(color: str | rx.Var[str], *, square: bool = False) -> rx.Component:
    """An author's colour as a small dot (beside a member) or square (in a key)."""
    return rx.box(
        width="0.8em" if square else "0.7em",
        height="0.8em" if square else "0.7em",
        border_radius="2px" if square else "50%",
        background=color,
        flex_shrink="0",
        aria_hidden="true",
    )


def _share(share: Any) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            author_swatch(share.color, square=True),
            rx.text(share.name, weight="medium", size="2"),
            rx.text(share.share, size="2"),
            note("(", share.chars, " characters)", size="1"),
            align="center",
            spacing="2",
        ),
        style={"listStyle": "none"},
    )


def authorship_key(shares: ArrayVar[Sequence[Any]]) -> rx.Component:
    """Each author's colour, name and share (rows with `color`, `name`, `share` and
    `chars`), side by side, wrapping."""
    return rx.el.ul(
        rx.foreach(shares, _share),
        aria_label="Authorship shares",
        style={
            "display": "flex",
            "flexWrap": "wrap",
            "gap": "0.4em 1.4em",
            "padding": 0,
            "margin": 0,
        },
    )


def authored_text(runs: ArrayVar[Sequence[Any]]) -> rx.Component:
    """The text as runs (rows with `text`, `name`, `color`), each tinted in its author's
    colour, the author's name on hover."""
    return rx.box(
        rx.foreach(
            runs,
            lambda run: rx.el.span(
                run.text,
                title=run.name,
                style={
                    "backgroundColor": run.color + "38",
                    "borderBottom": "2px solid " + run.color,
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
    )


def version_text(text: str | rx.Var[str], *, label: str) -> rx.Component:
    """A version of the text as it was written, line breaks kept."""
    return rx.box(text, aria_label=label, role="region", white_space="pre-wrap", padding_y="0.5em")


def _diff_line(line: Any) -> rx.Component:
    return rx.el.div(
        rx.match(line.kind, ("add", "+ "), ("del", "− "), "  "),
        line.text,
        style={
            "whiteSpace": "pre-wrap",
            "fontFamily": "var(--code-font-family, monospace)",
            "fontSize": "0.85em",
            "padding": "0 0.5em",
            "backgroundColor": rx.match(
                line.kind, ("add", "var(--green-a3)"), ("del", "var(--red-a3)"), "transparent"
            ),
        },
        data_kind=line.kind,
    )


def line_diff(lines: ArrayVar[Sequence[Any]], *, label: str) -> rx.Component:
    """A line diff (rows with `kind` "add", "del" or "same", and `text`), added lines
    green with "+", removed ones red with "−"."""
    return rx.box(
        rx.foreach(lines, _diff_line),
        aria_label=label,
        role="region",
        padding_y="0.5em",
    )
