import io
import struct

import pytest
from PIL import Image

from hitrec_app.services import uploads
from hitrec_app.settings import settings


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, format=fmt)
    return out.getvalue()


def _wav() -> bytes:
    pcm = b"\x00\x00" * 800
    return (
        b"RIFF"
        + struct.pack("<I", 36 + len(pcm))
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
        + b"data"
        + struct.pack("<I", len(pcm))
        + pcm
    )


MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 400
OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01vorbis" + b"\x00" * 100
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 100
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 100


@pytest.mark.parametrize(
    ("kind", "data", "mime"),
    [
        ("image", _image("PNG"), "image/png"),
        ("image", _image("JPEG"), "image/jpeg"),
        ("image", _image("WEBP"), "image/webp"),
        ("image", _image("GIF"), "image/gif"),
        ("audio", MP3_ID3, "audio/mpeg"),
        ("audio", MP3_FRAME, "audio/mpeg"),
        ("audio", OGG, "audio/ogg"),
        ("audio", _wav(), "audio/wav"),
        ("video", WEBM, "video/webm"),
        ("video", MP4, "video/mp4"),
    ],
)
def test_accepted_formats_are_recognised_by_content(kind, data, mime):
    stored = uploads.store_record_file(kind, data)
    assert stored.mime_type == mime
    assert (settings.upload_dir / stored.file_path).read_bytes() == data
    assert stored.file_path.startswith("records/")
    assert (stored.thumbnail_path is not None) == (kind == "image")
    uploads.remove(stored.file_path)
    uploads.remove(stored.thumbnail_path)


def _record_files() -> set:
    root = settings.upload_dir / "records"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("image", b"", "empty"),
        ("audio", b"", "empty"),
        ("image", b"<svg onload=alert(1)></svg>", "not a PNG, JPEG, WebP or GIF"),
        ("image", MP3_ID3, "not a PNG"),  # an mp3 renamed .png
        ("audio", _image("PNG"), "not a MP3, OGG or WAV"),  # an image renamed .mp3
        ("audio", WEBM, "it looks like video"),
        ("video", _wav(), "it looks like audio"),
        ("video", b"MZ\x90\x00 an executable", "not a WebM or MP4"),
        ("text", b"hello", "Only image, audio and video"),
    ],
)
def test_wrong_type_or_empty_files_are_refused_and_nothing_is_stored(kind, data, message):
    before = _record_files()
    with pytest.raises(uploads.UploadError, match=message):
        uploads.store_record_file(kind, data)
    assert _record_files() == before


def test_too_large_files_are_refused_per_kind(monkeypatch):
    monkeypatch.setitem(uploads.RECORD_MAX_BYTES, "audio", 1000)
    before = _record_files()
    with pytest.raises(uploads.UploadError, match="audio records may be up to"):
        uploads.store_record_file("audio", MP3_ID3 + b"\x00" * 1000)
    assert _record_files() == before
    assert uploads.RECORD_MAX_BYTES["image"] < uploads.RECORD_MAX_BYTES["video"]


def test_a_failure_after_the_file_was_written_removes_it(monkeypatch):
    def broken(_image):
        raise OSError("disk full")

    monkeypatch.setattr(uploads, "_thumbnail", broken)
    before = _record_files()
    with pytest.raises(OSError):
        uploads.store_record_file("image", _image("PNG"))
    assert _record_files() == before
