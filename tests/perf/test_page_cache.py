import os
import time
from datetime import timedelta

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from core import cache as page_cache
from tests.factories import make_article, make_author, make_user, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_article(title="Алматыда жаңа саябақ ашылды", authors=[make_author()], tags=["Қала"])


def test_second_anonymous_view_of_an_article_costs_no_queries(
    client, story, django_assert_num_queries
):
    first = client.get(story.get_absolute_url())
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(story.get_absolute_url())
    assert second.status_code == 200
    assert second.content == first.content


def test_list_pages_and_home_are_served_from_the_cache_too(
    client, story, django_assert_num_queries
):
    for url in ["/", "/news/", region().get_absolute_url(), "/top/?period=day"]:
        assert client.get(url).status_code == 200
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200


def test_editing_a_story_refreshes_its_cached_pages_at_once(client, story):
    client.get(story.get_absolute_url())
    client.get("/news/")
    story.title = "Саябақ ертең ашылады"
    story.save()
    assert "Саябақ ертең ашылады" in client.get(story.get_absolute_url()).content.decode()
    assert "Саябақ ертең ашылады" in client.get("/news/").content.decode()


def test_unpublishing_a_story_takes_it_off_cached_lists(client, story):
    assert story.title in client.get("/news/").content.decode()
    story.status = Article.Status.DRAFT
    story.save()
    assert story.title not in client.get("/news/").content.decode()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_tag_and_region_edits_refresh_pages(client, story):
    client.get("/news/")
    generation, _ = page_cache.current()
    story.tags.add("Жаңа тег")
    after_tags, _ = page_cache.current()
    assert after_tags != generation
    almaty = region()
    almaty.name = "Алматы"
    almaty.save()
    assert page_cache.current()[0] != after_tags


def test_a_scheduled_story_appears_on_cached_lists_when_its_time_comes(client, story):
    soon = make_article(
        title="Кешіктірілген жаңалық", published_at=timezone.now() + timedelta(seconds=1)
    )
    assert soon.title not in client.get("/news/").content.decode()
    time.sleep(1.2)
    assert soon.title in client.get("/news/").content.decode()


def test_cached_pages_carry_cache_control_etag_and_last_modified(client, story, settings):
    response = client.get(story.get_absolute_url())
    control = response["Cache-Control"]
    assert "public" in control and f"s-maxage={settings.PAGE_CACHE_SECONDS}" in control
    assert response["ETag"] and response["Last-Modified"]
    cached = client.get(story.get_absolute_url())
    assert cached["ETag"] == response["ETag"]


def test_a_reload_with_the_etag_or_date_answers_304(client, story):
    response = client.get(story.get_absolute_url())
    by_etag = client.get(story.get_absolute_url(), headers={"if-none-match": response["ETag"]})
    assert by_etag.status_code == 304
    by_date = client.get(
        story.get_absolute_url(), headers={"if-modified-since": response["Last-Modified"]}
    )
    assert by_date.status_code == 304


def test_logged_in_staff_get_fresh_private_pages(client, story, django_assert_max_num_queries):
    client.get(story.get_absolute_url())
    client.force_login(make_user("Editor"))
    client.get("/admin/")  # where staff get the marker that skips the cache
    Article.objects.filter(pk=story.pk).update(title="Тек редакторға көрінеді")  # no signal
    response = client.get(story.get_absolute_url())
    assert "Тек редакторға көрінеді" in response.content.decode()
    assert response["Cache-Control"] == "private, no-cache"


def test_a_session_cookie_alone_does_not_bypass_the_cache(client, story, settings):
    client.get("/news/")
    Article.objects.filter(pk=story.pk).update(title="Жаңартылған тақырып")  # no signal
    client.cookies[settings.SESSION_COOKIE_NAME] = "anything"
    assert "Жаңартылған тақырып" not in client.get("/news/").content.decode()


def test_show_more_partial_and_full_page_are_cached_apart(client):
    for i in range(15):
        make_article(title=f"Тізім жаңалығы {i}")
    full = client.get("/news/?page=2")
    partial = client.get("/news/?page=2&partial=1")
    assert b"<html" in full.content
    assert b"<html" not in partial.content


@pytest.mark.parametrize("value", ["", "XMLHttpRequest"])
def test_a_script_header_never_stores_a_fragment_under_the_full_pages_key(client, value):
    """An empty X-Requested-With once made every reader get a bare list for 30 s."""
    make_article(title="Толық бет")
    client.get("/news/", headers={"X-Requested-With": value})
    assert b"<html" in client.get("/news/").content


def test_languages_are_cached_apart(client, story, settings):
    kazakh = client.get("/news/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    russian = client.get("/news/").content.decode()
    assert 'lang="kk"' in kazakh
    assert 'lang="ru"' in russian


def test_the_browser_language_alone_does_not_split_or_mix_the_cache(client, story, settings):
    client.get("/news/", headers={"accept-language": "ru"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert 'lang="ru"' in client.get("/news/").content.decode()


def test_counting_endpoint_and_health_are_never_cached(client, story):
    assert "no-cache" in client.get("/health/")["Cache-Control"]
    client.post(f"/pageviews/{story.pk}/")
    assert not any(key.startswith("page:") for key in _local_keys())


def test_page_cache_can_be_switched_off(client, story, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(story.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        client.get(story.get_absolute_url())
    assert len(queries) > 0


def _local_keys():
    from django.core.cache import cache

    return [key.split(":", 2)[-1] for key in getattr(cache, "_cache", {})]


@pytest.fixture
def redis_cache(settings):
    # Never the benchmarks' database (10): clearing it would wipe a running benchmark.
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "portal-test-h4",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.redis
def test_with_redis_cached_pages_cost_no_queries_and_edits_refresh_them(
    client, story, redis_cache, django_assert_num_queries
):
    client.get(story.get_absolute_url())
    with django_assert_num_queries(0):
        client.get(story.get_absolute_url())
    story.title = "Redis арқылы жаңартылды"
    story.save()
    assert "Redis арқылы жаңартылды" in client.get(story.get_absolute_url()).content.decode()


def test_a_fragment_is_built_once_per_generation(story):
    built = []

    def build():
        built.append(1)
        return len(built)

    assert page_cache.fragment("test-block", build) == 1
    assert page_cache.fragment("test-block", build) == 1
    story.title = "Өзгерді"
    story.save()
    assert page_cache.fragment("test-block", build) == 2


def test_home_region_blocks_cost_no_queries_until_content_changes(
    client, story, django_assert_num_queries
):
    from articles.selectors import region_blocks

    first = region_blocks()
    with django_assert_num_queries(0):
        assert [r for r, _ in region_blocks()] == [r for r, _ in first]
    make_article(title="Жаңа аймақ жаңалығы", region=region("astana"))
    titles = [s.title for _, stories in region_blocks() for s in stories]
    assert "Жаңа аймақ жаңалығы" in titles


def test_saving_a_story_works_when_the_generation_cannot_be_bumped(story, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.PAGE_CACHE_STAMP_FILE = str(blocker / "stamp")  # a path under a file: unwritable
    story.title = "Сақталады"
    story.save()
    assert Article.objects.get(pk=story.pk).title == "Сақталады"


def test_a_foreign_host_header_is_refused_not_cached(client, story):
    response = client.get("/news/", headers={"host": "evil.example.com"})
    assert response.status_code == 400
