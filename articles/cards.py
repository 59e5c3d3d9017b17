"""Story cards and compact list items, rendered once per change of what they show.

A card (title, lead, cover, bylines, region, date) appears on the home page, every list,
Similar news, Top news and search; rendering its templates was most of a cold page's time.
Each rendering is kept in a per-process memo (``core.memo``) under a key made of
everything the card shows, and the language and the options of the card.

The view count is the one part that changes with every read, so the memo holds the card
with a placeholder that each page fills in with the number it has (total or period reads).
Search results fill two more placeholders with the highlighted title and snippet, so they
share the rendering of the story's card too.
"""

import re

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from articles import selectors
from articles.models import Article, bylines_prefetch
from core import cache, memo, pages

VIEWS_SLOT = memo.slot("views")
TITLE_SLOT = memo.slot("title")
LEAD_SLOT = memo.slot("lead")
# A story's view count in a fragment kept longer than counts stay fresh (region blocks).
_COUNT_SLOT = re.compile("\ue000n([0-9]+)\ue000")


def _count_slot(pk: int) -> str:
    return memo.slot(f"n{pk}")


CARD_TEMPLATE = "partials/article_card.html"
# A compact item is a link and a meta line: built in Python, at a tenth of what rendering a
# template costs (0.05 ms against 0.46), since a story page shows five of them, mostly
# of stories no page of this worker has shown yet.
COMPACT = "compact"

_EYE = (
    '<svg aria-hidden="true" focusable="false" width="16" height="16" viewBox="0 0 24 24">'
    '<path fill="currentColor" d="M12 5C6.5 5 2.7 9.4 1.5 12c1.2 2.6 5 7 10.5 7s9.3-4.4 10.5-7'
    "C21.3 9.4 17.5 5 12 5zm0 11.5a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9zm0-7a2.5 2.5 0 1 0 0 5 "
    '2.5 2.5 0 0 0 0-5z"/></svg>'
)


def meta_line(article, *, hide_region: bool = False) -> SafeString:
    """The card's meta line: bylines, region, date and a placeholder for the view count."""
    shown = []
    if article.byline_authors:
        names = ", ".join(escape(author.name) for author in article.byline_authors)
        shown.append(f'<span class="meta__authors">{names}</span>')
    if article.region_id and not hide_region:
        shown.append(f'<span class="meta__region">{escape(article.region.name)}</span>')
    when = ""
    if article.published_at:
        local = timezone.localtime(article.published_at)
        iso = local.replace(microsecond=0).isoformat()
        when = f'<time datetime="{iso}">{local:%d.%m.%Y}</time>'
    views = escape(gettext("Views"))
    byline = ", ".join(shown) + " - " if shown else ""
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<p class="meta">{byline}{when} <span class="views" title="{views}">{_EYE}'
        f'<span class="visually-hidden">{views}:</span> {VIEWS_SLOT}</span></p>'
    )


def _compact_html(article, hide_region: bool = False) -> str:
    link = f'<a class="compact-list__link" href="{escape(article.get_absolute_url())}">'
    return f"{link}{escape(article.title)}</a>{meta_line(article, hide_region=hide_region)}"


_memo = memo.Memo()


def views_of(article) -> int:
    """The period's reads on most-read lists, else the story's total."""
    period_views = getattr(article, "period_views", None)
    return article.view_count if period_views is None else period_views


def _facts(article) -> tuple:
    """Everything a card or compact item shows of the story, as a hashable key."""
    region = article.region if article.region_id else None
    return (
        article.pk,
        article.slug,
        article.title,
        article.lead,
        article.published_at,
        article.cover_image.name,
        article.cover_width,
        article.cover_height,
        tuple(article.cover_rendition_widths or ()),
        article.cover_caption,
        region and (region.pk, region.name),
        tuple(author.name for author in article.byline_authors),
    )


def _slots(article) -> dict:
    """The parts of a card that differ per page: its view count and, in search results,
    the highlighted title and snippet."""
    slots = {VIEWS_SLOT: str(views_of(article))}
    if getattr(article, "highlighted_title", None) is not None:
        slots[TITLE_SLOT] = article.highlighted_title
        slots[LEAD_SLOT] = article.highlighted_lead or ""
    return slots


def _build(kind: str, article, options: dict, slots: dict) -> str:
    if kind == COMPACT:
        return _compact_html(article, **options)
    context = {"article": article, **options}
    if TITLE_SLOT in slots:
        context |= {"title_slot": TITLE_SLOT, "lead_slot": LEAD_SLOT if slots[LEAD_SLOT] else ""}
    return render_to_string(kind, context)


def _render(kind: str, article, options: dict, slots: dict) -> str:
    size = settings.STORY_CARD_MEMO_SIZE
    if size <= 0:  # _facts() is not free: no key when nothing is kept
        return _build(kind, article, options, slots)
    search_lead = bool(slots[LEAD_SLOT]) if TITLE_SLOT in slots else None
    key = (kind, get_language(), search_lead, tuple(sorted(options.items())), _facts(article))
    return _memo.remember(key, lambda: _build(kind, article, options, slots), size)


def _filled(kind: str, article, options: dict) -> SafeString:
    pages.shows(article.pk)
    slots = _slots(article)
    html = _render(kind, article, options, slots)
    # Every value is escaped already: a number, or highlight()'s escaped markup.
    return mark_safe(memo.fill(html, slots))  # noqa: S308


def story_card(article, **options) -> SafeString:
    """The card of ``article`` (``partials/article_card.html``) with ``options``."""
    return _filled(CARD_TEMPLATE, article, options)


def story_compact(article, *, hide_region: bool = False) -> SafeString:
    """``article`` in a compact list (Similar news, Top news, region blocks): its linked
    title and meta line."""
    return _filled(COMPACT, article, {"hide_region": hide_region} if hide_region else {})


def region_blocks_html(*, per_region: int = 3) -> SafeString:
    """The home page's block per region, rendered once per content change.

    The fragment holds a placeholder for each story's view count, filled in on every page
    from one query by primary key: the counts stay as fresh as the page, and the page loads
    no story objects, no bylines and no regions for the blocks.
    """

    def build() -> tuple[str, list[int]]:
        blocks = selectors.region_blocks_uncached(per_region=per_region)
        stories = [story for _region, items in blocks for story in items]
        prefetch_related_objects(stories, bylines_prefetch())
        for story in stories:
            story.period_views = _count_slot(story.pk)  # what views_of() shows
        html = render_to_string("partials/region_blocks.html", {"region_blocks": blocks})
        return html, [story.pk for story in stories]

    html, ids = cache.fragment(f"region-blocks-html:{per_region}:{get_language()}", build)
    pages.shows(*ids)
    counts = dict(Article.objects.filter(pk__in=ids).values_list("pk", "view_count"))
    filled = _COUNT_SLOT.sub(lambda match: str(counts.get(int(match.group(1)), 0)), html)
    return mark_safe(filled)  # noqa: S308 - rendered by our templates, a number per slot
