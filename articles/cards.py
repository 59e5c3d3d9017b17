"""Story cards and compact list items, rendered once per change of what they show.

A card (title, lead, cover, bylines, region, date) appears on the home page, every list,
Similar news, Top news and search; rendering its templates was most of a cold page's time.
Each rendering is kept in a small per-process memo under a key made of everything the card
shows (and the language and the options of the card), so the key changes exactly when the
card would, and no save, flush or deploy has to remember to throw anything away: a key
that is never asked for again simply ages out. That is also why a process-local memo is
safe with several workers and servers: there is nothing to invalidate.

The view count is the one part that changes with every read, so the memo holds the card
with a placeholder that each page fills in with the number it has (total or period reads).
Search results fill two more placeholders with the highlighted title and snippet, so they
share the rendering of the story's card too.
"""

import re
import threading
from collections import OrderedDict

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from articles import selectors
from articles.models import Article, bylines_prefetch
from core import cache

# A private-use character: no story text can produce it, and escaping leaves it alone.
VIEWS_SLOT = "\ue000views\ue000"
TITLE_SLOT = "\ue000title\ue000"
LEAD_SLOT = "\ue000lead\ue000"
_SLOT = re.compile("\ue000(?:views|title|lead)\ue000")
# A story's view count in a fragment kept longer than counts stay fresh (region blocks).
_COUNT_SLOT = re.compile("\ue000n([0-9]+)\ue000")


def _count_slot(pk: int) -> str:
    return f"\ue000n{pk}\ue000"


CARD_TEMPLATE = "partials/article_card.html"
COMPACT_TEMPLATE = "partials/story_compact.html"


class _Memo:
    """A small least-recently-used map, safe for a threaded worker."""

    def __init__(self):
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value, size: int) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_memo = _Memo()


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


def _render(template_name: str, article, options: dict, slots: dict) -> str:
    context = {"article": article, **options, "views_slot": VIEWS_SLOT}
    if TITLE_SLOT in slots:
        context |= {"title_slot": TITLE_SLOT, "lead_slot": LEAD_SLOT if slots[LEAD_SLOT] else ""}
        options = {**options, "search_lead": bool(slots[LEAD_SLOT])}
    size = settings.STORY_CARD_MEMO_SIZE
    if size <= 0:
        return render_to_string(template_name, context)
    key = (template_name, get_language(), tuple(sorted(options.items())), _facts(article))
    html = _memo.get(key)
    if html is None:
        html = render_to_string(template_name, context)
        _memo.put(key, html, size)
    return html


def _filled(template_name: str, article, options: dict) -> SafeString:
    slots = _slots(article)
    html = _render(template_name, article, options, slots)
    # One pass, so nothing a filled-in value contains is taken for a placeholder. Every value
    # is escaped already: a number, or highlight()'s escaped markup.
    return mark_safe(_SLOT.sub(lambda match: slots.get(match.group(), ""), html))  # noqa: S308


def story_card(article, **options) -> SafeString:
    """The card of ``article`` (``partials/article_card.html``) with ``options``."""
    return _filled(CARD_TEMPLATE, article, options)


def story_compact(article, **options) -> SafeString:
    """``article`` in a compact list (``partials/story_compact.html``): title and meta line."""
    return _filled(COMPACT_TEMPLATE, article, options)


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
    counts = dict(Article.objects.filter(pk__in=ids).values_list("pk", "view_count"))
    filled = _COUNT_SLOT.sub(lambda match: str(counts.get(int(match.group(1)), 0)), html)
    return mark_safe(filled)  # noqa: S308 - rendered by our templates, a number per slot


def forget_all() -> None:
    """Empty this process's memo (tests, and a template edited under ``runserver``)."""
    _memo.clear()
