"""A production's pay proposals as each viewer may see them."""

from datetime import date

from hitrec_app.models import MoneyEntry
from hitrec_app.services import proposal_lists, proposals
from tests.factories import make_user, text_record
from tests.services.proposal_setup import close_feedback, make_production, opened


def _titles(session, production, viewer):
    found = proposal_lists.production_proposals(
        session=session, production_id=production.id, viewer_id=viewer.id if viewer else None
    )
    return [p.state for p in found.proposals], found.runs


def test_drafts_show_only_to_those_who_run_the_production(session):
    host = make_user(session, "host", role="host")
    ada = make_user(session, "ada")
    admin = make_user(session, "boss", role="admin")
    production = make_production(session, host, [(text_record(session, ada, "Log"), "story", 100)])
    first = opened(session, host, production)
    close_feedback(session, first)
    proposals.finalise_proposal(session=session, user_id=host.id, proposal_id=first.id)
    # More money came in since: a second proposal splits what is left.
    session.add(
        MoneyEntry(
            production_id=production.id,
            kind="revenue",
            amount_minor=10_000,
            occurred_on=date(2026, 2, 1),
        )
    )
    proposals.create_proposal(session=session, user_id=host.id, production_id=production.id)
    session.commit()
    assert _titles(session, production, host) == (["draft", "final"], True)
    assert _titles(session, production, admin) == (["draft", "final"], True)
    assert _titles(session, production, ada) == (["final"], False)
    assert _titles(session, production, None) == ([], False)
