"""Reading a Blogger export as a stream of typed records, in bounded memory.

The file is parsed with defusedxml, so entity declarations and external references are
refused, and every entry is cleared from the tree (with all before it) once it is read.
"""

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml.common import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser, iterparse

from .entries import ATOM, local_name, read_entry, text_of
from .records import FeedInfo, ImportFailed, Record

NOT_BLOGGER = "This is not a Blogger export: expected an Atom feed with a Blogger blog id"
BLOG_ID = re.compile(r"tag:blogger\.com,1999:blog-(\d+)")


class CountingReader:
    """A file wrapper that reports how many bytes have been read."""

    def __init__(self, stream: BinaryIO, progress: Callable[[int], None] | None):
        self.stream = stream
        self.progress = progress
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.position += len(data)
        if self.progress is not None:
            self.progress(self.position)
        return data


def read_export(
    stream: BinaryIO, progress: Callable[[int], None] | None = None
) -> Iterator[Record]:
    """Every record of the export in file order; raises ImportFailed on a bad file."""
    parser = DefusedXMLParser(target=TreeBuilder())
    try:
        yield from records_of(iterparse(CountingReader(stream, progress), ("start", "end"), parser))
    except ParseError as error:
        line, column = error.position
        raise ImportFailed(describe_parse_error(error), line, column + 1) from error
    except DefusedXmlException as error:
        line, column = parser.parser.CurrentLineNumber, parser.parser.CurrentColumnNumber + 1
        raise ImportFailed(describe_refusal(error, line, column), line, column) from error


def records_of(events: Iterator[tuple[str, Element]]) -> Iterator[Record]:
    """Turn parser events into records, clearing each entry (and all before it) once read."""
    root: Element | None = None
    feed: FeedInfo | None = None
    feed_id = ""
    depth = 0
    for event, element in events:
        if event == "start":
            depth += 1
            if root is None:
                root = require_atom_feed(element)
            continue
        depth -= 1
        if depth != 1:
            continue
        if element.tag == f"{ATOM}entry":
            if feed is None:
                feed = feed_info(feed_id, "")
                yield feed
            yield read_entry(element)
            root.clear()
        elif feed is None and element.tag == f"{ATOM}id":
            feed_id = text_of(element)
        elif feed is None and element.tag == f"{ATOM}title":
            feed = feed_info(feed_id, text_of(element))
            yield feed
    if feed is None:
        raise ImportFailed(NOT_BLOGGER + " (it has no entries).")


def require_atom_feed(root: Element) -> Element:
    if root.tag != f"{ATOM}feed":
        raise ImportFailed(NOT_BLOGGER + f" (it is a <{local_name(root.tag)}> document).")
    return root


def feed_info(feed_id: str, title: str) -> FeedInfo:
    match = BLOG_ID.match(feed_id)
    if match is None:
        raise ImportFailed(NOT_BLOGGER + f" (its id is {feed_id or 'missing'!r}).")
    return FeedInfo(match.group(1), title)


def describe_parse_error(error: ParseError) -> str:
    line, column = error.position
    reason = str(error).rsplit(": line ", 1)[0]
    where = f"line {line}, column {column + 1}"
    if (line, column) == (1, 0) and reason == "no element found":
        return "The file is empty."
    if reason in {"no element found", "unclosed token"}:
        return f"The file ends too early (is it cut short?): {reason} at {where}."
    if line == 1 and reason.startswith(("syntax error", "not well-formed")):
        return f"This is not an XML file: {reason} at {where}."
    return f"The file is not well-formed XML: {reason} at {where}."


def describe_refusal(error: DefusedXmlException, line: int, column: int) -> str:
    if isinstance(error, EntitiesForbidden):
        what = f"declares the XML entity {error.name!r}"
    else:
        what = "refers to an external file or address"
    return (
        f"Refused: the file {what} at line {line}, column {column}. Blogger exports never do; "
        "entities can expand into gigabytes or read files from this server."
    )
