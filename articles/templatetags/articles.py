"""Story pieces shared by every page: cover images and view numbers."""

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles import media

register = template.Library()

# How wide an image is shown, so the browser picks the smallest rendition that is sharp.
SIZES = {
    "lead": "(min-width: 1024px) 760px, 100vw",
    "card": "(min-width: 1024px) 300px, (min-width: 640px) 45vw, 100vw",
    "thumb": "120px",
}


def _renditions(article) -> list[dict]:
    renditions = getattr(article, "cover_renditions", None)
    if renditions:
        return sorted(renditions, key=lambda r: r["width"])
    if article.cover_image and article.cover_width and article.cover_height:
        return [
            {
                "url": article.cover_image.url,
                "width": article.cover_width,
                "height": article.cover_height,
            }
        ]
    return []


@register.simple_tag
def cover_img(article, variant="card", loading="lazy"):
    """An ``<img>`` with srcset, sizes, width and height (no layout shift), or nothing."""
    renditions = _renditions(article)
    if not renditions:
        return ""
    largest = renditions[-1]
    fallback = next((r for r in renditions if r["width"] >= 640), largest)
    srcset = format_html_join(", ", "{} {}w", ((r["url"], r["width"]) for r in renditions))
    alt = getattr(article, "cover_caption", "") or article.title
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="{}"'
        ' decoding="async">',
        fallback["url"],
        srcset,
        SIZES.get(variant, SIZES["card"]),
        fallback["width"],
        fallback["height"],
        alt,
        loading,
    )


@register.filter
def views_of(article):
    """The period's reads on most-read lists, else the story's total."""
    period_views = getattr(article, "period_views", None)
    return article.view_count if period_views is None else period_views


@register.filter
def iso_datetime(value):
    """ISO 8601 to the second: HTML validators refuse the microseconds that ``|date:'c'`` keeps."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.simple_tag
def story_body(article):
    """The body with its photos, galleries and embeds expanded (``articles.media``)."""
    return media.story_body(article)
