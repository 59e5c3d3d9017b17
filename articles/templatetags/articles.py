"""Story pieces shared by every page: cover images, view numbers and the Top news block."""

from django import template
from django.core.cache import cache
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language

from pageviews.selectors import most_read

register = template.Library()

TOP_NEWS_SECONDS = 60

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


def top_news_list() -> list:
    """The week's five most-read stories, shared by every page for a minute."""
    key = "top-news:week:5"
    stories = cache.get(key)
    if stories is None:
        stories = most_read("week", 5)
        cache.set(key, stories, TOP_NEWS_SECONDS)
    return stories


@register.inclusion_tag("partials/top_news.html")
def top_news():
    return {"articles": top_news_list(), "LANGUAGE_CODE": get_language()}
