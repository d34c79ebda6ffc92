from datetime import date, timedelta

import pytest

from hitrec_app.models import Challenge, PayProposal, ProductionContribution, utcnow
from hitrec_app.services import events, productions, records
from hitrec_app.services.errors import NotFound, PermissionDenied, ValidationError
from hitrec_app.services.productions import MoneyEntryInput, ProductionInput
from hitrec_app.services.records import RecordInput
from hitrec_app.vocabulary import EventKind, production_room
from tests.factories import make_user, open_challenge, text_record

TODAY = date.today()


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def _make(session, host, title="Lighthouse", **kw):
    made = productions.create_production(
        session=session, user_id=host.id, data=ProductionInput(title=title, **kw)
    )
    session.commit()
    return made


def _money(session, user, production, kind, amount, source="Screening"):
    entry = productions.add_money_entry(
        session=session,
        user_id=user.id,
        production_id=production.id,
        data=MoneyEntryInput(kind=kind, amount_minor=amount, source=source, occurred_on=TODAY),
    )
    session.commit()
    return entry


def test_only_hosts_and_admins_make_productions(session):
    member = make_user(session, "mem")
    with pytest.raises(PermissionDenied, match="Only hosts"):
        productions.create_production(
            session=session, user_id=member.id, data=ProductionInput(title="T")
        )
    with pytest.raises(PermissionDenied, match="sign in"):
        productions.create_production(
            session=session, user_id=99_999, data=ProductionInput(title="T")
        )
    for name, role in (("hosty", "host"), ("boss", "admin")):
        user = make_user(session, name, role=role)
        made = _make(session, user)
        assert made.host_id == user.id
        assert (made.currency, made.pool_mode, made.contributors_share_bps) == (
            "USD",
            "share",
            5000,
        )


def test_only_the_productions_host_or_an_admin_changes_it(session):
    host = make_user(session, "hosty", role="host")
    other_host = make_user(session, "other", role="host")
    member = make_user(session, "mem")
    admin = make_user(session, "boss", role="admin")
    film = _make(session, host)
    record = text_record(session, member, "Keeper's log")
    for intruder in (other_host, member):
        with pytest.raises(PermissionDenied, match="Only the production's host"):
            productions.update_production(
                session=session,
                user_id=intruder.id,
                production_id=film.id,
                data=ProductionInput(title="Mine now"),
            )
        with pytest.raises(PermissionDenied):
            productions.include_record(
                session=session, user_id=intruder.id, production_id=film.id, record_id=record.id
            )
        with pytest.raises(PermissionDenied):
            productions.add_money_entry(
                session=session,
                user_id=intruder.id,
                production_id=film.id,
                data=MoneyEntryInput("revenue", 100, "Me", TODAY),
            )
    session.rollback()
    productions.update_production(
        session=session, user_id=admin.id, production_id=film.id, data=ProductionInput(title="Beam")
    )
    session.commit()
    assert film.title == "Beam"


