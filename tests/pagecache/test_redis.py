"""The page cache on a shared Redis cache: what every worker and server sees alike."""

import time

import pytest
from django.test import RequestFactory

from articles.models import Article
from core import cache
from portal.middleware import PageCacheMiddleware
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.redis, pytest.mark.usefixtures("redis_cache")]


def page_key(path):
    return PageCacheMiddleware._key(RequestFactory().get(path), "")


@pytest.fixture
def story():
    return make_article(title="Redis тақырыбы")


def test_pages_come_from_redis_without_queries_and_edits_refresh_them(
    client, story, django_assert_num_queries
):
    client.get("/news/")
    with django_assert_num_queries(0):
        assert client.get("/news/")["X-Page-Cache"] == "hit"
    story.title = "Redis арқылы жаңартылды"
    story.save()
    assert "Redis арқылы жаңартылды" in client.get("/news/").content.decode()


def test_the_content_generation_is_the_time_of_the_last_change(story):
    before = time.time()
    story.save()
    generation, _ = cache.current()
    assert before - 1 <= generation / 1e9 <= time.time() + 1


def test_a_render_lock_taken_on_another_server_serves_the_stale_page(
    client, story, monkeypatch, settings, django_assert_num_queries
):
    client.get("/news/")
    Article.objects.filter(pk=story.pk).update(title="Әлі көрінбейді")
    later = time.time() + settings.PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(cache, "clock", lambda: later)
    # The lock is a plain key in Redis: another server's add() is this one.
    assert cache.claim(page_key("/news/"))
    with django_assert_num_queries(0):
        response = client.get("/news/")
    assert response["X-Page-Cache"] == "stale"
    assert "Redis тақырыбы" in response.content.decode()


def test_a_flush_leaves_redis_pages_valid(client, story, django_assert_num_queries):
    client.get("/news/")
    cache.bump_counts()
    with django_assert_num_queries(0):
        assert client.get("/news/")["X-Page-Cache"] == "hit"
