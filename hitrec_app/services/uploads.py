"""Files users upload: checked by content, stored under generated names, never half-stored."""

from __future__ import annotations

import io
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction

from hitrec_app.services.errors import ValidationError
from hitrec_app.settings import settings
from hitrec_app.vocabulary import AVATAR_MAX_BYTES, MB, RECORD_MAX_BYTES

AVATAR_SIZE = 256
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
# Pillow only warns below twice its own limit, and a tiny file can declare a huge
# canvas: every image's declared size is checked before any pixel is decoded.
MAX_IMAGE_PIXELS = 40_000_000
AVATAR_MAX_PIXELS = 16_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


class UploadError(ValidationError):
    pass


def _check_canvas(image: Image.Image, max_pixels: int) -> None:
    width, height = image.size
    if width * height > max_pixels:
        raise UploadError(
            f"The image is {width}×{height} pixels; the limit is {max_pixels / 1e6:.0f} megapixels."
        )


def _root() -> Path:
    return settings.upload_dir


def _write_atomically(relative: str, data: bytes) -> str:
    target = _root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return relative


def open_image(data: bytes, *, max_bytes: int, max_pixels: int = MAX_IMAGE_PIXELS) -> Image.Image:
    """Decode `data` as one of the accepted image formats, or raise a clear UploadError."""
    if not data:
        raise UploadError("The file is empty.")
    if len(data) > max_bytes:
        raise UploadError(
            f"The image is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB."
        )
    try:
        image = Image.open(io.BytesIO(data))
        _check_canvas(image, max_pixels)
        image.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as err:
        raise UploadError("That file is not a PNG, JPEG, WebP or GIF image.") from err
    if image.format not in IMAGE_FORMATS:
        raise UploadError("That file is not a PNG, JPEG, WebP or GIF image.")
    return image


def store_avatar(data: bytes) -> str:
    """Validate and store an avatar as a square PNG; returns its path under the upload dir."""
    image = open_image(data, max_bytes=AVATAR_MAX_BYTES, max_pixels=AVATAR_MAX_PIXELS)
    image = image.convert("RGBA")
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    image = image.crop((left, top, left + side, top + side)).resize((AVATAR_SIZE, AVATAR_SIZE))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return _write_atomically(f"avatars/{secrets.token_hex(16)}.png", out.getvalue())


def remove(relative: str | None) -> None:
    if not relative:
        return
    path = (_root() / relative).resolve()
    if _root() in path.parents:
        path.unlink(missing_ok=True)


def public_url(relative: str | None) -> str:
    """The path (relative to the upload URL prefix) the pages render, or ''."""
    return relative or ""


# --- Record files -------------------------------------------------------------------------

CHUNK = 1 * MB  # uploads are copied this much at a time
HEAD_BYTES = 4096  # what sniff_media looks at
THUMBNAIL_SIZE = (480, 480)
IMAGE_MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
KIND_FORMATS = {
    "image": "PNG, JPEG, WebP or GIF image",
    "audio": "MP3, OGG or WAV audio file",
    "video": "WebM or MP4 video",
}


@dataclass(frozen=True)
class StoredFile:
    file_path: str
    thumbnail_path: str | None
    mime_type: str


def _mp3_frame_sync(data: bytes) -> bool:
    # MPEG audio frame header: 11 set sync bits, a valid version, layer III, sane bitrate/rate.
    if len(data) < 4 or data[0] != 0xFF or (data[1] & 0xE0) != 0xE0:
        return False
    version, layer = (data[1] >> 3) & 0x3, (data[1] >> 1) & 0x3
    bitrate, rate = data[2] >> 4, (data[2] >> 2) & 0x3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


def sniff_media(data: bytes) -> tuple[str, str, str] | None:
    """(kind, mime type, file extension) of audio/video `data` judged by its bytes, or None."""
    if data[:3] == b"ID3" or _mp3_frame_sync(data):
        return ("audio", "audio/mpeg", "mp3")
    if data[:4] == b"OggS":
        # Ogg carries audio (Vorbis, Opus, FLAC) or video (Theora): check the first codec.
        head = data[:512]
        if b"\x80theora" in head:
            return ("video", "video/ogg", "ogv")
        return ("audio", "audio/ogg", "ogg")
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return ("audio", "audio/wav", "wav")
    if data[:4] == b"\x1a\x45\xdf\xa3":
        head = data[:4096]
        if b"webm" in head:
            return ("video", "video/webm", "webm")
        return None  # Matroska other than WebM: browsers do not reliably play it
    if len(data) >= 12 and data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"M4A ", b"M4B "):
            return None
        return ("video", "video/mp4", "mp4")
    return None


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.copy()
    if getattr(image, "is_animated", False):
        thumb.seek(0)
    thumb = thumb.convert("RGBA") if thumb.mode in ("P", "LA", "RGBA") else thumb.convert("RGB")
    thumb.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    thumb.save(out, format="WEBP", quality=82)
    return out.getvalue()


