"""``/sitemap.xml`` (stories, regions, tags, authors) and the Google News ``/sitemap-news.xml``.

URLs are absolute on ``SITE_URL`` when it is set, else on the request's scheme and host
(Django passes a RequestSite because django.contrib.sites is not installed).
"""

from datetime import timedelta
from xml.sax.saxutils import escape as xml_escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sites.requests import RequestSite
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article, Byline, Tag, TaggedArticle, published_condition
from authors.models import Author
from core import cache
from core.links import site_url_parts
from regions.models import Region

NEWS_WINDOW = timedelta(days=2)
# Google News reads at most 1,000 stories from one news sitemap.
NEWS_LIMIT = 1000
NEWS_LANGUAGE = "kk"


class PortalSitemap(Sitemap):
    def get_protocol(self, protocol=None):
        configured = site_url_parts()
        return configured[0] if configured else super().get_protocol(protocol)

    def get_domain(self, site=None):
        configured = site_url_parts()
        return configured[1] if configured else super().get_domain(site)


class ListingSitemap(PortalSitemap):
    """A short section: all on ``?p=1``, nothing (and no query) on the later pages.

    ``lastmod`` is the publish time of the listing's newest story by id, found with one short
    backward index scan per listing: a ``Max`` over every story of every tag took a second
    at 100,000 stories. Ids grow with creation, so a story scheduled long after it was
    written can make ``lastmod`` a little early, which only makes a crawler come back later.
    Tags and authors without a published story are left out (``public_tags``' rule).
    """

    url_name = ""  # the listing page's URL name; its only argument is the slug

    def get_urls(self, page=1, site=None, protocol=None):
        if _sitemap_page_number(page) > 1:
            return []
        prefix = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        # One reverse() for the section, not one per row: thousands of tags took 0.5 s.
        head, tail = reverse(self.url_name, kwargs={"slug": "-"}).split("/-/")
        # One lastmod per listing (2,000 tags: about 30 ms of index scans) changes only with
        # the content, so the rows are a fragment under the content generation.
        rows = cache.fragment(
            f"sitemap-listing:{self.url_name}",
            lambda: list(self.items().values_list("slug", "last_published_at")),
        )
        return [
            {"location": f"{prefix}{head}/{slug}/{tail}", "lastmod": lastmod}
            for slug, lastmod in rows
        ]


def _newest_publish_time(rows, story: str) -> Subquery:
    """The publish time of the newest (highest id) published story among ``rows``, which
    reach their story through the field ``story``."""
    live = rows.filter(published_condition(f"{story}__")) if story else rows.published()
    order = f"-{story}_id" if story else "-pk"
    field = f"{story}__published_at" if story else "published_at"
    return Subquery(live.order_by(order).values(field)[:1])


class ArticleSitemap(PortalSitemap):
    """Published stories, newest first: page 1 always holds the fresh ones.

    A deep page is found without COUNT(*) and without reading the rows it skips: its first
    story comes from the publish-time index alone (an index-only scan of the partial index
    ``article_published_latest``), then the page is one bounded range of that index. Rows come
    back as tuples and become XML without templates (``sitemap_view``): 10,000 model
    instances through the sitemap template took about a second.
    """

    limit = 5_000

    def items(self):
        return Article.objects.published().latest_first()

    def get_urls(self, page=1, site=None, protocol=None):
        number = _sitemap_page_number(page)
        rows = self._page_rows(number)
        if not rows and number > 1:
            raise EmptyPage
        prefix = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        path = reverse("articles:detail", kwargs={"pk": 0, "slug": "-"})
        head, tail = path.split("/0/-/")
        self.latest_lastmod = max((updated for _, _, updated in rows), default=None)
        return [
            {"location": f"{prefix}{head}/{pk}/{slug}/{tail}", "lastmod": updated}
            for pk, slug, updated in rows
        ]

    def _page_rows(self, number: int) -> list[tuple]:
        stories = self.items()
        if number > 1:
            first = stories.values_list("published_at", "pk")[(number - 1) * self.limit :][:1]
            first = next(iter(first), None)
            if first is None:
                return []
            at, pk = first
            stories = stories.filter(published_at__lte=at).filter(
                Q(published_at__lt=at) | Q(pk__lte=pk)
            )
        return list(stories.values_list("pk", "slug", "updated_at")[: self.limit])


