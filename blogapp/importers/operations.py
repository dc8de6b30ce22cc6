"""Writing a Blogger export into the blog: posts, labels, comment threads and old addresses.

The whole import is one transaction: an error anywhere, in the file or in the database,
and nothing is written. The file is read twice, so that comments may come before or
after their posts: the first pass writes the posts and notes, as a few numbers per
comment, how the threads hang together; the second writes the comments.
"""

import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from .. import changes
from ..blog.operations import labels_named, set_publication, set_rendered_body
from ..dates import utcnow
from ..extensions import db
from ..models import Comment, CommentState, Post, PostKind, PostStatus, User
from ..text import (
    MORE_MARKERS,
    excerpt_of,
    render_imported_comment,
    render_post_html,
    sanitise_post_html,
    slugify,
)
from .blogger import read_export
from .entries import entry_number
from .records import (
    BlogSetting,
    ExportedComment,
    ExportedPost,
    FeedInfo,
    ImportFailed,
    Record,
    SkippedEntry,
    SkipReason,
)
from .summary import ImportSummary

#: Comments written per flush: large enough to be quick, small enough to stay lean.
COMMENT_BATCH = 500
UPLOAD_CHUNK = 1024 * 1024
CLASHED = (
    "The blog changed while this import ran (was another import running?). "
    "Nothing was written; please try again."
)

Progress = Callable[[int], None]


