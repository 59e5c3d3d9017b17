"""The one cache module: what "fresh" means for pages, fragments and read counts.

Two numbers decide freshness for the whole site:

- the **content generation**: any change to what public pages show (a story, its bylines or
  tags, a tag, a region, an author) bumps it. Cached pages and fragments remember the
  generation they were made under and are thrown away when it moved. Hunting for the keys a
  change affects would miss some; one number misses none.
- the **counts generation**: a read-count flush, and any story save, bump it. Most-read
  rankings are kept under it. Pages do *not* follow it: a flush comes every ~30 s, and
  following it made every page of the site expire at every flush. A page's view counts are
  kept fresh by its own age instead (PAGE_CACHE_SECONDS, 30 s) on top of a ranking at most
  one flush old: a counted read shows within the 90 seconds promised (docs/architecture.md).

Both generations are the time (ns) of their last bump, so "how long ago did content change"
needs no second key.

Nothing here stampedes. An entry remembers its generation and until when it is fresh, and
is kept longer than that (``stale`` seconds more). When it goes stale, one request takes a
short render lock (``cache.add``, shared by every worker and server with Redis) and rebuilds
it; the others are answered with the stale copy meanwhile, but only when it is merely old
(same generation) or when the generation moved less than ``CHANGE_GRACE_SECONDS`` ago, so a
content change is everywhere within two seconds even when the rebuild is slow.

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

import contextvars
import hashlib
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

CONTENT_KEY = "pagecache:generation"
# Moved with the content generation by changes that every page may show (a tag's, region's
# or author's name), but not by a story's own change: story pages follow it (core.pages).
SITE_KEY = "pagecache:site"
COUNTS_KEY = "pageviews:generation"
# Fragments follow the content generation; this only bounds how long an unused one stays.
FRAGMENT_SECONDS = 3600
# How long after a change of generation its old entries may still be served while one
# request rebuilds them. Short: an unpublished story must leave every page at once, and a
# rebuild that takes longer than this simply lets the next requests rebuild too.
CHANGE_GRACE_SECONDS = 2
# The render lock's life: a worker that dies mid-render holds the others back this long.
LOCK_SECONDS = 10


def clock() -> float:
    """Wall-clock seconds; one function so tests can move time instead of sleeping."""
    return time.time()


# Set when a value from before a change of generation was used: whatever is being built from
# it (a page) is outdated too and must not be stored as fresh.
_outdated_input: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "core_cache_outdated_input", default=False
)

_memo_lock = threading.Lock()
# generation -> next scheduled publish time (epoch seconds) or None; one entry per process.
_next_publish: dict = {}
_schedule_sources: list[Callable[[], float | None]] = []


# --- the content generation -----------------------------------------------------------------


def shared_cache() -> bool:
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


def _changed_at(generation) -> float:
    """When ``generation`` began, in seconds (0 for a value that is not a bump time)."""
    return generation / 1e9 if isinstance(generation, int) else 0.0


def bump_content() -> None:
    """Make every cached page and fragment stale, in every process."""
    _bump(CONTENT_KEY, SITE_KEY)


def bump_lists() -> None:
    """A story changed: lists and fragments are stale; its pages follow its stamp instead."""
    _bump(CONTENT_KEY)


def _bump(*keys: str) -> None:
    try:
        if shared_cache():
            # The time, not an increment: it tells when the change happened
            # (CHANGE_GRACE_SECONDS), and a generation lost with an evicted key is never reused.
            cache.set_many(dict.fromkeys(keys, time.time_ns()), timeout=None)
        else:
            _touch(stamp_path())
    except Exception:
        # Called from save signals: a cache server that is down must not fail the save.
        # Pages then live out their PAGE_CACHE_SECONDS at most.
        logger.exception("cache: could not bump the content generation")


def bump_counts() -> None:
    """New read counts (a flush) or new candidates (a story saved): rankings are stale."""
    try:
        cache.set(COUNTS_KEY, time.time_ns(), timeout=None)
    except Exception:
        logger.warning("cache: could not bump the counts generation", exc_info=True)


def _raw_generation(extra_keys: list[str]) -> tuple[int, dict]:
    """The content generation and the values of ``extra_keys``, in one cache round trip."""
    if shared_cache():
        values = cache.get_many([CONTENT_KEY, *extra_keys])
        generation = values.get(CONTENT_KEY)
        if generation is None:
            cache.add(CONTENT_KEY, time.time_ns(), timeout=None)
            generation = cache.get(CONTENT_KEY)
        return generation, values
    values = cache.get_many(extra_keys) if extra_keys else {}
    return _read_stamp(), values


def _next_scheduled_publish() -> float | None:
    times = [when for source in _schedule_sources if (when := source()) is not None]
    return min(times, default=None)


def current(extra_keys: list[str] = (), *, _again: bool = True) -> tuple[int, dict]:
    """Return ``(generation, values)``: the content generation and ``extra_keys``' values.

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
        # The story going live shows on lists; the Similar news of its neighbours follows
        # when they rank again (articles.tasks.story_went_live).
        bump_lists()
        return current(extra_keys, _again=False)
    return generation, values


