"""Story pages follow the stories they show, not every change on the site.

A publish every few seconds moved the content generation that every page follows, so each
story page was rendered again after every publish although nothing on it had changed. A
story page shows its story, the stories of its Similar news and Top news, and things every
page shares (tags', regions' and authors' names, library photos). So:

- every story has a **stamp** in the shared cache, the time of the last change to it (its
  row, its bylines, its tags), and its page a second one, also moved when its Similar news
  is forgotten for a new ranking (a neighbour published): that changes its own page, not
  the pages that show its card;
- a change to anything else that pages show moves the **site generation** (``SITE_KEY``,
  with the content generation: lists show it too);
- a story page is stored with the site generation of its render and the stamps of the
  stories it showed, and is current while none of those moved.

Lists (home, news, tags, regions, search, feeds, sitemaps) show whatever is newest and keep
following the content generation. A story page's view count and Top news stay as fresh as
its age allows (``PAGE_CACHE_SECONDS``), as before.

Stamps live only in a shared cache (Redis), which every worker and server reads alike; with
the process-local cache, story pages follow the content generation like any other page.
"""

import contextvars
import logging
import time
from dataclasses import dataclass, field

from django.core.cache import cache as shared
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from core import cache, memo

logger = logging.getLogger(__name__)

# A stamp outlives every page that records it (PAGE_CACHE_SECONDS plus the stale seconds);
# one evicted anyway reads as 0, unlike what the page recorded, so the page renders again.
STAMP_SECONDS = 7 * 86400
# A page is not stored when one of its stories changed since shortly before its render
# began: it may show the story from before the change. The margin allows for servers'
# clocks a little apart (a stamp is the bumping server's time).
CLOCK_MARGIN_SECONDS = 1
_FOLLOWS = "stories"
# Story pages whose stamp keys this process remembers, to read them with the page.
KNOWN_PAGES = 4096
_known_stamps = memo.Memo()
# How long a stamp this process read stands: a change shows on other workers and servers
# this much later at most (and within CHANGE_GRACE_SECONDS it may be served stale anyway).
STAMP_READ_SECONDS = 1.0
KNOWN_STAMPS = 20000
_stamp_values = memo.Memo()


def story_key(pk: int) -> str:
    return f"pagecache:story:{pk}"


def page_key(pk: int) -> str:
    return f"pagecache:story-page:{pk}"


@dataclass
class Build:
    """What one page's render showed, collected while it renders."""

    started: float
    stories: set = field(default_factory=set)
    # The story whose page this is, when the page follows the stories it shows.
    page_of: int | None = None
    outdated: bool = False
    _tokens: tuple = ()


_current: contextvars.ContextVar[Build | None] = contextvars.ContextVar(
    "core_pages_build", default=None
)


def begin_build() -> Build:
    """Start rendering a page; pair with ``end_build``."""
    build = Build(started=cache.clock())
    build._tokens = (cache.begin_build(), _current.set(build))
    return build


def end_build(build: Build) -> Build:
    outdated_token, build_token = build._tokens
    build.outdated = cache.end_build(outdated_token)
    _current.reset(build_token)
    return build


def shows(*pks) -> None:
    """The page being rendered shows these stories (a card, a compact item, the story)."""
    build = _current.get()
    if build is not None:
        build.stories.update(pk for pk in pks if pk is not None)


def follows_its_stories(pk: int) -> None:
    """The page being rendered is story ``pk``'s: it changes only with that story and the
    stories it shows (and the site)."""
    build = _current.get()
    if build is not None:
        build.page_of = pk
        build.stories.add(pk)


# --- reading and storing pages ----------------------------------------------------------


def find(key: str) -> cache.Found:
    """The page under ``key``, judged against the generation it follows.

    One cache round trip: the stamps a story page followed when this process last saw it
    are read with the page, and only a page that now follows others needs a second one.
    Stamps this process read less than ``STAMP_READ_SECONDS`` ago are not read again: every
    story page shows the same five Top news stories, and a popular page is asked for many
    times a second.
    """
    known = _known_stamps.get(key) or ()
    recent, unread = _recently_read(known)
    try:
        generation, values = cache.current([key, cache.SITE_KEY, *unread])
    except Exception:  # a sick cache server must not take the site down with it
        logger.warning("cache: the cache does not answer", exc_info=True)
        return cache.Found()
    recent |= _read({name: values.get(name, 0) for name in unread})
    entry, site = values.get(key), values.get(cache.SITE_KEY)
    made_under = entry[0] if isinstance(entry, tuple) and len(entry) == 4 else None
    if not (isinstance(made_under, tuple) and made_under[:1] == (_FOLLOWS,)):
        return cache.judge(entry, generation, site=site)
    _, site_then, stamps = made_under
    names = tuple(name for name, _ in stamps)
    try:
        if names == known:
            now = recent
        else:
            now = _stamps(names)
            _known_stamps.put(key, names, KNOWN_PAGES)
    except Exception:
        logger.warning("cache: the cache does not answer", exc_info=True)
        return cache.Found()
    moved = [now[name] for name, then in stamps if now[name] != then]
    if site != site_then:
        moved.append(site)
    if not moved:
        return cache.judge(entry, made_under, generation=generation, site=site)
    # Outdated, as if made under a generation older than the latest of these changes.
    changed = max((value for value in moved if isinstance(value, int)), default=0)
    return cache.judge(entry, changed, generation=generation, site=site)


