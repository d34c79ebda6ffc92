"""`POST /collab/draft-{id}/token`: a fresh co-editing token for the signed-in user.

The editor (assets/collab_editor.jsx) calls this before every reconnect, because a
token in a websocket URL (and so in access logs) is short-lived and opens one
connection only (the server refuses a second use). The session token travels in the
Authorization header, never in a URL. The answer is the same kind of token the draft
page's state issues: for (this user, this draft, this browser session), only while the
session is live and the user is a member of the draft. Signing out revokes the session,
which closes its editor connections and makes its unused tokens worthless.
"""

from __future__ import annotations

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hitrec_app.collab.tokens import issue_token
from hitrec_app.db import session_scope
from hitrec_app.services import accounts, drafts
from hitrec_app.vocabulary import draft_id_of_room

_NO_STORE = {"Cache-Control": "no-store"}


def _refuse(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=_NO_STORE)


def _token_for(session_token: str, draft_id: int) -> tuple[int, str]:
    with session_scope() as session:
        live = accounts.session_for_token(session=session, token=session_token)
        if live is None or live.id is None:
            return 401, "Please sign in again."
        user_id, session_id = live.user_id, live.id
        role = drafts.get_role(session=session, draft_id=draft_id, user_id=user_id)
        if role is None:
            return 403, "You are not a member of this draft."
    return 200, issue_token(user_id, draft_id, session_id)


async def collab_token(request: Request) -> JSONResponse:
    draft_id = draft_id_of_room(request.path_params["room"])
    if draft_id is None:
        return _refuse(404, "No such draft.")
    auth = request.headers.get("authorization", "")
    scheme, _, session_token = auth.partition(" ")
    if scheme.lower() != "bearer" or not session_token:
        return _refuse(401, "Please sign in again.")
    status, value = await anyio.to_thread.run_sync(_token_for, session_token.strip(), draft_id)
    if status != 200:
        return _refuse(status, value)
    return JSONResponse({"token": value}, headers=_NO_STORE)


def build_token_api() -> Starlette:
    """A fresh sub-app per rx.App (Starlette apps cannot be reused once started)."""
    return Starlette(routes=[Route("/collab/{room}/token", collab_token, methods=["POST"])])
