"""RSS and Atom documents written by the tests, for the local feed server to serve."""

from xml.sax.saxutils import escape

RSS_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
    "<title>{title}</title><link>https://napo.example/</link><description>News</description>"
)


def rss(*items: str, title: str = "Napo news") -> str:
    return RSS_HEAD.format(title=escape(title)) + "".join(items) + "</channel></rss>"


def rss_item(
    title: str,
    guid: str | None = None,
    link: str | None = None,
    description: str | None = None,
    content: str | None = None,
    pub_date: str | None = None,
) -> str:
    """An <item>; HTML in ``description`` and ``content`` is escaped as RSS requires."""
    parts = [f"<title>{escape(title)}</title>"]
    if guid:
        parts.append(f'<guid isPermaLink="false">{escape(guid)}</guid>')
    if link:
        parts.append(f"<link>{escape(link)}</link>")
    if description is not None:
        parts.append(f"<description>{escape(description)}</description>")
    if content is not None:
        parts.append(f"<content:encoded>{escape(content)}</content:encoded>")
    if pub_date:
        parts.append(f"<pubDate>{pub_date}</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


def atom(*entries: str, title: str = "Unison news") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:example:unison</id>"
        "<updated>2016-09-24T10:00:00Z</updated>" + "".join(entries) + "</feed>"
    )


def atom_entry(
    title: str,
    entry_id: str,
    link: str | None = None,
    updated: str = "2016-09-24T10:00:00Z",
    published: str | None = None,
    content: str | None = None,
    content_type: str = "html",
    summary: str | None = None,
) -> str:
    parts = [f"<title>{escape(title)}</title><id>{escape(entry_id)}</id>"]
    parts.append(f"<updated>{updated}</updated>")
    if published:
        parts.append(f"<published>{published}</published>")
    if link:
        parts.append(f'<link rel="alternate" href="{escape(link)}"/>')
    if content is not None:
        parts.append(f'<content type="{content_type}">{escape(content)}</content>')
    if summary is not None:
        parts.append(f'<summary type="html">{escape(summary)}</summary>')
    return "<entry>" + "".join(parts) + "</entry>"
