"""Odd requests at every public page: never a 5xx, and never a poisoned cache entry.

After each generated request, a plain GET of the page must return exactly what a fresh render
returns (the page rendered again with the cache emptied). Deterministic (``derandomize``) so
CI sees the same examples every run.
"""

from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache as django_cache
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core import cache
from pageviews.models import DailyPageViews
from pageviews.periods import today
from portal.middleware import STAFF_COOKIE, PageCacheMiddleware, staff_marker
from tests.factories import make_article, make_author, region

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def pages(settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example.kz"]
    author = make_author(name="Фаззер", slug="fuzzer")
    stories = [
        make_article(title=f"Фазз жаңалығы {i}", authors=[author], tags=["Фазз"]) for i in range(14)
    ]
    DailyPageViews.objects.create(article=stories[0], day=today(), count=3)
    return [
        "/",
        "/news/",
        stories[3].get_absolute_url(),
        region().get_absolute_url(),
        "/tags/fazz/",
        author.get_absolute_url(),
        "/top/",
        "/search/",
        "/rss/",
        "/sitemap.xml",
        "/robots.txt",
    ]


def _text(max_size=40):
    return st.one_of(
        st.text(max_size=max_size),
        st.sampled_from(["", "\x00", "1", "2", "0", "-1", "99999999", "day", "all", "а" * 5000]),
    )


_NAMES = st.sampled_from(
    ["page", "partial", "q", "period", "p", "utm_source", "fbclid", "", "\x00", "page[]", "x" * 300]
)
QUERIES = st.one_of(
    st.lists(st.tuples(_NAMES, _text()), max_size=6).map(
        lambda pairs: urlencode(pairs, quote_via=quote)
    ),
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=60),
)
_LATIN1 = st.text(alphabet=st.characters(max_codepoint=255), max_size=60)
HEADERS = st.dictionaries(
    st.sampled_from(
        [
            "X-Forwarded-For",
            "X-Forwarded-Host",
            "X-Forwarded-Proto",
            "Forwarded",
            "Range",
            "If-None-Match",
            "If-Modified-Since",
            "If-Match",
            "X-Requested-With",
            "Accept",
            "Accept-Language",
            "Accept-Encoding",
            "User-Agent",
            "Sec-Purpose",
            "Cookie",
        ]
    ),
    st.one_of(
        _LATIN1,
        st.sampled_from(
            [
                "",
                "*",
                "\x00",
                "bytes=0-10",
                "bytes=-1,0-",
                "XMLHttpRequest",
                "https",
                "evil.example.com",
                "ru",
                "gzip, br",
                "x" * 20000,
                "sessionid=junk",
                "sessionid=junk; django_language=ru",
                "django_language=\x00; sessionid=",
                f"sessionid=a; {STAFF_COOKIE}={staff_marker('b')}",
                f"{STAFF_COOKIE}=forged",
                'W/"abc", "def"',
                "Thu, 01 Jan 1970 00:00:00 GMT",
                "not a date",
            ]
        ),
    ),
    max_size=5,
)
METHODS = st.sampled_from(
    ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "PROPFIND", "get"]
)
PATH_TAILS = st.sampled_from(
    ["", "x/", "%00", "..%2F..%2F", "/", ";jsessionid=1", "%ff", "a" * 900]
)


def _fresh(url: str) -> bytes:
    django_cache.clear()
    return Client().get(url).content


def _assert_plain_get_is_a_fresh_render(url: str) -> None:
    served = Client().get(url)
    assert served.status_code == 200, url
    assert served.content == _fresh(url), f"the cache answers {url} with another page"


def _send(client, method, url, headers):
    return client.generic(method, url, headers=headers)


def test_odd_query_strings_and_headers_at_every_page(pages):
    client = Client(raise_request_exception=False)

    @FUZZ
    @given(page=st.sampled_from(pages), query=QUERIES, headers=HEADERS)
    def run(page, query, headers):
        django_cache.clear()  # each example on its own, so a failure replays the same
        url = f"{page}?{query}" if query else page
        response = _send(client, "GET", url, headers)
        assert response.status_code < 500, (url, headers, response.status_code)
        _assert_plain_get_is_a_fresh_render(page)

    run()


def test_odd_methods_and_paths_at_every_page(pages):
    client = Client(raise_request_exception=False)

    @FUZZ
    @given(
        page=st.sampled_from(pages),
        method=METHODS,
        tail=PATH_TAILS,
        query=QUERIES,
        headers=HEADERS,
    )
    def run(page, method, tail, query, headers):
        django_cache.clear()
        url = page + tail + (f"?{query}" if query else "")
        response = _send(client, method, url, headers)
        assert response.status_code < 500, (method, url, headers, response.status_code)
        _assert_plain_get_is_a_fresh_render(page)

    run()


def test_the_fuzzer_would_notice_a_poisoned_entry(pages, settings):
    """The oracle itself: a page stored under the wrong key must fail the check."""
    Client().get("/news/?partial=1")
    partial = cache.find(PageCacheMiddleware._key(RequestFactory().get("/news/"), "partial=1"))
    full = PageCacheMiddleware._key(RequestFactory().get("/news/"), "")
    cache.keep(full, partial.generation, partial.value, 30)
    with pytest.raises(AssertionError):
        _assert_plain_get_is_a_fresh_render("/news/")
