"""The beacon that counts a read of the story a page shows."""

import logging

import redis
from django import template

from pageviews import buffer, conf

logger = logging.getLogger(__name__)
register = template.Library()


@register.inclusion_tag("pageviews/beacon.html")
def pageview_beacon(article):
    """The script (and no-script pixel) that counts a read of ``article``.

    The page is being rendered for a published story, so it marks the story live for the
    buffer, as a count would after asking the database: the beacon that follows a page
    rendered for a story nobody read lately (most of a long tail) then costs no query.
    """
    if conf.redis_url():
        try:
            buffer.remember_live(article.pk)
        except redis.RedisError:
            logger.warning("pageviews: Redis does not answer; the first read asks the database")
    return {"article": article}
