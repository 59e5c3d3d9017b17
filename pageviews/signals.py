"""Cache invalidation when an article changes (no business logic here)."""

import functools
import logging

import redis
from django.db import transaction

from core import cache
from pageviews import buffer, conf

logger = logging.getLogger(__name__)


def article_changed(sender, instance, **kwargs) -> None:
    """A publish, unpublish, reschedule, edit or delete: most-read and "is it live" are stale.

    Done at once and again after the commit: until the unpublish commits, a concurrent read
    still finds the story published and marks it live for a minute (and a most-read ranking
    built meanwhile still lists it); only a second pass after the commit leaves nothing behind.
    """
    forget = functools.partial(_forget, instance.pk)
    forget()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(forget, robust=True)


def _forget(article_id: int) -> None:
    cache.bump_counts()
    if conf.redis_url():
        try:
            buffer.forget_live(article_id)
        except redis.RedisError:
            # The key expires within a minute by itself.
            logger.warning("pageviews: Redis does not answer; live mark left to expire")
