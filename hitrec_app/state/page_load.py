"""One on_load event per page: the page's load, its room's join, the bell's and presence's.

Reflex runs each on_load handler as an event of its own (fetching the tab's state, running
the handler, computing, serialising and writing a delta), so a page with four handlers cost
four event rounds per page load. On the challenge page that was most of what a tab joining
costs beside the hydrate, and a join storm (1,000 tabs reconnecting after a restart) pays it
1,000 times. `PageLoad.load` is every page's one on_load handler: it runs the page's steps
(the handlers named in hitrec_app.py's PAGES table, then the bell's and presence's) one
after the other in that single event, each on its own state, so the delta of all of them is
computed and written once.

Each step is still an event handler of its own state, unchanged and callable alone (a
public endpoint like any other); this only chains them. What a step returns (a redirect) is
returned; a step that raises does not stop the next ones (as separate events did not), and
the first error is raised once they all ran, so Reflex reports it as before. The steps
look the signed-in user up once between them (`one_lookup_per_token`), not once each.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, cast

import reflex as rx
from reflex.event import EventHandler
from reflex.utils import format

from hitrec_app.realtime import reflex_internals
from hitrec_app.state.base import one_lookup_per_token

# The route key Reflex matches a page to (`format_route`, e.g. "challenges/[id]") -> its steps.
_steps: dict[str, tuple[EventHandler, ...]] = {}


def one_event(route: str, handlers: Sequence[Any]) -> EventHandler:
    """The on_load of the page at `route`: `PageLoad.load`, running `handlers` in order.

    Only plain (not background, not generator) handlers of a state class can be chained:
    anything else is refused here, when the app is built."""
    steps: list[EventHandler] = []
    for handler in handlers:
        if not isinstance(handler, EventHandler) or handler.state is None:
            raise TypeError(f"{route}: on_load step {handler!r} is not a state's event handler")
        fn = handler.fn
        if (
            handler.is_background
            or inspect.isgeneratorfunction(fn)
            or inspect.isasyncgenfunction(fn)
        ):
            raise TypeError(f"{route}: {fn.__qualname__} yields or runs in the background")
        steps.append(handler)
    _steps[format.format_route(route)] = tuple(steps)
    return cast(EventHandler, PageLoad.load)  # on the class: the handler (typed otherwise)


def _as_list(result: Any) -> list[Any]:
    if result is None:
        return []
    return list(result) if isinstance(result, list | tuple) else [result]


class PageLoad(rx.State):
    """Holds nothing: its handler is every page's on_load."""

    @rx.event
    async def load(self) -> list[Any] | None:
        # The route Reflex matched the tab's URL to (what picked this page's on_load).
        steps = _steps.get(reflex_internals.page_route(self), ())
        events: list[Any] = []
        error: Exception | None = None
        with one_lookup_per_token():  # each step asks who the user is: one lookup
            for handler in steps:
                assert handler.state is not None
                state = await self.get_state(handler.state)
                try:
                    result = handler.fn(state)
                    if inspect.isawaitable(result):
                        result = await result
                except Exception as err:
                    error = error or err
                    continue
                events.extend(_as_list(result))
        if error is not None:
            raise error
        return events or None
