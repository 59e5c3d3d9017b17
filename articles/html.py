"""The one place that decides which HTML a story body may contain."""

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "sub", "sup", "a", "ul", "ol", "li",
    "blockquote", "h2", "h3", "h4", "figure", "figcaption", "table", "thead", "tbody", "tr",
    "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel="noopener noreferrer",
    # Drop the content of these outright: their text is never meant for readers.
    clean_content_tags={"script", "style"},
)


def sanitize_html(html: str) -> str:
    """Return ``html`` with every disallowed tag and attribute removed (never escaped)."""
    return _cleaner.clean(html or "").strip()
