"""Images other sites host, copied here: no page makes a reader's browser ask another server
for anything (the Content-Security-Policy allows images from this site only).

A remote image is fetched through the feed fetcher (public addresses only, bounded in time
and size), checked by its bytes like an upload, and kept in the upload store by its digest,
so the same picture is stored once. One that cannot be copied is replaced by its alt text.

A feed's new items are copied right after the poll stores them (until then, and if that
fails, the policy keeps browsers from loading their images). Posts and bulletins that
editors write or import with remote images are copied by ``copy_remote_images()`` (a
scheduled job and ``flask copy-remote-images``), so no page save or import waits on other
servers.
"""

import html
import logging
import re
from contextlib import suppress
from hashlib import sha256
from urllib.parse import urlsplit

from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app
from markupsafe import escape
from sqlalchemy import ColumnElement, or_, select, update

from . import changes
from .blog.operations import POST_SHOWN_IN
from .bulletins.fetching import ConditionalRequest, FeedError, FetchLimits, fetch_feed
from .bulletins.operations import BULLETIN_TOPICS
from .extensions import db
from .images import ImageRefused, identify_image
from .media import UPLOADS_PATH
from .models import Bulletin, Post
from .scheduler import Job
from .upload_storage import content_type_of, upload_store

log = logging.getLogger(__name__)

#: An <img> tag as the sanitiser writes it: attribute values always in double quotes.
IMG_TAG = re.compile(r'<img\b(?:\s+[\w:-]+(?:="[^"]*")?)*\s*/?>')
ATTRIBUTE = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
#: What stored HTML with a remote image contains (the sanitiser's spelling).
REMOTE_SRC_MARKERS = ('src="http:', 'src="https:', 'src="//')
IMAGE_ACCEPT = "image/png, image/jpeg, image/gif, image/webp, image/*;q=0.8"
#: Folder of the upload store for copied images.
REMOTE_FOLDER = "remote"
#: More remote images than this in one body are not fetched (replaced by their alt text).
MAX_IMAGES_PER_BODY = 30


def remote_image_limits() -> FetchLimits:
    config = current_app.config
    return FetchLimits(
        user_agent=f"{config['BLOG_TITLE']} image fetcher (+{config['SITE_URL']})",
        timeout=float(config["BULLETIN_FETCH_TIMEOUT"]),
        max_bytes=int(config["REMOTE_IMAGE_MAX_BYTES"]),
        allow_private=bool(config["BULLETIN_FEEDS_ALLOW_PRIVATE"]),
    )


def remote_address(src: str) -> str | None:
    """The web address an escaped ``src`` value points at on another site; None for a path
    on this one."""
    address = html.unescape(src).strip()
    if address.startswith("//"):
        address = "https:" + address
    parts = urlsplit(address)
    if parts.scheme.lower() in ("http", "https") and parts.hostname:
        return address
    return None


def keep_image(data: bytes, extension: str) -> str:
    """Store checked image bytes once, by their digest; the path readers fetch them at."""
    digest = sha256(data).hexdigest()
    relative = f"{REMOTE_FOLDER}/{digest[:2]}/{digest}.{extension}"
    store = upload_store()
    if not store.exists(relative):
        with suppress(FileExistsError):  # another process stored the same picture just now
            store.put(relative, data, content_type_of(relative))
    return f"{UPLOADS_PATH}/{relative}"


class ImageCopier:
    """Copies remote images here; each address is fetched at most once per copier."""

    def __init__(self, limits: FetchLimits) -> None:
        self.limits = limits
        #: Remote address -> local path, or None when it could not be copied.
        self.copied: dict[str, str | None] = {}

    def local_path(self, address: str) -> str | None:
        if address not in self.copied:
            self.copied[address] = self.fetch_and_keep(address)
        return self.copied[address]

    def fetch_and_keep(self, address: str) -> str | None:
        request = ConditionalRequest(address, accept=IMAGE_ACCEPT)
        try:
            document = fetch_feed(request, self.limits)
            if document is None:
                return None
            kind = identify_image(document.body, "image")
        except (FeedError, ImageRefused) as error:
            log.info("The image %s was not copied: %s", address[:200], error)
            return None
        return keep_image(document.body, kind.extension)

    def successes(self) -> dict[str, str]:
        return {address: path for address, path in self.copied.items() if path}


def alt_text(attributes: dict[str, str]) -> str:
    """What an image said in words, as text (nothing when it said nothing)."""
    return str(escape(html.unescape(attributes.get("alt", "")).strip()))


