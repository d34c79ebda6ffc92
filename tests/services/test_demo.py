from sqlmodel import col, select

from hitrec_app.models import (
    Challenge,
    LiveSession,
    MoneyEntry,
    Notification,
    PayProposal,
    PayProposalLine,
    PayProposalVersion,
    Production,
    ProposalComment,
    ProposalVote,
    Record,
    RecordSource,
    User,
    VersionReason,
)
from hitrec_app.services import accounts, demo, live_views, productions
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


def test_the_demo_film_has_a_lively_open_proposal(session):
    demo.load_demo(session=session)
    session.commit()
    proposal = session.exec(select(PayProposal)).one()
    assert proposal.state == "open" and proposal.current_version == 2
    version = session.exec(select(PayProposalVersion).where(PayProposalVersion.number == 2)).one()
    lines = session.exec(
        select(PayProposalLine).where(PayProposalLine.version_id == version.id)
    ).all()
    assert sum(line.share_bps for line in lines) == 10_000
    assert any(line.change_reason for line in lines)
    votes = session.exec(select(ProposalVote)).all()
    assert any(v.value == "object" and v.reason for v in votes)
    assert any(v.carried_from == 1 for v in votes), "unchanged lines carry their votes"
    comments = session.exec(select(ProposalComment)).all()
    assert any(c.parent_id for c in comments) and any(c.payee_id for c in comments)
    reasons = session.exec(
        select(VersionReason).where(VersionReason.version_id == version.id)
    ).all()
    assert {bool(r.comment_id) for r in reasons} == {True, False}
    # What the demo's past told people is already read: a newcomer's bell starts at zero.
    assert session.exec(select(Notification).where(Notification.read_at == None)).all() == []  # noqa: E711
    assert session.exec(select(Notification)).all(), "the proposal did tell its payees"


def test_the_demo_production_has_roles_weights_and_money_in_and_out(session):
    demo.load_demo(session=session)
    session.commit()
    film = session.exec(select(Production).where(Production.title.startswith("Lighthouse"))).one()
    view = productions.production_view(session=session, production_id=film.id)
    assert [(c.record.title, c.role, c.weight) for c in view.contributions] == [
        ("The keeper's last log", "story", 150),
        ("The lamp at dusk", "illustration", 120),
        ("Log, answered", "story", 80),
    ]
    assert {e.kind for e in view.money} == {"revenue", "cost"}
    assert view.summary == productions.MoneySummary(
        currency="USD",
        revenue_minor=278_550,
        costs_minor=57_500,
        profit_minor=221_050,
        pool_minor=110_525,
    )


def test_the_demo_has_a_scheduled_live_session_and_a_finished_one_to_replay(session):
    demo.load_demo(session=session)
    session.commit()
    sessions = {s.state: s for s in session.exec(select(LiveSession))}
    assert set(sessions) == {"scheduled", "finished"}
    upcoming = live_views.session_view(
        session=session, session_id=sessions["scheduled"].id, viewer_id=None
    )
    assert upcoming.scheduled_for is not None and len(upcoming.rounds) == 2
    done = live_views.session_view(
        session=session, session_id=sessions["finished"].id, viewer_id=None
    )
    assert [r.state for r in done.rounds] == ["revealed"] * 3
    kinds = [item.kind for item in live_views.timeline(session=session, session_id=done.id)]
    assert kinds[0] == "lobby.opened" and kinds[-1] == "session.ended"
    assert {"spotlight", "round.revealed", "entry.submitted"} <= set(kinds)
    made = session.exec(select(Record).where(Record.tags == "live")).all()
    assert len(made) == 6 and {r.kind for r in made} == {"text", "image"}
    answers = session.exec(
        select(RecordSource).where(col(RecordSource.record_id).in_([r.id for r in made]))
    ).all()
    assert len(answers) == 2, "both answers cite the spotlit log"
