"""Record pieces shared by pages: kind badge, entry card, lineage graph, markdown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar
from reflex.vars.base import Var

from hitrec_app import routes
from hitrec_app.components.sections import grid_card, note
from hitrec_app.state.rows import EntryRow, RecordLinkRow

if TYPE_CHECKING:
    from hitrec_app.state.records import GraphEdgeRow, GraphNodeRow

KIND_ICONS = {"text": "file-text", "image": "image", "audio": "audio-lines", "video": "film"}
KIND_COLORS = {"text": "blue", "image": "grass", "audio": "amber", "video": "purple"}


def kind_badge(kind: str | rx.Var[str]) -> rx.Component:
    return rx.badge(
        rx.match(
            kind,
            *[(k, rx.icon(icon, size=12)) for k, icon in KIND_ICONS.items()],
            rx.icon("file", size=12),
        ),
        kind,
        color_scheme=rx.match(kind, *[(k, c) for k, c in KIND_COLORS.items()], "gray"),
        variant="soft",
    )


def withdrawn_badge() -> rx.Component:
    return rx.badge("withdrawn", color_scheme="gray")


def record_link(row: ObjectVar[RecordLinkRow]) -> rx.Component:
    """A record in a list: its kind, its title as a link, and whether it was withdrawn."""
    return rx.hstack(
        kind_badge(row.kind),
        rx.link(row.title, href=routes.record_url(row.id)),
        rx.cond(row.withdrawn, withdrawn_badge()),
        align="center",
        spacing="2",
    )


# Inside a react-markdown component-map function, `props` holds the element's attributes.
_IMG_SRC = Var(_js_expr="props.src").to(str)
_IMG_ALT = Var(_js_expr="(props.alt ?? '')").to(str)
# A same-site path only: "/..." but not "//host" or "/\\host" (both mean another host to a
# browser), and no whitespace, backslash or control character anywhere (browsers drop
# tabs and newlines from URLs, so "/<tab>/host" would become "//host").
SAME_SITE_IMAGE = r"^/(?![/\\])[A-Za-z0-9._~!$&'()*+,;=:@%/?#-]*$"
_IMG_IS_LOCAL: Var[bool] = Var(
    _js_expr=f"(/{SAME_SITE_IMAGE.replace('/', chr(92) + '/')}/.test(String(props.src ?? '')))",
    _var_type=bool,
)


def _markdown_image(_children: rx.Var[str]) -> rx.Component:
    """Markdown images load only from this site (`/_upload/...`, `/...`): an image from
    elsewhere would make every reader's browser call that server (leaking who reads what,
    and their address). Others show as a note with their alt text, no link, no request."""
    return rx.el.span(
        rx.cond(
            _IMG_IS_LOCAL,
            rx.el.img(src=_IMG_SRC, alt=_IMG_ALT, style={"maxWidth": "100%"}),
            rx.text.span(
                "[external image not shown",
                rx.cond(_IMG_ALT != "", ": " + _IMG_ALT, ""),
                "]",
                class_name="external-image",
                color_scheme="gray",
            ),
        ),
        class_name="markdown-image",
    )


def safe_markdown(text: str | rx.Var[str], **props: Any) -> rx.Component:
    """Markdown with raw HTML OFF (react-markdown then shows any HTML as plain text), and
    images only from this site (see `_markdown_image`)."""
    return rx.markdown(
        text,
        use_raw=False,
        use_math=False,
        use_katex=False,
        component_map={"img": _markdown_image},
        **props,
    )


def counter(icon: str, value: int | rx.Var[int], label: str) -> rx.Component:
    """A small count with its icon, read out as "<label>: <value>"."""
    return rx.hstack(
        rx.icon(icon, size=15, aria_hidden="true"),
        rx.text(value, size="2"),
        spacing="1",
        align="center",
        aria_label=f"{label}: {value}",
        role="img",
        color="var(--gray-11)",
    )


def entry_card(
    row: ObjectVar[EntryRow],
    hearts: rx.Var[int] | None = None,
    remixes: rx.Var[int] | None = None,
    title: rx.Var[str] | None = None,
    comments: rx.Var[int] | None = None,
) -> rx.Component:
    """One record on a board; `title` and the counts may be live overrides of the row's."""
    title = row.title if title is None else title
    return grid_card(
        title,
        rx.cond(
            row.thumbnail_path,
            rx.link(
                rx.image(
                    src=rx.get_upload_url(row.thumbnail_path),
                    alt="",
                    width="100%",
                    height="140px",
                    object_fit="cover",
                    border_radius="var(--radius-2)",
                ),
                href=routes.record_url(row.id),
                tab_index=-1,
                aria_hidden="true",
                display="block",
                width="100%",
            ),
        ),
        rx.hstack(
            kind_badge(row.kind),
            note(row.at, size="1"),
            justify="between",
            width="100%",
        ),
        rx.link(rx.heading(title, size="3", as_="h3"), href=routes.record_url(row.id)),
        rx.cond(row.excerpt != "", note(row.excerpt)),
        rx.text(
            "by ", rx.link(row.author_name, href=routes.user_url(row.author_username)), size="2"
        ),
        rx.hstack(
            counter("heart", row.hearts if hearts is None else hearts, "hearts"),
            counter("git-fork", row.remixes if remixes is None else remixes, "remixes"),
            counter("message-circle", row.comments if comments is None else comments, "comments"),
            spacing="4",
        ),
    )


