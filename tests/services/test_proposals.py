"""Pay proposals: the evidence, the lifecycle and who may run it."""

from datetime import timedelta
from fractions import Fraction

import pytest

from hitrec_app.models import utcnow
from hitrec_app.services import notifications, proposal_views, proposals
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from hitrec_app.services.split_rule import CONTRIBUTION, UPSTREAM
from tests.factories import make_user, text_record
from tests.services.proposal_setup import close_feedback, co_author, make_production, opened


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


@pytest.fixture
def cast(session):
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
    return host, ada, bob, production


def _shares(session, proposal, viewer, version=None):
    return {
        row.payee.username: (row.share_bps, row.amount_minor)
        for row in proposal_views.line_views(
            session=session, proposal_id=proposal.id, viewer_id=viewer.id, version=version
        )
    }


def test_evidence_uses_coedited_shares_and_follows_the_remix_chain(session):
    host = make_user(session, "host", role="host")
    ada, bob, carl, dan = (make_user(session, n) for n in ("ada", "bob", "carl", "dan"))
    origin = text_record(session, carl, "Origin")
    middle = text_record(session, dan, "Middle", sources=[origin])
    story = text_record(session, ada, "Story", sources=[middle])
    co_author(session, story, [(ada, 7000), (bob, 3000)])  # a co-edited draft's stored shares
    production = make_production(session, host, [(story, "story", 100)])

    proposal = proposals.create_proposal(
        session=session, user_id=host.id, production_id=production.id
    )
    session.commit()
    lines = {
        row.payee.username: row
        for row in proposal_views.line_views(
            session=session, proposal_id=proposal.id, viewer_id=host.id
        )
    }
    # The story keeps 4/5 (70/30 by authorship); 1/5 flows up to "Middle", which keeps 9/10
    # of it and passes 1/10 on to "Origin" (SplitRule's defaults).
    assert {u: (r.share_bps, r.amount_minor) for u, r in lines.items()} == {
        "ada": (5600, 28_000),
        "bob": (2400, 12_000),
        "dan": (1800, 9_000),
        "carl": (200, 1_000),
    }
    assert all(r.suggested_bps == r.share_bps for r in lines.values())
    [bob_item] = lines["bob"].evidence
    assert (bob_item.kind, bob_item.record_title, bob_item.role) == (CONTRIBUTION, "Story", "story")
    assert bob_item.authorship == Fraction(3, 10)
    [carl_item] = lines["carl"].evidence
    assert carl_item.kind == UPSTREAM
    assert (carl_item.record_id, carl_item.via_record_id) == (origin.id, story.id)
    assert carl_item.generation == 2
    assert carl_item.share == Fraction(1, 50)
    assert "Origin" in carl_item.text


def test_records_without_stored_shares_split_equally_among_their_authors(session):
    host = make_user(session, "host", role="host")
    ada, bob, cyd = (make_user(session, n) for n in ("ada", "bob", "cyd"))
    story = text_record(session, ada, "Story")
    co_author(session, story, [(ada, None), (bob, None), (cyd, None)])
    production = make_production(session, host, [(story, "story", 100)])
    proposal = proposals.create_proposal(
        session=session, user_id=host.id, production_id=production.id
    )
    assert sorted(bps for bps, _ in _shares(session, proposal, host).values()) == [3333, 3333, 3334]


def test_only_the_host_or_an_admin_runs_a_proposal(session, cast):
    host, ada, bob, production = cast
    admin = make_user(session, "root1", role="admin")
    other_host = make_user(session, "otherhost", role="host")
    for who in (ada, other_host):
        with pytest.raises(PermissionDenied, match="host or an admin"):
            proposals.create_proposal(session=session, user_id=who.id, production_id=production.id)
    proposal = proposals.create_proposal(
        session=session, user_id=admin.id, production_id=production.id
    )
    session.commit()
    for action in (
        lambda uid: proposals.open_proposal(session=session, user_id=uid, proposal_id=proposal.id),
        lambda uid: proposals.set_line_share(
            session=session,
            user_id=uid,
            proposal_id=proposal.id,
            version=1,
            payee_id=ada.id,
            share_bps=6000,
            reason="I want more",
        ),
    ):
        with pytest.raises(PermissionDenied):
            action(ada.id)
    # A draft is seen only by those who run it.
    with pytest.raises(NotFound):
        proposal_views.proposal_view(session=session, proposal_id=proposal.id, viewer_id=ada.id)
    proposals.open_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    session.commit()
    view = proposal_views.proposal_view(session=session, proposal_id=proposal.id, viewer_id=ada.id)
    assert (view.state, view.version, view.runs) == ("open", 1, False)
    for action in (
        lambda uid: proposals.revise_proposal(
            session=session, user_id=uid, proposal_id=proposal.id
        ),
        lambda uid: proposals.finalise_proposal(
            session=session, user_id=uid, proposal_id=proposal.id
        ),
    ):
        with pytest.raises(PermissionDenied):
            action(bob.id)
    with pytest.raises(PermissionDenied, match="Only an admin"):
        proposals.mark_paid(
            session=session, user_id=host.id, proposal_id=proposal.id, reference="x"
        )


