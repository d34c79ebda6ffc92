import io

import pytest
from PIL import Image

from hitrec_app.models import Record, RecordAuthor
from hitrec_app.services import lineage, notifications, record_views, records
from hitrec_app.services.errors import PermissionDenied, ValidationError
from hitrec_app.services.records import RecordInput
from hitrec_app.settings import settings
from tests.factories import make_user, text_record


@pytest.fixture
def session(any_session):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_session


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(out, format="PNG")
    return out.getvalue()


def test_image_record_is_stored_with_a_thumbnail(session):
    user = make_user(session, "painter")
    rec = records.submit_record(
        session=session,
        user_id=user.id,
        data=RecordInput(kind="image", title="Teal", file_data=_png()),
    )
    session.commit()
    assert rec.mime_type == "image/png"
    assert (settings.upload_dir / rec.file_path).exists()
    with Image.open(settings.upload_dir / rec.thumbnail_path) as thumb:
        assert max(thumb.size) <= 480


def test_an_upload_given_as_a_file_object_is_stored(session):
    user = make_user(session, "painter")
    rec = records.submit_record(
        session=session,
        user_id=user.id,
        data=RecordInput(kind="image", title="Teal", file=io.BytesIO(_png())),
    )
    session.commit()
    assert (settings.upload_dir / rec.file_path).read_bytes() == _png()
    assert rec.thumbnail_path is not None
    with pytest.raises(ValidationError, match="A text record has no file"):
        records.submit_record(
            session=session,
            user_id=user.id,
            data=RecordInput(kind="text", title="T", body="B", file=io.BytesIO(_png())),
        )


def test_a_failed_submission_leaves_no_file_behind(session):
    user = make_user(session, "painter")
    before = (
        set((settings.upload_dir / "records").rglob("*"))
        if (settings.upload_dir / "records").exists()
        else set()
    )
    records.submit_record(
        session=session,
        user_id=user.id,
        data=RecordInput(kind="image", title="Teal", file_data=_png()),
    )
    session.rollback()  # e.g. the database refused the row
    after = set((settings.upload_dir / "records").rglob("*"))
    assert {p for p in after - before if p.is_file()} == set()


def test_only_authors_edit_their_records(session):
    author = make_user(session, "author")
    other = make_user(session, "other")
    rec = text_record(session, author, "Mine", tags="story")
    with pytest.raises(PermissionDenied, match="Only the person who submitted"):
        records.update_record(
            session=session,
            user_id=other.id,
            record_id=rec.id,
            title="Stolen",
            description="",
            tags="",
        )
    records.update_record(
        session=session,
        user_id=author.id,
        record_id=rec.id,
        title="Mine, revised",
        description="now longer",
        tags="Story, #Sea",
    )
    session.commit()
    assert rec.title == "Mine, revised" and rec.tags == "story,sea"
    with pytest.raises(PermissionDenied):
        records.withdraw_record(session=session, user_id=other.id, record_id=rec.id)


def test_bad_tags_and_empty_text_are_refused(session):
    user = make_user(session, "writer")
    with pytest.raises(ValidationError, match="tag"):
        text_record(session, user, tags="good, <script>")
    with pytest.raises(ValidationError, match="The text is required"):
        text_record(session, user, body="   ")


def test_remix_notifies_the_original_author_and_counts(session):
    ada = make_user(session, "ada")
    bo = make_user(session, "bob")
    original = text_record(session, ada, "Original")
    remix = text_record(session, bo, "Remix", sources=[original])
    session.refresh(original)
    assert original.remix_count == 1
    notes = notifications.list_notifications(session=session, user_id=ada.id)
    assert [n.kind for n in notes] == ["record.remixed"]
    assert "Remix" in notes[0].message and notes[0].link == f"/records/{remix.id}"
    assert notifications.unread_count(session=session, user_id=ada.id) == 1
    notifications.mark_all_read(session=session, user_id=ada.id)
    assert notifications.unread_count(session=session, user_id=ada.id) == 0
    assert notifications.unread_count(session=session, user_id=bo.id) == 0


def test_withdraw_without_descendants_deletes_the_record_and_its_file(session):
    ada = make_user(session, "ada")
    rec = records.submit_record(
        session=session,
        user_id=ada.id,
        data=RecordInput(kind="image", title="Gone", file_data=_png()),
    )
    session.commit()
    path = settings.upload_dir / rec.file_path
    assert records.withdraw_record(session=session, user_id=ada.id, record_id=rec.id) == "deleted"
    session.commit()
    assert session.get(Record, rec.id) is None
    assert not path.exists()


def test_withdraw_with_descendants_keeps_a_stub_with_title_and_credits(session):
    ada = make_user(session, "ada")
    bo = make_user(session, "bob")
    original = records.submit_record(
        session=session,
        user_id=ada.id,
        data=RecordInput(kind="image", title="The lamp", file_data=_png()),
    )
    session.commit()
    path = settings.upload_dir / original.file_path
    remix = text_record(session, bo, "Built on the lamp", sources=[original])
    assert (
        records.withdraw_record(session=session, user_id=ada.id, record_id=original.id)
        == "withdrawn"
    )
    session.commit()
    stub = session.get(Record, original.id)
    assert stub.withdrawn_at is not None and stub.title == "The lamp"
    assert stub.file_path is None and stub.body is None and not path.exists()
    assert session.get(RecordAuthor, 1) is not None
    credits = lineage.upstream_credits(session=session, record_id=remix.id)
    assert [(c.username, c.records[0][1]) for c in credits] == [("ada", "The lamp")]
    view = record_views.record_view(session=session, record_id=remix.id, viewer=bo)
    assert [(s.title, s.withdrawn) for s in view.sources] == [("The lamp", True)]
    with pytest.raises(ValidationError, match="withdrawn"):
        records.update_record(
            session=session,
            user_id=ada.id,
            record_id=original.id,
            title="x",
            description="",
            tags="",
        )
