"""A pay proposal's live view on the broadcast path: who its join subscribes, that a join
storm reads the room once, and that a committed vote reaches the room as one message holding
the tallies only."""

from __future__ import annotations

import functools

import pytest

from hitrec_app.db import session_scope
from hitrec_app.realtime import broadcast, presence
from hitrec_app.services import proposal_votes, proposals
from hitrec_app.state import base as base_state
from hitrec_app.state import proposals as proposal_state
from hitrec_app.vocabulary import proposal_room
from tests.factories import make_user, text_record
from tests.realtime.test_broadcast import FakeNamespace
from tests.realtime.test_live_views import (
    _committed,
    _counting_queries,
    _delta,
    _dispatch,
    _with_sid,
    run,
)
from tests.services.proposal_setup import make_production, opened
from tests.state.test_handler_args import _signed_in


@pytest.fixture
def namespace(monkeypatch):
    fake = FakeNamespace()
    monkeypatch.setattr(broadcast, "_namespace", lambda: fake)
    monkeypatch.setattr(presence, "_namespace", lambda: fake)
    presence.reset()
    yield fake
    presence.reset()


@pytest.fixture
def live_db(monkeypatch, db_url):
    scoped = functools.partial(session_scope, url=db_url)
    for module in (base_state, proposal_state):
        monkeypatch.setattr(module, "session_scope", scoped)
    return db_url


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


def _route_to(monkeypatch, pid: int) -> None:
    monkeypatch.setattr(proposal_state, "param_id", lambda _state, *_a: pid)


def test_a_draft_room_takes_only_those_who_run_it(live_db, session, namespace, monkeypatch, cast):
    host, ada, _, production = cast
    draft = proposals.create_proposal(session=session, user_id=host.id, production_id=production.id)
    session.commit()
    _route_to(monkeypatch, draft.id)
    member = _signed_in(session, ada, proposal_state.ProposalLive)
    _with_sid(monkeypatch, "member-tab")
    run(proposal_state.ProposalLive.join.fn(member))
    assert namespace.members == {} and member.lines == []
    runner = _signed_in(session, host, proposal_state.ProposalLive)
    _with_sid(monkeypatch, "host-tab")
    run(proposal_state.ProposalLive.join.fn(runner))
    assert namespace.rooms("host-tab") == [proposal_room(draft.id), "host-tab"]
    assert runner.state == "draft" and len(runner.lines) == 2


def test_a_join_storm_reads_the_room_once(live_db, session, namespace, monkeypatch, cast):
    host, ada, _, production = cast
    proposal = opened(session, host, production)
    _route_to(monkeypatch, proposal.id)
    reads = []
    for n in range(8):
        tab = _signed_in(session, ada, proposal_state.ProposalLive)
        _with_sid(monkeypatch, f"tab{n}")
        with _counting_queries() as statements:
            run(proposal_state.ProposalLive.join.fn(tab))
        reads.append(sum("FROM pay_proposal_lines" in s for s in statements))
        assert tab.state == "open" and len(tab.lines) == 2
    assert reads[0] >= 1 and reads[1:] == [0] * 7
    assert len(namespace.members[proposal_room(proposal.id)]) == 8


def test_a_vote_reaches_the_room_as_one_message_with_the_tallies_only(
    live_db, session, namespace, monkeypatch, cast
):
    host, ada, bob, production = cast
    proposal = opened(session, host, production)
    _dispatch(
        _committed(
            session,
            lambda s: proposal_votes.cast_vote(
                session=s,
                user_id=ada.id,
                proposal_id=proposal.id,
                payee_id=bob.id,
                value="object",
                reason="Too much.",
            ),
        )
    )
    sent = [
        _delta(payload, proposal_state.ProposalLive)
        for _, payload, to in namespace.emits
        if to == proposal_room(proposal.id)
    ]
    assert len(sent) == 1
    assert {k.rsplit("_rx_state_", 1)[0] for k in sent[0]} == {"pid", "tallies_hidden", "tallies"}
