"""Absolute URLs, canonical links and structured data for crawlers and link previews."""

import json
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.safestring import mark_safe

from core.links import absolute_url
from pageviews.periods import PERIOD_DAYS

register = template.Library()

DEFAULT_IMAGE = "img/og-default.png"
DEFAULT_IMAGE_SIZE = (1200, 630)


def cover_image_url(article) -> str:
    renditions = getattr(article, "cover_renditions", None) or []
    if renditions:
        return max(renditions, key=lambda r: r["width"])["url"]
    if article.cover_image:
        return article.cover_image.url
    return ""


def json_for_script(data) -> str:
    """JSON that cannot close its ``<script>`` element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def article_structured_data(request, article) -> dict:
    authors = [
        {
            "@type": "Organization" if author.is_external else "Person",
            "name": author.name,
            "url": absolute_url(request, author.get_absolute_url()),
        }
        for author in article.byline_authors
    ]
    image = cover_image_url(article) or static(DEFAULT_IMAGE)
    site = absolute_url(request, "/")
    # A preview of a never-published draft has no publish time yet.
    published = article.published_at or article.created_at
    modified = max(article.updated_at, published)
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {
            "@type": "WebPage",
            "@id": absolute_url(request, article.get_absolute_url()),
        },
        "headline": article.title[:110],
        "description": article.lead,
        "image": [absolute_url(request, image)],
        "datePublished": published.replace(microsecond=0).isoformat(),
        "dateModified": modified.replace(microsecond=0).isoformat(),
        "author": authors or [{"@type": "Organization", "name": settings.SITE_NAME, "url": site}],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": site,
            "logo": {"@type": "ImageObject", "url": absolute_url(request, static("img/logo.png"))},
        },
        **({"articleSection": article.region.name} if article.region_id else {}),
    }


@register.simple_tag(takes_context=True)
def absolute(context, path):
    return absolute_url(context.get("request"), str(path))


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's address without tracking or script parameters (``?page=N`` is kept)."""
    request = context.get("request")
    if request is None:
        return ""
    kept = {}
    if request.GET.get("period") in PERIOD_DAYS:
        kept["period"] = request.GET["period"]
    page = request.GET.get("page", "")
    if page.isascii() and page.isdigit() and page.lstrip("0") not in ("", "1"):
        kept["page"] = page
    return absolute_url(request, request.path + (f"?{urlencode(kept)}" if kept else ""))


@register.simple_tag(takes_context=True)
def og_image(context, article=None):
    url = cover_image_url(article) if article is not None else ""
    return absolute_url(context.get("request"), url or static(DEFAULT_IMAGE))


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    data = article_structured_data(context.get("request"), article)
    return mark_safe(f'<script type="application/ld+json">{json_for_script(data)}</script>')
