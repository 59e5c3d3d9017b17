"""Public article pages: the story, the news list, tag pages and most-read."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from articles.models import Article, Tag
from articles.selectors import (
    article_related_list,
    article_tags_with_usage,
    bylines_prefetch,
    story_cards,
)
from pageviews.periods import PERIOD_DAYS, normalize_period
from pageviews.selectors import most_read

PER_PAGE = 12
# Saves within minutes of publishing are the publishing itself, not a later correction.
EDIT_GRACE = timedelta(minutes=10)
TOP_PER_PAGE = 20
# Most-read pages rank everything up to the page asked for, so they stop at 500 stories.
TOP_MAX_PAGE = 25
# Bounds the OFFSET a request can ask for (120,000 stories deep is far past any reader).
MAX_PAGE = 10_000
PERIOD_LABELS = {
    "day": pgettext_lazy("most read period", "Today"),
    "week": pgettext_lazy("most read period", "Week"),
    "month": pgettext_lazy("most read period", "Month"),
    "all": pgettext_lazy("most read period", "All time"),
}


@dataclass
class ShowMorePage:
    items: list
    number: int
    has_next: bool

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_number(request) -> int:
    """Return the requested ``?page=`` (1 when absent); 404 when it is not a usable number."""
    raw = request.GET.get("page", "").strip() or "1"
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise Http404(_("No such page."))
    number = int(raw)
    if not 1 <= number <= MAX_PAGE:
        raise Http404(_("No such page."))
    return number


def paginate(request, queryset, *, per_page: int = PER_PAGE) -> ShowMorePage:
    """Slice one page without COUNT(*): one row more than a page tells if another follows."""
    number = page_number(request)
    start = (number - 1) * per_page
    items = list(queryset[start : start + per_page + 1])
    if not items and number > 1:
        raise Http404(_("No such page."))
    page = ShowMorePage(items[:per_page], number, len(items) > per_page)
    prefetch_related_objects(page.items, bylines_prefetch())
    return page


def get_by_slug(queryset, slug: str):
    """``get_object_or_404`` by slug; a NUL character (PostgreSQL refuses it) is not found."""
    if "\x00" in slug:
        raise Http404
    return get_object_or_404(queryset, slug=slug)


def wants_partial(request) -> bool:
    partial = request.GET.get("partial", "")
    return partial not in ("", "0") or "X-Requested-With" in request.headers


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
        response = render(request, "partials/article_list_items.html", {"articles": page.items})
        response["X-Next-Url"] = next_url
    else:
        context = {**context, "articles": page.items, "page": page, "next_url": next_url}
        response = render(request, template, context)
    patch_vary_headers(response, ["X-Requested-With"])
    return response


def article_list(request):
    page = paginate(request, story_cards())
    return render_list(request, "articles/article_list.html", page, {})


def tag_detail(request, slug):
    tag = get_by_slug(Tag.objects.all(), slug)
    stories = story_cards().tagged(tag)
    return render_list(
        request, "articles/tag_detail.html", paginate(request, stories), {"tag": tag}
    )


def top(request):
    period = normalize_period(request.GET.get("period"))
    number = page_number(request)
    if number > TOP_MAX_PAGE:
        raise Http404(_("No such page."))
    ranked = most_read(period, limit=number * TOP_PER_PAGE + 1)
    items = ranked[(number - 1) * TOP_PER_PAGE : number * TOP_PER_PAGE]
    if not items and number > 1:
        raise Http404(_("No such page."))
    page = ShowMorePage(items, number, len(ranked) > number * TOP_PER_PAGE)
    periods = [(key, PERIOD_LABELS[key]) for key in PERIOD_DAYS]
    context = {
        "period": period,
        "period_label": PERIOD_LABELS[period],
        "periods": periods,
        "start_rank": (number - 1) * TOP_PER_PAGE + 1,
    }
    return render_list(request, "articles/top.html", page, context)


def article_redirect(request, pk):
    article = get_object_or_404(Article.objects.published().only("pk", "slug"), pk=pk)
    return HttpResponsePermanentRedirect(article.get_absolute_url())


def article_detail(request, pk, slug):
    article = Article.objects.published().select_related("region").filter(pk=pk).first()
    if article is None:
        raise Http404(_("No such story."))
    if article.slug != slug:
        return HttpResponsePermanentRedirect(article.get_absolute_url())
    return render_article_page(request, article)


def render_article_page(request, article: Article, *, preview: bool = False) -> HttpResponse:
    """The story page; the admin preview uses it too (never cached, never counted)."""
    tags = article_tags_with_usage(article)
    related = article_related_list(article, limit=5, tags=tags)
    prefetch_related_objects([article, *related], bylines_prefetch())
    edited = bool(article.published_at) and article.updated_at - article.published_at > EDIT_GRACE
    context = {
        "article": article,
        "tags": tags,
        "related": related,
        "preview": preview,
        "edited": edited,
    }
    response = render(request, "articles/article_detail.html", context)
    if preview:
        add_never_cache_headers(response)
    return response
