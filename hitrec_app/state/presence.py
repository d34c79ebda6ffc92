"""Presence on the pages: who is watching a record or a challenge (hitrec_app/realtime/presence.py).

A page's live join calls `watch_room(self, room, user)` after subscribing; its Live state
has the two vars the tick publishes (`watching`, `watchers`), set only by that snapshot and
by broadcasts. Every page's on_load runs `PresenceState.arrive`, so a tab that moves on (in
the same socket) to another page stops being counted where it was.
"""

from __future__ import annotations

from typing import Final

import reflex as rx
from reflex.utils import format

from hitrec_app import routes
from hitrec_app.models import User
from hitrec_app.realtime import broadcast, presence, reflex_internals
from hitrec_app.vocabulary import PROPOSAL_ROOM_PREFIX


def _page(state: rx.State) -> str:
    return state.router.url.path


def watch_room(state: rx.State, room: str, user: User | None) -> None:
    """Count the tab whose event `state` handles as watching `room`, as `user` (resolved on
    the server by the caller) or anonymously, and set the room's presence on `state` (a Live
    state with `watching` and `watchers`)."""
    snapshot = presence.watch(
        reflex_internals.socket_sid(state),
        room,
        type(state),
        path=_page(state),
        user_id=user.id if user is not None else None,
        name=(user.display_name or user.username) if user is not None else "",
    )
    for name, value in snapshot.items():
        setattr(state, name, value)


# Rooms whose messages are private to those who may open one page (a draft proposal's lines
# go to those who run it): a tab anywhere else leaves them. That page's own join keeps (or
# refuses) the room, checking the viewer; an inbox room is the bell's (InboxLive.join).
_PRIVATE_ROOMS: Final = ((PROPOSAL_ROOM_PREFIX, format.format_route(routes.PROPOSAL)),)


class PresenceState(rx.State):
    """Holds nothing: its handler runs on every page's on_load."""

    @rx.event
    async def arrive(self) -> None:
        """The tab is on this page now: it stops counting as watching another page's room,
        and stops getting another page's private room (also after a sign-out, whose
        redirect loads the home page)."""
        sid = reflex_internals.socket_sid(self)
        presence.arrive(sid, _page(self))
        route = reflex_internals.page_route(self)
        for prefix, page in _PRIVATE_ROOMS:
            if route != page:
                await broadcast.leave(sid, prefix)