def test_others_cannot_touch_contributions_or_entries_by_id(session):
    host = make_user(session, "hosty", role="host")
    other_host = make_user(session, "other", role="host")
    film = _make(session, host)
    record = text_record(session, host)
    contribution = productions.include_record(
        session=session, user_id=host.id, production_id=film.id, record_id=record.id
    )
    session.commit()
    entry = _money(session, host, film, "revenue", 5000)
    with pytest.raises(PermissionDenied):
        productions.update_contribution(
            session=session,
            user_id=other_host.id,
            contribution_id=contribution.id,
            role="edit",
            weight=1,
        )
    with pytest.raises(PermissionDenied):
        productions.remove_contribution(
            session=session, user_id=other_host.id, contribution_id=contribution.id
        )
    with pytest.raises(PermissionDenied):
        productions.remove_money_entry(session=session, user_id=other_host.id, entry_id=entry.id)
    session.rollback()
    # Named from another production's page: not found there, even for their host.
    album = _make(session, host, "Album")
    with pytest.raises(NotFound):
        productions.update_contribution(
            session=session,
            user_id=host.id,
            contribution_id=contribution.id,
            production_id=album.id,
            role="edit",
            weight=1,
        )
    with pytest.raises(NotFound):
        productions.remove_contribution(
            session=session,
            user_id=host.id,
            contribution_id=contribution.id,
            production_id=album.id,
        )
    with pytest.raises(NotFound):
        productions.remove_money_entry(
            session=session, user_id=host.id, entry_id=entry.id, production_id=album.id
        )
    session.rollback()
    # Forged ids: things that do not exist are refused, not created.
    with pytest.raises(NotFound):
        productions.update_contribution(
            session=session, user_id=host.id, contribution_id=99_999, role="edit", weight=1
        )
    with pytest.raises(NotFound):
        productions.remove_money_entry(session=session, user_id=host.id, entry_id=99_999)
    with pytest.raises(NotFound):
        productions.include_record(
            session=session, user_id=host.id, production_id=99_999, record_id=record.id
        )
    with pytest.raises(ValidationError, match="no record #99999"):
        productions.include_record(
            session=session, user_id=host.id, production_id=film.id, record_id=99_999
        )
    session.rollback()
    summary = productions.money_summary(session=session, production_id=film.id)
    assert summary.revenue_minor == 5000
    assert productions.production_view(session=session, production_id=film.id).contributions[
        0
    ].role == ("story")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ProductionInput(title=" "), "Title is required"),
        (ProductionInput(title="T", currency="XYZ"), "not a currency code"),
        (ProductionInput(title="T", currency="dollars"), "not a currency code"),
        (ProductionInput(title="T", pool_mode="lottery"), "share of the profit or a fixed"),
        (ProductionInput(title="T", contributors_share_bps=10_001), "between 0% and 100%"),
        (ProductionInput(title="T", contributors_share_bps=-1), "between 0% and 100%"),
        (ProductionInput(title="T", pool_mode="fixed"), "needs its budget"),
        (ProductionInput(title="T", fixed_pool_minor=-1), "cannot be negative"),
        (ProductionInput(title="T", min_payout_minor=-5), "cannot be negative"),
        (ProductionInput(title="T", min_payout_minor=2**53), "too large"),
    ],
)
def test_bad_settings_are_refused_with_what_to_fix(session, data, message):
    host = make_user(session, "hosty", role="host")
    with pytest.raises(ValidationError, match=message):
        productions.create_production(session=session, user_id=host.id, data=data)


def test_currency_is_read_in_capitals_and_fixed_once_a_proposal_exists(session):
    host = make_user(session, "hosty", role="host")
    film = _make(session, host, currency=" eur ")
    assert film.currency == "EUR"
    productions.update_production(
        session=session,
        user_id=host.id,
        production_id=film.id,
        data=ProductionInput(title="Lighthouse", currency="GBP"),
    )
    session.add(PayProposal(production_id=film.id, author_id=host.id))
    session.commit()
    with pytest.raises(ValidationError, match="currency cannot change"):
        productions.update_production(
            session=session,
            user_id=host.id,
            production_id=film.id,
            data=ProductionInput(title="Lighthouse", currency="USD"),
        )
    session.rollback()
    # Other settings still change (the currency as it is).
    productions.update_production(
        session=session,
        user_id=host.id,
        production_id=film.id,
        data=ProductionInput(title="Lighthouse", currency="GBP", contributors_share_bps=6000),
    )
    session.commit()
    view = productions.production_view(session=session, production_id=film.id, viewer=host)
    assert view.currency_locked and view.contributors_share_bps == 6000


def test_roles_and_weights(session):
    host = make_user(session, "hosty", role="host")
    film = _make(session, host)
    record = text_record(session, host)
    contribution = productions.include_record(
        session=session, user_id=host.id, production_id=film.id, record_id=record.id
    )
    session.commit()
    assert (contribution.role, contribution.weight) == ("story", 100)
    with pytest.raises(ValidationError, match="already included"):
        productions.include_record(
            session=session, user_id=host.id, production_id=film.id, record_id=record.id
        )
    session.rollback()
    for role, weight, message in (
        ("", 100, "Give the contribution a role"),
        ("x" * 41, 100, "at most 40"),
        ("edit", 1001, "from 0 to 1000"),
        ("edit", -1, "from 0 to 1000"),
        ("edit", True, "from 0 to 1000"),
    ):
        with pytest.raises(ValidationError, match=message):
            productions.update_contribution(
                session=session,
                user_id=host.id,
                contribution_id=contribution.id,
                role=role,
                weight=weight,
            )
    # A free-text role is fine; spaces are tidied.
    productions.update_contribution(
        session=session,
        user_id=host.id,
        contribution_id=contribution.id,
        role="  Sound   Design ",
        weight=250,
    )
    session.commit()
    [row] = productions.production_view(session=session, production_id=film.id).contributions
    assert (row.role, row.weight, row.record.title) == ("sound design", 250, "A story")
    assert [a.username for a in row.authors] == ["hosty"]
    productions.remove_contribution(
        session=session, user_id=host.id, contribution_id=contribution.id
    )
    session.commit()
    assert productions.production_view(session=session, production_id=film.id).contributions == []


