"""The one place that decides which HTML a story body may contain.

Besides text markup, a body holds references to story media, never their URLs:

- ``<figure data-photo="12"></figure>``: a photo of the library;
- ``<figure data-gallery="12,13,14"></figure>``: a gallery, in this order;
- ``<figure data-embed="https://www.youtube.com/watch?v=…"></figure>``: a YouTube video or
  a public Telegram post (``articles.embeds``).

They are expanded into pictures and players when the page is rendered
(``articles.media``), so a corrected caption shows on every story at once. Pictures pasted
from other sites (``<img>``) are removed: the site never shows a file it does not serve.
"""

import re
from html.parser import HTMLParser

import nh3

from articles.embeds import embed_or_none

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "sub", "sup", "a", "ul", "ol", "li",
    "blockquote", "h2", "h3", "h4", "figure", "figcaption", "table", "thead", "tbody", "tr",
    "th", "td",
}  # fmt: skip
REFERENCE_ATTRIBUTES = ("data-photo", "data-gallery", "data-embed")
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "figure": set(REFERENCE_ATTRIBUTES),
}
MAX_GALLERY = 50
_ID = re.compile(r"[1-9][0-9]{0,11}")


def photo_id(value: str) -> str | None:
    value = (value or "").strip()
    return value if _ID.fullmatch(value) else None


def gallery_ids(value: str) -> str | None:
    """``"12, 13,12"`` -> ``"12,13"``: numbers only, each once, at most ``MAX_GALLERY``."""
    ids = []
    for part in (value or "").split(","):
        part = part.strip()
        if not _ID.fullmatch(part):
            return None
        if part not in ids:
            ids.append(part)
    return ",".join(ids[:MAX_GALLERY]) or None


def embed_url(value: str) -> str | None:
    embed = embed_or_none(value)
    return embed.url if embed else None


_CHECKS = {"data-photo": photo_id, "data-gallery": gallery_ids, "data-embed": embed_url}


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "figure" and attribute in _CHECKS:
        return _CHECKS[attribute](value)
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_keep_attribute,
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel="noopener noreferrer",
    # Drop the content of these outright: their text is never meant for readers.
    clean_content_tags={"script", "style", "iframe", "object", "noscript", "template"},
)


class _ReferenceNormalizer(HTMLParser):
    """Re-serializes nh3's output with each reference figure empty and holding one reference.

    A parser, not a regular expression: attribute values may contain «</figure>».
    """

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.skip_depth = 0  # > 0 inside a reference figure, whose content is dropped

    def handle_starttag(self, tag, attrs):
        if self.skip_depth:
            if tag == "figure":
                self.skip_depth += 1
            return
        if tag == "figure":
            values = dict(attrs)
            for name in REFERENCE_ATTRIBUTES:
                if values.get(name):
                    # nh3 has checked and normalized the value; only one reference is kept.
                    self.out.append(f'<figure {name}="{_attr(values[name])}"></figure>')
                    self.skip_depth = 1
                    return
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if not self.skip_depth:
            self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self.skip_depth:
            if tag == "figure":
                self.skip_depth -= 1
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skip_depth:
            self.out.append(data)

    def handle_entityref(self, name):
        if not self.skip_depth:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.skip_depth:
            self.out.append(f"&#{name};")


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;")


_EMPTY_FIGURE = re.compile(r"<figure>\s*</figure>")


def sanitize_html(html: str) -> str:
    """Return ``html`` with every disallowed tag and attribute removed (never escaped)."""
    cleaned = _cleaner.clean(html or "")
    if "<figure" in cleaned:
        normalizer = _ReferenceNormalizer()
        normalizer.feed(cleaned)
        normalizer.close()
        # Cleaned once more: what the normalizer wrote must pass the same rules.
        cleaned = _EMPTY_FIGURE.sub("", _cleaner.clean("".join(normalizer.out)))
    return cleaned.strip()


# The stored forms exactly as ``sanitize_html`` writes them. Matching them in stored bodies is
# safe: a quote inside an attribute value is written «&quot;» and a «<» in text «&lt;».
STORED_REFERENCE = re.compile(r'<figure data-(photo|gallery|embed)="([^"<>]*)"></figure>')


def referenced_photo_ids(html: str) -> list[int]:
    """The library photos a sanitized body shows, in order of first appearance."""
    ids: dict[int, None] = {}
    if "<figure data-" not in (html or ""):
        return []
    for kind, value in STORED_REFERENCE.findall(html):
        if kind == "photo":
            ids[int(value)] = None
        elif kind == "gallery":
            ids.update((int(part), None) for part in value.split(","))
    return list(ids)


class _ReferenceFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "figure":
            self.found.extend(
                (name, value or "") for name, value in attrs if name in REFERENCE_ATTRIBUTES
            )


def submitted_references(html: str) -> list[tuple[str, str]]:
    """``(attribute, value)`` of each reference in unsanitized input, to report bad ones."""
    finder = _ReferenceFinder()
    finder.feed(html or "")
    finder.close()
    return finder.found
