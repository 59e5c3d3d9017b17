"""The "Show more" listing: one page of a list, or only its items for the page's script.

A list URL answers ``?page=N`` with the full page, and with only the list items when the
page's script asks with ``?partial=1``. That is the one rule: request headers never turn a
full page into a fragment, so a cache keyed on the URL can never store the wrong one.
"""

from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.slugs import SlugMoved, moved_to

PER_PAGE = 12
# Bounds the OFFSET a request can ask for (120,000 stories deep is far past any reader).
MAX_PAGE = 10_000
# Past this many rows a page skips over ids only (``_deep_slice``); nearer pages stay one query.
DEEP_OFFSET = 600
ITEMS_TEMPLATE = "partials/article_list_items.html"


@dataclass
class ShowMorePage:
    items: list
    number: int
    has_next: bool

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_number(request, *, last: int = MAX_PAGE) -> int:
    """Return the requested ``?page=`` (1 when absent); 404 when it is not a usable number."""
    raw = request.GET.get("page", "").strip() or "1"
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise Http404(_("No such page."))
    number = int(raw)
    if not 1 <= number <= last:
        raise Http404(_("No such page."))
    return number


def paginate(request, queryset, *, per_page: int = PER_PAGE) -> ShowMorePage:
    """Slice one page without COUNT(*): one row more than a page tells if another follows.

    The queryset brings its own prefetches (``for_cards()``), applied to this page only.
    """
    number = page_number(request)
    start = (number - 1) * per_page
    if start < DEEP_OFFSET:
        items = list(queryset[start : start + per_page + 1])
    else:
        items = _deep_slice(queryset, start, per_page + 1)
    return page_of(items, number, per_page=per_page, start=0)


def _deep_slice(queryset, start: int, count: int) -> list:
    """Rows ``start`` to ``start + count`` without reading every skipped row.

    An OFFSET of 60,000 stories fetched 60,000 table rows only to drop them (about 0.7 s);
    skipping over the ids alone walks the index (an index-only scan where the list has one),
    then one query by primary key loads the page with the queryset's own joins and prefetches.
    """
    ids = list(queryset.values_list("pk", flat=True)[start : start + count])
    rows = queryset.model._default_manager.none() if not ids else queryset.filter(pk__in=ids)
    by_pk = {row.pk: row for row in rows.order_by()}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def page_of(items: list, number: int, *, per_page: int, start: int | None = None) -> ShowMorePage:
    """Page ``number`` of an already loaded list (one item more than a page, or all of it)."""
    if start is None:
        start = (number - 1) * per_page
    chunk = items[start : start + per_page]
    if not chunk and number > 1:
        raise Http404(_("No such page."))
    return ShowMorePage(chunk, number, len(items) > start + per_page)


def get_by_slug(queryset, slug: str):
    """``get_object_or_404`` by slug; a NUL character (PostgreSQL refuses it) is not found.

    A slug the object had before a rename raises ``SlugMoved`` (answered with a 301).
    """
    if "\x00" in slug:
        raise Http404
    found = queryset.filter(slug=slug).first()
    if found is not None:
        return found
    moved = moved_to(queryset, slug)
    if moved is None:
        raise Http404
    raise SlugMoved(slug, moved.slug)


def wants_partial(request) -> bool:
    return request.GET.get("partial", "") not in ("", "0")


def next_page_url(request, page: ShowMorePage) -> str:
    if not page.has_next:
        return ""
    query = request.GET.copy()
    query.pop("partial", None)
    query["page"] = str(page.next_page_number)
    return f"{request.path}?{query.urlencode()}"


def render_list(request, template: str, page: ShowMorePage, context: dict) -> HttpResponse:
    """A full list page, or only its ``<li>`` items when the page's script asks for more."""
    next_url = next_page_url(request, page)
    if wants_partial(request):
        response = render(request, ITEMS_TEMPLATE, {"articles": page.items})
        response["X-Next-Url"] = next_url
        return response
    context = {**context, "articles": page.items, "page": page, "next_url": next_url}
    return render(request, template, context)
