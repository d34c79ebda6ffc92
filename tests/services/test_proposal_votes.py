"""Votes, comments and sign-offs on pay proposals; revisions, carried and stale votes, the diff,
and what the proposal's room is told."""

import pytest

from hitrec_app.services import events, notifications, proposal_views, proposal_votes, proposals
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from hitrec_app.vocabulary import COMMENT_MAX, EventKind, proposal_room
from tests.factories import make_user, text_record
from tests.services.proposal_setup import close_feedback, make_production, opened


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


@pytest.fixture
def cast(session):
    host = make_user(session, "host", role="host")
    ada = make_user(session, "ada")
    bob = make_user(session, "bob")
    cyd = make_user(session, "cyd")
    production = make_production(
        session,
        host,
        [
            (text_record(session, ada, "Lighthouse"), "story", 100),
            (text_record(session, bob, "Harbour"), "illustration", 100),
        ],
    )
    return host, ada, bob, cyd, production


def _vote(session, voter, proposal, payee, value, reason="", **kw):
    vote = proposal_votes.cast_vote(
        session=session,
        user_id=voter.id,
        proposal_id=proposal.id,
        payee_id=payee.id,
        value=value,
        reason=reason,
        **kw,
    )
    session.commit()
    return vote


def _tally(session, proposal, viewer, payee):
    rows = proposal_views.line_views(session=session, proposal_id=proposal.id, viewer_id=viewer.id)
    tally = next(r.tally for r in rows if r.payee.id == payee.id)
    return None if tally is None else (tally.agree, tally.object, tally.abstain)


def test_members_vote_on_lines_and_change_their_vote_until_close(session, cast):
    host, ada, bob, cyd, production = cast
    proposal = opened(session, host, production)
    with pytest.raises(ValidationError, match="reason is required"):
        _vote(session, cyd, proposal, ada, "object")
    with pytest.raises(ValidationError, match="agree, object or abstain"):
        _vote(session, cyd, proposal, ada, "maybe")
    _vote(session, cyd, proposal, ada, "object", "Bob drew half the story")
    _vote(session, bob, proposal, ada, "agree")
    assert _tally(session, proposal, cyd, ada) == (1, 1, 0)
    _vote(session, cyd, proposal, ada, "agree")  # changed, not counted twice
    assert _tally(session, proposal, cyd, ada) == (2, 0, 0)
    [mine] = [
        r
        for r in proposal_views.line_views(
            session=session, proposal_id=proposal.id, viewer_id=cyd.id
        )
        if r.payee.id == ada.id
    ]
    assert mine.my_vote == "agree"
    close_feedback(session, proposal)
    with pytest.raises(ValidationError, match="closed"):
        _vote(session, cyd, proposal, ada, "abstain")
    with pytest.raises(ValidationError, match="closed"):
        proposal_votes.sign_off(
            session=session, user_id=ada.id, proposal_id=proposal.id, answer="accept"
        )
    # Comments stay open until the proposal is final.
    proposal_votes.add_comment(session=session, user_id=cyd.id, proposal_id=proposal.id, body="ok")
    proposals.finalise_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    session.commit()
    with pytest.raises(ValidationError, match="final"):
        proposal_votes.add_comment(
            session=session, user_id=cyd.id, proposal_id=proposal.id, body="late"
        )


def test_nobody_signs_off_for_someone_else_and_the_view_shows_who_has_not(session, cast):
    host, ada, bob, cyd, production = cast
    proposal = opened(session, host, production)
    with pytest.raises(PermissionDenied, match="own line"):
        proposal_votes.sign_off(
            session=session, user_id=cyd.id, proposal_id=proposal.id, answer="accept"
        )
    with pytest.raises(ValidationError, match="reason is required"):
        proposal_votes.sign_off(
            session=session, user_id=ada.id, proposal_id=proposal.id, answer="object"
        )
    proposal_votes.sign_off(
        session=session, user_id=ada.id, proposal_id=proposal.id, answer="accept"
    )
    session.commit()
    assert [
        p.username
        for p in proposal_views.unanswered(
            session=session, proposal_id=proposal.id, viewer_id=cyd.id
        )
    ] == ["bob"]
    proposal_votes.sign_off(
        session=session, user_id=bob.id, proposal_id=proposal.id, answer="object", reason="Too low"
    )
    proposal_votes.sign_off(
        session=session,
        user_id=ada.id,
        proposal_id=proposal.id,
        answer="object",
        reason="Changed my mind",
    )
    session.commit()
    assert (
        proposal_views.unanswered(session=session, proposal_id=proposal.id, viewer_id=cyd.id) == []
    )
    rows = {
        r.payee.username: (r.sign_off, r.sign_off_reason)
        for r in proposal_views.line_views(
            session=session, proposal_id=proposal.id, viewer_id=cyd.id
        )
    }
    assert rows == {"ada": ("object", "Changed my mind"), "bob": ("object", "Too low")}


