"""The proposal page's states: what its room sends (hidden tallies never), which part each
change sends, the viewer's own votes (stale after a new version), and the handlers' checks."""

from __future__ import annotations

import asyncio
import functools
from datetime import date

import pytest
import reflex as rx
from sqlmodel import Session, select

from hitrec_app.db import session_scope
from hitrec_app.models import ProposalVote, User
from hitrec_app.services import accounts, proposal_votes, proposals
from hitrec_app.services.events import RoomEvent
from hitrec_app.state import base as base_state
from hitrec_app.state import proposals as proposal_state
from hitrec_app.state.args import as_date, as_percent_bps
from hitrec_app.vocabulary import EventKind, proposal_room
from tests.factories import PASSWORD, make_user, text_record
from tests.services.proposal_setup import close_feedback, make_production, opened


@pytest.fixture
def app_db(monkeypatch, db_url):
    scoped = functools.partial(session_scope, url=db_url)
    for module in (base_state, proposal_state):
        monkeypatch.setattr(module, "session_scope", scoped)
    return db_url


@pytest.fixture
def published(monkeypatch):
    """What the state module publishes to rooms: (room, state class, vars)."""
    sent: list[tuple[str, type, dict]] = []

    async def publish(room, cls, changes):
        sent.append((room, cls, changes))

    monkeypatch.setattr(proposal_state.broadcast, "publish", publish)
    return sent


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


def _signed_in(session: Session, user: User, cls: type[rx.State]) -> rx.State:
    token = accounts.sign_in(
        session=session, username=user.username, password=PASSWORD, client_ip="test"
    ).token
    session.commit()
    root = rx.State(_reflex_internal_init=True)
    auth = root.get_substate(base_state.AuthState.get_full_name().split(".")[1:])
    auth.session_token = token
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _vote(session, voter, proposal, payee, value, reason=""):
    proposal_votes.cast_vote(
        session=session,
        user_id=voter.id,
        proposal_id=proposal.id,
        payee_id=payee.id,
        value=value,
        reason=reason,
    )
    session.commit()


def test_hidden_tallies_never_reach_the_room_until_feedback_closes(app_db, session, cast):
    host, ada, bob, production = cast
    proposal = opened(session, host, production, hide_tallies=True)
    _vote(session, ada, proposal, bob, "object", "Too much.")
    values = proposal_state._room_values(proposal.id)
    assert values["tallies_hidden"] is True and values["tallies"] == {}
    assert "object" not in repr(values["lines"])
    close_feedback(session, proposal)
    values = proposal_state._room_values(proposal.id)
    assert values["tallies_hidden"] is False
    assert values["tallies"][str(bob.id)] == proposal_state.TallyRow(0, 1, 0)


def test_a_vote_sends_the_tallies_only_and_a_hidden_one_sends_nothing(
    app_db, session, cast, published
):
    host, ada, bob, production = cast
    proposal = opened(session, host, production)
    _vote(session, ada, proposal, bob, "agree")
    data = {"proposal_id": proposal.id, "payee_id": bob.id, "tally": {"agree": 1}}
    asyncio.run(
        proposal_state._on_vote(
            RoomEvent(proposal_room(proposal.id), EventKind.PROPOSAL_VOTE, data)
        )
    )
    (room, cls, changes) = published[0]
    assert room == proposal_room(proposal.id) and cls is proposal_state.ProposalLive
    assert set(changes) == {"pid", "tallies_hidden", "tallies"}
    assert changes["tallies"][str(bob.id)] == proposal_state.TallyRow(1, 0, 0)
    published.clear()
    hidden = {"proposal_id": proposal.id, "payee_id": bob.id, "tally": None}
    asyncio.run(
        proposal_state._on_vote(
            RoomEvent(proposal_room(proposal.id), EventKind.PROPOSAL_VOTE, hidden)
        )
    )
    assert published == []


