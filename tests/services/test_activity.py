"""The home page's activity feed: who joined, what was posted and submitted, newest first."""

from datetime import timedelta

from hitrec_app.models import utcnow
from hitrec_app.services import activity, challenges
from hitrec_app.services.challenges import ChallengeInput
from tests.factories import make_user, open_challenge, text_record


def test_the_feed_lists_joins_challenges_and_records_newest_first(session):
    host = make_user(session, "hosty", role="host")
    ada = make_user(session, "ada")
    rain = open_challenge(session, host, title="Rain")
    challenges.create_challenge(  # a draft challenge is nobody's news yet
        session=session, actor_id=host.id, data=ChallengeInput(title="Secret", prompt="Shh")
    )
    story = text_record(session, ada, "Puddles", challenge=rain)
    gone = text_record(session, ada, "Gone")
    gone.withdrawn_at = utcnow()  # a withdrawn stub (kept for the records built on it)
    session.add(gone)
    session.commit()
    # Distinct times, oldest first in the order they were made.
    start = utcnow() - timedelta(hours=1)
    for minutes, row in enumerate((host, ada, rain, story)):
        row.created_at = start + timedelta(minutes=minutes)
        session.add(row)
    session.commit()

    items = activity.recent_activity(session=session)
    assert [(item.text, item.link) for item in items] == [
        ("ada submitted the text record “Puddles”", f"/records/{story.id}"),
        ("hosty posted the challenge “Rain”", f"/challenges/{rain.id}"),
        ("ada joined the studio", "/u/ada"),
        ("hosty joined the studio", "/u/hosty"),
    ]
    assert [item.at for item in items] == sorted((item.at for item in items), reverse=True)
    assert len(activity.recent_activity(session=session, limit=2)) == 2


def test_the_feed_reads_the_lines_between_two_moments(session):
    start = utcnow() - timedelta(hours=2)
    names = ["amber", "basil", "cedar", "delta", "ember"]
    for minutes, name in enumerate(names):
        user = make_user(session, name)
        user.created_at = start + timedelta(minutes=minutes)
        session.add(user)
    session.commit()

    def texts(**window) -> list[str]:
        items = activity.recent_activity(session=session, **window)
        return [item.text.split()[0] for item in items]

    at = [start + timedelta(minutes=m) for m in range(5)]
    assert texts(before=at[3]) == ["cedar", "basil", "amber"]  # strictly before
    assert texts(after=at[1]) == ["ember", "delta", "cedar"]  # strictly after
    assert texts(before=at[4], after=at[1]) == ["delta", "cedar"]
    assert texts(before=at[4], limit=1) == ["delta"]  # the newest of them
