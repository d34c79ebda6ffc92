import io
import struct
import tempfile

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


class _Endless(io.RawIOBase):
    """A huge upload (a WAV header, then zeros forever) that counts what was read of it."""

    def __init__(self) -> None:
        self.read_bytes = 0
        self._head = _wav()[:44]

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = 1 << 20 if size is None or size < 0 else size
        chunk = (self._head + b"\x00" * size)[:size] if self.read_bytes == 0 else b"\x00" * size
        self.read_bytes += len(chunk)
        return chunk


def test_an_oversized_upload_is_refused_without_reading_it_all(monkeypatch):
    monkeypatch.setitem(uploads.RECORD_MAX_BYTES, "audio", 3 * uploads.CHUNK)
    upload = _Endless()
    before = _record_files()
    with pytest.raises(uploads.UploadError, match="audio records may be up to 3 MB"):
        uploads.store_record_file("audio", upload)
    # It stopped one chunk past the limit instead of reading (or storing) the rest.
    assert upload.read_bytes <= 4 * uploads.CHUNK
    assert _record_files() == before


def test_an_upload_is_copied_from_its_temporary_file_in_chunks(monkeypatch):
    monkeypatch.setattr(uploads, "CHUNK", 1000)  # many chunks, even for a small file
    wav = _wav() + b"\x01\x02" * 5000
    reads: list[int] = []
    with tempfile.SpooledTemporaryFile(max_size=100) as spooled:  # what an upload arrives as
        spooled.write(wav)
        spooled.seek(0)
        original_read = spooled.read

        def counting_read(size: int = -1) -> bytes:
            reads.append(size)
            return original_read(size)

        monkeypatch.setattr(spooled, "read", counting_read)
        stored = uploads.store_record_file("audio", spooled)
    assert stored.mime_type == "audio/wav"
    assert (settings.upload_dir / stored.file_path).read_bytes() == wav
    assert reads and all(0 < size <= 1000 for size in reads)  # never "read everything"
    assert not list((settings.upload_dir / "records").glob(".part-*"))
    uploads.remove(stored.file_path)


def test_an_image_upload_given_as_a_file_gets_its_thumbnail(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(_image("JPEG"))
    with path.open("rb") as fh:
        stored = uploads.store_record_file("image", fh)
    assert stored.mime_type == "image/jpeg" and stored.file_path.endswith(".jpg")
    with Image.open(settings.upload_dir / stored.thumbnail_path) as thumb:
        assert thumb.format == "WEBP"
    uploads.remove(stored.file_path)
    uploads.remove(stored.thumbnail_path)
