"""Files users upload: checked by content, stored under generated names, never half-stored."""

from __future__ import annotations

import io
import os
import secrets
import tempfile
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from hitrec_app.services.errors import ValidationError
from hitrec_app.settings import settings

AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_SIZE = 256
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
Image.MAX_IMAGE_PIXELS = 50_000_000  # refuse decompression bombs


class UploadError(ValidationError):
    pass


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


def open_image(data: bytes, *, max_bytes: int) -> Image.Image:
    """Decode `data` as one of the accepted image formats, or raise a clear UploadError."""
    if not data:
        raise UploadError("The file is empty.")
    if len(data) > max_bytes:
        raise UploadError(
            f"The image is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB."
        )
    try:
        image = Image.open(io.BytesIO(data))
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
    image = open_image(data, max_bytes=AVATAR_MAX_BYTES).convert("RGBA")
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
