"""Writes: counting a read, and moving the Redis buffer into the database."""

import functools
import logging
import os
import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import redis
from django.db import OperationalError, close_old_connections, connection, transaction
from django.db.models import Case, F, PositiveBigIntegerField, Value, When
from django.utils import timezone

from articles.models import Article
from core import cache, tasks
from pageviews import buffer, conf
from pageviews.models import AppliedFlush, DailyPageViews, ReaderMark
from pageviews.periods import today
from pageviews.selectors import article_is_countable

logger = logging.getLogger(__name__)


@transaction.atomic
def pageview_record(*, article_id: int, day: date, by: int = 1) -> None:
    """Add reads to the article's total and its day row: two atomic statements, no read."""
    Article.objects.filter(pk=article_id).update(view_count=F("view_count") + by)
    DailyPageViews.objects.upsert_increment(article_id=article_id, day=day, by=by)


def pageview_count(
    *, article_id: int, reader: str, address: str | None = None, at: datetime | None = None
) -> bool | None:
    """Count one read of a published article unless ``reader`` read it in the last 30 minutes.

    With ``address`` (``readers.address_key``), also unless that address already had
    PAGEVIEWS_READERS_PER_ADDRESS other readers of the article counted in those 30 minutes.
    Return True when counted, False for the same reader again or a full address, None when
    the article is not published (nothing counted). With Redis the read waits in the buffer
    for the next flush; without Redis, or while Redis does not answer, it goes straight to
    the database.
    """
    at = at or timezone.now()
    day = today(at=at)
    if conf.redis_url() and _redis_usable():
        try:
            return _count_in_redis(article_id=article_id, reader=reader, address=address, day=day)
        except redis.TimeoutError:
            # Redis may have counted it before going quiet: losing this one read is better
            # than counting it twice.
            _redis_failed()
            return False
        except redis.RedisError:
            _redis_failed()
    read = {"article_id": article_id, "reader": reader, "address": address, "at": at, "day": day}
    if connection.vendor == "postgresql":
        return _count_in_one_statement(**read)
    return _count_in_database(**read)


def _cap() -> int:
    return max(int(conf.get("PAGEVIEWS_READERS_PER_ADDRESS")), 0)


def _count_in_redis(*, article_id: int, reader: str, address: str | None, day: date) -> bool | None:
    read = {"article_id": article_id, "reader": reader, "address": address, "day": day}
    status, since = buffer.count(**read)
    if status == buffer.UNKNOWN:
        if not article_is_countable(article_id):
            return None
        buffer.remember_live(article_id)
        status, since = buffer.count(**read, checked=True)
    if status == buffer.COUNTED and time.time() - since >= conf.get(
        "PAGEVIEWS_FLUSH_AFTER_SECONDS"
    ):
        pageviews_flush_if_due()
    return status == buffer.COUNTED


def _count_in_database(
    *, article_id: int, reader: str, address: str | None, at: datetime, day: date
) -> bool | None:
    expires_at = at + timedelta(seconds=conf.get("PAGEVIEWS_DEDUPE_SECONDS"))
    cap = _cap() if address is not None else 0
    # SQLite takes its write lock at BEGIN (transaction_mode IMMEDIATE): the count of the
    # address's readers cannot change before the claim.
    with transaction.atomic():
        if not article_is_countable(article_id, at=at):
            return None
        if cap and (
            ReaderMark.objects.readers_from(article_id=article_id, address=address, now=at) >= cap
        ):
            return False
        counted = ReaderMark.objects.claim(
            reader=reader,
            article_id=article_id,
            address=address or "",
            now=at,
            expires_at=expires_at,
        )
        if counted:
            pageview_record(article_id=article_id, day=day)
    _maybe_prune(at)
    return counted


# With a cap, reads of one story from one address take turns (a transaction-scoped advisory
# lock on the pair, in this class of keys): a statement's snapshot predates its own writes,
# so two reads at once could otherwise both find room for the last reader.
_ADDRESS_LOCK_CLASS = 7_076_001


