"""Absolute URLs for feeds, sitemaps, canonical links, OpenGraph and JSON-LD.

``SITE_URL`` wins when set (a site behind a proxy that rewrites the host); otherwise the
request's own scheme and host, never a placeholder domain.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(request, path: str) -> str:
    """``SITE_URL`` + path when configured, else the request's own scheme and host."""
    if path.startswith(("http://", "https://")):
        return path
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if request is None:
        return path
    return request.build_absolute_uri(path)


def site_url_parts() -> tuple[str, str] | None:
    """``(scheme, host + path prefix)`` of ``SITE_URL``, or None when it is not set."""
    if not settings.SITE_URL:
        return None
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme, parts.netloc + parts.path