def import_blogger_export(
    path: Path,
    author: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import the export at ``path``, all or nothing; a dry run rolls everything back.

    ``progress`` is told how many bytes have been read, out of twice the file's size.
    """
    size = path.stat().st_size
    importer = BloggerImport(author, dry_run)
    passes = (importer.take_first_pass, importer.take_comment)
    try:
        for number, take in enumerate(passes):
            with path.open("rb") as export:
                for record in read_export(export, progress_from(progress, number * size)):
                    take(record)
        importer.finish()
    except IntegrityError as error:
        db.session.rollback()
        raise ImportFailed(CLASHED) from error
    except BaseException:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return importer.summary


def import_uploaded_export(
    upload: BinaryIO, author: User | None = None, dry_run: bool = False
) -> ImportSummary:
    """Copy an uploaded export to a temporary file, chunk by chunk, and import it."""
    with tempfile.TemporaryDirectory(prefix="blogger-import-") as folder:
        path = Path(folder) / "export.xml"
        with path.open("wb") as copy:
            shutil.copyfileobj(upload, copy, UPLOAD_CHUNK)
        return import_blogger_export(path, author=author, dry_run=dry_run)


def progress_from(progress: Progress | None, offset: int) -> Progress | None:
    if progress is None:
        return None
    return lambda position: progress(offset + position)


def post_title(title: str, text: str) -> str:
    """The Blogger title, or for an untitled post its first words."""
    return " ".join(title.split())[:300] or excerpt_of(text, 60) or "Untitled"


def slug_from_path(path: str | None) -> str | None:
    """``/2016/09/mps-raise-the-alarm.html`` -> ``mps-raise-the-alarm``."""
    if not path:
        return None
    name = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    return slugify(name) if name else None


def editable_source(raw_html: str) -> str:
    """The sanitised body an editor may later edit, its "read more" break kept."""
    parts = MORE_MARKERS.split(raw_html, maxsplit=1)
    return "\n\n<!-- more -->\n\n".join(sanitise_post_html(part) for part in parts)


class BloggerImport:
    """One import's state: what the blog already holds, what was written, and the counts."""

    def __init__(self, author: User | None, dry_run: bool):
        self.author = author
        self.started = utcnow()
        self.summary = ImportSummary(dry_run=dry_run)
        #: Blogger post number -> post id, for posts imported now or before.
        self.post_ids: dict[int, int] = {}
        #: Blogger comment number -> (its post's number, the number of the comment it answers).
        self.comment_links: dict[int, tuple[int | None, int | None]] = {}
        #: Blogger comment number -> comment id, for comments imported now or before.
        self.comment_ids: dict[int, int] = {}
        self.unflushed: dict[int, Comment] = {}
        #: Replies written before their thread's first comment had an id: (reply, root).
        self.waiting: list[tuple[int, int]] = []
        self.posts_with_new_comments: set[int] = set()
        self.label_slugs: set[str] = set()
        self.last_nav_order: int | None = None

    def take_first_pass(self, record: Record) -> None:
        """Posts are written; comments are only noted; the rest is counted."""
        match record:
            case FeedInfo():
                self.summary.blog_name = record.title
                self.load_earlier_import(record.entry_prefix)
            case BlogSetting():
                self.summary.settings += 1
                if record.name == "BLOG_NAME" and record.value:
                    self.summary.blog_name = record.value
            case ExportedPost():
                self.add_post(record)
            case ExportedComment():
                self.comment_links[record.number] = (record.post_number, record.parent_number)
            case SkippedEntry():
                self.count_skipped(record)

    def take_comment(self, record: Record) -> None:
        if isinstance(record, ExportedComment):
            self.add_comment(record)

    def load_earlier_import(self, prefix: str) -> None:
        """What an earlier import of this blog wrote, so that it is not written twice."""
        of_this_blog = Post.legacy_id.startswith(prefix, autoescape=True)
        posts = db.session.execute(select(Post.legacy_id, Post.id).where(of_this_blog))
        self.post_ids = {entry_number(legacy_id): post_id for legacy_id, post_id in posts}
        comments = db.session.execute(
            select(Comment.id, Comment.legacy_id, Comment.parent_id, Post.legacy_id)
            .join(Post, Comment.post_id == Post.id)
            .where(Comment.legacy_id.startswith(prefix, autoescape=True))
        ).all()
        number_of = {row[0]: entry_number(row[1]) for row in comments}
        for comment_id, _, parent_id, post_legacy_id in comments:
            number = number_of[comment_id]
            self.comment_ids[number] = comment_id
            post_number = entry_number(post_legacy_id) if post_legacy_id else None
            self.comment_links[number] = (post_number, number_of.get(parent_id))

    def count_skipped(self, record: SkippedEntry) -> None:
        summary = self.summary
        match record.reason:
            case SkipReason.TEMPLATE:
                summary.templates += 1
            case SkipReason.SETTINGS:
                summary.settings += 1
            case SkipReason.DELETED_POST:
                summary.deleted_posts_skipped += 1
            case SkipReason.HELD_COMMENT:
                summary.held_comments += 1
            case _:
                summary.other_entries += 1

    def add_post(self, exported: ExportedPost) -> None:
        if exported.number in self.post_ids:
            self.summary.posts_already_there += 1
            return
        rendered = render_post_html(exported.html)
        title = post_title(exported.title, rendered.text)
        post = Post(
            title=title,
            slug=slug_from_path(exported.path) or slugify(title),
            author=self.author,
            body_source=editable_source(exported.html),
            labels=labels_named(list(exported.labels)),
            legacy_path=self.claim_path(exported.path),
            legacy_id=exported.entry_id,
            imported_at=self.started,
            created_at=exported.published,
            kind=PostKind.PAGE if exported.is_page else PostKind.POST,
            nav_order=self.next_nav_order() if exported.is_page else 0,
        )
        set_rendered_body(
            post, rendered.html, rendered.summary_html, rendered.text, rendered.excerpt
        )
        db.session.add(post)
        set_publication(post, exported.status, exported.published)
        post.updated_at = exported.updated or exported.published
        if post.id is None:
            db.session.flush()
        self.post_ids[exported.number] = post.id
        self.label_slugs.update(label.slug for label in post.labels)
        if exported.is_page:
            self.summary.pages += 1
        elif exported.status == PostStatus.DRAFT:
            self.summary.drafts += 1
        else:
            self.summary.posts += 1

    def next_nav_order(self) -> int:
        """New pages join the navigation after the pages already there, in the order the
        export lists them (a blogapp export lists them in its navigation's order)."""
        if self.last_nav_order is None:
            highest = select(func.max(Post.nav_order)).where(Post.kind == PostKind.PAGE)
            self.last_nav_order = db.session.scalar(highest) or 0
        self.last_nav_order += 1
        return self.last_nav_order

    def claim_path(self, path: str | None) -> str | None:
        """The old address, unless another post answers it already."""
        if not path or len(path) > 400:
            return None
        if db.session.scalar(select(Post.id).where(Post.legacy_path == path)) is not None:
            self.summary.paths_in_use += 1
            return None
        self.summary.redirects += 1
        return path

    def add_comment(self, exported: ExportedComment) -> None:
        summary = self.summary
        if exported.number in self.comment_ids or exported.number in self.unflushed:
            summary.comments_already_there += 1
            return
        post_id = self.post_ids.get(exported.post_number)
        if post_id is None:
            summary.comments_without_post += 1
            return
        text, body_html = render_imported_comment(exported.html)
        comment = Comment(
            post_id=post_id,
            author_name=exported.author_name[:100],
            anonymous=False,
            body=text,
            body_html=body_html,
            created_at=exported.published,
            state=exported.removed or CommentState.VISIBLE,
            removed_at=exported.removed_at,
            legacy_id=exported.entry_id,
        )
        root = self.thread_root(exported.number)
        if root != exported.number:
            comment.parent_id = self.comment_ids.get(root)
            if comment.parent_id is None:
                self.waiting.append((exported.number, root))
            summary.replies += 1
        elif exported.parent_number is not None:
            summary.orphan_replies += 1
        summary.comments += 1
        summary.removed_comments += exported.removed is not None
        self.posts_with_new_comments.add(post_id)
        db.session.add(comment)
        self.unflushed[exported.number] = comment
        if len(self.unflushed) >= COMMENT_BATCH:
            self.flush_comments()

    def thread_root(self, number: int) -> int:
        """The first comment of ``number``'s thread: replies here are one level deep.

        A reply whose parent is missing (or on another post, or in a loop) starts a thread.
        """
        post_number, parent = self.comment_links[number]
        root, seen = number, {number}
        while parent is not None:
            if parent in seen:
                return number
            link = self.comment_links.get(parent)
            if link is None or link[0] != post_number:
                break
            root, parent = parent, link[1]
            seen.add(root)
        return root

    def flush_comments(self) -> None:
        db.session.flush()
        self.comment_ids.update((number, c.id) for number, c in self.unflushed.items())
        self.unflushed.clear()

    def finish(self) -> None:
        self.flush_comments()
        self.attach_waiting_replies()
        for chunk in chunks(sorted(self.posts_with_new_comments), 500):
            recount_comments(chunk)
        self.summary.labels = len(self.label_slugs)

    def attach_waiting_replies(self) -> None:
        """Replies written before their thread's first comment had an id join it now."""
        rows = [
            {"id": self.comment_ids[reply], "parent_id": self.comment_ids[root]}
            for reply, root in self.waiting
            if root in self.comment_ids
        ]
        if rows:
            threads = [changes.thread(post_id) for post_id in self.posts_with_new_comments]
            db.session.execute(update(Comment).execution_options(changes=threads), rows)


def recount_comments(post_ids: list[int]) -> None:
    """Set these posts' counts of shown comments, leaving their times of change alone."""
    counts = dict.fromkeys(post_ids, 0)
    counts.update(
        db.session.execute(
            select(Comment.post_id, func.count())
            .where(Comment.post_id.in_(post_ids), Comment.state == CommentState.VISIBLE)
            .group_by(Comment.post_id)
        ).all()
    )
    stored = db.session.execute(select(Post.id, Post.comment_count).where(Post.id.in_(post_ids)))
    changed = [
        {"post": post_id, "count": counts[post_id]}
        for post_id, count in stored
        if count != counts[post_id]
    ]
    if changed:
        posts = Post.__table__
        db.session.execute(
            update(posts)
            .where(posts.c.id == bindparam("post"))
            .values(comment_count=bindparam("count"), updated_at=posts.c.updated_at)
            .execution_options(changes=[changes.COMMENT_COUNTS]),
            changed,
        )


def chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
