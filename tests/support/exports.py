"""Blogger exports built by the tests: small ones entry by entry, and large generated ones."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

BLOG = "4242424242424242424"
TAG = f"tag:blogger.com,1999:blog-{BLOG}"
HOST = "http://testblog.blogspot.com"
KIND = "http://schemas.google.com/blogger/2008/kind#"

CLASSIC_HEAD = (
    "<?xml version='1.0' encoding='UTF-8'?>"
    "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:gd='http://schemas.google.com/g/2005'"
    " xmlns:thr='http://purl.org/syndication/thread/1.0'"
    " xmlns:app='http://purl.org/atom/app#'>"
    f"<id>{TAG}.archive</id><title type='text'>Test Blog</title>\n"
)
MODERN_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>"
    "<feed xmlns='http://www.w3.org/2005/Atom'"
    " xmlns:blogger='http://schemas.google.com/blogger/2018'>"
    f"<id>{TAG}</id><title>Test Blog 2018</title>\n"
)
TAIL = "</feed>\n"


def kind(name: str) -> str:
    return f"<category scheme='http://schemas.google.com/g/2005#kind' term='{KIND}{name}'/>"


def classic_post(
    number: int,
    title: str,
    body: str,
    published: str,
    path: str | None = None,
    labels: tuple[str, ...] = (),
    draft: bool = False,
) -> str:
    """A classic post entry; ``body`` is HTML (escaped here, as Blogger does)."""
    categories = "".join(
        f"<category scheme='http://www.blogger.com/atom/ns#' term={quoteattr(label)}/>"
        for label in labels
    )
    control = "<app:control><app:draft>yes</app:draft></app:control>" if draft else ""
    link = f"<link rel='alternate' type='text/html' href='{HOST}{path}'/>" if path else ""
    return (
        f"<entry><id>{TAG}.post-{number}</id><published>{published}</published>"
        f"<updated>{published}</updated>{control}{kind('post')}{categories}"
        f"<title type='text'>{escape(title)}</title>"
        f"<content type='html'>{escape(body)}</content>{link}"
        "<author><name>Blog Author</name></author></entry>\n"
    )


def classic_page(number: int, title: str, path: str) -> str:
    return (
        f"<entry><id>{TAG}.page-{number}</id><published>2016-01-01T10:00:00.000Z</published>"
        f"{kind('page')}<title type='text'>{escape(title)}</title>"
        f"<content type='html'>A page.</content>"
        f"<link rel='alternate' type='text/html' href='{HOST}{path}'/></entry>\n"
    )


def classic_comment(
    number: int,
    post: int,
    body: str,
    published: str,
    author: str = "Anonymous",
    parent: int | None = None,
    removed: bool = False,
) -> str:
    related = (
        f"<link rel='related' href='http://www.blogger.com/feeds/{BLOG}/{post}"
        f"/comments/default/{parent}'/>"
        if parent
        else ""
    )
    flag = "<gd:extendedProperty name='blogger.contentRemoved' value='true'/>" if removed else ""
    return (
        f"<entry><id>{TAG}.post-{number}</id><published>{published}</published>"
        f"<updated>{published}</updated>{kind('comment')}<title type='text'>c</title>"
        f"<content type='html'>{escape(body)}</content>{related}"
        f"<author><name>{escape(author)}</name></author>"
        f"<thr:in-reply-to ref='{TAG}.post-{post}' type='text/html'/>{flag}</entry>\n"
    )


def modern_post(
    number: int,
    title: str,
    body: str,
    published: str,
    filename: str,
    status: str = "LIVE",
    trashed: str = "",
) -> str:
    return (
        f"<entry><id>{TAG}.post-{number}</id><blogger:type>POST</blogger:type>"
        f"<blogger:status>{status}</blogger:status>"
        "<author><name>Blog Author</name><blogger:type>BLOGGER</blogger:type></author>"
        f"<title>{escape(title)}</title><content type='html'>{escape(body)}</content>"
        f"<published>{published}</published><updated>{published}</updated>"
        f"<category scheme='{TAG}' term='Napo'/>"
        f"<blogger:filename>{filename}</blogger:filename>"
        f"<blogger:trashed>{trashed}</blogger:trashed></entry>\n"
    )


def modern_comment(
    number: int,
    post: int,
    body: str,
    published: str,
    author: str = "",
    anonymous: bool = True,
    in_reply_to: str = "",
    status: str = "LIVE",
    trashed: str = "",
) -> str:
    author_type = "ANONYMOUS" if anonymous else "BLOGGER"
    return (
        f"<entry><id>{TAG}.post-{number}</id>"
        f"<blogger:parent>{TAG}.post-{post}</blogger:parent>"
        f"<blogger:inReplyTo>{in_reply_to}</blogger:inReplyTo>"
        f"<blogger:type>COMMENT</blogger:type><blogger:status>{status}</blogger:status>"
        f"<author><name>{escape(author)}</name><uri></uri>"
        f"<blogger:type>{author_type}</blogger:type></author>"
        f"<content type='html'>{escape(body)}</content>"
        f"<published>{published}</published><updated>{published}</updated>"
        f"<blogger:trashed>{trashed}</blogger:trashed></entry>\n"
    )


def write_export(path: Path, head: str, entries: list[str]) -> Path:
    path.write_text(head + "".join(entries) + TAIL, encoding="utf-8")
    return path


@dataclass
class GeneratedExport:
    path: Path
    posts: int = 0
    comments: int = 0
    replies: int = 0


POST_BODY = (
    "<p>The inspectorate's report does not mince its words about caseloads:</p>"
    "<blockquote><p>{quote}</p></blockquote>"
    "<p>Branch reps tell us the same.</p><a name='more'></a>"
) + "<p>{paragraph}</p>" * 24
QUOTE = "Officers in several divisions are carrying caseloads that cannot be managed safely. " * 4
PARAGRAPH = (
    "Transforming Rehabilitation split the service in two, and the seams show: "
    "referrals lost between the NPS and the CRCs, reports written twice, and staff "
    "asked to do more with less while the contracts are renegotiated behind closed doors. "
) * 3
COMMENT_BODY = (
    "Same here. Our office lost three PSOs this month and nobody is replacing them.<br /><br />"
    "The union needs to push on workloads before the summer <a href='http://example.org'>"
    "ballot</a>; otherwise nothing changes. " * 2
)


def write_generated_export(
    path: Path, target_bytes: int, comments_per_post: int = 24
) -> GeneratedExport:
    """A classic export of at least ``target_bytes``, made from template entries.

    Each post has a long body and a thread in which half the comments answer the one
    before (some of them replies to replies). Half of each thread comes before its post
    in the file, newest first, as the order of an export is not to be relied on.
    """
    generated = GeneratedExport(path)
    start = datetime(2012, 1, 1, 8, 0, tzinfo=UTC)
    number = 1_000_000
    with path.open("w", encoding="utf-8") as out:
        out.write(CLASSIC_HEAD)
        written = len(CLASSIC_HEAD)
        while written < target_bytes:
            post_number, number = number, number + 1
            when = start + timedelta(hours=7 * generated.posts)
            thread: list[str] = []
            for index in range(comments_per_post):
                comment_number, number = number, number + 1
                parent = comment_number - 1 if index % 4 in (2, 3) else None
                generated.replies += parent is not None
                thread.append(
                    classic_comment(
                        comment_number,
                        post_number,
                        COMMENT_BODY,
                        (when + timedelta(minutes=5 * (index + 1))).isoformat(),
                        parent=parent,
                    )
                )
            post = classic_post(
                post_number,
                f"Omnishambles Update {generated.posts + 1}",
                POST_BODY.format(quote=QUOTE, paragraph=PARAGRAPH),
                when.isoformat(),
                path=f"/{when:%Y/%m}/omnishambles-update-{generated.posts + 1}.html",
                labels=("omnishambles", f"week {generated.posts % 52}"),
            )
            half = comments_per_post // 2
            chunk = "".join(reversed(thread[half:])) + post + "".join(thread[:half])
            out.write(chunk)
            written += len(chunk.encode())
            generated.posts += 1
            generated.comments += comments_per_post
        out.write(TAIL)
    return generated
