"""The editor's fresh-token endpoint: only a signed-in member of the draft gets a token."""

from __future__ import annotations

import itertools

import pytest
from starlette.testclient import TestClient

from hitrec_app.api.collab_token import build_token_api
from hitrec_app.collab.tokens import verify_token
from hitrec_app.db import session_scope
from hitrec_app.services import accounts, drafts
from hitrec_app.settings import settings
from hitrec_app.vocabulary import MAX_ID
from tests.conftest import migrate
from tests.factories import PASSWORD, make_user

_names = itertools.count(1)


@pytest.fixture(scope="module")
def client():
    migrate(settings.database_url)  # the endpoint uses the app's own database
    return TestClient(build_token_api())


def _member_and_outsider():
    with session_scope(write=True) as session:
        owner = make_user(session, f"tokowner{next(_names)}")
        outsider = make_user(session, f"tokout{next(_names)}")
        draft = drafts.create_draft(session=session, owner_id=owner.id, title="Tokens")
        tokens = {
            u.id: accounts.sign_in(
                session=session, username=u.username, password=PASSWORD, client_ip="t"
            ).token
            for u in (owner, outsider)
        }
        return owner.id, outsider.id, draft.id, tokens


def test_a_member_gets_a_fresh_token_for_that_draft_only(client):
    owner_id, _, draft_id, tokens = _member_and_outsider()
    resp = client.post(
        f"/collab/draft-{draft_id}/token", headers={"Authorization": f"Bearer {tokens[owner_id]}"}
    )
    assert resp.status_code == 200
    assert resp.headers["cache-control"] == "no-store"
    claims = verify_token(resp.json()["token"], draft_id)
    assert claims.user_id == owner_id
    with session_scope() as session:
        live = accounts.session_for_token(session=session, token=tokens[owner_id])
        assert live is not None
        assert claims.session_id == live.id  # tied to the browser session that asked


def test_after_signing_out_no_token_is_issued(client):
    owner_id, _, draft_id, tokens = _member_and_outsider()
    url = f"/collab/draft-{draft_id}/token"
    bearer = {"Authorization": f"Bearer {tokens[owner_id]}"}
    assert client.post(url, headers=bearer).status_code == 200
    with session_scope(write=True) as session:
        accounts.sign_out(session=session, token=tokens[owner_id])
    assert client.post(url, headers=bearer).status_code == 401


def test_outsiders_anonymous_and_bad_rooms_are_refused(client):
    _, outsider_id, draft_id, tokens = _member_and_outsider()
    url = f"/collab/draft-{draft_id}/token"
    assert client.post(url).status_code == 401
    assert client.post(url, headers={"Authorization": "Bearer nope"}).status_code == 401
    outsider = {"Authorization": f"Bearer {tokens[outsider_id]}"}
    assert client.post(url, headers=outsider).status_code == 403
    assert client.post("/collab/lobby/token", headers=outsider).status_code == 404
    for room in ("draft-0", f"draft-{MAX_ID + 1}", "draft-12x"):
        assert client.post(f"/collab/{room}/token", headers=outsider).status_code == 404
    assert client.get(url, headers=outsider).status_code == 405
