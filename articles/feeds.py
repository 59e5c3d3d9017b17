"""RSS 2.0 feeds of the latest published stories: all, per region, per tag."""

import copy
import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from articles.models import Article
from articles.selectors import public_tags
from core.links import absolute_url
from core.listing import get_by_slug
from core.media import stored_size
from regions.models import Region

FEED_LENGTH = 30


class LatestFeed(Feed):
    """Every URL in the feed is made absolute here, from ``SITE_URL`` or the request.

    Feed objects are shared by all requests (urls.py holds one instance), so each request
    works on a shallow copy that carries its request.
    """

    request = None

    def __call__(self, request, *args, **kwargs):
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def _absolute(self, path: str) -> str:
        return absolute_url(self.request, path)

    def stories(self, obj) -> QuerySet[Article]:
        return Article.objects.published()

    def items(self, obj):
        return self.stories(obj).for_cards().prefetch_related("tags").latest_first()[:FEED_LENGTH]

    def title(self, obj):
        return settings.SITE_NAME

    def description(self, obj):
        return _("The latest regional news of Kazakhstan.")

    def link(self, obj):
        return self._absolute("/")

    def feed_url(self, obj):
        return self._absolute(self.request.path)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return self._absolute(item.get_absolute_url())

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.byline_authors) or None

    def item_categories(self, item):
        return sorted(tag.name for tag in item.tags.all())

    def item_enclosure_url(self, item):
        return self._absolute(item.cover_image.url) if item.cover_image else None

    def item_enclosure_length(self, item):
        return stored_size(item.cover_image)

    def item_enclosure_mime_type(self, item):
        return mimetypes.guess_type(item.cover_image.name)[0] or "image/jpeg"


class RegionFeed(LatestFeed):
    def get_object(self, request, slug):
        return get_by_slug(Region.objects.all(), slug)

    def stories(self, obj):
        return Article.objects.published().in_region(obj)

    def title(self, obj):
        return f"{obj.name} — {settings.SITE_NAME}"

    def description(self, obj):
        return _("The latest news of %(region)s.") % {"region": obj.name}

    def link(self, obj):
        return self._absolute(obj.get_absolute_url())


class TagFeed(LatestFeed):
    def get_object(self, request, slug):
        return get_by_slug(public_tags(), slug)

    def stories(self, obj):
        return Article.objects.published().tagged(obj)

    def title(self, obj):
        return f"#{obj.name} — {settings.SITE_NAME}"

    def description(self, obj):
        return _("The latest news tagged “%(tag)s”.") % {"tag": obj.name}

    def link(self, obj):
        return self._absolute(obj.get_absolute_url())
