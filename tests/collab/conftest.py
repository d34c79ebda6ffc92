"""Fixtures for the co-editing tests: a draft with an owner, an editor, a viewer and an outsider."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlmodel import Session

from hitrec_app.collab.room import Limits
from hitrec_app.collab.tokens import issue_token
from hitrec_app.models import Draft, User
from tests.collab.helpers import ServerThread
from tests.factories import make_draft, make_session, make_user


@dataclass
class Cast:
    draft: Draft
    owner: User
    editor: User
    viewer: User
    outsider: User
    sessions: dict[int, int] = field(default_factory=dict)  # user id -> live UserSession id

    @property
    def draft_id(self) -> int:
        assert self.draft.id is not None
        return self.draft.id

    def token(self, user: User, draft_id: int | None = None) -> str:
        """A fresh editor token for `user`, issued to their browser session."""
        assert user.id is not None
        return issue_token(user.id, draft_id or self.draft_id, self.sessions[user.id])


def make_cast(session: Session, prefix: str = "") -> Cast:
    owner, editor, viewer, outsider = (
        make_user(session, f"{prefix}{name}") for name in ("owner", "editor", "viewer", "outsider")
    )
    draft = make_draft(session, owner, members=[(editor, "editor"), (viewer, "viewer")])
    people = (owner, editor, viewer, outsider)
    sessions = {u.id: make_session(session, u.id) for u in people if u.id is not None}
    return Cast(draft, owner, editor, viewer, outsider, sessions)


@pytest.fixture
def cast(session: Session) -> Cast:
    return make_cast(session)


# Small caps so "too large" is quick to reach; fast snapshots and unloads.
TEST_LIMITS = Limits(
    max_message_bytes=64 * 1024,
    max_doc_points=2_000,
    auto_snapshot_seconds=3600,
    idle_unload_seconds=0.2,
    close_wait_seconds=2,
)


@pytest.fixture
def server(db_url: str) -> Iterator[ServerThread]:
    thread = ServerThread(db_url, TEST_LIMITS).start()
    yield thread
    thread.stop()