def test_a_withdrawn_record_cannot_be_included(session):
    host = make_user(session, "hosty", role="host")
    writer = make_user(session, "writer")
    film = _make(session, host)
    keep = text_record(session, writer, "Kept")
    gone = text_record(session, writer, "Gone")
    # Built on, so withdrawing leaves a stub rather than deleting it.
    text_record(session, host, "Remix", sources=[gone])
    records.withdraw_record(session=session, user_id=writer.id, record_id=gone.id)
    session.commit()
    with pytest.raises(ValidationError, match="was withdrawn"):
        productions.include_record(
            session=session, user_id=host.id, production_id=film.id, record_id=gone.id
        )
    session.rollback()
    productions.include_record(
        session=session, user_id=host.id, production_id=film.id, record_id=keep.id, role="voice"
    )
    session.commit()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (MoneyEntryInput("gift", 100, "Fan", TODAY), "revenue or a cost"),
        (MoneyEntryInput("revenue", 0, "Fan", TODAY), "more than zero"),
        (MoneyEntryInput("cost", -100, "Fan", TODAY), "more than zero"),
        (MoneyEntryInput("cost", 2**53, "Fan", TODAY), "too large"),
        (MoneyEntryInput("revenue", 100, " ", TODAY), "Source is required"),
        (MoneyEntryInput("revenue", 100, "Fan", TODAY + timedelta(days=10)), "in the future"),
        (MoneyEntryInput("revenue", 100, "Fan", TODAY, note="n" * 501), "at most 500"),
    ],
)
def test_bad_money_entries_are_refused(session, data, message):
    host = make_user(session, "hosty", role="host")
    film = _make(session, host)
    with pytest.raises(ValidationError, match=message):
        productions.add_money_entry(
            session=session, user_id=host.id, production_id=film.id, data=data
        )


def test_money_summary_in_share_mode_rounds_the_pool_down(session):
    host = make_user(session, "hosty", role="host")
    film = _make(session, host, contributors_share_bps=3333)
    _money(session, host, film, "revenue", 240_000)
    _money(session, host, film, "revenue", 1_001, "Streaming")
    _money(session, host, film, "cost", 40_000, "Festival entry")
    summary = productions.money_summary(session=session, production_id=film.id)
    assert summary == productions.MoneySummary(
        currency="USD",
        revenue_minor=241_001,
        costs_minor=40_000,
        profit_minor=201_001,
        # 201,001 x 33.33% = 66,993.6333 cents: rounded down.
        pool_minor=66_993,
    )


def test_costs_beyond_revenue_leave_an_empty_pool(session):
    host = make_user(session, "hosty", role="host")
    film = _make(session, host)
    _money(session, host, film, "revenue", 10_000)
    _money(session, host, film, "cost", 25_000, "Cameras")
    summary = productions.money_summary(session=session, production_id=film.id)
    assert (summary.profit_minor, summary.pool_minor) == (-15_000, 0)


def test_a_fixed_pool_is_the_budget_whatever_the_profit(session):
    host = make_user(session, "hosty", role="host")
    film = _make(session, host, pool_mode="fixed", fixed_pool_minor=50_000, currency="JPY")
    assert productions.money_summary(session=session, production_id=film.id) == (
        productions.MoneySummary("JPY", 0, 0, 0, 50_000)
    )
    _money(session, host, film, "cost", 70_000, "Studio hire")
    summary = productions.money_summary(session=session, production_id=film.id)
    assert (summary.profit_minor, summary.pool_minor) == (-70_000, 50_000)


def test_removing_an_entry_changes_the_summary(session):
    host = make_user(session, "hosty", role="host")
    film = _make(session, host)
    _money(session, host, film, "revenue", 10_000)
    cost = _money(session, host, film, "cost", 4_000, "Hire")
    productions.remove_money_entry(session=session, user_id=host.id, entry_id=cost.id)
    session.commit()
    summary = productions.money_summary(session=session, production_id=film.id)
    assert (summary.costs_minor, summary.pool_minor) == (0, 5_000)
    with pytest.raises(NotFound):
        productions.money_summary(session=session, production_id=99_999)