def test_a_share_change_needs_a_reason_and_opening_needs_exactly_100_percent(session, cast):
    host, ada, bob, production = cast
    proposal = proposals.create_proposal(
        session=session, user_id=host.id, production_id=production.id
    )
    change = dict(session=session, user_id=host.id, proposal_id=proposal.id, version=1)
    with pytest.raises(ValidationError, match="reason for this change is required"):
        proposals.set_line_share(**change, payee_id=ada.id, share_bps=6000, reason="  ")
    with pytest.raises(ValidationError, match="between 0 and 10,000"):
        proposals.set_line_share(**change, payee_id=ada.id, share_bps=10_001, reason="x")
    proposals.set_line_share(
        **change, payee_id=ada.id, share_bps=5500, reason="She rewrote the ending"
    )
    session.commit()
    with pytest.raises(ValidationError, match=r"10,500 basis points \(105%\): 500 \(5%\) over"):
        proposals.open_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    proposals.set_line_share(**change, payee_id=bob.id, share_bps=4000, reason="Fewer plates")
    with pytest.raises(ValidationError, match=r"500 .* short of 10,000"):
        proposals.open_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    proposals.set_line_share(**change, payee_id=bob.id, share_bps=4500, reason="Fewer plates")
    proposals.open_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    session.commit()
    lines = {
        r.payee.username: r
        for r in proposal_views.line_views(
            session=session, proposal_id=proposal.id, viewer_id=bob.id
        )
    }
    assert (lines["ada"].share_bps, lines["ada"].amount_minor, lines["ada"].suggested_bps) == (
        5500,
        27_500,
        5000,
    )
    assert lines["ada"].change_reason == "She rewrote the ending"
    assert lines["bob"].change_reason == "Fewer plates"
    assert lines["ada"].amount_minor + lines["bob"].amount_minor == 50_000


def test_an_opened_version_and_a_final_proposal_never_change(session, cast):
    host, ada, _, production = cast
    proposal = opened(session, host, production)
    edit = dict(
        session=session,
        user_id=host.id,
        proposal_id=proposal.id,
        payee_id=ada.id,
        share_bps=6000,
        reason="More",
    )
    with pytest.raises(ValidationError, match=r"Version 1 is open .* can no longer change"):
        proposals.set_line_share(**edit, version=1)
    with pytest.raises(ValidationError, match="already open"):
        proposals.open_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    proposals.revise_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    session.commit()
    with pytest.raises(ValidationError, match="still being prepared"):
        proposals.finalise_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    proposals.discard_revision(session=session, user_id=host.id, proposal_id=proposal.id)
    close_feedback(session, proposal)
    proposals.finalise_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    session.commit()
    for version in (1, 2):
        with pytest.raises((ValidationError, NotFound)):
            proposals.set_line_share(**edit, version=version)
    with pytest.raises(ValidationError, match="final"):
        proposals.revise_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    with pytest.raises(ValidationError, match="already final"):
        proposals.finalise_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    assert _shares(session, proposal, host) == {"ada": (5000, 25_000), "bob": (5000, 25_000)}


def test_opening_checks_the_closing_date_and_tells_every_payee(session, cast):
    host, ada, bob, production = cast
    proposal = proposals.create_proposal(
        session=session, user_id=host.id, production_id=production.id
    )
    with pytest.raises(ValidationError, match="in the future"):
        proposals.open_proposal(
            session=session,
            user_id=host.id,
            proposal_id=proposal.id,
            closes_at=utcnow() - timedelta(hours=1),
        )
    before = utcnow()
    proposals.open_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    session.commit()
    assert timedelta(days=14) <= proposal.closes_at - before < timedelta(days=14, minutes=1)
    for who in (ada, bob):
        [note] = notifications.list_notifications(session=session, user_id=who.id)
        assert note.kind == proposals.OPENED
        assert note.link == f"/proposals/{proposal.id}"
    assert notifications.list_notifications(session=session, user_id=host.id) == []


def test_one_proposal_in_progress_per_production(session, cast):
    host, _, _, production = cast
    opened(session, host, production)
    with pytest.raises(ValidationError, match="already has a proposal in progress"):
        proposals.create_proposal(session=session, user_id=host.id, production_id=production.id)
