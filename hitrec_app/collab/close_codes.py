"""Websocket close codes the co-editing server uses, and the exception that triggers one.

The browser's editor decides from the code whether to reconnect (every connection needs
a fresh token: a token opens one connection only): after 4401 it fetches a fresh token
and tries once more, and a second 4401 in a row (or a refused token request, as after
signing out) means access is lost; after 4400, 4403, 4404 and 4413 it stops and shows
the reason; after 4409 (role changed), 4420 (rate limited), 4429 (fell behind) and
1011/1001 it reconnects with a fresh token (y-websocket backs off between attempts).
Reasons are short (a close frame allows 123 bytes) and meant to be shown to the user.
"""

from __future__ import annotations

GOING_AWAY = 1001  # server shutting down
SERVER_ERROR = 1011  # the draft could not be saved
MALFORMED = 4400  # not the protocol, or an update touching anything but the draft's text
# Missing, bad, expired, other-draft or already-used token; the token's browser session
# is signed out or expired (also sent to open connections when their session signs out).
UNAUTHORIZED = 4401
FORBIDDEN = 4403  # not a member, removed, or a viewer sending edits
NOT_FOUND = 4404  # no such draft / bad room name
ROLE_CHANGED = 4409  # role changed while connected: reconnect to get the new rights
TOO_LARGE = 4413  # message or document over its cap
RATE_LIMITED = 4420  # more frames or bytes than a connection may send (see Limits)
TOO_SLOW = 4429  # the connection could not keep up with the room


class CloseConnection(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = short_reason(reason)


def short_reason(reason: str) -> str:
    data = reason.encode("utf-8")
    if len(data) <= 123:
        return reason
    return data[:120].decode("utf-8", "ignore") + "..."
