"""Text in, safe HTML out: post Markdown, plain comment text, excerpts and slugs."""

import html
import re
import unicodedata
from dataclasses import dataclass

import nh3
from flask import current_app
from jinja2.filters import do_wordwrap
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

#: What a post body may contain once sanitised (editor posts and imported ones alike).
POST_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
POST_ATTRIBUTES = {
    "a": {"href", "title", "name"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start", "reversed"},
    "q": {"cite"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}
COMMENT_LINK_REL = "nofollow ugc noopener"
#: What an imported (Blogger) comment body may keep of its HTML.
IMPORTED_COMMENT_TAGS = {"p", "br", "a", "b", "i", "em", "strong", "blockquote"}

#: Where an editor (or Blogger) marked the end of the part shown on the home page.
MORE_MARKERS = re.compile(r"<!--\s*more\s*-->|<a\s+name=['\"]more['\"]\s*>\s*</a>", re.IGNORECASE)
BLOCK_END = re.compile(r"<(?:br|/p|/h[1-6]|/li|/blockquote|/div|/tr|/pre|/figcaption)\b[^>]*>")
URL_IN_TEXT = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)]}'\""
BLANK_LINES = re.compile(r"\n\s*\n")
#: Markdown tables align columns with inline styles; the ``align`` attribute needs no CSS.
TABLE_CELL_ALIGN = re.compile(r'<(th|td) style="text-align:(left|right|center)">')
#: Two or more line breaks in a row: where Blogger comments start a new paragraph.
BREAK_RUN = re.compile(r"(?:<br>\s*){2,}")
BLOCK_START = re.compile(r"<(?:p|blockquote)\b")
BLOCK_CLOSE = re.compile(r"</(?:p|blockquote)>")

markdown = MarkdownIt("commonmark", {"typographer": True}).enable(
    ["table", "strikethrough", "replacements", "smartquotes"]
)


@dataclass(frozen=True)
class RenderedBody:
    """A post body ready to store: full HTML, the part above the break, text for search."""

    html: str
    summary_html: str | None
    text: str
    excerpt: str


def sanitise_post_html(fragment: str) -> str:
    """Keep what a post may contain; drop scripts, styles, frames and event handlers."""
    return nh3.clean(
        fragment,
        tags=POST_TAGS,
        attributes=POST_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """Markdown to unsanitised HTML (sanitise before storing or showing)."""
    return TABLE_CELL_ALIGN.sub(r'<\1 align="\2">', markdown.render(source))


def render_post_html(raw_html: str) -> RenderedBody:
    """Sanitise an HTML body and split it at its "read more" break."""
    parts = MORE_MARKERS.split(raw_html, maxsplit=1)
    full = sanitise_post_html("".join(parts))
    summary = sanitise_post_html(parts[0]) if len(parts) == 2 else None
    text = html_to_text(full)
    return RenderedBody(full, summary, text, excerpt_of(html_to_text(summary or full)))


def render_post_body(source: str) -> RenderedBody:
    """An editor's Markdown body, rendered and sanitised once, on save."""
    return render_post_html(render_markdown(source))


def html_to_text(fragment: str) -> str:
    """The readable text of an HTML fragment, block ends kept as line breaks."""
    with_breaks = BLOCK_END.sub("\n", fragment)
    stripped = nh3.clean(with_breaks, tags=set(), strip_comments=True)
    lines = (" ".join(line.split()) for line in html.unescape(stripped).splitlines())
    return "\n".join(line for line in lines if line)


def excerpt_of(text: str, limit: int = 300) -> str:
    """The first ``limit`` characters of ``text`` on one line, cut at a word."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0].rstrip(TRAILING_PUNCTUATION)
    return cut + "…"


def split_trailing_punctuation(url: str) -> tuple[str, str]:
    """'example.org/a).' -> ('example.org/a', ').') unless the bracket opens in the URL."""
    trailing = ""
    while url and url[-1] in TRAILING_PUNCTUATION:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trailing = url[-1] + trailing
        url = url[:-1]
    return url, trailing


def linkify_line(line: str) -> str:
    """Escape a line of plain text, turning the web addresses in it into links."""
    pieces: list[str] = []
    position = 0
    for match in URL_IN_TEXT.finditer(line):
        url, trailing = split_trailing_punctuation(match.group())
        pieces.append(str(escape(line[position : match.start()])))
        href = url if "://" in url else f"http://{url}"
        pieces.append(f'<a href="{escape(href)}">{escape(url)}</a>{escape(trailing)}')
        position = match.end()
    pieces.append(str(escape(line[position:])))
    return "".join(pieces)


def render_comment_text(body: str) -> str:
    """Plain comment text as HTML: paragraphs and line breaks kept, links made clickable."""
    paragraphs = [p for p in BLANK_LINES.split(body.replace("\r\n", "\n").strip()) if p.strip()]
    rendered = "".join(
        "<p>" + "<br>\n".join(linkify_line(line) for line in paragraph.split("\n")) + "</p>\n"
        for paragraph in paragraphs
    )
    return nh3.clean(
        rendered,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=COMMENT_LINK_REL,
    )


def render_imported_comment(fragment: str) -> tuple[str, str]:
    """A Blogger comment's HTML as (plain text, sanitised HTML in paragraphs)."""
    cleaned = nh3.clean(
        fragment,
        tags=IMPORTED_COMMENT_TAGS,
        attributes={"a": {"href"}},
        url_schemes=URL_SCHEMES,
        link_rel=COMMENT_LINK_REL,
        strip_comments=True,
    ).strip()
    if cleaned and not BLOCK_START.match(cleaned):
        paragraphs = (part.strip() for part in BREAK_RUN.split(cleaned))
        cleaned = "".join(f"<p>{part}</p>\n" for part in paragraphs if part)
    blocks = (html_to_text(block) for block in BLOCK_CLOSE.split(cleaned))
    return "\n\n".join(block for block in blocks if block), cleaned


#: Characters XML 1.0 cannot carry at all, even escaped.
NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: object) -> Markup:
    """``text`` escaped for XML (an Atom feed), HTML markup included, and without the
    characters XML cannot hold: one stray byte in an imported post must not break a feed."""
    return escape(NOT_IN_XML.sub("", str(text)))


def safe_html(stored: str | None) -> Markup:
    """Mark HTML that was sanitised when it was saved as safe for templates."""
    return Markup(stored or "")  # noqa: S704 - sanitised with nh3 when saved


def slugify(text: str, max_length: int = 80) -> str:
    """'MPs raise the alarm!' -> 'mps-raise-the-alarm'; never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "post"


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """'1 draft', '2 drafts', '3 replies' (a plural not made with an s is given)."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def wrapped(text: str, width: int) -> str:
    """As the mail templates' ``wordwrap`` filter wraps it (never breaking a word), for text
    that many readers' emails show: wrapped once, not in every email."""
    return do_wordwrap(current_app.jinja_env, text, width, break_long_words=False)
