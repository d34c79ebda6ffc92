from sqlmodel import select

from hitrec_app.models import Challenge, MoneyEntry, Record, RecordSource, User
from hitrec_app.services import accounts, demo
from tests.factories import make_user


def test_demo_fills_an_empty_database_with_a_believable_studio(session):
    assert demo.load_demo(session=session) is True
    session.commit()
    users = {u.username: u for u in session.exec(select(User))}
    assert users["maya"].role == "admin" and users["jules"].role == "host"
    states = sorted(c.state for c in session.exec(select(Challenge)))
    assert states == ["closed", "open"]
    assert session.exec(select(RecordSource)).all(), "a remix chain exists"
    assert {r.kind for r in session.exec(select(Record))} >= {"text", "image"}
    assert sum(r.amount_minor for r in session.exec(select(MoneyEntry))) > 0
    assert accounts.sign_in(
        session=session, username="maya", password=demo.DEMO_PASSWORD, client_ip="127.0.0.1"
    )


def test_demo_never_touches_a_database_that_has_users(session):
    make_user(session, "realperson")
    assert demo.load_demo(session=session) is False
    assert [u.username for u in session.exec(select(User))] == ["realperson"]
