"""The Redis side of counting: the 30-minute reader memory and the buffer of counted reads.

Keys (``pv`` is PAGEVIEWS_REDIS_PREFIX):
- ``pv:live:<article>``: the article is published (checked in the database a moment ago);
  dropped when the article is saved or deleted, and expires after a minute anyway.
- ``pv:seen:<article>:<reader>``: a reader read the article; expires after 30 minutes.
- ``pv:from:<article>:<address>``: sorted set of the readers counted from one address (its
  keyed hash), scored by when; entries older than 30 minutes are dropped as it is used, the
  key expires 30 minutes after its last counted reader.
- ``pv:buffer``: hash ``"<article id>:<yyyy-mm-dd>" -> reads`` not yet in the database.
- ``pv:since``: when the oldest read in the buffer arrived (unix seconds).
- ``pv:flush:<id>``: a buffer renamed by a flush, with the batch size it is cut into in its
  ``#size`` field (batch ids are its slices); ``pv:pending`` lists those not yet done.
- ``pv:lock``: taken by the worker flushing because the buffer is due.
"""

import functools
import time
import uuid
from dataclasses import dataclass
from datetime import date

import redis

from pageviews import conf

COUNTED, SEEN, UNKNOWN = 1, 0, -1

# Check the article is live, check the address has room for another reader, remember the
# reader and count the read: one round trip, one atomic step, so readers racing from one
# address cannot all squeeze under the cap. ARGV[4] = "1" when the caller has just checked
# the article in the database; ARGV[5] the cap (0: none), ARGV[6] the reader, ARGV[7] now
# and ARGV[8] the oldest time still inside the window.
COUNT_SCRIPT = """
if ARGV[4] ~= '1' and redis.call('EXISTS', KEYS[4]) == 0 then
  return {-1, false}
end
local counted = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  local cap = tonumber(ARGV[5])
  local room = true
  if cap > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', ARGV[8])
    room = redis.call('ZSCORE', KEYS[5], ARGV[6]) or redis.call('ZCARD', KEYS[5]) < cap
  end
  if room then
    redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
    if cap > 0 then
      redis.call('ZADD', KEYS[5], ARGV[7], ARGV[6])
      redis.call('EXPIRE', KEYS[5], ARGV[1])
    end
    redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
    redis.call('SET', KEYS[3], ARGV[3], 'NX')
    counted = 1
  end
end
return {counted, redis.call('GET', KEYS[3])}
"""

# Move the buffer aside under a name of its own (readers go on filling a new buffer), write
# into it the batch size it will be cut into and note the name: all or nothing. The size
# lives inside the buffer, not beside it, because batch ids are slices: a buffer that
# outlived its size (a key evicted or lost on its own) would be re-cut by a retry with
# another size, and batches already applied under those ids would count twice.
# Return every moved buffer not yet flushed.
SWAP_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], ARGV[1])
  redis.call('HSET', ARGV[1], ARGV[3], ARGV[2])
  redis.call('SADD', KEYS[3], ARGV[1])
