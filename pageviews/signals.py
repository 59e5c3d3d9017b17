"""Cache invalidation when an article changes (no business logic here)."""

import logging

import redis

from core import cache
from pageviews import buffer, conf

logger = logging.getLogger(__name__)


def article_changed(sender, instance, **kwargs) -> None:
    """A publish, unpublish, reschedule, edit or delete: most-read and "is it live" are stale."""
    cache.bump_counts()
    if conf.redis_url():
        try:
            buffer.forget_live(instance.pk)
        except redis.RedisError:
            # The key expires within a minute by itself.
            logger.warning("pageviews: Redis does not answer; live mark left to expire")
