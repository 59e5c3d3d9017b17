"""Stale-while-revalidate with one render at a time, and read counts that do not empty the
page cache."""

import threading
from datetime import date

import pytest
from django.core.cache import cache as django_cache
from django.test import Client, RequestFactory

from articles.models import Article
from core import cache
from pageviews.models import DailyPageViews
from pageviews.periods import today
from pageviews.services import pageview_record
from portal.middleware import PageCacheMiddleware
from tests.factories import make_article
from tests.pagecache import urls_slow

pytestmark = pytest.mark.django_db


class Clock:
    """core.cache's clock, moved by hand: entries age without sleeping."""

    def __init__(self, monkeypatch):
        import time

        self.now = time.time()
        monkeypatch.setattr(cache, "clock", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def page_key(path: str, query: str = "") -> str:
    return PageCacheMiddleware._key(RequestFactory().get(path), query)


def _retitle_without_signal(story, title):
    Article.objects.filter(pk=story.pk).update(title=title)


@pytest.fixture
def story():
    return make_article(title="Ескі тақырып")


# --- serving stale while one request renders --------------------------------------------------


def test_a_stale_page_whose_render_lock_is_taken_is_served_stale_without_the_view(
    client, story, clock, settings, django_assert_num_queries
):
    client.get("/news/")
    _retitle_without_signal(story, "Жаңа тақырып")
    clock.advance(settings.PAGE_CACHE_SECONDS + 1)
    assert cache.claim(page_key("/news/")) is not None  # another worker is rendering it
    with django_assert_num_queries(0):
        response = client.get("/news/")
    assert "Ескі тақырып" in response.content.decode()
    assert response["X-Page-Cache"] == "stale"
    assert int(response["Age"]) >= settings.PAGE_CACHE_SECONDS


def test_with_the_lock_free_exactly_one_render_happens_and_its_page_is_stored(
    client, story, clock, settings, django_assert_num_queries
):
    client.get("/news/")
    _retitle_without_signal(story, "Жаңа тақырып")
    clock.advance(settings.PAGE_CACHE_SECONDS + 1)
    rendered = client.get("/news/")
    assert rendered["X-Page-Cache"] == "miss"
    assert "Жаңа тақырып" in rendered.content.decode()
    with django_assert_num_queries(0):
        again = client.get("/news/")
    assert again["X-Page-Cache"] == "hit" and again.content == rendered.content
    assert django_cache.get(f"lock:{page_key('/news/')}") is None  # released


@pytest.fixture
def controlled_page(settings):
    settings.ROOT_URLCONF = "tests.pagecache.urls_slow"
    urls_slow.state.update(renders=0, body="first", status=200)
    urls_slow.entered.clear()
    urls_slow.proceed.set()
    yield urls_slow
    urls_slow.proceed.set()


def render_blocked_then_read(controlled_page, readers: int) -> tuple[dict, list]:
    """Start a request that blocks inside the view, then ``readers`` more of the same page.

    Returns the answers by name ("renderer", "reader0", ...) as they come, and the threads
    (the renderer first). The view goes on when ``controlled_page.proceed`` is set.
    """
    controlled_page.entered.clear()
    controlled_page.proceed.clear()
    answers = {}

    def fetch(name):
        answers[name] = Client().get("/controlled/")

    renderer = threading.Thread(target=fetch, args=("renderer",))
    renderer.start()
    assert controlled_page.entered.wait(timeout=5)
    others = [threading.Thread(target=fetch, args=(f"reader{i}",)) for i in range(readers)]
    for thread in others:
        thread.start()
    return answers, [renderer, *others]


def joined(threads) -> None:
    for thread in threads:
        thread.join(timeout=5)
        assert not thread.is_alive()


def test_concurrent_requests_for_a_stale_page_cause_one_render(controlled_page, clock, settings):
    Client().get("/controlled/")
    assert controlled_page.state["renders"] == 1
    clock.advance(settings.PAGE_CACHE_SECONDS + 1)
    controlled_page.state["body"] = "second"
    answers, (renderer, *others) = render_blocked_then_read(controlled_page, 5)
    joined(others)  # no reader waited for the render
    controlled_page.proceed.set()
    joined([renderer])
    assert controlled_page.state["renders"] == 2  # the first fill, then one render
    assert answers["renderer"].content == b"second"
    assert all(answers[f"reader{i}"].content == b"first" for i in range(5))
    assert Client().get("/controlled/").content == b"second"


def test_a_failing_render_is_answered_with_the_stale_page(controlled_page, clock, settings):
    Client().get("/controlled/")
    clock.advance(settings.PAGE_CACHE_SECONDS + 1)
    controlled_page.state.update(body="boom", status=503)
    response = Client().get("/controlled/")
    assert response.status_code == 200 and response.content == b"first"
    assert response["X-Page-Cache"] == "stale"


# --- a content change still shows within seconds ---------------------------------------------


def test_after_a_content_change_a_stale_page_is_served_only_briefly(client, story, clock):
    client.get("/news/")
    cache.claim(page_key("/news/"))  # a slow render elsewhere holds the lock throughout
    story.title = "Түзетілген тақырып"
    story.save()
    assert "Ескі тақырып" in client.get("/news/").content.decode()
    clock.advance(cache.CHANGE_GRACE_SECONDS + 0.5)
    assert "Түзетілген тақырып" in client.get("/news/").content.decode()


def test_a_content_change_is_rendered_at_once_when_nobody_else_renders(client, story):
    client.get("/news/")
    story.title = "Бірден көрінеді"
    story.save()
    assert "Бірден көрінеді" in client.get("/news/").content.decode()


# --- how long, and what the headers say -------------------------------------------------------


def test_pages_are_kept_for_freshness_plus_the_stale_window(client, story, settings):
    settings.PAGE_CACHE_STALE_SECONDS = 45
    stored = []
    real_set = django_cache.set

    def spy(key, value, timeout=None, **kwargs):
        stored.append((key, timeout))
        return real_set(key, value, timeout, **kwargs)

    django_cache.set = spy
    try:
        client.get(story.get_absolute_url())
    finally:
        del django_cache.set
    page_timeouts = [timeout for key, timeout in stored if key.startswith("page:")]
    assert page_timeouts == [settings.PAGE_CACHE_SECONDS + 45]


def test_cache_control_tells_cdns_to_serve_stale_while_revalidating_and_on_errors(
    client, story, settings
):
    control = client.get("/news/")["Cache-Control"]
    assert f"stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}" in control
    assert f"stale-if-error={settings.PAGE_CACHE_STALE_IF_ERROR_SECONDS}" in control
    assert f"s-maxage={settings.PAGE_CACHE_SECONDS}" in control


# --- fragments and rankings ------------------------------------------------------------------


def test_a_stale_fragment_is_rebuilt_by_one_request_while_others_get_the_old_one(story):
    built = []

    def build():
        built.append(1)
        return len(built)

    assert cache.fragment("swr-block", build) == 1
    story.save()  # the content generation moves
    cache.claim("fragment:swr-block")  # someone is rebuilding it
    assert cache.fragment("swr-block", build) == 1
    assert built == [1]
    cache.release("fragment:swr-block", django_cache.get("lock:fragment:swr-block"))
    assert cache.fragment("swr-block", build) == 2


def test_after_a_flush_one_request_computes_the_ranking_while_others_get_the_last(clock):
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert cache.remember_counted("ranking", compute, timeout=30) == 1
    cache.bump_counts()
    cache.claim("counted:ranking")
    assert cache.remember_counted("ranking", compute, timeout=30) == 1
    clock.advance(cache.CHANGE_GRACE_SECONDS + 0.5)  # the computing request died long ago
    assert cache.remember_counted("ranking", compute, timeout=30) == 2


# --- read counts do not empty the page cache --------------------------------------------------


def test_a_read_count_flush_leaves_cached_pages_valid(client, story, django_assert_num_queries):
    first = client.get("/news/")
    key = page_key("/news/")
    before = cache.find(key)
    cache.bump_counts()  # what every flush does, every ~30 s
    after = cache.find(key)
    assert after.fresh and after.generation == before.generation
    _retitle_without_signal(story, "Көрінбеуі тиіс")
    with django_assert_num_queries(0):
        assert client.get("/news/").content == first.content


def test_a_counted_read_shows_on_top_and_on_the_story_after_the_page_ttl(client, clock, settings):
    leader = make_article(title="Көшбасшы")
    runner = make_article(title="Қуушы")
    day: date = today()
    DailyPageViews.objects.create(article=leader, day=day, count=5)
    DailyPageViews.objects.create(article=runner, day=day, count=4)
    top = client.get("/top/?period=day").content.decode()
    assert top.index("Көшбасшы") < top.index("Қуушы")
    story_before = client.get(runner.get_absolute_url()).content.decode()

    # A flush: reads reach the day rows and the story's total, then the counts generation.
    pageview_record(article_id=runner.pk, day=day, by=3)
    cache.bump_counts()

    top = client.get("/top/?period=day").content.decode()
    assert top.index("Көшбасшы") < top.index("Қуушы")  # the page itself is still fresh
    clock.advance(settings.PAGE_CACHE_SECONDS + 1)
    top = client.get("/top/?period=day").content.decode()
    assert top.index("Қуушы") < top.index("Көшбасшы")
    story_after = client.get(runner.get_absolute_url()).content.decode()
    assert story_after != story_before
    assert ">3</span>" not in story_before and " 3</span>" in story_after


def test_a_page_rendered_with_an_outdated_fragment_is_not_stored(client, story):
    """Else an edit would miss the home page for a whole PAGE_CACHE_SECONDS."""
    client.get("/")
    story.title = "Өңірлік жаңалық өзгерді"
    story.save()
    # Another request is rebuilding the region blocks: this render gets the old ones.
    token = cache.claim("fragment:region-blocks-html:3:kk")
    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"
    cache.release("fragment:region-blocks-html:3:kk", token)
    again = client.get("/")
    assert again["X-Page-Cache"] == "miss"  # rendered again, not the outdated page
    assert again.content.decode().count("Өңірлік жаңалық өзгерді") > first.content.decode().count(
        "Өңірлік жаңалық өзгерді"
    )


def test_a_head_request_for_a_stale_page_gets_the_stale_copy_and_leaves_the_lock(
    client, story, clock, settings, django_assert_num_queries
):
    client.get("/news/")
    clock.advance(settings.PAGE_CACHE_SECONDS + 1)
    with django_assert_num_queries(0):
        response = client.head("/news/")
    assert response["X-Page-Cache"] == "stale"
    assert django_cache.get(f"lock:{page_key('/news/')}") is None  # a GET will render it
    assert client.get("/news/")["X-Page-Cache"] == "miss"


def test_a_page_rendered_with_the_ranking_from_before_a_flush_is_stored(client, story):
    """Its view counts are as fresh as its age allows anyway: no second render per flush."""
    client.get("/")
    django_cache.delete(page_key("/"))
    cache.bump_counts()  # a flush; another request is computing the new Top news
    token = cache.claim("counted:top-news:kk")
    first = client.get("/")
    cache.release("counted:top-news:kk", token)
    assert first["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_a_page_rendered_with_the_ranking_from_before_an_edit_is_not_stored(client, story):
    client.get(story.get_absolute_url())
    story.title = "Түзетілген тақырып"
    story.save()  # moves the content and the counts generations
    token = cache.claim("counted:top-news:kk")
    first = client.get(story.get_absolute_url())
    cache.release("counted:top-news:kk", token)
    assert first["X-Page-Cache"] == "miss"
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "miss"


def test_concurrent_requests_for_a_page_not_kept_yet_cause_one_render(controlled_page, monkeypatch):
    waiting = threading.Semaphore(0)
    wait_for = PageCacheMiddleware._wait_for

    def counted_wait(key):
        waiting.release()
        return wait_for(key)

    monkeypatch.setattr(PageCacheMiddleware, "_wait_for", staticmethod(counted_wait))
    answers, threads = render_blocked_then_read(controlled_page, 5)
    for _ in threads[1:]:  # every reader found the render under way, and waits for it
        assert waiting.acquire(timeout=5)
    controlled_page.proceed.set()
    joined(threads)
    assert controlled_page.state["renders"] == 1
    assert all(answer.content == b"first" for answer in answers.values())


def test_requests_waiting_for_a_first_render_that_stores_nothing_render_themselves(
    controlled_page,
):
    controlled_page.state["status"] = 404  # not stored: each request gets its own answer
    answers, threads = render_blocked_then_read(controlled_page, 1)
    controlled_page.proceed.set()
    joined(threads)
    assert controlled_page.state["renders"] == 2
    assert answers["reader0"].status_code == 404
