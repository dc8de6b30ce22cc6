"""Reading one entry of a Blogger export, in either of the formats Blogger has produced.

Classic "Back up content" exports name an entry's kind in a category; 2018 exports use
``blogger:type``, ``blogger:status``, ``blogger:filename``, ``blogger:parent`` and friends.
"""

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from ..models import ANONYMOUS, CommentState, PostStatus
from .records import (
    BLOG_TAG,
    BlogSetting,
    ExportedComment,
    ExportedPost,
    ImportFailed,
    Record,
    SkippedEntry,
    SkipReason,
)

ATOM = "{http://www.w3.org/2005/Atom}"
BLOGGER = "{http://schemas.google.com/blogger/2018}"
THREAD = "{http://purl.org/syndication/thread/1.0}"
GDATA = "{http://schemas.google.com/g/2005}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
CONTENT_REMOVED = "blogger.contentRemoved"

ENTRY_ID = re.compile(r"tag:blogger\.com,1999:blog-\d{1,25}\.(?:post|page)-(\d{1,25})")
TRAILING_NUMBER = re.compile(r"(\d+)/?$")
SETTING_NAME = re.compile(r"\.settings\.(\w+)$")

#: 2018 statuses, as this blog's post statuses.
POST_STATUSES = {
    "LIVE": PostStatus.PUBLISHED,
    "DRAFT": PostStatus.DRAFT,
    "SCHEDULED": PostStatus.SCHEDULED,
}


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def text_of(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def child_text(entry: Element, tag: str) -> str:
    return text_of(entry.find(tag))


def entry_kind(entry: Element) -> tuple[str, bool]:
    """The entry's kind ("post", "comment", "settings"…) and whether it is the 2018 format."""
    for category in entry.iterfind(f"{ATOM}category"):
        if category.get("scheme") == KIND_SCHEME:
            return category.get("term", "").rsplit("#", 1)[-1], False
    kind_2018 = child_text(entry, f"{BLOGGER}type").lower()
    return kind_2018 or "other", bool(kind_2018)


def read_entry(entry: Element) -> Record:
    entry_id = child_text(entry, f"{ATOM}id")
    kind, is_2018 = entry_kind(entry)
    if kind in ("post", "page"):
        is_page = kind == "page"
        if is_2018:
            return read_post_2018(entry, entry_id, is_page)
        return read_post_classic(entry, entry_id, is_page)
    if kind == "comment":
        if is_2018:
            return read_comment_2018(entry, entry_id)
        return read_comment_classic(entry, entry_id)
    if kind == "settings":
        setting = SETTING_NAME.search(entry_id)
        if setting:
            return BlogSetting(setting.group(1), child_text(entry, f"{ATOM}content"))
        return SkippedEntry(SkipReason.SETTINGS)
    if kind == "template":
        return SkippedEntry(SkipReason.TEMPLATE)
    return SkippedEntry(SkipReason.OTHER)


def entry_number(entry_id: str) -> int:
    match = ENTRY_ID.fullmatch(entry_id)
    if match is None:
        raise ImportFailed(f"The entry {entry_id!r} does not have a Blogger post or comment id.")
    return int(match.group(1))


def referenced_number(reference: str | None) -> int | None:
    """The number at the end of a full entry id, a feed address, or a bare number."""
    match = TRAILING_NUMBER.search((reference or "").strip())
    return int(match.group(1)) if match else None


def as_utc(moment: datetime) -> datetime:
    """Blogger times carry an offset (or Z); one without is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_time(text: str, what: str, entry_id: str) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(text))
    except ValueError:
        raise ImportFailed(
            f"The entry {entry_id!r} has a {what} time that is not a date: {text!r}."
        ) from None


def optional_time(text: str, what: str, entry_id: str) -> datetime | None:
    return parse_time(text, what, entry_id) if text else None


def content_html(entry: Element) -> str:
    content = entry.find(f"{ATOM}content")
    if content is None:
        return ""
    if content.get("type") == "text":
        return html.escape(content.text or "")
    return content.text or ""


def link_href(entry: Element, rel: str) -> str | None:
    for link in entry.iterfind(f"{ATOM}link"):
        if link.get("rel") == rel and link.get("href"):
            return link.get("href")
    return None


def path_of(url: str | None) -> str | None:
    """``http://x.blogspot.com/2016/09/a.html`` -> ``/2016/09/a.html``."""
    if not url:
        return None
    path = unquote(urlsplit(url.strip()).path)
    return path if path.startswith("/") and path != "/" else None


def labels_in(entry: Element, is_label: Callable[[str], bool]) -> tuple[str, ...]:
    terms = (
        " ".join(category.get("term", "").split())
        for category in entry.iterfind(f"{ATOM}category")
        if is_label(category.get("scheme") or "")
    )
    return tuple(dict.fromkeys(term for term in terms if term))


def is_classic_draft(entry: Element) -> bool:
    """``app:control/app:draft`` is ``yes`` (whichever APP namespace the export used)."""
    for control in entry:
        if local_name(control.tag) == "control":
            return any(
                local_name(flag.tag) == "draft" and text_of(flag) == "yes" for flag in control
            )
    return False


def read_post_classic(entry: Element, entry_id: str, is_page: bool = False) -> ExportedPost:
    return ExportedPost(
        entry_id=entry_id,
        number=entry_number(entry_id),
        title=child_text(entry, f"{ATOM}title"),
        html=content_html(entry),
        status=PostStatus.DRAFT if is_classic_draft(entry) else PostStatus.PUBLISHED,
        published=parse_time(child_text(entry, f"{ATOM}published"), "published", entry_id),
        updated=optional_time(child_text(entry, f"{ATOM}updated"), "updated", entry_id),
        labels=labels_in(entry, lambda scheme: scheme == LABEL_SCHEME),
        path=path_of(link_href(entry, "alternate")),
        is_page=is_page,
    )


def read_post_2018(
    entry: Element, entry_id: str, is_page: bool = False
) -> ExportedPost | SkippedEntry:
    status = POST_STATUSES.get(child_text(entry, f"{BLOGGER}status").upper())
    if status is None or child_text(entry, f"{BLOGGER}trashed"):
        return SkippedEntry(SkipReason.DELETED_POST)
    return ExportedPost(
        entry_id=entry_id,
        number=entry_number(entry_id),
        title=child_text(entry, f"{ATOM}title"),
        html=content_html(entry),
        status=status,
        published=parse_time(child_text(entry, f"{ATOM}published"), "published", entry_id),
        updated=optional_time(child_text(entry, f"{ATOM}updated"), "updated", entry_id),
        labels=labels_in(entry, lambda scheme: scheme.startswith(BLOG_TAG)),
        path=path_of(child_text(entry, f"{BLOGGER}filename")),
        is_page=is_page,
    )


def author_name(entry: Element) -> str:
    """The name Blogger showed; an anonymous commenter who typed none is "Anonymous"."""
    return " ".join(child_text(entry, f"{ATOM}author/{ATOM}name").split()) or ANONYMOUS


def removal_shown(entry: Element) -> CommentState | None:
    """Who Blogger said removed the comment (its content is that very message)."""
    for prop in entry.iterfind(f"{GDATA}extendedProperty"):
        if prop.get("name") == CONTENT_REMOVED:
            if "removed by the author" in content_html(entry).lower():
                return CommentState.REMOVED_BY_AUTHOR
            return CommentState.REMOVED_BY_EDITOR
    return None


def read_comment_classic(entry: Element, entry_id: str) -> ExportedComment:
    in_reply_to = entry.find(f"{THREAD}in-reply-to")
    published = parse_time(child_text(entry, f"{ATOM}published"), "published", entry_id)
    removed = removal_shown(entry)
    return ExportedComment(
        entry_id=entry_id,
        number=entry_number(entry_id),
        post_number=referenced_number(in_reply_to.get("ref") if in_reply_to is not None else None),
        parent_number=referenced_number(link_href(entry, "related")),
        author_name=author_name(entry),
        html="" if removed else content_html(entry),
        published=published,
        removed=removed,
        removed_at=optional_time(child_text(entry, f"{ATOM}updated"), "updated", entry_id)
        if removed
        else None,
    )


def read_comment_2018(entry: Element, entry_id: str) -> ExportedComment | SkippedEntry:
    trashed = child_text(entry, f"{BLOGGER}trashed")
    if child_text(entry, f"{BLOGGER}status").upper() not in {"LIVE", ""} and not trashed:
        return SkippedEntry(SkipReason.HELD_COMMENT)
    published = parse_time(child_text(entry, f"{ATOM}published"), "published", entry_id)
    return ExportedComment(
        entry_id=entry_id,
        number=entry_number(entry_id),
        post_number=referenced_number(child_text(entry, f"{BLOGGER}parent")),
        parent_number=referenced_number(child_text(entry, f"{BLOGGER}inReplyTo")),
        author_name=author_name(entry),
        html="" if trashed else content_html(entry),
        published=published,
        removed=CommentState.REMOVED_BY_EDITOR if trashed else None,
        removed_at=trashed_time(trashed, published) if trashed else None,
    )


def trashed_time(text: str, fallback: datetime) -> datetime:
    """When a 2018 entry was trashed, if the export says so as a time."""
    try:
        return as_utc(datetime.fromisoformat(text))
    except ValueError:
        return fallback
