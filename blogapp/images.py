"""Images editors upload for posts: checked by their bytes, kept in the upload store."""

import io
import logging
import secrets
import warnings
from dataclasses import dataclass
from typing import IO

from flask import current_app, url_for
from PIL import Image, UnidentifiedImageError
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from . import changes
from .dates import local_date, utcnow
from .extensions import db
from .models import Upload, User
from .upload_storage import StoreUnavailable, upload_store

log = logging.getLogger(__name__)

#: An image shows only in the post it is put in.
changes.declare_unseen(Upload)

#: The formats an upload may be, as Pillow names them, with their type and file extension.
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
    #: Phone cameras' multi-picture JPEGs: browsers show them as plain JPEGs.
    "MPO": ("image/jpeg", "jpg"),
}
#: What Pillow may try (a multi-picture JPEG opens through the JPEG format).
OPENED_FORMATS = ["JPEG", "PNG", "GIF", "WEBP"]
IMAGE_EXTENSIONS = frozenset(extension for _, extension in IMAGE_FORMATS.values())
ACCEPTED_KINDS = "JPEG, PNG, GIF or WebP"
#: Images bigger than this are refused: decoding them would take too much memory.
MAX_PIXELS = 60_000_000
READ_CHUNK = 64 * 1024


class ImageRefused(ValueError):
    """An upload that is not stored; the message says why, for the editor."""


@dataclass(frozen=True)
class ImageKind:
    content_type: str
    extension: str
    width: int
    height: int


def megabytes(size: int) -> str:
    """8388608 -> '8 MB'; 9437184 -> '9 MB'; 1500000 -> '1.4 MB'."""
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def read_limited(stream: IO[bytes], name: str, max_bytes: int) -> bytes:
    """The whole file, refusing it as soon as it passes ``max_bytes``."""
    buffer = io.BytesIO()
    while chunk := stream.read(READ_CHUNK):
        buffer.write(chunk)
        if buffer.tell() > max_bytes:
            raise ImageRefused(
                f"“{name}” is larger than {megabytes(max_bytes)}, the most an image can be. "
                "Make it smaller (fewer pixels, or saved as JPEG) and try again."
            )
    if not buffer.tell():
        raise ImageRefused(f"“{name}” is empty.")
    return buffer.getvalue()


def identify_image(data: bytes, name: str) -> ImageKind:
    """What kind of image ``data`` is, judged by its bytes, never by its name."""
    not_an_image = ImageRefused(
        f"“{name}” is not a {ACCEPTED_KINDS} image, so it was not uploaded. "
        "Only photographs and pictures in those formats can be used in posts."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=OPENED_FORMATS) as image:
                image_format, (width, height) = image.format, image.size
                image.verify()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise ImageRefused(f"“{name}” has too many pixels to be used on the blog.") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise not_an_image from error
    if image_format not in IMAGE_FORMATS:
        raise not_an_image
    if width * height > MAX_PIXELS:
        raise ImageRefused(f"“{name}” has too many pixels to be used on the blog.")
    content_type, extension = IMAGE_FORMATS[image_format]
    return ImageKind(content_type, extension, width, height)


def new_image_path(extension: str) -> str:
    """'2026/11/3f2a9c….png': this month in the blog's zone, then a random name."""
    today = local_date(utcnow())
    return f"{today.year:04d}/{today.month:02d}/{secrets.token_hex(10)}.{extension}"


def keep_new_image(relative: str, data: bytes, content_type: str) -> None:
    """Keep ``data`` under a name not used before; ImageRefused when the store is away."""
    try:
        upload_store().put(relative, data, content_type)
    except StoreUnavailable as error:
        log.warning("%s", error)
        raise ImageRefused(
            "The image could not be stored just now (the image store did not answer). "
            "Nothing was changed: try again in a minute."
        ) from error


def shown_file_name(name: str | None) -> str:
    """The uploaded file's own name, without any folders, for messages and the list."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[:255] or "image"


def store_image(
    stream: IO[bytes], original_name: str | None, uploader: User | None, description: str = ""
) -> Upload:
    """Check an uploaded file, keep it in the upload store and record it with what it shows
    (its alt text); or ImageRefused."""
    name = shown_file_name(original_name)
    data = read_limited(stream, name, current_app.config["UPLOAD_MAX_BYTES"])
    kind = identify_image(data, name)
    relative = new_image_path(kind.extension)
    keep_new_image(relative, data, kind.content_type)
    upload = Upload(
        path=relative,
        original_name=name,
        description=" ".join(description.split())[:300],
        content_type=kind.content_type,
        size=len(data),
        width=kind.width,
        height=kind.height,
        uploaded_by=uploader,
    )
    db.session.add(upload)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        forget_image(relative)
        raise
    return upload


def forget_image(relative: str) -> None:
    """Remove an image that was stored for a record that was not written."""
    try:
        upload_store().delete(relative)
    except StoreUnavailable as error:
        log.warning("An unused image stays in the store: %s", error)


def uploads_newest_first() -> Select[tuple[Upload]]:
    """Every upload with who sent it, newest first."""
    return (
        select(Upload)
        .options(selectinload(Upload.uploaded_by))
        .order_by(Upload.created_at.desc(), Upload.id.desc())
    )


def recent_uploads(limit: int) -> list[Upload]:
    """The newest uploads, for the post editor's image panel."""
    return list(db.session.scalars(uploads_newest_first().limit(limit)))


def upload_url(upload: Upload) -> str:
    """Where readers' browsers fetch the image (a path on this site)."""
    return url_for("media.upload", filename=upload.path)


def image_markdown(upload: Upload) -> str:
    """The Markdown an editor pastes into a post: ``![description](/uploads/…)``."""
    alt = " ".join(upload.description.replace("[", "(").replace("]", ")").split())
    return f"![{alt or 'Alt text'}]({upload_url(upload)})"
