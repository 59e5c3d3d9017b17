"""The full-page cache for anonymous readers.

Sits right after WhiteNoise, so a page served from the cache skips sessions, CSRF,
authentication and the view: no SQL at all. Every reader but staff is served from it or
fills it, whatever cookies they send; staff (a valid signed marker, see below) get fresh
pages marked private. A cached page is fresh while the site's content generation
(core.cache) is the one it was made under, and for at most PAGE_CACHE_SECONDS; after that
one request renders it again while the others get the stale copy (core.cache.find/claim).

Only the pages named in ``PAGE_PARAMS`` are cached, and each is keyed on the query
parameters it declares there: anything else in the query string (``utm_source``, a
cache-buster) is removed before the view runs, so the page is the canonical page's and is
answered from its entry. docs/page-cache.md states every key rule.
"""

import functools
import hashlib
import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control
from django.utils.crypto import constant_time_compare
from django.utils.http import http_date, parse_http_date_safe

from articles.search import MAX_QUERY_LENGTH
from core import cache, pages
from portal.locale import reader_language

logger = logging.getLogger(__name__)

NEVER_CACHED_PREFIXES = ("/admin/", "/pageviews/", "/health/", "/i18n/", "/media/", "/static/")
STORED_STATUSES = {200, 301}
# Request headers a stored page may vary on: the key holds the language cookie (and the view
# sees no other cookie), and compression happens outside the site (nginx, a CDN).
ACCOUNTED_VARY = {"cookie", "accept-encoding"}
# Browsers keep a page briefly and then revalidate with ETag/Last-Modified; shared caches
# (a CDN, nginx) may keep it for PAGE_CACHE_SECONDS.
BROWSER_MAX_AGE = 15
# How long a request waits for the page another one is rendering for the first time, and
# how often it looks: a render takes milliseconds, a slow one should not hold workers long.
COALESCE_SECONDS = 2.0
COALESCE_POLL_SECONDS = 0.01
# Response headers worth keeping; everything else is added again by the outer middleware.
_SKIPPED_HEADERS = {"set-cookie", "date", "content-length"}

# The allow-list: URL name -> the query parameters that page reads. A page missing here is
# never cached, so a new URL is safe (uncached) until it is declared.
_LIST = ("page", "partial")
PAGE_PARAMS: dict[str, tuple[str, ...]] = {
    "home": _LIST,  # ?partial=1 answers with the latest news' items (core.listing)
    "articles:list": _LIST,
    "articles:tag": _LIST,
    "regions:detail": _LIST,
    "authors:detail": _LIST,
    "articles:search": ("q", *_LIST),
    "pageviews:top": ("period", *_LIST),
    "articles:detail": (),
    "articles:detail_short": (),
    "articles:rss": (),
    "articles:tag_rss": (),
    "regions:rss": (),
    "regions:list": (),
    "authors:list": (),
    "sitemap": ("p",),
    "sitemap_news": ("p",),
    "robots": (),
}
# Values the view reads only in part are cut the same way here, so two queries that render
# the same page share one entry (search reads the first 200 characters, stripped).
_NORMALISE = {"q": lambda value: value[:MAX_QUERY_LENGTH].strip()}


# --- staff: who skips the cache ---------------------------------------------------------
# A session cookie proves nothing until the session is loaded, which costs a query: anyone
# could send "sessionid=x" to force renders. Staff carry a second cookie instead, signed
# with SECRET_KEY and bound to their session key, that this middleware checks without SQL.
STAFF_COOKIE = "portal_staff"
_STAFF_SALT = "portal.middleware.staff"


