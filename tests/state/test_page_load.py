"""One on_load event per page (state/page_load.py): the page's steps run in that one event,
each on its own state, as they did as separate events."""

from __future__ import annotations

import asyncio

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from reflex_base.constants.route import RouteVar

from hitrec_app.state import page_load
from hitrec_app.state.page_load import PageLoad, one_event


def on_page(state: rx.State, route: str, path: str) -> None:
    """The tab is on `path`, which Reflex matched to the page `route` (as its event router
    data says once the socket handler has rewritten it)."""
    root = state._get_root_state()
    root.router = RouterData.from_router_data(
        {
            RouteVar.PATH: route,
            RouteVar.ORIGIN: path,
            RouteVar.HEADERS: {"origin": "http://localhost:3000"},
            RouteVar.QUERY: {},
        }
    )


def _tab(state_cls: type[rx.State]) -> rx.State:
    root = rx.State(_reflex_internal_init=True)  # type: ignore[call-arg]
    return root.get_substate(state_cls.get_full_name().split(".")[1:])


class _Steps(rx.State):
    ran: rx.Field[list[str]] = rx.field(default_factory=list)

    @rx.event
    def first(self):
        self.ran = [*self.ran, "first"]
        raise RuntimeError("the first step failed")

    @rx.event
    async def second(self):
        self.ran = [*self.ran, "second"]
        return rx.redirect("/signin")

    @rx.event(background=True)
    async def in_background(self):
        pass


def test_a_failing_step_does_not_stop_the_next_and_its_error_is_raised_after_them():
    one_event("/steps-test", [_Steps.first, _Steps.second])
    state = _tab(PageLoad)
    on_page(state, "/steps-test", "/steps-test")
    with pytest.raises(RuntimeError, match="the first step failed"):
        asyncio.run(PageLoad.load.fn(state))
    assert asyncio.run(state.get_state(_Steps)).ran == ["first", "second"]


def test_what_the_steps_return_is_returned():
    one_event("/steps-test-2", [_Steps.second])
    state = _tab(PageLoad)
    on_page(state, "/steps-test-2", "/steps-test-2")
    (redirect,) = asyncio.run(PageLoad.load.fn(state))
    assert "signin" in str(redirect)


def test_only_plain_handlers_can_be_chained():
    with pytest.raises(TypeError, match="background"):
        one_event("/steps-test-3", [_Steps.in_background])
    assert "steps-test-3" not in page_load._steps