def _sitemap_page_number(page) -> int:
    try:
        number = int(page)
    except (TypeError, ValueError):
        raise PageNotAnInteger from None
    if number < 1:
        raise EmptyPage
    return number


class RegionSitemap(ListingSitemap):
    url_name = "regions:detail"

    def items(self):
        return (
            Region.objects.active()
            .annotate(
                last_published_at=_newest_publish_time(
                    Article.objects.filter(region=OuterRef("pk")), ""
                )
            )
            # Every active region, even before its first story: the page exists.
            .order_by("position", "name")
        )


class TagSitemap(ListingSitemap):
    url_name = "articles:tag"

    def items(self):
        return (
            Tag.objects.annotate(
                last_published_at=_newest_publish_time(
                    TaggedArticle.objects.filter(tag=OuterRef("pk")), "content_object"
                )
            )
            .filter(last_published_at__isnull=False)
            .order_by("name")
        )


class AuthorSitemap(ListingSitemap):
    url_name = "authors:detail"

    def items(self):
        return (
            Author.objects.annotate(
                last_published_at=_newest_publish_time(
                    Byline.objects.filter(author=OuterRef("pk")), "article"
                )
            )
            .filter(last_published_at__isnull=False)
            .order_by("name")
        )


class NewsSitemap(PortalSitemap):
    """Stories of the last two days, as Google News wants them (``sitemaps/news.xml``)."""

    limit = NEWS_LIMIT

    def items(self):
        now = timezone.now()
        return (
            Article.objects.published(at=now)
            .filter(published_at__gte=now - NEWS_WINDOW)
            .only("pk", "slug", "title", "published_at")
            .latest_first()[:NEWS_LIMIT]
        )

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["publication_name"] = settings.SITE_NAME
            url["language"] = NEWS_LANGUAGE
            published_at = timezone.localtime(url["item"].published_at).replace(microsecond=0)
            url["publication_date"] = published_at.isoformat()
        return urls


sitemaps = {
    "articles": ArticleSitemap,
    "regions": RegionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
news_sitemaps = {"news": NewsSitemap}


_URLSET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
)


def sitemap_view(request, sitemaps):
    """``/sitemap.xml``: every section's page ``?p=N`` as one urlset, written without templates.

    Same answers as Django's sitemap view (404 for a page past the end or not a number,
    ``Last-Modified`` from the newest entry), at a fraction of its cost for thousands of stories.
    """
    page = request.GET.get("p", 1)
    site = RequestSite(request)
    urls = []
    try:
        for section in sitemaps.values():
            urls.extend(section().get_urls(page=page, site=site, protocol=request.scheme))
    except (EmptyPage, PageNotAnInteger):
        raise Http404(f"No sitemap page {page!r}") from None
    zone = timezone.get_current_timezone()
    lines = [_URLSET_HEAD]
    for url in urls:
        # xml.sax's escape: Django's (lazy, for HTML) cost more than the rest of each line.
        location = xml_escape(url["location"])
        lastmod = url.get("lastmod")
        if lastmod:
            day = lastmod.astimezone(zone).date().isoformat()
            lines.append(f"<url><loc>{location}</loc><lastmod>{day}</lastmod></url>")
        else:
            lines.append(f"<url><loc>{location}</loc></url>")
    newest = max((url["lastmod"] for url in urls if url.get("lastmod")), default=None)
    lines.append("</urlset>\n")
    response = HttpResponse("".join(lines), content_type="application/xml")
    if newest is not None:
        response["Last-Modified"] = http_date(newest.timestamp())
    return response
