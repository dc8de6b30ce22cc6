"""Finding what a browser would run in a response: scripts, event handlers, script URLs,
in pages, in feeds' HTML, in email and in the sandboxed frames that show email; and a
crawler that follows a site's own links to every page a person can reach."""

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from email.message import EmailMessage
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring
from flask import Flask
from werkzeug.exceptions import HTTPException

from .client import BlogClient

#: Attributes whose value a browser follows or loads as a URL.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}
SCRIPT_URL = re.compile(r"^(javascript|vbscript|data:text/html)", re.I)
#: Characters browsers ignore inside a URL's scheme ("java\tscript:" still runs).
IGNORED_IN_URLS = re.compile(r"[\x00-\x20]")
ACTIVE_ELEMENTS = {"script", "object", "embed", "base", "applet"}


class ActiveContentFinder(HTMLParser):
    """Collects every place in an HTML document where a browser would run something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_ELEMENTS:
            self.found.append(f"<{tag}>")
        if tag == "meta" and any(
            name == "http-equiv" and (value or "").lower() == "refresh" for name, value in attrs
        ):
            self.found.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and SCRIPT_URL.match(IGNORED_IN_URLS.sub("", value)):
                self.found.append(f"<{tag} {name}={value[:40]!r}>")
            if tag == "iframe" and name == "src":
                self.found.append(f"<iframe src={value[:40]!r}>")
            if name == "srcdoc":
                self.found += [f"in srcdoc: {item}" for item in active_content_in_html(value)]

    handle_startendtag = handle_starttag


def active_content_in_html(document: str) -> list[str]:
    finder = ActiveContentFinder()
    finder.feed(document)
    finder.close()
    return finder.found


def html_inside(element: Element) -> list[str]:
    """The HTML an Atom or RSS element carries (type="html" text is escaped markup)."""
    kind = element.get("type", "")
    if kind == "html" or element.tag.endswith(("description", "encoded")):
        return [element.text or ""]
    return []


def active_content_in_xml(document: bytes) -> list[str]:
    """Raw markup injected into the XML itself, or active content in the HTML it carries."""
    found = ["<script> in the XML"] if b"<script" in document.lower() else []
    for element in fromstring(document).iter():
        for html in html_inside(element):
            found += active_content_in_html(html)
    return found


def active_content_in_mail(message: EmailMessage) -> list[str]:
    html = message.get_body(preferencelist=("html",))
    return active_content_in_html(html.get_content()) if html is not None else []


@dataclass
class Crawl:
    """The pages a crawl fetched: path -> (endpoint, content type, body)."""

    pages: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)

    @property
    def endpoints(self) -> set[str]:
        return {endpoint for endpoint, _, _ in self.pages.values()}

    def text(self) -> str:
        return "\n".join(body.decode("utf-8", "replace") for _, _, body in self.pages.values())


LINK = re.compile(r'<(?:a|link)\b[^>]*\shref="([^"]+)"', re.I)
SITE_HOSTS = {"", "localhost", "blog.test"}


def links_in(page: str, here: str) -> list[str]:
    """The paths on this site that a page links to (fragments dropped)."""
    paths = []
    for raw in LINK.findall(page):
        url = urlsplit(urljoin(f"http://blog.test{here}", raw.replace("&amp;", "&")))
        if url.hostname in SITE_HOSTS or url.hostname is None:
            paths.append(url.path + (f"?{url.query}" if url.query else ""))
    return paths


def endpoint_of(app: Flask, path: str) -> str:
    try:
        return app.url_map.bind("localhost").match(urlsplit(path).path)[0]
    except HTTPException:
        return "(no route)"


def crawl(client: BlogClient, seeds: list[str], per_endpoint: int = 4, limit: int = 400) -> Crawl:
    """Fetch ``seeds`` and every page they link to, a few addresses per route at most."""
    app = client.application
    found = Crawl()
    queue, queued = deque(seeds), set(seeds)
    visits: Counter = Counter()
    while queue and len(found.pages) < limit:
        path = queue.popleft()
        endpoint = endpoint_of(app, path)
        if visits[endpoint] >= per_endpoint and path not in seeds:
            continue
        visits[endpoint] += 1
        response = client.get(path)
        body = response.get_data()
        response.close()
        found.statuses[response.status_code] += 1
        found.pages[path] = (endpoint, response.mimetype or "", body)
        if response.mimetype == "text/html":
            for link in links_in(body.decode("utf-8", "replace"), path):
                if link not in queued:
                    queued.add(link)
                    queue.append(link)
    return found


def active_content_in(content_type: str, body: bytes) -> list[str]:
    if content_type == "text/html":
        return active_content_in_html(body.decode("utf-8", "replace"))
    if content_type.endswith("xml"):
        return active_content_in_xml(body)
    return []