end
redis.call('DEL', KEYS[2])
return redis.call('SMEMBERS', KEYS[3])
"""

# Reads are "<article id>:<day>" fields; this one cannot be mistaken for one.
SIZE_FIELD = "#size"

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


def client() -> redis.Redis | None:
    url = conf.redis_url()
    return _client_for(url) if url else None


def count(
    *,
    article_id: int,
    reader: str,
    day: date,
    address: str | None = None,
    checked: bool = False,
    now: float | None = None,
) -> tuple[int, float]:
    """Count a read unless the reader read it lately, ``address`` has had its share of
    readers of the article, or the article is not known to be live.

    Return (COUNTED, SEEN or UNKNOWN; the buffer's start time); SEEN covers the cap too.
    """
    now = time.time() if now is None else now
    window = conf.get("PAGEVIEWS_DEDUPE_SECONDS")
    cap = conf.get("PAGEVIEWS_READERS_PER_ADDRESS") if address is not None else 0
    status, since = _script(conf.redis_url(), COUNT_SCRIPT)(
        keys=[
            key("seen", article_id, reader),
            key("buffer"),
            key("since"),
            key("live", article_id),
            key("from", article_id, address or "-"),
        ],
        args=[
            window,
            f"{article_id}:{day.isoformat()}",
            int(now),  # rounded down: never "younger" than it is
            "1" if checked else "0",
            max(int(cap), 0),
            reader,
            repr(now),
            repr(now - window),
        ],
    )
    return status, float(since) if since else 0.0


def remember_live(article_id: int) -> None:
    client().set(key("live", article_id), "1", ex=60)


def forget_live(article_id: int) -> None:
    r = client()
    if r is not None:
        r.delete(key("live", article_id))


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


def swap(*, batch_size: int) -> list[str]:
    """Rename the live buffer for flushing, to be cut into ``batch_size`` batches; return
    every renamed buffer still to apply (older ones keep the size they were renamed with)."""
    flush_key = key("flush", uuid.uuid4().hex)
    pending = client().eval(
        SWAP_SCRIPT,
        3,
        key("buffer"),
        key("since"),
        key("pending"),
        flush_key,
        int(batch_size),
        SIZE_FIELD,
    )
    return sorted(name.decode() for name in pending)


def read_flush(flush_key: str) -> list[BufferedRead]:
    """A renamed buffer's reads in a fixed order, so a re-run cuts the same batches."""
    reads = []
    for field, value in client().hgetall(flush_key).items():
        if field == SIZE_FIELD.encode():
            continue
        try:
            article_id, day = field.decode().split(":")
            reads.append(BufferedRead(int(article_id), date.fromisoformat(day), int(value)))
        except ValueError:
            continue
    return sorted(reads, key=lambda read: (read.article_id, read.day))


def batch_size_for(flush_key: str, wanted: int) -> int:
    """The batch size this renamed buffer was renamed with, so every run cuts it alike.

    ``wanted`` serves only a buffer without one: renamed before sizes were stored inside
    (their size, if any, is in the old ``:size`` key), or already dropped by another flush
    (then there is nothing left to cut).
    """
    r = client()
    size = r.hget(flush_key, SIZE_FIELD)
    if size is not None:
        return int(size)
    size_key = flush_key + ":size"
    r.set(size_key, wanted, nx=True)
    return int(r.get(size_key) or wanted)


def forget_flush(flush_key: str) -> None:
    """Drop a renamed buffer once every batch of it is committed to the database."""
    r = client()
    r.delete(flush_key, flush_key + ":size")
    r.srem(key("pending"), flush_key)


def health() -> str | None:
    """The counting Redis for /health/: "ok" or "warning: ..."; None when there is none.

    Buffered reads exist nowhere else until the flush. Any policy but noeviction loses
    something under memory pressure: allkeys-* the buffer itself, volatile-* the 30-minute
    reader and address memory (keys with a TTL), so a reader is counted twice or the cap
    forgotten. A Redis that keeps nothing across a restart loses the buffer too. Raises
    RedisError when it does not answer.
    """
    r = client()
    if r is None:
        return None
    # INFO, not CONFIG GET: managed Redis services often refuse CONFIG.
    info = r.info()
    problems = []
    policy = info.get("maxmemory_policy", "")
    if policy != "noeviction":
        problems.append(f"maxmemory-policy {policy} may drop buffered reads")
    if not info.get("aof_enabled"):
        problems.append("appendonly no: a restart loses buffered reads")
    return "warning: " + "; ".join(problems) if problems else "ok"


def acquire_lock(ttl: int = 120) -> str | None:
    token = uuid.uuid4().hex
    return token if client().set(key("lock"), token, nx=True, ex=ttl) else None


def release_lock(token: str) -> None:
    client().eval(RELEASE_SCRIPT, 1, key("lock"), token)
