"""Public story pages: the story, the news list, and the story lists of a tag, region or author.

A region's or an author's story list lives here, not in ``regions`` or ``authors``: it is a
list of articles, and apps depend along their foreign keys (articles -> regions, authors).
"""

from datetime import timedelta

from django.db.models import Count, prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from articles.models import Article, bylines_prefetch, published_condition
from articles.selectors import (
    article_related_list,
    article_tags,
    latest_cards,
    public_authors,
    public_tags,
)
from authors.models import Author
from core import pages
from core.listing import get_by_slug, paginate, render_list
from regions.models import Region

# Saves within minutes of publishing are the publishing itself, not a later correction.
EDIT_GRACE = timedelta(minutes=10)


def article_list(request):
    page = paginate(request, latest_cards())
    return render_list(request, "articles/article_list.html", page, {})


def tag_detail(request, slug):
    tag = get_by_slug(public_tags(), slug)
    page = paginate(request, latest_cards().tagged(tag))
    return render_list(request, "articles/tag_detail.html", page, {"tag": tag})


def region_list(request):
    regions = Region.objects.active().annotate(
        story_count=Count("articles", filter=published_condition("articles__"))
    )
    return render(request, "regions/region_list.html", {"regions": regions})


def author_list(request):
    authors = (
        Author.objects.annotate(
            story_count=Count("bylines", filter=published_condition("bylines__article__"))
        )
        .filter(story_count__gt=0)
        .order_by("name")
    )
    return render(request, "authors/author_list.html", {"authors": authors})


def author_detail(request, slug):
    author = get_by_slug(public_authors().select_related("region"), slug)
    page = paginate(request, latest_cards().by_author(author))
    return render_list(request, "authors/author_detail.html", page, {"author": author})


def article_redirect(request, pk):
    article = get_object_or_404(Article.objects.published().only("pk", "slug"), pk=pk)
    return HttpResponsePermanentRedirect(article.get_absolute_url())


def article_detail(request, pk, slug):
    try:
        # get(), not first(): no ORDER BY for a lookup by primary key.
        article = Article.objects.published().select_related("region").get(pk=pk)
    except Article.DoesNotExist:
        raise Http404(_("No such story.")) from None
    if article.slug != slug:
        return HttpResponsePermanentRedirect(article.get_absolute_url())
    return render_article_page(request, article)


def render_article_page(request, article: Article, *, preview: bool = False) -> HttpResponse:
    """The story page; the admin preview uses it too (never cached, never counted)."""
    if not preview:
        # Cached, the page follows its story and those of its Similar news and Top news
        # (which the cards report), not every publish on the site.
        pages.follows_its_stories(article.pk)
    tags = article_tags(article, with_usage=article.similar_ids is None)
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