def keep(key: str, found: cache.Found, build: Build, value, timeout: int, *, stale: int):
    """Store the page ``build`` rendered, under what it follows; never raises."""
    if found.generation is None or build.outdated:
        return
    if build.page_of is None or not cache.shared_cache():
        cache.keep(key, found.generation, value, timeout, stale=stale)
        return
    try:
        stamps = _stamps([page_key(build.page_of), *map(story_key, build.stories)])
    except Exception:
        logger.warning("cache: could not store %s", key, exc_info=True)
        return
    changed_since = (build.started - CLOCK_MARGIN_SECONDS) * 1e9
    if any(stamp > changed_since for stamp in stamps.values()):
        return  # a story changed while this render read it: the next request renders again
    made_under = (_FOLLOWS, found.site, tuple(sorted(stamps.items())))
    cache.keep(key, made_under, value, timeout, stale=stale)
    _known_stamps.put(key, tuple(name for name, _ in made_under[2]), KNOWN_PAGES)


def _stamps(keys) -> dict[str, int]:
    keys = list(keys)
    values = shared.get_many(keys) if keys else {}
    return _read({key: values.get(key, 0) for key in keys})


def _read(stamps: dict[str, int]) -> dict[str, int]:
    """Remember when this process read ``stamps``."""
    now = time.monotonic()
    for name, value in stamps.items():
        _stamp_values.put(name, (value, now), KNOWN_STAMPS)
    return stamps


def _recently_read(names) -> tuple[dict[str, int], list[str]]:
    """The stamps of ``names`` read less than STAMP_READ_SECONDS ago, and the others."""
    recent, unread = {}, []
    oldest = time.monotonic() - STAMP_READ_SECONDS
    for name in names:
        seen = _stamp_values.get(name)
        if seen is not None and seen[1] > oldest:
            recent[name] = seen[0]
        else:
            unread.append(name)
    return recent, unread


# --- what moves a stamp -----------------------------------------------------------------


def bump_stories(pks, *, own_pages_only: bool = False) -> None:
    """These stories changed: their pages and the pages that show them render again (only
    their own pages with ``own_pages_only``). Now, or at the commit of the transaction
    under way, once for all the rows it writes."""
    keys = {key(pk) for pk in pks if pk is not None for key in _KEYS[own_pages_only]}
    if not keys or not cache.shared_cache():
        return
    connection = transaction.get_connection()
    if not cache.in_transaction(connection):
        _bump_now(keys)
        return
    pending = next(
        (entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _Pending)), None
    )
    if pending is None:
        pending = _Pending()
        transaction.on_commit(pending)
    pending.keys |= keys


_KEYS = {False: (story_key, page_key), True: (page_key,)}


class _Pending:
    """The stamps a transaction moves when it commits."""

    def __init__(self):
        self.keys: set = set()

    def __call__(self) -> None:
        _bump_now(self.keys)


def _bump_now(keys) -> None:
    now = time.time_ns()
    try:
        shared.set_many(dict.fromkeys(keys, now), timeout=STAMP_SECONDS)
        _read(dict.fromkeys(keys, now))  # this process sees its own change at once
    except Exception:
        # Called from save signals: a cache server that is down must not fail the save.
        logger.exception("cache: could not stamp %s", sorted(keys))


def watch_stories(model: str, story_of) -> None:
    """A saved or deleted row of ``model`` ("app.Model") changes the story ``story_of(row)``
    (a pk): lists go stale, and the pages that show that story."""
    cache.watch(model, stories=True)

    def changed(sender, instance, raw=False, **kwargs) -> None:
        if not raw:
            bump_stories([story_of(instance)])

    uid = f"core.pages.{model}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ".save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ".del")


def watch_story_m2m(through) -> None:
    """Relations added or removed in bulk (taggit's ``story.tags.add``, ``tag.articles``)."""
    cache.watch_m2m(through)

    def changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
        if not action.startswith("post_"):
            return
        if not reverse:
            bump_stories([instance.pk])
        elif pk_set is None:  # tag.articles.clear(): which stories is not told
            cache.bump_content()
        else:
            bump_stories(pk_set)

    uid = f"core.pages.m2m.{through._meta.label}"
    m2m_changed.connect(changed, sender=through, weak=False, dispatch_uid=uid)
