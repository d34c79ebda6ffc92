"""The production settings form's share, typed with a huge exponent."""

from __future__ import annotations

import functools

from hitrec_app.db import session_scope
from hitrec_app.services import productions
from hitrec_app.services.productions import ProductionInput
from hitrec_app.state import base as base_state
from hitrec_app.state import productions as production_state
from tests.factories import make_user
from tests.state.test_handler_args import _signed_in


def _app_db(monkeypatch, db_url):
    scoped = functools.partial(session_scope, url=db_url)
    for module in (base_state, production_state):
        monkeypatch.setattr(module, "session_scope", scoped)


def test_a_share_typed_with_a_huge_exponent_is_a_message_not_a_crash(monkeypatch, db_url, session):
    """The production's settings form reads the contributors' share with Decimal: '1e999999'
    overflows Decimal's context (decimal.Overflow), which `_write` does not catch."""
    _app_db(monkeypatch, db_url)
    host = make_user(session, "hosty", role="host")
    made = productions.create_production(
        session=session, user_id=host.id, data=ProductionInput(title="Film", currency="EUR")
    )
    session.commit()
    state = _signed_in(session, host, production_state.ProductionState)
    state.pid = made.id
    session.rollback()
    form = {"title": "Film", "currency": "EUR", "pool_mode": "share", "share": "1e999999"}
    production_state.ProductionState.save_settings.fn(state, form)
    assert "share" in state.settings_error
