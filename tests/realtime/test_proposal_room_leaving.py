"""A tab leaves a proposal's room when its user signs out and when it goes to another page,
and a join by someone who may no longer see the draft shows nothing (and joins nothing)."""

from __future__ import annotations

import functools

import pytest
from reflex.utils import format

from hitrec_app import routes
from hitrec_app.db import session_scope
from hitrec_app.models import Production
from hitrec_app.realtime import broadcast, presence
from hitrec_app.services import proposals
from hitrec_app.state import activity as activity_state
from hitrec_app.state import base as base_state
from hitrec_app.state import notifications as notification_state
from hitrec_app.state import proposals as proposal_state
from hitrec_app.state.page_load import PageLoad, one_event
from hitrec_app.state.presence import PresenceState
from hitrec_app.vocabulary import proposal_room
from tests.factories import make_user, text_record
from tests.realtime.test_broadcast import FakeNamespace
from tests.realtime.test_live_views import _with_sid, run
from tests.services.proposal_setup import make_production
from tests.state.test_handler_args import _signed_in
from tests.state.test_page_load import on_page


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
    for module in (base_state, proposal_state, notification_state, activity_state):
        monkeypatch.setattr(module, "session_scope", scoped)
    return db_url


@pytest.fixture
def draft_tab(live_db, session, namespace, monkeypatch):
    """The host's tab on a draft proposal's page, in its room."""
    host = make_user(session, "host", role="host")
    ada = make_user(session, "ada")
    production = make_production(
        session, host, [(text_record(session, ada, "Lighthouse"), "story", 100)]
    )
    draft = proposals.create_proposal(session=session, user_id=host.id, production_id=production.id)
    session.commit()
    monkeypatch.setattr(proposal_state, "param_id", lambda _state, *_a: draft.id)
    live = _signed_in(session, host, proposal_state.ProposalLive)
    _with_sid(monkeypatch, "shared-tab")
    run(proposal_state.ProposalLive.join.fn(live))
    assert proposal_room(draft.id) in namespace.rooms("shared-tab")
    return live, draft, production


def _load_page(state, route: str, path: str, steps: list) -> None:
    """The page's one on_load event, with the bell's and presence's steps as hitrec_app.py
    adds them to every page."""
    one_event(route, [*steps, notification_state.InboxLive.join, PresenceState.arrive])
    on_page(state, "/" + format.format_route(route), path)  # "/" is matched as "/index"
    run(PageLoad.load.fn(run(state.get_state(PageLoad))))


def test_signing_out_leaves_the_draft_rooms_the_tab_was_in(draft_tab, namespace):
    """A host reads a draft on a shared computer and signs out; the next person signs in in
    the same tab (the socket stays: Reflex navigates in-app). The tab must not keep getting
    the draft's room messages (its lines, shares, amounts and evidence) after the sign-out."""
    live, draft, _ = draft_tab
    auth = run(live.get_state(base_state.AuthState))
    base_state.AuthState.sign_out.fn(auth)
    # The home page's on_load after the sign-out's redirect.
    home = [base_state.AuthState.load_user, activity_state.ActivityLive.join]
    _load_page(live, routes.HOME, "/", home)
    assert proposal_room(draft.id) not in namespace.rooms("shared-tab")


def test_going_to_another_page_leaves_the_proposal_room_and_coming_back_rejoins(
    draft_tab, namespace
):
    live, draft, _ = draft_tab
    _load_page(live, routes.PRODUCTIONS, "/productions", [base_state.AuthState.load_user])
    assert proposal_room(draft.id) not in namespace.rooms("shared-tab")
    proposal_page = [proposal_state.ProposalState.load, proposal_state.ProposalLive.join]
    _load_page(live, routes.PROPOSAL, f"/proposals/{draft.id}", proposal_page)
    assert proposal_room(draft.id) in namespace.rooms("shared-tab")


def test_a_join_after_losing_the_right_to_see_the_draft_shows_nothing(
    draft_tab, namespace, session
):
    """The page's load showed the draft to its host; the production changed hands before the
    room's join ran: the join must neither crash nor keep the tab in the draft's room."""
    live, draft, production = draft_tab
    page = run(live.get_state(proposal_state.ProposalState))
    page.found, page.pid, page._shown_to, page._draft = True, draft.id, live_user_id(live), True
    other = make_user(session, "newhost", role="host")
    row = session.get(Production, production.id)
    row.host_id = other.id
    session.add(row)
    session.commit()
    run(proposal_state.ProposalLive.join.fn(live))
    assert proposal_room(draft.id) not in namespace.rooms("shared-tab")
    assert live.pid == 0 and live.lines == []


def live_user_id(state) -> int:
    user = run(state.get_state(base_state.AuthState))._current_user()
    assert user is not None
    return user.id
