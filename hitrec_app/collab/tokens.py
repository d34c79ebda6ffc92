"""Short-lived, single-use signed tokens that let one browser session open one draft's editor.

y-websocket puts its parameters in the URL, and URLs end up in access logs, so a token
is good for a single draft, a few minutes and one connection only. Each token carries:

- the user and the draft it is for;
- the id of the browser session (`UserSession.id`) it was issued to: the server refuses
  the token once that session is signed out or expired, and signing out closes the
  session's open editor connections at once (`EventKind.SESSION_REVOKED`);
- a random nonce: the server remembers the nonces it has accepted (`UsedTokens`, in
  memory, each kept until its token expires), so a token copied from a log cannot open
  a second connection.

The draft page's state issues the first token; before every reconnect the editor fetches
a fresh one from `POST /collab/draft-{id}/token` (hitrec_app/api/collab_token.py). The
token proves identity, not access: the server still checks that the session is live and
the user's current role when the connection joins.
"""

from __future__ import annotations

import heapq
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from hitrec_app.services.errors import AuthenticationFailed
from hitrec_app.settings import settings

TOKEN_TTL_SECONDS = 300
_SALT = "hitrec.collab.draft-websocket.v2"
_NONCE_BYTES = 12


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    draft_id: int
    session_id: int  # UserSession.id of the browser session the token was issued to
    nonce: str
    issued_at: float  # seconds since the epoch (whole seconds: itsdangerous' timestamp)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_SALT)


def issue_token(user_id: int, draft_id: int, session_id: int) -> str:
    """A token for `user_id` to open `draft_id`, tied to the browser session `session_id`."""
    return _serializer().dumps(
        {
            "u": int(user_id),
            "d": int(draft_id),
            "s": int(session_id),
            "n": secrets.token_urlsafe(_NONCE_BYTES),
        }
    )


def verify_token(token: str, draft_id: int, *, max_age: int = TOKEN_TTL_SECONDS) -> TokenClaims:
    """Check the signature, age and draft; return the claims, or raise AuthenticationFailed.

    This does not consume the token: the server does that with `UsedTokens.claim`.
    """
    if not token or len(token) > 512:
        raise AuthenticationFailed("Missing or malformed editor token; reload the draft.")
    try:
        payload, issued = _serializer().loads(token, max_age=max_age, return_timestamp=True)
    except SignatureExpired as err:
        raise AuthenticationFailed("The editor token has expired; reload the draft.") from err
    except BadSignature as err:
        raise AuthenticationFailed("Invalid editor token; reload the draft.") from err
    if (
        not isinstance(payload, dict)
        or not all(_is_int(payload.get(k)) for k in ("u", "d", "s"))
        or not isinstance(payload.get("n"), str)
        or not 8 <= len(payload["n"]) <= 64
    ):
        raise AuthenticationFailed("Invalid editor token; reload the draft.")
    if payload["d"] != int(draft_id):
        raise AuthenticationFailed("This editor token belongs to another draft.")
    return TokenClaims(
        user_id=payload["u"],
        draft_id=payload["d"],
        session_id=payload["s"],
        nonce=payload["n"],
        issued_at=issued.timestamp(),
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class UsedTokens:
    """The nonces of tokens already used to open a connection, each kept until its token
    expires (after that the signature check refuses the token anyway).

    Bounded: if `max_entries` live tokens have been used within one token lifetime,
    further tokens are refused until some expire (a refusal asks the editor to retry).
    One process's memory: with several workers a token could open one connection per
    worker, which the room relay would have to close (see docs/architecture.md, "Processes and scale-out").
    """

    def __init__(
        self,
        *,
        ttl: float = TOKEN_TTL_SECONDS,
        max_entries: int = 100_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._used: set[str] = set()
        self._expiry: list[tuple[float, str]] = []  # heap of (forget after, nonce)

    def __len__(self) -> int:
        return len(self._used)

    def claim(self, claims: TokenClaims) -> None:
        """Mark the token used; raise AuthenticationFailed if it was used before."""
        now = self._clock()
        self._forget_expired(now)
        if claims.nonce in self._used:
            raise AuthenticationFailed("This editor token was already used; reconnecting.")
        if len(self._used) >= self.max_entries:
            raise AuthenticationFailed("The editor server is busy; reconnecting.")
        # itsdangerous accepts a token while its age (in whole seconds) is <= ttl.
        heapq.heappush(self._expiry, (claims.issued_at + self.ttl + 1, claims.nonce))
        self._used.add(claims.nonce)

    def _forget_expired(self, now: float) -> None:
        while self._expiry and self._expiry[0][0] < now:
            _, nonce = heapq.heappop(self._expiry)
            self._used.discard(nonce)