def test_forged_ids_are_refused(session, cast):
    host, ada, _, cyd, production = cast
    proposal = opened(session, host, production)
    other_host = make_user(session, "otherhost", role="host")
    dee = make_user(session, "dee")
    other = opened(
        session,
        other_host,
        make_production(
            session, other_host, [(text_record(session, dee, "Elsewhere"), "story", 100)]
        ),
    )
    # A line of another proposal.
    with pytest.raises(ValidationError, match="not part of this proposal"):
        _vote(session, cyd, proposal, dee, "agree")
    with pytest.raises(ValidationError, match="not part of this proposal"):
        proposal_votes.add_comment(
            session=session, user_id=cyd.id, proposal_id=proposal.id, body="hi", payee_id=dee.id
        )
    elsewhere = proposal_votes.add_comment(
        session=session, user_id=cyd.id, proposal_id=other.id, body="there"
    )
    elsewhere_vote = _vote(session, cyd, other, dee, "object", "no")
    session.commit()
    # A comment of another proposal as the parent of a reply, or as a reason for a version.
    with pytest.raises(ValidationError, match="not part of this proposal"):
        proposal_votes.add_comment(
            session=session,
            user_id=cyd.id,
            proposal_id=proposal.id,
            body="re",
            parent_id=elsewhere.id,
        )
    proposals.revise_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    with pytest.raises(ValidationError, match=f"Comment {elsewhere.id} is not part"):
        proposals.set_version_reasons(
            session=session,
            user_id=host.id,
            proposal_id=proposal.id,
            version=2,
            comment_ids=[elsewhere.id],
        )
    with pytest.raises(ValidationError, match=f"Vote {elsewhere_vote.id} is not part"):
        proposals.set_version_reasons(
            session=session,
            user_id=host.id,
            proposal_id=proposal.id,
            version=2,
            vote_ids=[elsewhere_vote.id],
        )
    # The other proposal's host cannot touch this one.
    with pytest.raises(PermissionDenied):
        proposals.set_line_share(
            session=session,
            user_id=other_host.id,
            proposal_id=proposal.id,
            version=2,
            payee_id=ada.id,
            share_bps=0,
            reason="mine now",
        )


def test_comments_are_threaded_on_the_proposal_or_a_line(session, cast):
    host, ada, bob, cyd, production = cast
    proposal = opened(session, host, production)
    with pytest.raises(ValidationError, match=f"at most {COMMENT_MAX}"):
        proposal_votes.add_comment(
            session=session, user_id=cyd.id, proposal_id=proposal.id, body="x" * (COMMENT_MAX + 1)
        )
    top = proposal_votes.add_comment(
        session=session, user_id=cyd.id, proposal_id=proposal.id, body="Why 50/50?", payee_id=ada.id
    )
    reply = proposal_votes.add_comment(
        session=session,
        user_id=ada.id,
        proposal_id=proposal.id,
        body="Equal weights",
        parent_id=top.id,
    )
    session.commit()
    rows = proposal_views.comments(session=session, proposal_id=proposal.id, viewer_id=bob.id)
    assert [(r.body, r.payee_id, r.parent_id) for r in rows] == [
        ("Why 50/50?", ada.id, None),
        ("Equal weights", ada.id, top.id),
    ]
    assert reply.version_number == 1
    # The payee hears of a comment on their line, the commenter of a reply.
    assert (
        notifications.list_notifications(session=session, user_id=ada.id)[0].kind
        == proposal_votes.COMMENTED
    )
    assert (
        notifications.list_notifications(session=session, user_id=cyd.id)[0].kind
        == proposal_votes.COMMENTED
    )


