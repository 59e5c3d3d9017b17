"""The Redis side of counting: the 30-minute reader memory and the buffer of counted reads.

Keys (``pv`` is PAGEVIEWS_REDIS_PREFIX):
- ``pv:live:<article>``: the article is published (checked in the database a moment ago);
  dropped when the article is saved or deleted, and expires after a minute anyway.
- ``pv:seen:<article>:<reader>``: a reader read the article; expires after 30 minutes.
- ``pv:buffer``: hash ``"<article id>:<yyyy-mm-dd>" -> reads`` not yet in the database.
- ``pv:since``: when the oldest read in the buffer arrived (unix seconds).
- ``pv:flush:<id>``: a buffer renamed by a flush; ``pv:pending`` lists those not yet done;
  ``pv:flush:<id>:size`` the batch size it is cut into (batch ids are its slices).
- ``pv:lock``: taken by the worker flushing because the buffer is due.
"""

import functools
import time
import uuid
from dataclasses import dataclass
from datetime import date

import redis
from django.conf import settings

from pageviews import conf

COUNTED, SEEN, UNKNOWN = 1, 0, -1

# Check the article is live, remember the reader and count the read: one round trip, one
# atomic step. ARGV[4] = "1" when the caller has just checked the article in the database.
COUNT_SCRIPT = """
if ARGV[4] ~= '1' and redis.call('EXISTS', KEYS[4]) == 0 then
  return {-1, false}
end
local counted = 0
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
  redis.call('SET', KEYS[3], ARGV[3], 'NX')
  counted = 1
end
return {counted, redis.call('GET', KEYS[3])}
"""

# Move the buffer aside under a name of its own (readers go on filling a new buffer) and
# note the name, both or neither; return every moved buffer not yet flushed.
SWAP_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], ARGV[1])
  redis.call('SADD', KEYS[3], ARGV[1])
end
redis.call('DEL', KEYS[2])
return redis.call('SMEMBERS', KEYS[3])
"""

RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass(frozen=True)
class BufferedRead:
    article_id: int
    day: date
    count: int


def key(*parts) -> str:
    return ":".join([conf.get("PAGEVIEWS_REDIS_PREFIX"), *map(str, parts)])


@functools.lru_cache(maxsize=8)
def _client_for(url: str) -> redis.Redis:
    # Short timeouts: a sick Redis must not hold a reader's request; the database takes over.
    return redis.Redis.from_url(
        url, socket_connect_timeout=0.5, socket_timeout=1.0, health_check_interval=30
    )


@functools.lru_cache(maxsize=32)
def _script(url: str, source: str):
    # Sent by its hash (EVALSHA), not as text on every read.
    return _client_for(url).register_script(source)


def _url() -> str:
    # The buffer may live in a Redis of its own (noeviction, persisted) apart from the cache.
    return getattr(settings, "PAGEVIEWS_REDIS_URL", "") or settings.REDIS_URL


def client() -> redis.Redis | None:
    return _client_for(_url()) if settings.REDIS_URL else None


def count(
    *, article_id: int, reader: str, day: date, checked: bool = False, now: float | None = None
) -> tuple[int, float]:
    """Count a read unless the reader read it lately or the article is not known to be live.

    Return (COUNTED, SEEN or UNKNOWN; the buffer's start time).
    """
    now = time.time() if now is None else now
    status, since = _script(_url(), COUNT_SCRIPT)(
        keys=[
            key("seen", article_id, reader),
            key("buffer"),
            key("since"),
            key("live", article_id),
        ],
        args=[
            conf.get("PAGEVIEWS_DEDUPE_SECONDS"),
            f"{article_id}:{day.isoformat()}",
            int(now),  # rounded down: never "younger" than it is
            "1" if checked else "0",
        ],
    )
    return status, float(since) if since else 0.0


def remember_live(article_id: int) -> None:
    client().set(key("live", article_id), "1", ex=60)


def forget_live(article_id: int) -> None:
    client().delete(key("live", article_id))


def is_due(*, now: float | None = None, after_seconds: float | None = None) -> bool:
    r = client()
    since = r.get(key("since"))
    if since is None:
        # No start time: due only if something is waiting (a start key lost, a killed flush).
        return bool(r.exists(key("buffer")) or r.scard(key("pending")))
    now = time.time() if now is None else now
    if after_seconds is None:
        after_seconds = conf.get("PAGEVIEWS_FLUSH_AFTER_SECONDS")
    return now - float(since) >= after_seconds


def swap() -> list[str]:
    """Rename the live buffer for flushing; return every renamed buffer still to apply."""
    flush_key = key("flush", uuid.uuid4().hex)
    pending = client().eval(SWAP_SCRIPT, 3, key("buffer"), key("since"), key("pending"), flush_key)
    return sorted(name.decode() for name in pending)


def read_flush(flush_key: str) -> list[BufferedRead]:
    """A renamed buffer's reads in a fixed order, so a re-run cuts the same batches."""
    reads = []
    for field, value in client().hgetall(flush_key).items():
        try:
            article_id, day = field.decode().split(":")
            reads.append(BufferedRead(int(article_id), date.fromisoformat(day), int(value)))
        except ValueError:
            continue
    return sorted(reads, key=lambda read: (read.article_id, read.day))


def batch_size_for(flush_key: str, wanted: int) -> int:
    """The batch size this renamed buffer was first cut with, so every run cuts it alike."""
    r = client()
    size_key = flush_key + ":size"
    r.set(size_key, wanted, nx=True)
    return int(r.get(size_key) or wanted)


def forget_flush(flush_key: str) -> None:
    """Drop a renamed buffer once every batch of it is committed to the database."""
    r = client()
    r.delete(flush_key, flush_key + ":size")
    r.srem(key("pending"), flush_key)


def acquire_lock(ttl: int = 120) -> str | None:
    token = uuid.uuid4().hex
    return token if client().set(key("lock"), token, nx=True, ex=ttl) else None


def release_lock(token: str) -> None:
    client().eval(RELEASE_SCRIPT, 1, key("lock"), token)
