"""Read pages the way the outside tests do: a small element tree from html.parser.

Regexes over whole pages miss nesting (a <li> inside a <li>, a block's link outside its
list); a tree answers "the <li>s of this <section>" exactly. This is the only page reader
the tests share, so two tests that read the same markup cannot disagree about it.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")


@dataclass
class Element:
    tag: str
    attrs: dict
    parent: "Element | None" = None
    children: list = field(default_factory=list)  # Element or str

    def matches(self, tag: str | None = None, *, class_: str | None = None, id: str | None = None):
        """Classes are compared as words, so "card" does not match "card__title"."""
        return (
            (tag is None or self.tag == tag)
            and (class_ is None or class_ in (self.attrs.get("class") or "").split())
            and (id is None or self.attrs.get("id") == id)
        )

    def iter(self, tag: str | None = None, **attrs):
        for child in self.children:
            if isinstance(child, Element):
                if child.matches(tag, **attrs):
                    yield child
                yield from child.iter(tag, **attrs)

    def find(self, tag: str | None = None, **attrs):
        return next(self.iter(tag, **attrs), None)

    def children_of(self, tag: str) -> list["Element"]:
        """Direct children only: a list's own items, not those of a list nested in them."""
        return [c for c in self.children if isinstance(c, Element) and c.tag == tag]

    @property
    def text(self) -> str:
        """What a reader sees, white space folded; scripts and styles are not read."""
        parts = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag not in ("script", "style"):
                    parts.append(child.text)
            else:
                parts.append(child)
        return " ".join(" ".join(parts).split())

    def links(self) -> list[str]:
        return [a.attrs.get("href", "") for a in self.iter("a")]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    """A whole page or a fragment (a ``?partial=1`` answer is a run of <li>s)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def first_h1(root: Element) -> str:
    h1 = root.find("h1")
    assert h1 is not None, "the page has no <h1>"
    return h1.text


def block(root: Element, heading: str) -> Element:
    """The <section> or <aside> whose own <h2> reads ``heading`` exactly."""
    for tag in ("section", "aside"):
        for element in root.iter(tag):
            h2 = element.find("h2")
            if h2 is not None and h2.text == heading:
                return element
    raise AssertionError(f"no <section>/<aside> headed exactly {heading!r}")


def block_items(element: Element) -> list[Element]:
    """The story <li>s of a block: those of its first list (nested lists excluded)."""
    for tag in ("ol", "ul"):
        lst = element.find(tag)
        if lst is not None:
            return lst.children_of("li")
    return []


def titles(root: Element) -> list[str]:
    """The story cards' titles in page order: what a list page shows, and in which order."""
    return [card.find("a").text for card in root.iter(class_="card__title")]


def last_number(item: Element) -> int:
    """The count a story item ends with; thousands separators (no-break spaces) are dropped."""
    numbers = re.findall(r"\d+", item.text.replace("\u00a0", "").replace("\u202f", ""))
    assert numbers, f"no number in {item.text!r}"
    return int(numbers[-1])


def item_date(item: Element) -> str:
    match = DATE.search(item.text)
    assert match, f"no dd.mm.yyyy date in {item.text!r}"
    return match.group(0)