def test_a_revision_carries_votes_on_unchanged_lines_and_asks_voters_of_changed_ones_to_look_again(
    session, cast
):
    host, ada, bob, cyd, production = cast
    dee = make_user(session, "dee")
    proposal = opened(session, host, production)
    objection = _vote(session, cyd, proposal, ada, "object", "Bob drew half of it")
    _vote(session, dee, proposal, bob, "agree")
    _vote(session, dee, proposal, ada, "agree")
    comment = proposal_votes.add_comment(
        session=session,
        user_id=cyd.id,
        proposal_id=proposal.id,
        body="Ada wrote more",
        payee_id=ada.id,
    )
    session.commit()

    proposals.revise_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    # The open version keeps taking votes while the next one is prepared.
    _vote(session, cyd, proposal, bob, "abstain", version=1)
    proposals.set_line_share(
        session=session,
        user_id=host.id,
        proposal_id=proposal.id,
        version=2,
        payee_id=ada.id,
        share_bps=6000,
        reason="She rewrote the ending",
    )
    proposals.set_line_share(
        session=session,
        user_id=host.id,
        proposal_id=proposal.id,
        version=2,
        payee_id=bob.id,
        share_bps=4000,
        reason="Fewer plates than planned",
    )
    proposals.set_line_share(
        session=session,
        user_id=host.id,
        proposal_id=proposal.id,
        version=2,
        payee_id=bob.id,
        share_bps=5000,
        reason="Undo: plates were all used",
    )
    proposals.set_line_share(
        session=session,
        user_id=host.id,
        proposal_id=proposal.id,
        version=2,
        payee_id=bob.id,
        share_bps=4000,
        reason="Fewer plates than planned",
    )
    proposals.set_version_reasons(
        session=session,
        user_id=host.id,
        proposal_id=proposal.id,
        version=2,
        note="Answering the objections",
        comment_ids=[comment.id],
        vote_ids=[objection.id],
    )
    session.commit()
    # Others do not see the version being prepared.
    assert (
        proposal_views.proposal_view(
            session=session, proposal_id=proposal.id, viewer_id=cyd.id
        ).preparing
        is None
    )
    assert (
        proposal_views.proposal_view(
            session=session, proposal_id=proposal.id, viewer_id=host.id
        ).preparing
        == 2
    )
    proposals.open_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    session.commit()
    with pytest.raises(ValidationError, match="Version 1 is no longer the current one"):
        _vote(session, cyd, proposal, ada, "agree", version=1)

    # Both lines changed: nothing carried; every voter is asked to look again.
    assert _tally(session, proposal, cyd, ada) == (0, 0, 0)
    votes = proposal_views.line_votes(
        session=session, proposal_id=proposal.id, payee_id=ada.id, viewer_id=cyd.id
    )
    assert [(v.voter.username, v.value, v.cast_on, v.stale) for v in votes] == [
        ("cyd", "object", 1, True),
        ("dee", "agree", 1, True),
    ]
    for who in (cyd, dee):
        assert proposals.LOOK_AGAIN in [
            n.kind for n in notifications.list_notifications(session=session, user_id=who.id)
        ]
    for who in (ada, bob):
        assert (
            notifications.list_notifications(session=session, user_id=who.id)[0].kind
            == proposals.NEW_VERSION
        )

    # Version 3 changes only Ada's line: votes on Bob's line carry over.
    _vote(session, dee, proposal, bob, "agree")
    _vote(session, cyd, proposal, ada, "object", "Still too much")
    proposals.revise_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    proposals.set_line_share(
        session=session,
        user_id=host.id,
        proposal_id=proposal.id,
        version=3,
        payee_id=ada.id,
        share_bps=5000,
        reason="Ada's line only",
    )
    proposals.set_line_share(
        session=session,
        user_id=host.id,
        proposal_id=proposal.id,
        version=3,
        payee_id=dee.id,
        share_bps=1000,
        reason="Dee lettered the titles",
    )
    proposals.open_proposal(session=session, user_id=host.id, proposal_id=proposal.id)
    session.commit()
    bob_votes = proposal_views.line_votes(
        session=session, proposal_id=proposal.id, payee_id=bob.id, viewer_id=cyd.id
    )
    assert [(v.voter.username, v.cast_on, v.carried, v.stale) for v in bob_votes] == [
        ("dee", 2, True, False),
        ("cyd", 1, False, True),  # cast on version 1, whose line for Bob changed since
    ]
    assert _tally(session, proposal, cyd, bob) == (1, 0, 0)
    assert _tally(session, proposal, cyd, ada) == (0, 0, 0)

    diff = proposal_views.diff(
        session=session, proposal_id=proposal.id, from_number=1, to_number=2, viewer_id=cyd.id
    )
    assert diff.note == "Answering the objections"
    assert [
        (
            r.payee.username,
            r.old_bps,
            r.new_bps,
            r.delta_bps,
            r.old_amount_minor,
            r.new_amount_minor,
            r.delta_minor,
        )
        for r in diff.rows
    ] == [
        ("ada", 5000, 6000, 1000, 25_000, 30_000, 5_000),
        ("bob", 5000, 4000, -1000, 25_000, 20_000, -5_000),
    ]
    assert diff.rows[0].change_reason == "She rewrote the ending"
    # Each distinct reason once, in the order given.
    assert diff.rows[1].change_reason == "Fewer plates than planned\nUndo: plates were all used"
    assert [(r.kind, r.id, r.author.username, r.text) for r in diff.reasons] == [
        ("comment", comment.id, "cyd", "Ada wrote more"),
        ("vote", objection.id, "cyd", "Bob drew half of it"),
    ]
    later = proposal_views.diff(
        session=session, proposal_id=proposal.id, from_number=2, to_number=3, viewer_id=cyd.id
    )
    assert [(r.payee.username, r.old_bps, r.new_bps) for r in later.rows] == [
        ("ada", 6000, 5000),
        ("dee", 0, 1000),
        ("bob", 4000, 4000),
    ]
    assert later.reasons == []


