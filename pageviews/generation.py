"""The "pageviews generation": part of every most-read cache key, bumped to make them fresh.

A flush (new numbers) and a publish, edit or unpublish (new candidates) bump it. It lives in
the Django cache, so with Redis every worker sees a bump at once; with the local-memory
cache only the bumping worker does, and the others follow within the 60-second timeout.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

KEY = "pageviews:generation"


def current() -> int | None:
    """The current generation, or None when the cache does not answer (then do not cache)."""
    try:
        value = cache.get(KEY)
        if value is None:
            # A time-based start, so a generation lost with an evicted key is never reused.
            cache.add(KEY, time.time_ns(), timeout=None)
            value = cache.get(KEY)
        return value
    except Exception:
        logger.warning("pageviews: the cache does not answer", exc_info=True)
        return None


def bump() -> None:
    try:
        cache.incr(KEY)
    except ValueError:
        cache.add(KEY, time.time_ns(), timeout=None)
    except Exception:
        logger.warning("pageviews: could not bump the most-read generation", exc_info=True)