def _count_in_one_statement(
    *, article_id: int, reader: str, address: str | None, at: datetime, day: date
) -> bool | None:
    """The database path on PostgreSQL: check, remember, count, in one round trip.

    The same steps as ``_count_in_database``, as data-modifying CTEs of one statement, so a
    read costs one round trip and one commit instead of six. The commit does not wait for
    the disk (synchronous_commit off for this statement only): a crash of the database
    server may lose the last fraction of a second of reads, never corrupt or double them.
    With a per-address cap the round trip also carries the address lock, as a first
    statement of the same implicit transaction, so the counting statement's snapshot is
    taken after it and sees every reader counted before it.
    """
    live_sql, live_params = _live_article_sql(article_id=article_id, at=at)
    quote = connection.ops.quote_name
    article = quote(Article._meta.db_table)
    mark = quote(ReaderMark._meta.db_table)
    daily = quote(DailyPageViews._meta.db_table)
    expires_at = at + timedelta(seconds=conf.get("PAGEVIEWS_DEDUPE_SECONDS"))
    cap = _cap() if address is not None else 0
    address = address or ""
    lock_sql, lock_params = "", []
    if cap:
        lock_sql = "SELECT pg_advisory_xact_lock(%s, hashtext(%s));"
        lock_params = [_ADDRESS_LOCK_CLASS, f"{article_id}:{address}"]
    sql = f"""{lock_sql}
        WITH live (id) AS ({live_sql}),
        room AS (
            SELECT 1 WHERE %s = 0 OR (
                SELECT count(*) FROM {mark}
                WHERE article_id = %s AND address = %s AND expires_at > %s
            ) < %s
        ),
        mark AS (
            INSERT INTO {mark} (reader, article_id, address, expires_at)
            SELECT %s, live.id, %s, %s FROM live, room
            ON CONFLICT (reader, article_id) DO UPDATE
            SET expires_at = EXCLUDED.expires_at, address = EXCLUDED.address
            WHERE {mark}.expires_at <= %s
            RETURNING article_id
        ),
        total AS (
            UPDATE {article} SET view_count = view_count + 1
            WHERE id IN (SELECT article_id FROM mark) RETURNING id
        ),
        daily AS (
            INSERT INTO {daily} (article_id, day, count) SELECT article_id, %s, 1 FROM mark
            ON CONFLICT (article_id, day) DO UPDATE SET count = {daily}.count + 1
            RETURNING article_id
        )
        SELECT (SELECT count(*) FROM live), (SELECT count(*) FROM total),
               (SELECT count(*) FROM daily),
               set_config('synchronous_commit',
                          coalesce(%s, current_setting('synchronous_commit')), true)
    """
    # Inside a caller's transaction the setting would reach the caller's commit: keep it.
    durable = conf.get("PAGEVIEWS_DURABLE_COMMIT") or connection.in_atomic_block
    commit_mode = None if durable else "off"
    params = [
        *lock_params,
        *live_params,
        *[cap, article_id, address, at, cap],
        *[reader, address, expires_at, at],
        day,
        commit_mode,
    ]
    with connection.cursor() as cursor:
        # psycopg2 sends both statements as one simple query (one implicit transaction) and
        # returns the last one's row.
        cursor.execute(sql, params)
        live, total, daily_rows = cursor.fetchone()[:3]
    if not live:
        return None
    _maybe_prune(at)
    return bool(total and daily_rows)


_AT, _PK = datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), -999_999_999


@functools.cache
def _live_article_template() -> tuple[str, list]:
    # "Published" is defined once, by the queryset; compiling it costs more than the rest of
    # a read, so it is compiled once per process with stand-ins replaced on each call.
    query = Article.objects.published(at=_AT).filter(pk=_PK).order_by().values("pk").query
    return query.sql_with_params()


def _live_article_sql(*, article_id: int, at: datetime) -> tuple[str, list]:
    sql, params = _live_article_template()
    stand_ins = {_AT: at, _PK: article_id}
    return sql, [stand_ins.get(param, param) for param in params]


def _maybe_prune(at: datetime) -> None:
    if random.random() < 0.002:
        reader_marks_prune(now=at)


def reader_marks_prune(*, now: datetime | None = None) -> int:
    """Forget readers whose 30 minutes are over (their rows would only be overwritten)."""
    deleted, _ = ReaderMark.objects.expired(now=now or timezone.now()).delete()
    return deleted


# After a Redis error this process counts in the database for a few seconds instead of
# waiting for Redis's timeout on every read. Per-process on purpose: it is only a shortcut.
_redis_down_until = 0.0


def _redis_usable() -> bool:
    return time.monotonic() >= _redis_down_until


def _redis_failed() -> None:
    global _redis_down_until
    logger.warning("pageviews: Redis does not answer; counting in the database", exc_info=True)
    _redis_down_until = time.monotonic() + conf.get("PAGEVIEWS_REDIS_RETRY_SECONDS")


@dataclass
class FlushResult:
    buffers: int = 0
    batches: int = 0
    reads: int = 0


def pageviews_flush(*, batch_size: int | None = None) -> FlushResult:
    """Move every buffered read into the database, each exactly once.

    The live buffer is renamed first, so reads arriving meanwhile go to a new one. A renamed
    buffer is deleted only after all its batches are committed, and each batch commits
    together with its id in AppliedFlush: a flush killed anywhere leaves buffers that the next
    flush applies without doubling, and two flushes at once skip each other's batches.
    """
    result = FlushResult()
    if not conf.redis_url():
        return result
    batch_size = batch_size or conf.get("PAGEVIEWS_FLUSH_BATCH_SIZE")
    for flush_key in buffer.swap(batch_size=batch_size):
        # The size first: once a concurrent flush has dropped the buffer, the read is empty.
        size = buffer.batch_size_for(flush_key, batch_size)
        reads = buffer.read_flush(flush_key)
        for number, batch in enumerate(_batched(reads, size)):
            applied = _apply_batch(f"{flush_key.rsplit(':', 1)[-1]}:{number}", batch)
            result.batches += applied > 0
            result.reads += applied
        buffer.forget_flush(flush_key)
        result.buffers += 1
    if result.reads:
        cache.bump_counts()
    return result


