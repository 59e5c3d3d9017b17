"""``/sitemap.xml`` (stories, regions, tags, authors) and the Google News ``/sitemap-news.xml``.

URLs are absolute on ``SITE_URL`` when it is set, else on the request's scheme and host
(Django passes a RequestSite because django.contrib.sites is not installed).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage
from django.db.models import Max
from django.utils import timezone

from articles.models import Article, published_condition
from articles.selectors import public_authors, public_tags
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
    """A short section: all on ``?p=1``, nothing on the later pages that only stories fill."""

    def get_urls(self, page=1, site=None, protocol=None):
        try:
            return super().get_urls(page=page, site=site, protocol=protocol)
        except EmptyPage:
            if int(page) > 1:
                return []
            raise

    def lastmod(self, item):
        return item.last_published_at


def _latest_published(path: str) -> Max:
    """The newest publish time of the published stories reached through ``path``."""
    return Max(f"{path}__published_at", filter=published_condition(f"{path}__"))


class ArticleSitemap(PortalSitemap):
    # Newest first, so page 1 always holds the fresh stories; older ones continue on ?p=2...
    # 10,000 URLs render in about a second (50,000, the protocol's maximum, would take five).
    limit = 10_000

    def items(self):
        return Article.objects.published().only("pk", "slug", "updated_at").latest_first()

    def lastmod(self, item):
        return item.updated_at


class RegionSitemap(ListingSitemap):
    def items(self):
        return (
            Region.objects.active()
            .annotate(last_published_at=_latest_published("articles"))
            .order_by("position", "name")
        )


class TagSitemap(ListingSitemap):
    def items(self):
        return (
            public_tags()
            .annotate(last_published_at=_latest_published("tagged_articles__content_object"))
            .order_by("name")
        )


class AuthorSitemap(ListingSitemap):
    def items(self):
        return (
            public_authors()
            .annotate(last_published_at=_latest_published("bylines__article"))
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
