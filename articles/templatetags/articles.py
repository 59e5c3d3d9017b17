"""Story pieces shared by every page: cover images, cards and their meta line."""

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles import cards, media

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


@register.simple_tag
def story_card(article, **options):
    """A story card (``partials/article_card.html``), rendered once per change of the story."""
    return cards.story_card(article, **options)


@register.simple_tag
def story_compact(article, hide_region=False):
    """A story in a compact list: its linked title and meta line (bylines, region, date,
    views), rendered once per change of the story."""
    return cards.story_compact(article, hide_region=hide_region)


@register.simple_tag
def story_meta(article, hide_region=False):
    """A card's meta line (bylines, region, date, a placeholder for the views)."""
    return cards.meta_line(article, hide_region=hide_region)


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