def _batched(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply_batch(batch_id: str, reads, *, attempts: int = 3) -> int:
    for attempt in range(attempts):
        try:
            return _apply_batch_once(batch_id, reads)
        except OperationalError:
            # A deadlock or lock timeout with a concurrent writer: the transaction rolled
            # back whole, so trying again is safe.
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return 0


@transaction.atomic
def _apply_batch_once(batch_id: str, reads) -> int:
    if not _claim_batch(batch_id):
        return 0
    wanted = sorted({read.article_id for read in reads})
    # Lock the articles in id order (as every writer does) and skip deleted ones.
    existing = set(
        Article.objects.select_for_update()
        .filter(pk__in=wanted)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    reads = [read for read in reads if read.article_id in existing]
    if not reads:
        return 0
    totals: dict[int, int] = {}
    for read in reads:
        totals[read.article_id] = totals.get(read.article_id, 0) + read.count
    Article.objects.filter(pk__in=totals).update(
        view_count=F("view_count")
        + Case(
            *(When(pk=pk, then=Value(n)) for pk, n in totals.items()),
            default=Value(0),
            output_field=PositiveBigIntegerField(),
        )
    )
    DailyPageViews.objects.upsert_many([(r.article_id, r.day, r.count) for r in reads])
    return sum(totals.values())


def _claim_batch(batch_id: str) -> bool:
    table = connection.ops.quote_name(AppliedFlush._meta.db_table)
    with connection.cursor() as cursor:
        # A concurrent flush inserting the same id makes this wait for its commit, then skip.
        cursor.execute(
            f"INSERT INTO {table} (batch, applied_at) VALUES (%s, %s) "
            "ON CONFLICT (batch) DO NOTHING",
            [batch_id, timezone.now()],
        )
        return cursor.rowcount == 1


def applied_flushes_prune(*, older_than: timedelta = timedelta(days=2)) -> int:
    deleted, _ = AppliedFlush.objects.filter(applied_at__lt=timezone.now() - older_than).delete()
    return deleted


def pageviews_flush_if_due(*, after_seconds: float | None = None) -> FlushResult | None:
    """Flush once the oldest buffered read is PAGEVIEWS_FLUSH_AFTER_SECONDS (or
    ``after_seconds``) old, unless another worker is at it."""
    if not conf.redis_url():
        return None
    try:
        if not buffer.is_due(after_seconds=after_seconds):
            return None
        token = buffer.acquire_lock()
    except redis.RedisError:
        logger.warning("pageviews: Redis does not answer; flush postponed", exc_info=True)
        return None
    if token is None:
        return None
    try:
        result = pageviews_flush()
        if random.random() < 0.01:
            reader_marks_prune()
            applied_flushes_prune()
        return result
    except Exception:
        logger.exception("pageviews: flush failed; the buffer waits for the next one")
        return None
    finally:
        try:
            buffer.release_lock(token)
        except redis.RedisError:
            pass  # the lock expires by itself


# With a worker configured, the in-process flusher waits this many times longer.
FALLBACK_FACTOR = 3

_flusher_pid = None
_flusher_lock = threading.Lock()


def flusher_start() -> None:
    """Start this process's background flusher once, so numbers move without cron or traffic."""
    global _flusher_pid
    if _flusher_pid == os.getpid():
        return
    if not conf.redis_url() or not conf.get("PAGEVIEWS_FLUSH_THREAD"):
        return
    with _flusher_lock:
        if _flusher_pid == os.getpid():
            return
        _flusher_pid = os.getpid()
        threading.Thread(target=_flusher_loop, name="pageviews-flusher", daemon=True).start()


def _flusher_loop() -> None:
    while True:
        time.sleep(conf.get("PAGEVIEWS_FLUSH_CHECK_SECONDS") * random.uniform(0.8, 1.2))
        after = conf.get("PAGEVIEWS_FLUSH_AFTER_SECONDS")
        if tasks.worker_configured():
            # The worker flushes (pageviews.tasks); this thread steps in only when the buffer
            # shows that no worker has for a while (stopped, crashed, never started).
            after *= FALLBACK_FACTOR
        try:
            pageviews_flush_if_due(after_seconds=after)
        except Exception:
            logger.exception("pageviews: background flush failed")
        finally:
            close_old_connections()