def test_a_production_made_from_a_challenge_includes_its_live_entries(session):
    host = make_user(session, "hosty", role="host")
    writer = make_user(session, "writer")
    challenge = open_challenge(session, host, accepted_kinds=("text", "audio"))
    story = text_record(session, writer, "The keeper's log", challenge=challenge)
    song = records.submit_record(
        session=session,
        user_id=writer.id,
        data=RecordInput(
            kind="audio",
            title="Foghorn",
            challenge_id=challenge.id,
            file_data=_wav(),
        ),
    )
    session.commit()
    withdrawn = text_record(session, writer, "Second thoughts", challenge=challenge)
    text_record(session, host, "Remix", sources=[withdrawn])  # so it stays as a stub
    records.withdraw_record(session=session, user_id=writer.id, record_id=withdrawn.id)
    text_record(session, writer, "Elsewhere")  # in no challenge
    session.commit()
    seen: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        film = productions.create_production(
            session=session,
            user_id=host.id,
            data=ProductionInput(title="Lighthouse"),
            from_challenge_id=challenge.id,
        )
        session.commit()
    finally:
        unsubscribe()
    assert session.get(Challenge, challenge.id).production_id == film.id
    view = productions.production_view(session=session, production_id=film.id, viewer=host)
    assert [(c.record.id, c.role, c.weight) for c in view.contributions] == [
        (story.id, "story", 100),
        (song.id, "score", 100),
    ]
    assert [c.title for c in view.challenges] == [challenge.title]
    assert {(e.room, e.kind) for e in seen} >= {
        (f"challenge-{challenge.id}", EventKind.CHALLENGE_UPDATED),
        (production_room(film.id), EventKind.PRODUCTION_CHANGED),
    }
    # A later entry is offered to the host to include; the view lists it once.
    late = text_record(session, writer, "Late entry", challenge=challenge)
    view = productions.production_view(session=session, production_id=film.id, viewer=host)
    assert [r.id for r in view.candidates] == [late.id]
    assert productions.production_view(session=session, production_id=film.id).candidates == []
    # One production per challenge.
    with pytest.raises(ValidationError, match="already belongs"):
        productions.create_production(
            session=session,
            user_id=host.id,
            data=ProductionInput(title="Again"),
            from_challenge_id=challenge.id,
        )


def test_only_the_challenges_host_makes_a_production_from_it(session):
    host = make_user(session, "hosty", role="host")
    other_host = make_user(session, "other", role="host")
    admin = make_user(session, "boss", role="admin")
    challenge = open_challenge(session, host)
    with pytest.raises(PermissionDenied, match="challenge's host"):
        productions.create_production(
            session=session,
            user_id=other_host.id,
            data=ProductionInput(title="Mine"),
            from_challenge_id=challenge.id,
        )
    session.rollback()
    with pytest.raises(NotFound):
        productions.create_production(
            session=session,
            user_id=host.id,
            data=ProductionInput(title="Mine"),
            from_challenge_id=99_999,
        )
    session.rollback()
    made = productions.create_production(
        session=session,
        user_id=admin.id,
        data=ProductionInput(title="Admin's"),
        from_challenge_id=challenge.id,
    )
    session.commit()
    assert made.host_id == admin.id


def test_productions_are_listed_with_their_money_for_everyone(session):
    host = make_user(session, "hosty", role="host")
    member = make_user(session, "mem")
    film = _make(session, host, "Film")
    _make(session, host, "Album")
    _money(session, host, film, "revenue", 8_000)
    session.add(
        ProductionContribution(production_id=film.id, record_id=text_record(session, member).id)
    )
    session.commit()
    items = productions.list_productions(session=session)
    assert [(i.title, i.contribution_count, i.summary.pool_minor) for i in items] == [
        ("Album", 0, 0),
        ("Film", 1, 4_000),
    ]
    assert items[1].host.username == "hosty"
    view = productions.production_view(session=session, production_id=film.id, viewer=member)
    assert not view.can_manage and view.money[0].amount_minor == 8_000


def test_changes_are_announced_to_the_productions_room_after_commit(session):
    host = make_user(session, "hosty", role="host")
    film = _make(session, host)
    seen: list[events.RoomEvent] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        _money(session, host, film, "revenue", 100)
    finally:
        unsubscribe()
    assert [(e.room, e.kind, e.data) for e in seen] == [
        (
            production_room(film.id),
            EventKind.PRODUCTION_CHANGED,
            {"production_id": film.id, "part": "money"},
        )
    ]
    assert film.updated_at is not None and film.updated_at <= utcnow()


def _wav() -> bytes:
    import io
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 800)
    return out.getvalue()
