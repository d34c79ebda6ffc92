"""A profile's records, the remixes others built on them, production credits."""

import pytest

from hitrec_app.models import Production, ProductionContribution
from hitrec_app.services import profiles
from tests.factories import make_user, text_record


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def test_profile_shows_records_remixes_and_production_credits(session):
    ada = make_user(session, "ada")
    bo = make_user(session, "bob")
    original = text_record(session, ada, "Original")
    text_record(session, bo, "Bo's remix", sources=[original])
    prod = Production(title="The Film", host_id=ada.id)
    session.add(prod)
    session.flush()
    session.add(ProductionContribution(production_id=prod.id, record_id=original.id))
    session.commit()
    assert [r.title for r in profiles.user_records(session=session, user_id=ada.id)] == ["Original"]
    links = profiles.remixed_into(session=session, user_id=ada.id)
    assert [(link.source_title, link.remix_title, link.remixer_name) for link in links] == [
        ("Original", "Bo's remix", "bob")
    ]
    assert [
        (p.production_title, p.record_title)
        for p in profiles.production_credits(session=session, user_id=ada.id)
    ] == [("The Film", "Original")]
