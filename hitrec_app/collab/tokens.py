"""Short-lived signed tokens that let one user open one draft's editor websocket.

y-websocket puts its parameters in the URL, and URLs end up in access logs, so a token
is good for a single draft and a few minutes only. The draft page's state issues the
first one; before every reconnect the editor fetches a fresh one from
`POST /collab/draft-{id}/token` (hitrec_app/api/collab_token.py). The token proves identity, not access: the
server still checks the user's current role when the connection joins.
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from hitrec_app.services.errors import AuthenticationFailed
from hitrec_app.settings import settings

TOKEN_TTL_SECONDS = 300
_SALT = "hitrec.collab.draft-websocket"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_SALT)


def issue_token(user_id: int, draft_id: int) -> str:
    return _serializer().dumps({"u": int(user_id), "d": int(draft_id)})


def verify_token(token: str, draft_id: int, *, max_age: int = TOKEN_TTL_SECONDS) -> int:
    """Return the user id the token was issued to, or raise AuthenticationFailed."""
    if not token or len(token) > 512:
        raise AuthenticationFailed("Missing or malformed editor token; reload the draft.")
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as err:
        raise AuthenticationFailed("The editor token has expired; reload the draft.") from err
    except BadSignature as err:
        raise AuthenticationFailed("Invalid editor token; reload the draft.") from err
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise AuthenticationFailed("Invalid editor token; reload the draft.")
    if payload.get("d") != int(draft_id):
        raise AuthenticationFailed("This editor token belongs to another draft.")
    return payload["u"]
