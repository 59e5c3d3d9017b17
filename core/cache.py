"""The one cache module: what "fresh" means for pages, fragments and read counts.

Two numbers decide freshness for the whole site:

- the **content generation**: any change to what public pages show (a story, its bylines or
  tags, a tag, a region, an author) bumps it. Cached pages and fragments remember the
  generation they were made under and are thrown away when it moved. Hunting for the keys a
  change affects would miss some; one number misses none.
- the **counts generation**: a read-count flush, and any story save, bump it. Most-read
  rankings are kept under it, and pages (which show view counts) follow it too.

Where the content generation lives decides who sees a bump. With a shared cache (Redis) it
is a key in that cache, read in the same round trip as the page. With the process-local
memory cache it is the modification time of a small stamp file, so every gunicorn worker on
the machine sees a bump at once; reading it is a ``stat()``, never an SQL query.

A scheduled story goes live without anyone saving anything, so each process remembers the
next scheduled publish time it saw for the current generation and bumps once that passes.
Apps tell this module what to watch from their ``AppConfig.ready()`` (``watch``,
``watch_m2m``, ``watch_schedule``): the module itself imports no app.

Every function here survives a cache server that does not answer: reads then build what
they need, writes are skipped, and a failed bump never fails the save that caused it.
"""

import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

CONTENT_KEY = "pagecache:generation"
COUNTS_KEY = "pageviews:generation"
# Fragments follow the content generation; this only bounds how long an unused one stays.
FRAGMENT_SECONDS = 3600

_memo_lock = threading.Lock()
# generation -> next scheduled publish time (epoch seconds) or None; one entry per process.
_next_publish: dict = {}
_schedule_sources: list[Callable[[], float | None]] = []


# --- the content generation -----------------------------------------------------------------


def _shared_cache() -> bool:
    return not isinstance(caches["default"], LocMemCache)


def stamp_path() -> Path:
    configured = getattr(settings, "PAGE_CACHE_STAMP_FILE", "")
    if configured:
        return Path(configured)
    # One stamp per project folder and database, so two sites on a machine do not collide.
    ident = f"{settings.BASE_DIR}|{connection.settings_dict.get('NAME')}"
    digest = hashlib.md5(ident.encode(), usedforsecurity=False).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"portal-pages-{digest}.stamp"


def _read_stamp() -> int:
    path = stamp_path()
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        _touch(path)
        return os.stat(path).st_mtime_ns


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        previous = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        path.touch()
        previous = 0
    now = max(time.time_ns(), previous + 1000)
    os.utime(path, ns=(now, now))