def _session_digest(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def staff_marker(session_key: str) -> str:
    return signing.TimestampSigner(salt=_STAFF_SALT).sign(_session_digest(session_key))


def marker_matches(marker: str, session_key: str, *, max_age: int | None = None) -> bool:
    if not marker or not session_key:
        return False
    try:
        value = signing.TimestampSigner(salt=_STAFF_SALT).unsign(
            marker, max_age=max_age or settings.SESSION_COOKIE_AGE
        )
    except signing.BadSignature:  # a forged, foreign or expired marker
        return False
    return constant_time_compare(value, _session_digest(session_key))


def is_staff_request(request) -> bool:
    """A staff marker made for this very session cookie, and not older than a session."""
    return marker_matches(
        request.COOKIES.get(STAFF_COOKIE, ""),
        request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
    )


class StaffMarkerMiddleware:
    """Gives staff the marker cookie, and takes it back when the session is no staff's.

    After AuthenticationMiddleware. Looks only when something already read the session (the
    admin, the login) or a marker came in, so an anonymous page costs no query here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        marker = request.COOKIES.get(STAFF_COOKIE, "")
        if session is None or not (session.accessed or marker):
            return response
        key = session.session_key
        user = getattr(request, "user", None)
        if key and user is not None and user.is_authenticated and user.is_staff:
            # Renewed halfway through its life, so an active editor never loses it.
            if not marker_matches(marker, key, max_age=settings.SESSION_COOKIE_AGE // 2):
                response.set_cookie(
                    STAFF_COOKIE,
                    staff_marker(key),
                    max_age=None
                    if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
                    else settings.SESSION_COOKIE_AGE,
                    path=settings.SESSION_COOKIE_PATH,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
        elif marker:
            response.delete_cookie(
                STAFF_COOKIE,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return response


@functools.lru_cache(maxsize=4096)
def _view_name(path: str, urlconf: str) -> str | None:
    # Resolving costs ~0.1-0.2 ms, as much as the rest of a cache hit; paths repeat.
    try:
        return resolve(path, urlconf).view_name
    except Resolver404:
        return None


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        staff = is_staff_request(request)
        if staff or not self._is_public_read(request):
            response = self.get_response(request)
            if staff and not request.path.startswith(NEVER_CACHED_PREFIXES):
                # Previews, drafts and fresh pages: never kept by a browser or a CDN.
                response["Cache-Control"] = "private, no-cache"
            return response
        query = self._canonical_query(request)
        if query is None:
            return self.get_response(request)
        self._canonicalise(request, query)
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0:
            return self._finish(request, self.get_response(request))
        key = self._key(request, query)
        found = pages.find(key)
        if found.fresh:
            return self._serve(request, found, "hit")
        token = None
        if found.servable_stale:
            # HEAD stores nothing, so it never takes the lock from a GET that would.
            token = cache.claim(key) if request.method == "GET" else None
            if token is None:  # another request (any worker, any server) is rendering it
                return self._serve(request, found, "stale")
        elif found.value is None and found.generation is not None and request.method == "GET":
            # Nothing to serve yet (a story just published and linked everywhere): one
            # request renders, the others wait for its page rather than all rendering it.
            token = cache.claim(key)
            if token is None and (rendered := self._wait_for(key)) is not None:
                return self._serve(request, rendered, "hit")
        try:
            build = pages.begin_build()
            try:
                response = self.get_response(request)
            finally:
                pages.end_build(build)
            if response.status_code >= 500 and found.stale:
                # What stale-if-error asks of a CDN, done here too: the last good page beats
                # an error page.
                return self._serve(request, found, "stale")
            if not self._is_storable(response):
                return response
            self._stamp(response)
            # Not stored when a fragment inside came from before a change (another request is
            # rebuilding it) or a story it shows changed meanwhile: the next request renders
            # the page again instead.
            if request.method == "GET":
                entry = self._entry(response)
                pages.keep(key, found, build, entry, seconds, stale=cache.stale_seconds())
        finally:
            # After the store: a request between release and store would render it again.
            cache.release(key, token)
        response["X-Page-Cache"] = "miss"
        return self._conditional(request, response)

    @staticmethod
    def _wait_for(key: str):
        """The page another request is rendering, once stored; None when it stored nothing
        (an error, a page too big to keep) or took too long: then render it here."""
        deadline = time.monotonic() + COALESCE_SECONDS
        while time.monotonic() < deadline:
            time.sleep(COALESCE_POLL_SECONDS)
            found = pages.find(key)
            if found.fresh:
                return found
            if not cache.is_claimed(key):
                # Released: stored just now (look once more), or nothing to store.
                found = pages.find(key)
                return found if found.fresh else None
        return None

    def _finish(self, request, response):
        if not self._is_storable(response):
            return response
        self._stamp(response)
        return self._conditional(request, response)

    def _serve(self, request, found, state: str):
        response = self._rebuild(found.value)
        # Caches downstream count this in: a stale copy is never taken for a fresh one there.
        response["Age"] = str(max(0, int(cache.clock() - found.stored_at)))
        response["X-Page-Cache"] = state
        return self._conditional(request, response)

    @staticmethod
    def _conditional(request, response):
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=response.last_modified_ts,
            response=response,
        )

    @staticmethod
    def _is_public_read(request) -> bool:
        return request.method in ("GET", "HEAD") and not request.path.startswith(
            NEVER_CACHED_PREFIXES
        )

    @staticmethod
    def _canonical_query(request) -> str | None:
        """The page's own query string (sorted, last value wins), or None if not a page."""
        allowed = PAGE_PARAMS.get(_view_name(request.path_info, settings.ROOT_URLCONF))
        if allowed is None:
            return None
        if not request.META.get("QUERY_STRING"):
            return ""
        kept = []
        for param in sorted(allowed):
            # The last value, as request.GET.get() (what every view reads) would return.
            values = request.GET.getlist(param)
            if values:
                value = values[-1]
                kept.append((param, _NORMALISE[param](value) if param in _NORMALISE else value))
        return urlencode(kept)

    @staticmethod
    def _canonicalise(request, query: str) -> None:
        # The view renders exactly what the key names: links built from the request (the
        # language switcher's "next", "Show more") never carry a stranger's utm_source, and a
        # session cookie that is not staff's (checked above) cannot make the page personal.
        if request.META.get("QUERY_STRING", "") != query:
            request.META["QUERY_STRING"] = query
            request.GET = QueryDict(query)
        if not request.COOKIES:
            return
        name = settings.LANGUAGE_COOKIE_NAME
        language = reader_language(request)
        if request.COOKIES.get(name) == language:
            request.COOKIES = {name: language}
            request.META["HTTP_COOKIE"] = f"{name}={language}"
        else:
            request.COOKIES = {}
            request.META.pop("HTTP_COOKIE", None)

    @staticmethod
    def _key(request, query: str) -> str:
        # The scheme matters: canonical and OpenGraph links in the page are absolute.
        raw = f"{request.scheme}|{request.get_host()}|{request.path}?{query}"
        digest = hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()
        return f"page:{reader_language(request)}:{digest}"

    @staticmethod
    def _is_storable(response) -> bool:
        if response.status_code not in STORED_STATUSES or response.streaming:
            return False
        if response.cookies:
            return False
        # One huge page (a sitemap of 10,000 stories) must not push hundreds of others out.
        if len(response.content) > settings.PAGE_CACHE_MAX_BYTES:
            return False
        varies = {name.strip().lower() for name in cc_delim_re.split(response.get("Vary", ""))}
        if varies - ACCOUNTED_VARY - {""}:
            # The entry would be served whatever that header says ("*" included).
            return False
        control = response.get("Cache-Control", "")
        return not any(word in control for word in ("private", "no-store", "no-cache"))

    @staticmethod
    def _stamp(response) -> None:
        if not response.has_header("Cache-Control"):
            # A CDN may then answer with its stale copy while it refetches, or while the site
            # is down, as this middleware does itself.
            patch_cache_control(
                response,
                public=True,
                max_age=min(BROWSER_MAX_AGE, settings.PAGE_CACHE_SECONDS),
                s_maxage=settings.PAGE_CACHE_SECONDS,
                stale_while_revalidate=cache.stale_seconds(),
                stale_if_error=settings.PAGE_CACHE_STALE_IF_ERROR_SECONDS,
            )
        if not response.has_header("ETag"):
            digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
            response["ETag"] = f'"{digest}"'
        stated = parse_http_date_safe(response.get("Last-Modified", ""))
        response.last_modified_ts = stated or int(time.time())
        if not stated:
            response["Last-Modified"] = http_date(response.last_modified_ts)

    @staticmethod
    def _entry(response) -> tuple:
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in _SKIPPED_HEADERS
        ]
        return (
            response.status_code,
            response.content,
            headers,
            response.last_modified_ts,
        )

    @staticmethod
    def _rebuild(entry) -> HttpResponse:
        status, content, headers, last_modified_ts = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response.last_modified_ts = last_modified_ts
        return response
