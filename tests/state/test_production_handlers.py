"""The production page's handlers are public endpoints: hostile arguments get a clear
message, people who are not the host change nothing, and amounts are read exactly."""

from __future__ import annotations

import functools

import pytest
from reflex.istate.data import RouterData
from reflex_base.constants.route import RouteVar

from hitrec_app import routes
from hitrec_app.db import session_scope
from hitrec_app.services import productions
from hitrec_app.services.errors import ValidationError
from hitrec_app.services.productions import ProductionInput
from hitrec_app.state import base as base_state
from hitrec_app.state import productions as production_state
from hitrec_app.state.args import BAD_ID
from tests.factories import make_user, text_record
from tests.state.test_handler_args import HOSTILE, HOSTILE_FORMS, _signed_in

State = production_state.ProductionState


@pytest.fixture
def app_db(monkeypatch, db_url):
    scoped = functools.partial(session_scope, url=db_url)
    for module in (base_state, production_state):
        monkeypatch.setattr(module, "session_scope", scoped)
    return db_url


def _on_production(state, production_id: int) -> None:
    state.router = RouterData.from_router_data(
        {RouteVar.PATH: routes.PRODUCTION, RouteVar.ORIGIN: routes.production_url(production_id)}
    )
    State.load.fn(state)


@pytest.fixture
def film(app_db, session):
    host = make_user(session, "hosty", role="host")
    made = productions.create_production(
        session=session, user_id=host.id, data=ProductionInput(title="Film", currency="EUR")
    )
    session.commit()
    return host, made.id


def test_handlers_answer_hostile_arguments_with_messages(film, session):
    host, pid = film
    record = text_record(session, host, "Take one")
    state = _signed_in(session, host, State)
    session.rollback()  # no open transaction while the handlers write
    _on_production(state, pid)
    assert state.found and state.can_manage and state.currency == "EUR"
    for value in HOSTILE:
        State.include_candidate.fn(state, value)
        assert state.contribution_error == BAD_ID, value
        State.remove_contribution.fn(state, value)
        assert state.contribution_error == BAD_ID, value
        State.remove_money.fn(state, value)
        assert state.money_error == BAD_ID, value
        State.save_contribution.fn(state, {"contribution": value, "role": "x", "weight": "1"})
        assert state.contribution_error == BAD_ID, value
    for form in HOSTILE_FORMS:
        assert State.include_record.fn(state, form) is None
        assert state.contribution_error == production_state.CHOOSE_RECORD, form
        State.add_money.fn(state, form)
        assert state.money_error.startswith("Enter an amount"), form
        State.save_settings.fn(state, form)
        assert "not a currency code" in state.settings_error, form
    assert state.entries == [] and state.contributions == []
    # Good values work, the record's link too.
    assert State.include_record.fn(state, {"record": f"/records/{record.id}"}) is not None
    assert state.contribution_message == "Record included."
    assert [(c.title, c.role) for c in state.contributions] == [("Take one", "story")]


def test_amounts_are_read_exactly_and_bad_ones_explained(film, session):
    host, pid = film
    state = _signed_in(session, host, State)
    session.rollback()
    _on_production(state, pid)
    good = {"kind": "revenue", "source": "Fees", "occurred_on": "2026-01-05"}
    for amount, message in (
        ("12.345", "EUR has 2 decimal places"),
        ("-5", "cannot be negative"),
        ("1e3", "is not an amount"),
        ("10 USD", "in USD, but the currency here is EUR"),
        ("0", "more than zero"),
    ):
        form = {**good, "amount": amount}
        before = state.money_form
        State.add_money.fn(state, form)
        assert message in state.money_error, amount
        assert state.money_form == before  # the form is not drawn anew: what was typed stays
    State.add_money.fn(state, {**good, "amount": "1,234.50", "occurred_on": "5 Jan"})
    assert state.money_error.startswith("Give the date")
    State.add_money.fn(state, {**good, "amount": "1,234.50"})
    assert state.money_error == "" and state.money_message == "Revenue entered."
    assert [(e.amount, e.on) for e in state.entries] == [("1,234.50 EUR", "05 Jan 2026")]
    assert (state.revenue_total, state.pool) == ("1,234.50 EUR", "617.25 EUR")


