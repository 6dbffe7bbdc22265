"""Profile pictures people upload. Whatever arrives is checked and redrawn here: decoded by
Pillow within a pixel budget (no decompression bombs), turned upright by its EXIF orientation,
cropped to a centred square, scaled to AVATAR_SIZE and written as a new WebP file. What we serve
is always a small image we wrote ourselves: no metadata (camera, GPS), no script, no original.

Files live under the uploads folder (`settings.uploads_path`, served at UPLOADS_URL); the user's
`avatar_url` points at theirs. A replaced or removed picture's file is deleted after the commit
(`discard`), so a failed transaction never leaves a profile pointing at nothing.
"""

from __future__ import annotations

import io
import logging
import secrets
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import Session

from slice_of_culture.config import UPLOADS_URL, get_settings
from slice_of_culture.models import User
from slice_of_culture.services.errors import ValidationError

log = logging.getLogger(__name__)

# What people may send: a phone photo fits comfortably.
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
# Width x height we agree to decode (a 48-megapixel photo is 8000 x 6000).
MAX_PIXELS = 50_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# The square we keep; shown at most at 80 px, so this is sharp on any screen.
AVATAR_SIZE = 256
AVATAR_FOLDER = "avatars"
# The file chooser offers these (the check that counts is Pillow's, in `_redraw`).
ACCEPTED_TYPES = {
    "image/jpeg": [".jpg", ".jpeg"],
    "image/png": [".png"],
    "image/webp": [".webp"],
    "image/gif": [".gif"],
}


NOT_A_PICTURE = "That is not a picture we can use: send a JPEG, PNG, WebP or GIF."
TOO_LARGE = f"That file is over {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; send a smaller one."


def refusal_message(rejected: object) -> str:
    """What to say when the browser refused files before sending them: `rejected` is
    react-dropzone's list of {"file": ..., "errors": [{"code": ...}]}."""
    rows = rejected if isinstance(rejected, list) else []
    errors = [e for r in rows if isinstance(r, dict) for e in r.get("errors") or [] if isinstance(e, dict)]
    codes = {e.get("code") for e in errors}
    if "file-too-large" in codes:
        return TOO_LARGE
    if "too-many-files" in codes:
        return "Choose one picture."
    return NOT_A_PICTURE


def _redraw(data: bytes) -> bytes:
    """The picture in `data` as an AVATAR_SIZE square WebP, or ValidationError."""
    refused = ValidationError({"avatar": NOT_A_PICTURE})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise refused
            # Checked from the header, before a single pixel is decoded.
            if image.width * image.height > MAX_PIXELS:
                limit = MAX_PIXELS // 1_000_000
                raise ValidationError({"avatar": f"That picture has over {limit} megapixels; send a smaller one."})
            # A JPEG decodes straight at 1/2, 1/4 or 1/8 scale when that still leaves twice the
            # square we keep: a 12-megapixel photo then takes ~30 ms instead of ~400.
            image.draft("RGB", (2 * AVATAR_SIZE, 2 * AVATAR_SIZE))
            image.load()
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
        square = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE), method=Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refused from None
    out = io.BytesIO()
    square.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()


def _file_of(url: str, user_id: int) -> Path | None:
    """The file behind an avatar URL if it is an upload of this user's (an https:// avatar is not,
    nor someone else's file that a person pointed their avatar_url at)."""
    prefix = f"{UPLOADS_URL}/{AVATAR_FOLDER}/"
    name = url.removeprefix(prefix) if url.startswith(prefix) else ""
    if not name.startswith(f"{user_id}-") or "/" in name or "\\" in name or ".." in name:
        return None
    return get_settings().uploads_path / AVATAR_FOLDER / name


def set_avatar(*, session: Session, user: User, data: object) -> str:
    """Make `data` (the uploaded file's bytes) the user's picture; returns the previous
    avatar_url, for `discard` once the transaction has committed (the new file is written before
    it: a failed commit leaves an unused file, never a missing one). Raises ValidationError at
    "avatar" (empty, too large, not a picture we read); changes nothing then."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise ValidationError({"avatar": "Choose a picture to upload."})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({"avatar": TOO_LARGE})
    webp = _redraw(bytes(data))
    folder = get_settings().uploads_path / AVATAR_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    # A new name each time: browsers and proxies never show the old picture from their cache.
    name = f"{user.id}-{secrets.token_hex(8)}.webp"
    tmp = folder / f".{name}.tmp"
    tmp.write_bytes(webp)
    tmp.replace(folder / name)
    previous = user.avatar_url
    user.avatar_url = f"{UPLOADS_URL}/{AVATAR_FOLDER}/{name}"
    session.add(user)
    session.flush()
    return previous


def remove_avatar(*, session: Session, user: User) -> str:
    """Go back to initials; returns the previous avatar_url, for `discard` after the commit."""
    previous = user.avatar_url
    user.avatar_url = ""
    session.add(user)
    session.flush()
    return previous


def discard(url: str, *, user_id: int) -> None:
    """Delete the uploaded file behind a picture of `user_id`'s that nobody shows any more
    (no-op for any other URL)."""
    path = _file_of(url or "", user_id)
    if path is None:
        return
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.exception("could not delete the old avatar %s", path)
