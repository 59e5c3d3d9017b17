"""What "fresh" means for cached pages and fragments: one content generation for the site.

Any change to what public pages show (an article, its bylines or tags, a tag, a region, an
author) bumps the generation; cached pages and fragments remember the generation they were
made under and are thrown away when it moved. Hunting for the keys a change affects would
miss some; one number misses none.

Where the generation lives decides who sees a bump. With a shared cache (Redis) it is a key
in that cache, read in the same round trip as the page. With the process-local memory cache
it is the modification time of a small stamp file, so every gunicorn worker on the machine
sees a bump at once; reading it is a ``stat()``, never an SQL query.

A scheduled story goes live without anyone saving anything, so each process remembers the
next scheduled publish time it saw for the current generation and bumps once that passes.
"""

import hashlib
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# Fragments follow the content generation; this only bounds how long an unused one stays.
FRAGMENT_SECONDS = 3600
# Bumped by the read-count flush (pageviews): pages show view counts, so they follow it too.
PAGEVIEWS_KEY = "pageviews:generation"

_local = threading.local()
_memo_lock = threading.Lock()
# generation -> next scheduled publish time (epoch seconds) or None; one entry per process.
_next_publish: dict = {}


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


def bump_generation() -> None:
    """Make every cached page and fragment stale, in every process."""
    try:
        if _shared_cache():
            try:
                cache.incr(GENERATION_KEY)
            except ValueError:
                cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        else:
            _touch(stamp_path())
    except Exception:
        # Called from save signals: a cache server that is down must not fail the save.
        # Pages then live out their PAGE_CACHE_SECONDS at most.
        logger.exception("page cache: could not bump the content generation")


def _bump_now_and_after_commit(**kwargs) -> None:
    # Now, so this process never serves the old page again; after the commit, so a page
    # rendered by another request before the commit (from the old rows) is not kept.
    bump_generation()
    transaction.on_commit(bump_generation)


def _bump_on_tags_changed(action: str, **kwargs) -> None:
    if action.startswith("post_"):
        _bump_now_and_after_commit()


def _raw_generation(extra_keys: list[str]) -> tuple[int, dict]:
    """The content generation and the values of ``extra_keys``, in one cache round trip."""
    if _shared_cache():
        values = cache.get_many([GENERATION_KEY, PAGEVIEWS_KEY, *extra_keys])
        generation = values.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
            generation = cache.get(GENERATION_KEY)
        return generation, values
    values = cache.get_many([PAGEVIEWS_KEY, *extra_keys])
    return _read_stamp(), values


def _next_scheduled_publish() -> float | None:
    from articles.models import Article

    when = (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)[:1]
    )
    first = next(iter(when), None)
    return first.timestamp() if first else None


def current(extra_keys: list[str] = (), *, _again: bool = True) -> tuple[tuple, dict]:
    """Return ``(generation, values)``: the site's generation and ``extra_keys``' values.

    The generation is an opaque tuple for cached entries to compare with. Costs one cache
    round trip (plus a ``stat()`` with the local cache) and, only right after a change,
    one query for the next scheduled publish time.
    """
    generation, values = _raw_generation(list(extra_keys))
    next_publish = _next_publish.get(generation, False)
    if next_publish is False:
        next_publish = _next_scheduled_publish()
        with _memo_lock:
            _next_publish.clear()
            _next_publish[generation] = next_publish
    elif next_publish is not None and next_publish <= time.time() and _again:
        bump_generation()
        return current(extra_keys, _again=False)
    counts = values.get(PAGEVIEWS_KEY)
    if counts is None:
        # Started here as pageviews.generation would, so the first render does not move it.
        cache.add(PAGEVIEWS_KEY, time.time_ns(), timeout=None)
        counts = cache.get(PAGEVIEWS_KEY)
    return (generation, counts), values


def fragment(name: str, build, *, timeout: int | None = None):
    """``build()``'s value, cached under ``name`` until the generation moves.

    For blocks that appear on every page (the region menu): a page miss then costs no
    queries for them. ``build`` must return something picklable.
    """
    key = f"fragment:{name}"
    try:
        generation, values = current([key])
    except Exception:  # a sick cache server: build it every time rather than fail the page
        logger.warning("fragment cache: the cache does not answer", exc_info=True)
        return build()
    entry = values.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    value = build()
    try:
        cache.set(key, (generation, value), timeout or FRAGMENT_SECONDS)
    except Exception:
        logger.warning("fragment cache: could not store %s", name, exc_info=True)
    return value


WATCHED_MODELS = [
    "articles.Article",
    "articles.Byline",
    "articles.TaggedArticle",
    "articles.Tag",
    "regions.Region",
    "authors.Author",
]


def connect_signals() -> None:
    """Cache invalidation is the one thing signals are good for here."""
    for model in WATCHED_MODELS:
        uid = f"pagecache.{model}"
        post_save.connect(_bump_now_and_after_commit, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_bump_now_and_after_commit, sender=model, dispatch_uid=uid + ".del")
    from articles.models import Article

    # taggit adds and removes tags with bulk queries and reports them with m2m_changed.
    m2m_changed.connect(
        _bump_on_tags_changed, sender=Article.tags.through, dispatch_uid="pagecache.tags"
    )