# A graph node's title and authors: one line, cut with an ellipsis.
_ONE_LINE = {
    "whiteSpace": "nowrap",
    "overflow": "hidden",
    "textOverflow": "ellipsis",
    "maxWidth": "168px",
}


def _node(node: ObjectVar[GraphNodeRow]) -> rx.Component:
    return rx.link(
        rx.vstack(
            rx.hstack(
                kind_badge(node.kind),
                rx.cond(node.withdrawn, withdrawn_badge()),
                spacing="1",
                height="20px",
            ),
            rx.text(node.title, size="2", weight="bold", style=_ONE_LINE),
            note(node.authors, size="1", style=_ONE_LINE),
            spacing="1",
        ),
        href=routes.record_url(node.id),
        aria_label=node.label,
        aria_current=rx.cond(node.center, "page", "false"),
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        style={
            "position": "absolute",
            "left": node.left,
            "top": node.top,
            "width": "184px",
            "height": "76px",
            "padding": "6px 8px",
            "borderRadius": "8px",
            "overflow": "hidden",
            "background": rx.cond(node.center, "var(--accent-3)", "var(--color-panel-solid)"),
            "border": rx.cond(
                node.center,
                "2px solid var(--accent-9)",
                rx.cond(node.withdrawn, "1px dashed var(--gray-8)", "1px solid var(--gray-7)"),
            ),
            "boxShadow": "var(--shadow-2)",
        },
    )


def lineage_graph(
    nodes: ArrayVar[Sequence[GraphNodeRow]],
    edges: ArrayVar[Sequence[GraphEdgeRow]],
    width: rx.Var[int],
    height: rx.Var[int],
) -> rx.Component:
    """Nodes are real links laid over an SVG of the citation edges (older on the left)."""
    return rx.box(
        rx.box(
            rx.el.svg(
                rx.foreach(
                    edges,
                    lambda e: rx.fragment(
                        rx.el.path(
                            d=e.path,
                            style={"fill": "none", "stroke": "var(--gray-8)", "strokeWidth": "2"},
                        ),
                        rx.el.path(d=e.arrow, style={"fill": "var(--gray-8)"}),
                    ),
                ),
                width=width,
                height=height,
                aria_hidden="true",
                style={"position": "absolute", "left": "0", "top": "0"},
            ),
            rx.foreach(nodes, _node),
            position="relative",
            width=f"{width}px",
            height=f"{height}px",
        ),
        role="figure",
        aria_label="Lineage graph: sources on the left, remixes on the right",
        overflow_x="auto",
        width="100%",
        padding="0.5em",
        border="1px solid var(--gray-a5)",
        border_radius="var(--radius-3)",
        background="var(--gray-a2)",
    )
