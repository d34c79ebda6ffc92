"""Live co-editing of drafts: a y-websocket server over pycrdt, with persistence and authorship.

No reflex import here: the Reflex app mounts `build_collab_app()` and calls the functions
below from its states. See `asgi.py` for mounting and `close_codes.py` for the protocol's
close codes.
"""

from hitrec_app.collab.asgi import COLLAB_PATH, build_collab_app
from hitrec_app.collab.colors import author_color
from hitrec_app.collab.credit import (
    PublishedText,
    authored_runs,
    authorship_shares,
    basis_points,
    draft_text,
    publish_text,
)
from hitrec_app.collab.history import (
    DiffLine,
    SnapshotInfo,
    create_named_snapshot,
    diff_lines,
    diff_with_current,
    list_snapshots,
    restore_snapshot,
    snapshot_text,
)
from hitrec_app.collab.room import Limits
from hitrec_app.collab.server import kick
from hitrec_app.collab.tokens import TOKEN_TTL_SECONDS, issue_token, verify_token

__all__ = [
    "COLLAB_PATH",
    "TOKEN_TTL_SECONDS",
    "DiffLine",
    "Limits",
    "PublishedText",
    "SnapshotInfo",
    "author_color",
    "authored_runs",
    "authorship_shares",
    "basis_points",
    "build_collab_app",
    "create_named_snapshot",
    "diff_lines",
    "diff_with_current",
    "draft_text",
    "issue_token",
    "kick",
    "list_snapshots",
    "publish_text",
    "restore_snapshot",
    "snapshot_text",
    "verify_token",
]
