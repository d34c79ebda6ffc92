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
