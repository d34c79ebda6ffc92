import pytest

from hitrec_app.services import lineage, records
from hitrec_app.services.errors import PermissionDenied, ValidationError
from tests.factories import make_user, text_record


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def test_missing_source_is_rejected(session):
    ada = make_user(session, "ada")
    with pytest.raises(ValidationError, match="Record #999 does not exist"):
        text_record(session, ada, sources=[type("R", (), {"id": 999})()])


def test_withdrawn_source_is_rejected(session):
    ada = make_user(session, "ada")
    bo = make_user(session, "bob")
    a = text_record(session, ada, "A")
    text_record(session, bo, "B", sources=[a])
    records.withdraw_record(session=session, user_id=ada.id, record_id=a.id)
    session.commit()
    with pytest.raises(ValidationError, match="withdrawn and cannot be cited"):
        text_record(session, bo, "C", sources=[a])


def test_self_citation_is_rejected(session):
    ada = make_user(session, "ada")
    a = text_record(session, ada, "A")
    with pytest.raises(ValidationError, match="cannot cite itself"):
        records.add_source(session=session, user_id=ada.id, record_id=a.id, source_id=a.id)


def test_cycles_are_rejected_even_through_several_generations(session):
    ada = make_user(session, "ada")
    a = text_record(session, ada, "A")
    b = text_record(session, ada, "B", sources=[a])
    c = text_record(session, ada, "C", sources=[b])
    with pytest.raises(ValidationError, match="loop"):
        records.add_source(session=session, user_id=ada.id, record_id=a.id, source_id=c.id)
    with pytest.raises(ValidationError, match="loop"):
        records.add_source(session=session, user_id=ada.id, record_id=a.id, source_id=b.id)
    assert lineage.source_ids(session=session, record_id=a.id) == []


def test_authors_add_and_remove_citations_and_counts_follow(session):
    ada = make_user(session, "ada")
    bo = make_user(session, "bob")
    a = text_record(session, ada, "A")
    b = text_record(session, bo, "B")
    with pytest.raises(PermissionDenied):
        records.add_source(session=session, user_id=ada.id, record_id=b.id, source_id=a.id)
    records.add_source(session=session, user_id=bo.id, record_id=b.id, source_id=a.id)
    session.commit()
    session.refresh(a)
    assert a.remix_count == 1
    records.remove_source(session=session, user_id=bo.id, record_id=b.id, source_id=a.id)
    session.commit()
    session.refresh(a)
    assert a.remix_count == 0 and lineage.source_ids(session=session, record_id=b.id) == []


def test_graph_lays_out_generations_left_to_right_and_offers_more(session):
    ada = make_user(session, "ada")
    chain = [text_record(session, ada, "G0")]
    for i in range(1, 6):
        chain.append(text_record(session, ada, f"G{i}", sources=[chain[-1]]))
    # A diamond: G2 is also cited directly by G4.
    records.add_source(
        session=session, user_id=ada.id, record_id=chain[4].id, source_id=chain[2].id
    )
    session.commit()
    graph = lineage.lineage_graph(session=session, record_id=chain[3].id, up=1, down=1)
    by_title = {n.title: n for n in graph.nodes}
    assert set(by_title) == {"G2", "G3", "G4"}
    assert by_title["G2"].x < by_title["G3"].x < by_title["G4"].x
    assert graph.more_up and graph.more_down
    assert {(e.source_id, e.record_id) for e in graph.edges} == {
        (chain[2].id, chain[3].id),
        (chain[3].id, chain[4].id),
        (chain[2].id, chain[4].id),
    }
    deeper = lineage.lineage_graph(session=session, record_id=chain[3].id, up=5, down=5)
    assert len(deeper.nodes) == 6 and not deeper.more_up and not deeper.more_down
    # every edge points rightwards
    pos = {n.id: n.x for n in deeper.nodes}
    assert all(pos[e.source_id] < pos[e.record_id] for e in deeper.edges)


def test_upstream_credits_list_everyone_nearest_first(session):
    ada = make_user(session, "ada")
    bo = make_user(session, "bob")
    cy = make_user(session, "cyd")
    a = text_record(session, ada, "A")
    b = text_record(session, bo, "B", sources=[a])
    c = text_record(session, cy, "C", sources=[b])
    assert [c_.username for c_ in lineage.upstream_credits(session=session, record_id=c.id)] == [
        "bob",
        "ada",
    ]