# --- entries kept under the generation ------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What the cache holds under a key, judged against the generation of now.

    ``generation`` is None when the cache does not answer: then build, and store nothing.
    ``value`` is the entry's value, fresh or stale (None on a miss). A stale one may be
    served while another request rebuilds it only when ``servable_stale``.
    """

    generation: object = None
    value: object = None
    # The site generation (SITE_KEY) when it was read with the entry: what a story page
    # rendered now is kept under (core.pages).
    site: object = None
    fresh: bool = False
    servable_stale: bool = False
    stored_at: float = 0.0
    # Made under another generation (content or counts changed), not merely old.
    outdated: bool = False

    @property
    def stale(self) -> bool:
        return self.value is not None and not self.fresh


def judge(entry, current, *, generation=None, site=None) -> Found:
    """``entry`` judged against ``current``: what it must have been made under to be current
    (a generation, or what a story page follows, core.pages). A rebuild is kept under
    ``generation``, by default ``current``."""
    generation = current if generation is None else generation
    if not (isinstance(entry, tuple) and len(entry) == 4):
        return Found(generation, site=site)
    made_under, stored_at, fresh_until, value = entry
    now = clock()
    found = {"value": value, "stored_at": stored_at, "site": site}
    if made_under == current:
        if now < fresh_until:
            return Found(generation, fresh=True, **found)
        # Merely old: the cache's own timeout (fresh + stale) bounds how old.
        return Found(generation, servable_stale=True, **found)
    recent_change = now - _changed_at(current) < CHANGE_GRACE_SECONDS
    return Found(generation, servable_stale=recent_change, outdated=True, **found)


def find(key: str) -> Found:
    """The entry under ``key`` and the content generation, in one cache round trip."""
    try:
        generation, values = current([key])
    except Exception:  # a sick cache server must not take the site down with it
        logger.warning("cache: the cache does not answer", exc_info=True)
        return Found()
    return judge(values.get(key), generation)


def keep(key: str, generation, value, timeout: int, *, stale: int = 0) -> None:
    """Store ``value`` under ``key`` for ``generation`` (from ``find``); never raises.

    Fresh for ``timeout`` seconds, then kept ``stale`` seconds more for ``Found.stale``.
    """
    if generation is None:
        return
    now = clock()
    try:
        cache.set(key, (generation, now, now + timeout, value), timeout + stale)
    except Exception:
        logger.warning("cache: could not store %s", key, exc_info=True)


def claim(key: str) -> str | None:
    """Take the render lock of ``key``: a token for ``release``, or None if someone has it.

    A cache that does not answer gives a token: then everyone renders, as without a cache.
    """
    token = uuid.uuid4().hex
    try:
        return token if cache.add(f"lock:{key}", token, LOCK_SECONDS) else None
    except Exception:
        logger.warning("cache: the cache does not answer", exc_info=True)
        return token


def is_claimed(key: str) -> bool:
    """Whether someone holds the render lock of ``key`` (False if the cache does not answer)."""
    try:
        return cache.get(f"lock:{key}") is not None
    except Exception:
        logger.warning("cache: the cache does not answer", exc_info=True)
        return False


def release(key: str, token: str | None) -> None:
    if token is None:
        return
    try:
        # Only our own lock: after LOCK_SECONDS another request may hold a new one.
        if cache.get(f"lock:{key}") == token:
            cache.delete(f"lock:{key}")
    except Exception:
        logger.warning("cache: could not release %s", key, exc_info=True)


def _single_flight(key: str, found: Found, build, *, timeout: int, stale: int, content=None):
    """``found``'s value when fresh, else ``build()``'s, built by one request at a time.

    A stale value served meanwhile marks the page being built as outdated when it was made
    under another generation; ``content``, the content generation, narrows that to values
    made before the content changed (not merely before a read-count flush).
    """
    if found.fresh:
        return found.value
    token = None
    if found.servable_stale:
        token = claim(key)
        if token is None:  # someone else is rebuilding it
            if found.outdated and (content is None or found.stored_at < _changed_at(content)):
                _outdated_input.set(True)
            return found.value
    try:
        value = build()
        keep(key, found.generation, value, timeout, stale=stale)
    finally:
        release(key, token)
    return value


def begin_build() -> contextvars.Token:
    """Start building something (a page) from cached values; pair with ``end_build``."""
    return _outdated_input.set(False)


def end_build(token: contextvars.Token) -> bool:
    """True when the build used a value from before a change: then do not store it as fresh.

    Without this a page rendered in the seconds after an edit, while another request was
    still rebuilding a fragment, would keep the old fragment for a whole PAGE_CACHE_SECONDS.
    """
    outdated = _outdated_input.get()
    _outdated_input.reset(token)
    return outdated


def stale_seconds() -> int:
    return max(getattr(settings, "PAGE_CACHE_STALE_SECONDS", 0), 0)


def fragment(name: str, build, *, timeout: int | None = None):
    """``build()``'s value, cached under ``name`` until the generation moves.

    For blocks that appear on every page (the region menu): a page miss then costs no
    queries for them. ``build`` must return something picklable.
    """
    key = f"fragment:{name}"
    return _single_flight(
        key, find(key), build, timeout=timeout or FRAGMENT_SECONDS, stale=stale_seconds()
    )


def remember_counted(key: str, compute, *, timeout: int):
    """``compute()``'s value, kept for ``timeout`` seconds under the counts generation.

    One key per ranking whatever the generation, so after a flush the previous ranking is
    served while one request computes the new one, instead of every render computing it.
    A page built meanwhile is stored as usual: its counts are as fresh as its age allows
    anyway. Only a ranking from before a content change (a title, a story taken down) keeps
    that page from being stored.
    """
    key = f"counted:{key}"
    try:
        content, values = _raw_generation([COUNTS_KEY, key])
        generation = values.get(COUNTS_KEY)
        if generation is None:
            # Started here as bump_counts() would, so the first render does not move it.
            cache.add(COUNTS_KEY, time.time_ns(), timeout=None)
            generation = cache.get(COUNTS_KEY)
    except Exception:
        logger.warning("cache: the cache does not answer", exc_info=True)
        return compute()
    found = judge(values.get(key), generation)
    return _single_flight(key, found, compute, timeout=timeout, stale=timeout, content=content)


# --- what apps ask this module to watch -----------------------------------------------------


def in_transaction(connection) -> bool:
    """Whether a change now becomes visible only at a commit. A test case wraps each test in
    transactions that never commit; they do not count."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


