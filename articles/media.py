"""Story media on the public page: references in the body expanded into pictures and players.

The markup is a contract with the apps and partners that read our pages:

- the story's text sits in one element with ``data-story-body``;
- a photo is a ``<figure>`` with one ``<img>`` (``alt``, ``width``, ``height``, a ``srcset`` of
  our own WebP renditions, ``loading="lazy"`` except for the first picture of the page) and a
  ``<figcaption>`` with the caption and the credit;
- a gallery is one element with ``data-gallery`` holding one such figure per photo;
- an embed is one element with ``data-embed-provider`` holding a link to the original post;
  no ``<iframe>`` and no other host's file until the reader clicks (``static/js/embeds.js``).

The photos come from the story's own snapshot of them (``Article.body_photos``), so a story
with twenty photos costs the queries of one without; the expanded HTML is kept as a fragment
under the content generation, which a saved story or photo moves.
"""

from html import unescape

from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from articles.embeds import embed_from_url, embed_or_none
from articles.html import (
    STORED_REFERENCE,
    gallery_ids,
    photo_id,
    referenced_photo_ids,
    submitted_references,
)
from core import cache
from photos.models import Photo

# How wide a body picture is shown, so the browser picks the smallest sharp rendition.
BODY_SIZES = "(min-width: 1024px) 760px, 100vw"
GALLERY_SIZES = "(min-width: 1024px) 250px, (min-width: 640px) 45vw, 100vw"
# The rendition in ``src`` for browsers without srcset: the first this wide, else the largest.
FALLBACK_WIDTH = 640


def photo_figure(photo: Photo, *, lazy: bool, sizes: str = BODY_SIZES) -> str:
    renditions = photo.renditions
    if not renditions:
        return ""
    fallback = next((r for r in renditions if r["width"] >= FALLBACK_WIDTH), renditions[-1])
    srcset = format_html_join(", ", "{} {}w", ((r["url"], r["width"]) for r in renditions))
    caption = ""
    if photo.caption or photo.credit:
        credit = (
            format_html(' <span class="credit">{}: {}</span>', _("Photo"), photo.credit)
            if photo.credit
            else ""
        )
        caption = format_html("<figcaption>{}{}</figcaption>", photo.caption, credit)
    return format_html(
        '<figure class="story-photo"><img src="{}" srcset="{}" sizes="{}" width="{}" '
        'height="{}" alt="{}" loading="{}" decoding="async">{}</figure>',
        fallback["url"],
        srcset,
        sizes,
        fallback["width"],
        fallback["height"],
        photo.text_alt,
        "lazy" if lazy else "eager",
        caption,
    )


def embed_block(url: str) -> str:
    embed = embed_or_none(url)
    if embed is None:
        return ""
    if embed.provider == "youtube":
        label = _("Watch the video on YouTube")
    else:
        label = _("Open the post in Telegram")
    return format_html(
        '<div class="embed embed--{}" data-embed-provider="{}" data-embed-key="{}">'
        '<a class="embed__link" href="{}" rel="noopener">{}</a></div>',
        embed.provider,
        embed.provider,
        embed.key,
        embed.url,
        label,
    )


def expand_body(html: str, *, has_cover: bool, known: dict[int, Photo] | None = None) -> SafeString:
    """``html`` (a sanitized body) with its references expanded; one query at most, none when
    ``known`` holds every referenced photo.

    A reference to a photo that no longer exists renders nothing.
    """
    html = html or ""
    photos = dict(known or {})
    missing = [pk for pk in referenced_photo_ids(html) if pk not in photos]
    if missing:
        photos |= Photo.objects.in_bulk(missing)
    first_is_taken = has_cover  # the cover is the page's first picture when there is one

    def figure(photo_id: str, sizes: str = BODY_SIZES) -> str:
        nonlocal first_is_taken
        photo = photos.get(int(photo_id))
        if photo is None:
            return ""
        markup = photo_figure(photo, lazy=first_is_taken, sizes=sizes)
        first_is_taken = first_is_taken or bool(markup)
        return markup

    def replace(match) -> str:
        kind, value = match.groups()
        if kind == "photo":
            return figure(value)
        if kind == "gallery":
            figures = "".join(figure(part, GALLERY_SIZES) for part in value.split(","))
            return f'<div class="gallery" data-gallery>{figures}</div>' if figures else ""
        return embed_block(unescape(value))

    # The body was sanitized on save; what replaces a reference is escaped by format_html.
    return mark_safe(STORED_REFERENCE.sub(replace, html))  # noqa: S308


def check_references(html: str) -> None:
    """Refuse a submitted body whose media references would render nothing.

    The sanitizer drops bad references silently (it must never fail a save); the form
    tells the newsroom what is wrong instead.
    """
    errors = []
    wanted_ids = set()
    for attribute, value in submitted_references(html):
        if attribute == "data-embed":
            try:
                embed_from_url(value)
            except ValidationError as error:
                errors.extend(error.messages)
        else:
            checked = photo_id(value) if attribute == "data-photo" else gallery_ids(value)
            if checked is None:
                errors.append(_("A photo reference is not valid: “%(value)s”.") % {"value": value})
            else:
                wanted_ids.update(int(part) for part in checked.split(","))
    missing = wanted_ids - set(Photo.objects.filter(pk__in=wanted_ids).values_list("pk", flat=True))
    if missing:
        errors.append(
            _("These photos are not in the library: %(ids)s.")
            % {"ids": ", ".join(f"#{pk}" for pk in sorted(missing))}
        )
    if errors:
        raise ValidationError(list(dict.fromkeys(str(e) for e in errors)), code="bad_media")


def story_body(article) -> SafeString:
    """The story's body for its page; the expanded HTML is cached until anything changes."""
    body = article.body or ""
    if "<figure data-" not in body:
        return mark_safe(body)  # noqa: S308 - sanitized on save
    stamp = article.updated_at.timestamp() if article.updated_at else 0
    # The language is in the key: captions say «Фото»/«Photo», links «Watch…» in it.
    name = f"story-body:{article.pk}:{stamp}:{get_language()}"
    has_cover = bool(article.cover_image)

    def render() -> str:
        known = {
            int(pk): Photo.from_snapshot(int(pk), snapshot)
            for pk, snapshot in (article.body_photos or {}).items()
        }
        return str(expand_body(body, has_cover=has_cover, known=known))

    return mark_safe(cache.fragment(name, render))  # noqa: S308