def test_settings_are_read_in_the_typed_currency(film, session):
    host, pid = film
    state = _signed_in(session, host, State)
    session.rollback()
    _on_production(state, pid)
    settings = {"title": "Film", "currency": "jpy", "pool_mode": "fixed", "min_payout": "1,000"}
    State.save_settings.fn(state, settings)
    assert state.settings_error == "A fixed pool needs its budget, e.g. 1,000.00."
    State.save_settings.fn(state, {**settings, "fixed_pool": "50,000.5"})
    assert "whole numbers" in state.settings_error
    State.save_settings.fn(state, {**settings, "fixed_pool": "50,000", "share": "33.333"})
    assert state.settings_error == "The contributors' share takes at most two decimals, e.g. 33.33."
    State.save_settings.fn(state, {**settings, "fixed_pool": "50,000", "share": "33.33"})
    assert state.settings_error == "" and state.settings_message == "Settings saved."
    assert (state.currency, state.pool, state.share, state.min_payout) == (
        "JPY",
        "50,000 JPY",
        "33.33",
        "1,000",
    )


def test_parse_percent_is_exact():
    assert production_state.parse_percent("50") == 5000
    assert production_state.parse_percent(" 12.5 % ") == 1250
    assert production_state.parse_percent("0.01") == 1
    for bad in ("", "abc", "NaN", "inf", "101", "-1", "1e999"):
        with pytest.raises(ValidationError):
            production_state.parse_percent(bad)


def test_a_member_and_another_host_change_nothing(film, session):
    host, pid = film
    record = text_record(session, host, "Take one")
    contribution = productions.include_record(
        session=session, user_id=host.id, production_id=pid, record_id=record.id
    )
    session.commit()
    cid = contribution.id
    for name, role in (("mem", "member"), ("rival", "host")):
        state = _signed_in(session, make_user(session, name, role=role), State)
        session.rollback()
        _on_production(state, pid)
        assert state.found and not state.can_manage
        State.save_contribution.fn(state, {"contribution": str(cid), "role": "x", "weight": "0"})
        assert state.contribution_error == "Only the production's host can change it."
        State.add_money.fn(
            state, {"kind": "revenue", "amount": "5", "source": "Me", "occurred_on": "2026-01-01"}
        )
        assert state.money_error == "Only the production's host can change it."
        State.save_settings.fn(state, {"title": "Mine", "currency": "EUR"})
        assert state.settings_error == "Only the production's host can change it."
    view = productions.production_view(session=session, production_id=pid)
    assert (view.title, view.money, view.contributions[0].role) == ("Film", [], "story")
    # Signed out: asked to sign in.
    anon = _signed_in(session, host, State)
    anon.session_token = ""
    _on_production(anon, pid)
    assert anon.found and not anon.can_manage
    State.remove_contribution.fn(anon, cid)
    assert anon.contribution_error == "Please sign in first."


def test_a_contribution_of_another_production_is_not_changed_from_this_page(film, session):
    """The page's forms act on the page's production: a contribution id of the host's other
    production, sent from this page, is not found (as removing it is), not changed."""
    host, pid = film
    other = productions.create_production(
        session=session, user_id=host.id, data=ProductionInput(title="Other", currency="EUR")
    )
    record = text_record(session, host, "Elsewhere")
    elsewhere = productions.include_record(
        session=session, user_id=host.id, production_id=other.id, record_id=record.id
    )
    session.commit()
    state = _signed_in(session, host, State)
    session.rollback()
    _on_production(state, pid)
    form = {"contribution": str(elsewhere.id), "role": "edit", "weight": "300"}
    State.save_contribution.fn(state, form)
    assert state.contribution_error == "That contribution is no longer part of the production."
    State.remove_contribution.fn(state, elsewhere.id)
    assert state.contribution_error == "That contribution is no longer part of the production."
    session.expire_all()
    view = productions.production_view(session=session, production_id=other.id)
    assert [(c.role, c.weight) for c in view.contributions] == [("story", 100)]