def localise_images(fragment: str, copier: ImageCopier) -> str:
    """Sanitised HTML with each remote image served from here, or replaced by its alt text."""
    fetched: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        tag = match.group()
        attributes = dict(ATTRIBUTE.findall(tag[len("<img") :]))
        address = remote_address(attributes.get("src", ""))
        if address is None:
            return tag
        if address not in fetched and len(fetched) >= MAX_IMAGES_PER_BODY:
            return alt_text(attributes)
        fetched.add(address)
        local = copier.local_path(address)
        if local is None:
            return alt_text(attributes)
        return tag.replace(f'src="{attributes["src"]}"', f'src="{escape(local)}"', 1)

    return IMG_TAG.sub(replace, fragment)


#: The stored HTML that may show images, by model.
HTML_COLUMNS = {Post: ("body_html", "summary_html"), Bulletin: ("body_html",)}


def ids_with_remote_images(
    model: type[Post] | type[Bulletin], *criteria: ColumnElement[bool]
) -> list[int]:
    conditions = [
        getattr(model, column).contains(marker, autoescape=True)
        for column in HTML_COLUMNS[model]
        for marker in REMOTE_SRC_MARKERS
    ]
    statement = select(model.id).where(or_(*conditions), *criteria).order_by(model.id)
    return list(db.session.scalars(statement))


def with_local_addresses(source: str, copied: dict[str, str]) -> str:
    """A post's source with each copied image's address (as typed, or HTML-escaped) replaced
    by its local path, so saving the post again does not fetch it again."""
    for address, path in copied.items():
        source = source.replace(address, path).replace(str(escape(address)), path)
    return source


def topics_of_copy(model: type[Post] | type[Bulletin], row_id: int) -> tuple[str, ...]:
    """What readers see change when a row's images are copied: wherever the row shows."""
    return (changes.post(row_id), *POST_SHOWN_IN) if model is Post else BULLETIN_TOPICS


def copy_images_of(model: type[Post] | type[Bulletin], row_id: int, copier: ImageCopier) -> bool:
    """Copy one row's remote images; False when it changed while they were being fetched."""
    columns = HTML_COLUMNS[model]
    row = db.session.get(model, row_id)
    if row is None:
        return False
    before = {column: getattr(row, column) for column in columns}
    source = row.body_source if isinstance(row, Post) else None
    db.session.commit()  # hold no transaction open while waiting on other servers
    values = {
        column: localise_images(text, copier) if text else text for column, text in before.items()
    }
    if source is not None:
        values["body_source"] = with_local_addresses(source, copier.successes())
    unchanged = [
        getattr(model, column).is_(None) if text is None else getattr(model, column) == text
        for column, text in before.items()
    ]
    # updated_at stays: the words are as they were, not an update to announce
    statement = (
        update(model)
        .where(model.id == row_id, *unchanged)
        .values(**values, updated_at=model.updated_at)
        .execution_options(changes=topics_of_copy(model, row_id))
    )
    copied = db.session.execute(statement).rowcount == 1
    db.session.commit()
    return copied


def copy_remote_images() -> int:
    """Copy the remote images of every post and bulletin that has any; how many changed.

    An image that cannot be copied becomes its alt text in the page; a post's source keeps
    its address, so saving the post again tries once more.
    """
    copier = ImageCopier(remote_image_limits())
    changed = 0
    for model in HTML_COLUMNS:
        for row_id in ids_with_remote_images(model):
            changed += copy_images_of(model, row_id, copier)
    return changed


def copy_images_of_new_bulletins(feed_id: int) -> None:
    """Copy the images of a feed's bulletins just stored; a failure is logged, never raised
    (the scheduled pass tries again)."""
    copier = ImageCopier(remote_image_limits())
    try:
        for row_id in ids_with_remote_images(Bulletin, Bulletin.feed_id == feed_id):
            copy_images_of(Bulletin, row_id, copier)
    except Exception:
        db.session.rollback()
        log.exception("Copying the images of the feed %s's new bulletins failed", feed_id)


def every_ten_minutes() -> IntervalTrigger:
    return IntervalTrigger(minutes=10)


def scheduled_image_copy() -> str | None:
    """Copy here the remote images that posts and bulletins were saved or imported with."""
    changed = copy_remote_images()
    return f"Copied the remote images of {changed} posts and bulletins." if changed else None


JOBS = [
    Job(
        "remote-images",
        "Copy remote images of posts and bulletins",
        scheduled_image_copy,
        every_ten_minutes,
        run_at_start=True,
    )
]
