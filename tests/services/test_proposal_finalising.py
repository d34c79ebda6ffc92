"""Finalising: not before the closing date unless every payee accepted their line, and never
by a host paying themselves (only an admin may finalise then)."""

from __future__ import annotations

import pytest

from hitrec_app.services import ledger, proposal_votes, proposals
from hitrec_app.services.errors import PermissionDenied, ValidationError
from tests.factories import make_user, text_record
from tests.services.proposal_setup import close_feedback, make_production, opened


@pytest.fixture
def session(any_session):
    return any_session


def _finalise(session, user, proposal):
    return proposals.finalise_proposal(session=session, user_id=user.id, proposal_id=proposal.id)


def test_a_host_cannot_finalise_a_split_to_themselves_before_anyone_could_answer(session):
    host = make_user(session, "host", role="host")
    admin = make_user(session, "ops", role="admin")
    ada = make_user(session, "ada")
    production = make_production(session, host, [(text_record(session, ada, "Tale"), "story", 100)])
    draft = proposals.create_proposal(session=session, user_id=host.id, production_id=production.id)
    for uid, bps in ((host.id, 10_000), (ada.id, 0)):
        proposals.set_line_share(
            session=session,
            user_id=host.id,
            proposal_id=draft.id,
            version=1,
            payee_id=uid,
            share_bps=bps,
            reason="I did the work.",
        )
    proposals.open_proposal(session=session, user_id=host.id, proposal_id=draft.id)
    session.commit()
    with pytest.raises(PermissionDenied, match="an admin must finalise it"):
        _finalise(session, host, draft)
    session.rollback()
    assert ledger.balances(session=session, user_id=host.id) == []
    close_feedback(session, draft)
    with pytest.raises(PermissionDenied, match="an admin must finalise it"):
        _finalise(session, host, draft)  # not even once feedback has closed
    session.rollback()
    assert _finalise(session, admin, draft).state == "final"


def test_before_the_closing_date_only_every_payees_yes_lets_the_host_finalise(session):
    host = make_user(session, "host", role="host")
    ada = make_user(session, "ada")
    bob = make_user(session, "bob")
    production = make_production(
        session,
        host,
        [
            (text_record(session, ada, "Lighthouse"), "story", 100),
            (text_record(session, bob, "Harbour"), "illustration", 100),
        ],
    )
    proposal = opened(session, host, production)
    with pytest.raises(ValidationError, match=r"every payee has accepted.*2 of 2 have not"):
        _finalise(session, host, proposal)
    session.rollback()
    proposal_votes.sign_off(
        session=session, user_id=ada.id, proposal_id=proposal.id, answer="accept"
    )
    proposal_votes.sign_off(
        session=session, user_id=bob.id, proposal_id=proposal.id, answer="object", reason="Low."
    )
    session.commit()
    with pytest.raises(ValidationError, match="1 of 2 has not"):
        _finalise(session, host, proposal)
    session.rollback()
    proposal_votes.sign_off(
        session=session, user_id=bob.id, proposal_id=proposal.id, answer="accept"
    )
    session.commit()
    assert _finalise(session, host, proposal).state == "final"


def test_once_feedback_has_closed_the_host_finalises_without_every_answer(session):
    host = make_user(session, "host", role="host")
    ada = make_user(session, "ada")
    production = make_production(session, host, [(text_record(session, ada, "Tale"), "story", 100)])
    proposal = opened(session, host, production)
    close_feedback(session, proposal)
    assert _finalise(session, host, proposal).state == "final"
    assert ledger.balances(session=session, user_id=ada.id) != []