def test_a_comment_sends_the_live_window_and_the_counts_per_line(app_db, session, cast, published):
    host, ada, bob, production = cast
    proposal = opened(session, host, production)
    proposal_votes.add_comment(
        session=session, user_id=ada.id, proposal_id=proposal.id, body="Why?", payee_id=bob.id
    )
    session.commit()
    data = {"proposal_id": proposal.id}
    asyncio.run(
        proposal_state._on_comment(
            RoomEvent(proposal_room(proposal.id), EventKind.PROPOSAL_COMMENT, data)
        )
    )
    (_, _, changes) = published[0]
    assert set(changes) == {"pid", "comments", "older_exist", "live_after", "comment_counts"}
    assert [c.body for c in changes["comments"]] == ["Why?"]
    assert changes["comments"][0].line_name == bob.display_name
    assert changes["comment_counts"] == {str(bob.id): 1}


def test_objecting_without_a_reason_is_refused_with_a_clear_message(app_db, session, cast):
    host, ada, bob, production = cast
    proposal = opened(session, host, production)
    state = _signed_in(session, ada, proposal_state.ProposalState)
    state.pid, state.found = proposal.id, True
    form = {"payee": str(bob.id), "value": "object", "reason": "  "}
    proposal_state.ProposalState.vote.fn(state, form)
    assert "reason is required" in state.vote_error and state.vote_error_line == bob.id
    assert session.exec(select(ProposalVote)).all() == []
    session.rollback()  # end the test's read before the handler writes
    proposal_state.ProposalState.vote.fn(state, {**form, "reason": "Too much."})
    assert state.vote_error == "" and state.my_votes == {str(bob.id): "object"}


def test_a_vote_on_a_changed_line_shows_as_stale_after_a_new_version(app_db, session, cast):
    host, ada, bob, production = cast
    proposal = opened(session, host, production)
    _vote(session, ada, proposal, bob, "agree")
    _vote(session, ada, proposal, ada, "agree")
    version = proposals.revise_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    for payee, bps in ((bob, 4000), (ada, 6000)):
        proposals.set_line_share(
            session=session,
            user_id=host.id,
            proposal_id=proposal.id,
            version=version.number,
            payee_id=payee.id,
            share_bps=bps,
            reason="Rebalanced.",
        )
    proposals.open_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    session.commit()
    state = _signed_in(session, ada, proposal_state.ProposalState)
    state.pid = proposal.id
    state._load(session.get(User, ada.id))
    assert state.loaded_version == 2
    assert state.my_stale == {str(bob.id): 1, str(ada.id): 1} and state.my_votes == {}


def test_only_those_who_run_a_proposal_see_its_host_controls(app_db, session, cast):
    host, ada, _, production = cast
    proposal = opened(session, host, production)
    for user, runs in ((host, True), (ada, False)):
        state = _signed_in(session, user, proposal_state.ProposalState)
        state.pid = proposal.id
        state._load(session.get(User, user.id))
        assert state.can_manage is runs


def test_the_revision_being_prepared_shows_its_own_note(app_db, session, cast):
    """The host preparing version 2 sees version 2's note (what changes and why) beside
    its lines, not the note of the version open for feedback."""
    host, _, _, production = cast
    proposal = opened(session, host, production)
    proposals.revise_proposal(
        session=session, user_id=host.id, proposal_id=proposal.id, note="Ada's share up."
    )
    session.commit()
    state = _signed_in(session, host, proposal_state.ProposalState)
    state.pid = proposal.id
    state._load(session.get(User, host.id))
    assert (state.preparing, state.prep_note) == (2, "Ada's share up.")


def test_percentages_and_dates_typed_into_forms():
    assert as_percent_bps("12.5") == 1250 and as_percent_bps("33.33 %") == 3333
    assert as_percent_bps("100") == 10_000 and as_percent_bps("0") == 0
    for bad in ("100.01", "1.234", "-1", "abc", "", "1e3", "١٢", None, 12):
        assert as_percent_bps(bad) is None, bad
    assert as_date("2026-12-16") == date(2026, 12, 16)
    for bad in ("2026-13-01", "16/12/2026", "", None, 20261216):
        assert as_date(bad) is None, bad