def _too_large(kind: str) -> UploadError:
    limit = RECORD_MAX_BYTES[kind] // MB
    return UploadError(f"The file is over {limit} MB; {kind} records may be up to {limit} MB.")


def _spool(kind: str, source: BinaryIO, folder: Path) -> tuple[Path, bytes]:
    """Copy `source` into a temporary file in `folder`, CHUNK bytes at a time, stopping as
    soon as it exceeds the size limit for `kind`. Returns the temp file and its first bytes.
    The caller removes the temp file; on error it is already gone."""
    limit = RECORD_MAX_BYTES[kind]
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".part-")
    tmp = Path(name)
    head = b""
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _too_large(kind)
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                out.write(chunk)
        if size == 0:
            raise UploadError("The file is empty.")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, head


def _open_image_file(path: Path) -> Image.Image:
    bad = UploadError(f"That file is not a {KIND_FORMATS['image']}.")
    try:
        with Image.open(path) as probe:
            _check_canvas(probe, MAX_IMAGE_PIXELS)
            probe.verify()
        image = Image.open(path)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as err:
        raise bad from err
    if image.format not in IMAGE_FORMATS:
        raise bad
    return image


def _check_spooled(kind: str, tmp: Path, head: bytes) -> tuple[str, str, Image.Image | None]:
    """(mime type, extension, decoded image or None) of a spooled file, judged by content."""
    if kind == "image":
        image = _open_image_file(tmp)
        assert image.format is not None  # _open_image_file accepts only IMAGE_FORMATS
        return IMAGE_MIME[image.format], IMAGE_FORMATS[image.format], image
    sniffed = sniff_media(head)
    if sniffed is None or sniffed[0] != kind:
        found = f" (it looks like {sniffed[0]})" if sniffed else ""
        raise UploadError(f"That file is not a {KIND_FORMATS[kind]}{found}.")
    return sniffed[1], sniffed[2], None


def store_record_file(kind: str, source: bytes | BinaryIO) -> StoredFile:
    """Validate and store a record's file (and an image's thumbnail) under generated names.

    `source` is the file's bytes or, for uploads, a binary file object: it is copied to a
    temporary file in chunks (never held in memory whole), refused as soon as it passes
    the size limit for its kind, checked by its content, then moved into place.
    Either everything is stored or nothing is: on any error the parts written are removed.
    """
    if kind not in RECORD_MAX_BYTES:
        raise UploadError("Only image, audio and video records take a file.")
    if isinstance(source, bytes | bytearray | memoryview):
        source = io.BytesIO(bytes(source))
    folder = _root() / "records"
    tmp, head = _spool(kind, source, folder)
    name = secrets.token_hex(16)
    written: list[str] = []
    image = None
    try:
        mime, ext, image = _check_spooled(kind, tmp, head)
        thumb = None
        if image is not None:
            thumb = _write_atomically(f"records/thumbs/{name}.webp", _thumbnail(image))
            written.append(thumb)
            image.close()
            image = None
        relative = f"records/{name}.{ext}"
        os.replace(tmp, _root() / relative)
        written.insert(0, relative)
    except BaseException:
        for relative in written:
            remove(relative)
        raise
    finally:
        tmp.unlink(missing_ok=True)
        if image is not None:
            image.close()
    return StoredFile(file_path=written[0], thumbnail_path=thumb, mime_type=mime)


_STORED = "hitrec_stored_files"
_DOOMED = "hitrec_doomed_files"


def keep_only_if_committed(session: OrmSession, *paths: str | None) -> None:
    """Remove these freshly stored files if `session` rolls back instead of committing."""
    session.info.setdefault(_STORED, []).extend(p for p in paths if p)


def remove_after_commit(session: OrmSession, *paths: str | None) -> None:
    """Delete these files once `session` commits (kept if it rolls back)."""
    session.info.setdefault(_DOOMED, []).extend(p for p in paths if p)


@sa_event.listens_for(OrmSession, "after_commit")
def _files_after_commit(session: OrmSession) -> None:
    session.info.pop(_STORED, None)
    for relative in session.info.pop(_DOOMED, []):
        remove(relative)


@sa_event.listens_for(OrmSession, "after_soft_rollback")
def _files_after_rollback(session: OrmSession, _previous_transaction: SessionTransaction) -> None:
    for relative in session.info.pop(_STORED, []):
        remove(relative)
    session.info.pop(_DOOMED, None)