class _PendingBump:
    """The bump a transaction makes when it commits: one, however many rows it writes."""

    def __init__(self):
        self.site_wide = False

    def __call__(self) -> None:
        bump_content() if self.site_wide else bump_lists()


def _with_the_change(*, site_wide: bool) -> None:
    """Bump once the change is visible: at once outside a transaction, else once when the
    transaction commits, site-wide if any of its changes is.

    A story saved in the admin writes its row, bylines and tags in one transaction; a bump
    per row would make several generations per save, and readers render every page once per
    generation. A bump before the commit is no use either: a page rendered from the old rows
    meanwhile would be kept under the new generation.
    """
    connection = transaction.get_connection()
    if not in_transaction(connection):
        bump_content() if site_wide else bump_lists()
        return
    # Django's pending callbacks of this transaction: (savepoint ids, callback, robust).
    pending = next(
        (entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _PendingBump)),
        None,
    )
    if pending is None:
        pending = _PendingBump()
        transaction.on_commit(pending)
    pending.site_wide |= site_wide


def _site_changed(**kwargs) -> None:
    _with_the_change(site_wide=True)


def _story_changed(**kwargs) -> None:
    _with_the_change(site_wide=False)


def watch(*models: str, stories: bool = False) -> None:
    """Bump the content generation whenever a row of ``models`` ("app.Model") is saved or
    deleted; ``stories``: rows of a story, whose pages follow its stamp (core.pages)
    instead, so only lists and fragments go stale."""
    changed = _story_changed if stories else _site_changed
    for model in models:
        uid = f"core.cache.{model}"
        post_save.connect(changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(changed, sender=model, dispatch_uid=uid + ".del")


def _m2m_changed(action: str, **kwargs) -> None:
    if action.startswith("post_"):
        _story_changed()


def watch_m2m(through) -> None:
    """Bump on bulk relation changes of stories (taggit adds and removes tags with
    m2m_changed)."""
    m2m_changed.connect(
        _m2m_changed, sender=through, dispatch_uid=f"core.cache.m2m.{through._meta.label}"
    )


def watch_schedule(source: Callable[[], float | None]) -> None:
    """``source()`` gives the next time (epoch seconds) content changes without a save."""
    if source not in _schedule_sources:
        _schedule_sources.append(source)
