"""Counting settings, read at call time so tests can switch them with ``settings``."""

from django.conf import settings

DEFAULTS = {
    # The same reader opening the same story again within this window is not counted again.
    "PAGEVIEWS_DEDUPE_SECONDS": 30 * 60,
    # The Redis buffer is flushed once its oldest read is this old (plus up to one check
    # interval): well inside the promise that a read shows within 90 seconds.
    "PAGEVIEWS_FLUSH_AFTER_SECONDS": 30,
    # Distinct readers of one story counted from one client address (an IPv6 /64) within
    # the dedupe window; 0 = no cap. A script rotating reader ids or user agents from one
    # machine stops here, while a carrier NAT shared by a town stays far below it for a
    # regional story (README, "Counting reads").
    "PAGEVIEWS_READERS_PER_ADDRESS": 50,
    "PAGEVIEWS_FLUSH_BATCH_SIZE": 500,
    # Each worker checks the buffer's age this often, so numbers move without cron or traffic.
    "PAGEVIEWS_FLUSH_THREAD": True,
    "PAGEVIEWS_FLUSH_CHECK_SECONDS": 10,
    # The Redis holding the read buffer; empty: REDIS_URL. Its own server is best: the page
    # cache wants allkeys-lru, and eviction under that policy would drop buffered reads.
    "PAGEVIEWS_REDIS_URL": "",
    "PAGEVIEWS_REDIS_PREFIX": "pv",
    # After a Redis error, count in the database for this long before trying Redis again.
    "PAGEVIEWS_REDIS_RETRY_SECONDS": 5,
    # Empty: the reader's IP is REMOTE_ADDR. Behind a proxy, e.g. "HTTP_X_FORWARDED_FOR".
    "PAGEVIEWS_CLIENT_IP_HEADER": "",
    # Without Redis nothing announces new reads, so this is how stale most-read may be.
    "PAGEVIEWS_MOST_READ_CACHE_SECONDS": 30,
    # On PostgreSQL a counted read's commit does not wait for the disk unless this is True:
    # a database crash could then lose the last fraction of a second of reads (never double
    # them), which is what makes the database path fast enough without Redis.
    "PAGEVIEWS_DURABLE_COMMIT": False,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def redis_url() -> str:
    """Where reads are buffered: PAGEVIEWS_REDIS_URL, else REDIS_URL; empty: no buffer."""
    return get("PAGEVIEWS_REDIS_URL") or settings.REDIS_URL
