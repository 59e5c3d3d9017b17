# Scaffolding: replaced by the feeds work.
from django.contrib.syndication.views import Feed


class LatestFeed(Feed):
    title = link = description = "/"

    def items(self):
        return []


class TagFeed(LatestFeed):
    pass


class RegionFeed(LatestFeed):
    pass