def _incr_or_start(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        # A time-based start, so a generation lost with an evicted key is never reused.
        cache.add(key, time.time_ns(), timeout=None)


def bump_content() -> None:
    """Make every cached page and fragment stale, in every process."""
    try:
        if _shared_cache():
            _incr_or_start(CONTENT_KEY)
        else:
            _touch(stamp_path())
    except Exception:
        # Called from save signals: a cache server that is down must not fail the save.
        # Pages then live out their PAGE_CACHE_SECONDS at most.
        logger.exception("cache: could not bump the content generation")


def bump_counts() -> None:
    """New read counts (a flush) or new candidates (a story saved): rankings are stale."""
    try:
        _incr_or_start(COUNTS_KEY)
    except Exception:
        logger.warning("cache: could not bump the counts generation", exc_info=True)


def _raw_generation(extra_keys: list[str]) -> tuple[int, dict]:
    """The content generation and the values of ``extra_keys``, in one cache round trip."""
    if _shared_cache():
        values = cache.get_many([CONTENT_KEY, COUNTS_KEY, *extra_keys])
        generation = values.get(CONTENT_KEY)
        if generation is None:
            cache.add(CONTENT_KEY, time.time_ns(), timeout=None)
            generation = cache.get(CONTENT_KEY)
        return generation, values
    values = cache.get_many([COUNTS_KEY, *extra_keys])
    return _read_stamp(), values


def _next_scheduled_publish() -> float | None:
    times = [when for source in _schedule_sources if (when := source()) is not None]
    return min(times, default=None)


def current(extra_keys: list[str] = (), *, _again: bool = True) -> tuple[tuple, dict]:
    """Return ``(generation, values)``: the site's generation and ``extra_keys``' values.

    The generation is an opaque tuple (content, counts) for cached entries to compare with.
    Costs one cache round trip (plus a ``stat()`` with the local cache) and, only right after
    a change, one query for the next scheduled publish time.
    """
    generation, values = _raw_generation(list(extra_keys))
    next_publish = _next_publish.get(generation, False)
    if next_publish is False:
        next_publish = _next_scheduled_publish()
        with _memo_lock:
            _next_publish.clear()
            _next_publish[generation] = next_publish
    elif next_publish is not None and next_publish <= time.time() and _again:
        bump_content()
        return current(extra_keys, _again=False)
    counts = values.get(COUNTS_KEY)
    if counts is None:
        # Started here as bump_counts() would, so the first render does not move it.
        cache.add(COUNTS_KEY, time.time_ns(), timeout=None)
        counts = cache.get(COUNTS_KEY)
    return (generation, counts), values


def counts_generation() -> int | None:
    """The counts generation alone, or None when the cache does not answer (then don't cache)."""
    try:
        value = cache.get(COUNTS_KEY)
        if value is None:
            cache.add(COUNTS_KEY, time.time_ns(), timeout=None)
            value = cache.get(COUNTS_KEY)
        return value
    except Exception:
        logger.warning("cache: the cache does not answer", exc_info=True)
        return None


# --- entries kept under the generation ------------------------------------------------------


def lookup(key: str) -> tuple[tuple | None, object]:
    """``(generation, value)``: the value stored under ``key`` if still fresh, else None.

    The generation is None when the cache does not answer; then nothing should be stored.
    """
    try:
        generation, values = current([key])
    except Exception:  # a sick cache server must not take the site down with it
        logger.warning("cache: the cache does not answer", exc_info=True)
        return None, None
    entry = values.get(key)
    if entry is not None and entry[0] == generation:
        return generation, entry[1]
    return generation, None


def keep(key: str, generation: tuple | None, value, timeout: int) -> None:
    """Store ``value`` under ``key`` for ``generation`` (from ``lookup``); never raises."""
    if generation is None:
        return
    try:
        cache.set(key, (generation, value), timeout)
    except Exception:
        logger.warning("cache: could not store %s", key, exc_info=True)


def fragment(name: str, build, *, timeout: int | None = None):
    """``build()``'s value, cached under ``name`` until the generation moves.

    For blocks that appear on every page (the region menu): a page miss then costs no
    queries for them. ``build`` must return something picklable.
    """
    key = f"fragment:{name}"
    generation, value = lookup(key)
    if value is None:
        value = build()
        keep(key, generation, value, timeout or FRAGMENT_SECONDS)
    return value


def remember_counted(key: str, compute, *, timeout: int):
    """``compute()``'s value, kept for ``timeout`` seconds under the counts generation."""
    generation = counts_generation()
    if generation is None:
        return compute()
    key = f"counted:{generation}:{key}"
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("cache: the cache does not answer", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout)
        except Exception:
            logger.warning("cache: could not store %s", key, exc_info=True)
    return value


# --- what apps ask this module to watch -----------------------------------------------------


def _bump_now_and_after_commit(**kwargs) -> None:
    # Now, so this process never serves the old page again; after the commit, so a page
    # rendered by another request before the commit (from the old rows) is not kept.
    bump_content()
    transaction.on_commit(bump_content)


def _bump_on_m2m_changed(action: str, **kwargs) -> None:
    if action.startswith("post_"):
        _bump_now_and_after_commit()


def watch(*models: str) -> None:
    """Bump the content generation whenever a row of ``models`` ("app.Model") is saved."""
    for model in models:
        uid = f"core.cache.{model}"
        post_save.connect(_bump_now_and_after_commit, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_bump_now_and_after_commit, sender=model, dispatch_uid=uid + ".del")


def watch_m2m(through) -> None:
    """Bump on bulk relation changes too (taggit adds and removes tags with m2m_changed)."""
    m2m_changed.connect(
        _bump_on_m2m_changed, sender=through, dispatch_uid=f"core.cache.m2m.{through._meta.label}"
    )


def watch_schedule(source: Callable[[], float | None]) -> None:
    """``source()`` gives the next time (epoch seconds) content changes without a save."""
    if source not in _schedule_sources:
        _schedule_sources.append(source)