def test_the_room_hears_changes_after_the_commit_and_hidden_tallies_stay_hidden(session, cast):
    host, ada, bob, cyd, production = cast
    seen: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        proposal = opened(session, host, production, hide_tallies=True)
        room = proposal_room(proposal.id)
        assert room == f"proposal-{proposal.id}"
        [changed] = [e for e in seen if e.room == room]
        assert changed.kind == EventKind.PROPOSAL_CHANGED
        assert changed.data["state"] == "open" and changed.data["hide_tallies"] is True
        seen.clear()

        proposal_votes.cast_vote(
            session=session, user_id=cyd.id, proposal_id=proposal.id, payee_id=ada.id, value="agree"
        )
        assert seen == []  # nothing before the commit
        session.commit()
        [vote] = [e for e in seen if e.room == room]
        assert vote.data == {
            "proposal_id": proposal.id,
            "version": 1,
            "payee_id": ada.id,
            "votes": 1,
            "tally": None,
        }
        assert _tally(session, proposal, cyd, ada) is None  # hidden from members
        assert _tally(session, proposal, host, ada) == (1, 0, 0)  # the host sees it
        seen.clear()

        proposal_votes.add_comment(
            session=session, user_id=cyd.id, proposal_id=proposal.id, body="rolled back"
        )
        session.rollback()
        session.commit()
        assert [e for e in seen if e.room == room] == []

        proposal_votes.add_comment(
            session=session, user_id=cyd.id, proposal_id=proposal.id, body="Nice", payee_id=bob.id
        )
        proposal_votes.sign_off(
            session=session, user_id=ada.id, proposal_id=proposal.id, answer="accept"
        )
        session.commit()
        comment, sign = [e for e in seen if e.room == room]
        assert comment.kind == EventKind.PROPOSAL_COMMENT
        assert comment.data["comments"] == 1
        assert (
            comment.data["comment"]["body"],
            comment.data["comment"]["payee_id"],
            comment.data["comment"]["author_username"],
        ) == ("Nice", bob.id, "cyd")
        assert sign.kind == EventKind.PROPOSAL_SIGN_OFF
        assert sign.data == {
            "proposal_id": proposal.id,
            "version": 1,
            "user_id": ada.id,
            "answer": "accept",
            "unanswered": 1,
        }

        close_feedback(session, proposal)
        assert _tally(session, proposal, cyd, ada) == (1, 0, 0)  # shown once feedback closed
    finally:
        unsubscribe()


def test_a_draft_is_not_there_for_feedback_from_those_who_do_not_run_it(session, cast):
    """Voting, signing off or commenting on a draft's id tells a member the proposal does
    not exist (as its page does), not that it is a draft; its host is told it is not open."""
    host, ada, _bob, _cyd, production = cast
    draft = proposals.create_proposal(session=session, user_id=host.id, production_id=production.id)
    session.commit()
    attempts = [
        lambda uid: proposal_votes.cast_vote(
            session=session, user_id=uid, proposal_id=draft.id, payee_id=ada.id, value="agree"
        ),
        lambda uid: proposal_votes.sign_off(
            session=session, user_id=uid, proposal_id=draft.id, answer="accept"
        ),
        lambda uid: proposal_votes.add_comment(
            session=session, user_id=uid, proposal_id=draft.id, body="Hm"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound, match="does not exist"):
            attempt(ada.id)
        session.rollback()
    with pytest.raises(ValidationError, match="not open for feedback yet"):
        attempts[2](host.id)
