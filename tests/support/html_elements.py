"""Elements of a rendered page, read with the standard library's HTML parser, for page tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    """A tag with its attributes and the text inside it (whitespace collapsed)."""

    tag: str
    attrs: dict[str, str]
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside, as a person reads it."""
        return " ".join("".join(self.parts).split())

    def has_class(self, name: str) -> bool:
        """Whether `name` is one of its classes."""
        return name in self.attrs.get("class", "").split()


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.found.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.parts.append(data)


def elements(html: str) -> list[Element]:
    """Every element of the page in document order."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.found


def by_id(html: str, id_: str) -> Element | None:
    """The element with that id, if any."""
    return next((e for e in elements(html) if e.attrs.get("id") == id_), None)


def with_class(html: str, tag: str, name: str) -> list[Element]:
    """The `tag` elements with class `name`."""
    return [e for e in elements(html) if e.tag == tag and e.has_class(name)]
