"""Writing XML as it is read, element by element (``xml.sax``'s generator: flat memory)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO
from xml.sax.saxutils import XMLGenerator


class XmlWriter:
    """Elements with text and attributes, written straight to a stream of bytes."""

    def __init__(self, out: IO[bytes]) -> None:
        self.generator = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
        self.generator.startDocument()

    @contextmanager
    def element(self, name: str, /, **attributes: str) -> Iterator[None]:
        self.generator.startElement(name, attributes_named(attributes))
        yield
        self.generator.endElement(name)

    def text_element(self, name: str, text: str | None = "", /, **attributes: str) -> None:
        self.generator.startElement(name, attributes_named(attributes))
        if text:
            self.generator.characters(text)
        self.generator.endElement(name)

    def newline(self) -> None:
        self.generator.ignorableWhitespace("\n")

    def end(self) -> None:
        self.generator.endDocument()


def attributes_named(attributes: dict[str, str]) -> dict[str, str]:
    """Python names to XML ones: ``xmlns__thr`` is ``xmlns:thr``, ``is_perma_link`` stays."""
    return {name.replace("__", ":"): value for name, value in attributes.items()}
