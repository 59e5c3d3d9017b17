"""Read RSS feeds and sitemaps as crawlers do: as XML, with the namespaces they declare."""

import xml.etree.ElementTree as ET

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def parse_xml(response) -> ET.Element:
    """The document's root; an error page must fail here, not as a confusing parse error."""
    assert response.status_code == 200, response.status_code
    return ET.fromstring(response.content)
