import io

import pytest
from PIL import Image

from hitrec_app.services import uploads
from hitrec_app.settings import settings


def _png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, format="PNG")
    return out.getvalue()


def test_avatar_is_stored_as_a_square_png_under_a_generated_name():
    relative = uploads.store_avatar(_png())
    stored = settings.upload_dir / relative
    assert stored.exists() and relative.startswith("avatars/") and relative.endswith(".png")
    with Image.open(stored) as img:
        assert img.size == (uploads.AVATAR_SIZE, uploads.AVATAR_SIZE)
    uploads.remove(relative)
    assert not stored.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"GIF89a not really", "not a PNG"), (b"<svg onload=alert(1)>", "not a PNG")],
)
def test_bad_avatars_are_refused_and_nothing_is_stored(data, message):
    before = (
        set((settings.upload_dir / "avatars").glob("*"))
        if (settings.upload_dir / "avatars").exists()
        else set()
    )
    with pytest.raises(uploads.UploadError, match=message):
        uploads.store_avatar(data)
    after = (
        set((settings.upload_dir / "avatars").glob("*"))
        if (settings.upload_dir / "avatars").exists()
        else set()
    )
    assert after == before


def test_too_large_avatar_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "AVATAR_MAX_BYTES", 100)
    with pytest.raises(uploads.UploadError, match="limit"):
        uploads.store_avatar(_png((200, 200)))


def test_remove_never_leaves_the_upload_folder(tmp_path):
    outside = tmp_path / "keep.txt"
    outside.write_text("x")
    uploads.remove(str(outside))
    uploads.remove("../../" + outside.name)
    assert outside.exists()


def _huge_canvas_png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG", optimize=True)
    return out.getvalue()


# Pillow warns on reading such a header; the service's own check must refuse the file.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_tiny_file_declaring_a_huge_canvas_is_refused_before_decoding():
    bomb = _huge_canvas_png(7000, 7000)  # 49 megapixels in a few kilobytes
    assert len(bomb) < 200_000
    with pytest.raises(uploads.UploadError, match="megapixels"):
        uploads.open_image(bomb, max_bytes=10_000_000)
    with pytest.raises(uploads.UploadError, match="megapixels"):
        uploads.store_avatar(_huge_canvas_png(5000, 5000))
