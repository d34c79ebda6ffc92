"""The co-editing editor as a Reflex component (the React side is assets/collab_editor.jsx).

Yjs + CodeMirror 6 + y-codemirror.next, synced over the y-websocket protocol with the
room `draft-{id}` that hitrec_app.collab serves at `/collab/draft-{id}`. The first
connection uses `token` (issued by the page's state after checking the user's role);
every reconnect fetches a fresh token from `POST /collab/draft-{id}/token`
(hitrec_app.api.collab_token), so a token never outlives a few minutes in the browser.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventHandler, no_args_event_spec

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
    on_access_changed: EventHandler[no_args_event_spec]


collab_editor = CollabEditor.create
