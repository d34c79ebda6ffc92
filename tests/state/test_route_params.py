"""Dynamic route segments read from the matched route and the URL (not `router.page`)."""

from __future__ import annotations

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from reflex_base.constants.route import RouteVar

from hitrec_app import routes
from hitrec_app.state.args import param_id, route_param


class _Probe(rx.State):
    pass


def _at(route: str, path: str) -> rx.State:
    state = _Probe(_reflex_internal_init=True)  # type: ignore[call-arg]
    state.router = RouterData.from_router_data(
        {
            RouteVar.PATH: route,
            RouteVar.ORIGIN: path,
            RouteVar.HEADERS: {"origin": "http://localhost:3000"},
        }
    )
    return state


@pytest.mark.parametrize(
    ("route", "path", "name", "expected"),
    [
        (routes.RECORD, "/records/12", "id", "12"),
        (routes.RECORD, "/records/12/", "id", "12"),
        (routes.RECORD, "/records/12?sort=new#c4", "id", "12"),
        (routes.DRAFT, "/drafts/7", "draft", "7"),
        (routes.CHALLENGE_EDIT, "/challenges/3/edit", "id", "3"),
        (routes.USER, "/u/ren%C3%A9", "username", "rené"),
        (routes.RECORD, "/records/12", "draft", ""),  # no such segment
        (routes.RECORD, "/records/12/extra", "id", ""),  # not this route's shape
        ("/", "/", "id", ""),
    ],
)
def test_route_param(route: str, path: str, name: str, expected: str) -> None:
    assert route_param(_at(route, path), name) == expected


def test_param_id_takes_only_an_id() -> None:
    assert param_id(_at(routes.RECORD, "/records/12")) == 12
    assert param_id(_at(routes.RECORD, "/records/abc")) is None
    assert param_id(_at(routes.RECORD, "/records/-1")) is None
