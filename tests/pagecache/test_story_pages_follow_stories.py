"""With a shared cache, a story page follows the stories it shows, not every publish."""

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from articles.models import Article, Tag
from articles.selectors import rank_and_keep
from core import pages
from pageviews.models import DailyPageViews
from portal.middleware import PageCacheMiddleware
from tests.factories import ago, fresh, make_article, make_articles, region

pytestmark = [pytest.mark.django_db, pytest.mark.redis, pytest.mark.usefixtures("redis_cache")]


@pytest.fixture(autouse=True)
def _one_clock(monkeypatch):
    """One server: a story changed just before a render may be kept with it (the margin for
    servers' clocks a little apart has its own test)."""
    monkeypatch.setattr(pages, "CLOCK_MARGIN_SECONDS", 0)


@pytest.fixture
def story():
    return make_article(title="Өзен жағасы", tags=["өзен"], region=region("almaty"))


def cached_page(client, article) -> str:
    """The story page, rendered and kept: the next read is a hit."""
    client.get(article.get_absolute_url())
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    return response.content.decode()


def read(client, article):
    response = client.get(fresh(article).get_absolute_url())
    assert response.status_code == 200
    return response["X-Page-Cache"], response.content.decode()


def test_a_publish_elsewhere_leaves_story_pages_cached_but_not_lists(client):
    story = make_article(tags=["өзен"], region=region("almaty"), published_at=ago(48))
    # Newer stories on the new one's topic: its Similar news, whose pages follow it now.
    make_articles(12, tags=["тау"], region=region("astana"))
    cached_page(client, story)
    client.get("/news/")

    make_article(title="Басқа облыстағы жаңалық", region=region("astana"), tags=["тау"])

    assert read(client, story)[0] == "hit"
    news = client.get("/news/")
    assert news["X-Page-Cache"] == "miss" and "Басқа облыстағы жаңалық" in news.content.decode()


def test_the_storys_own_edit_shows_at_once(client, story):
    cached_page(client, story)

    story.title = "Өзен жағасы тазартылды"
    story.save()

    state, page = read(client, story)
    assert state == "miss" and "Өзен жағасы тазартылды" in page


def test_a_retitled_story_in_similar_news_shows_at_once(client, story):
    neighbour = make_article(title="Көпір салынды", tags=["өзен"], published_at=ago(2))
    rank_and_keep(fresh(story))
    assert "Көпір салынды" in cached_page(client, story)

    neighbour.title = "Көпір ашылды"
    neighbour.save()

    state, page = read(client, story)
    assert state == "miss" and "Көпір ашылды" in page and "Көпір салынды" not in page


def test_a_story_taken_down_leaves_top_news_on_every_story_page_at_once(client, story):
    popular = make_article(title="Оқылған жаңалық", region=region("astana"), tags=["тау"])
    DailyPageViews.objects.create(article=popular, day=popular.published_at.date(), count=50)
    assert "Оқылған жаңалық" in cached_page(client, story)

    popular.status = Article.Status.DRAFT
    popular.save()

    state, page = read(client, story)
    assert state == "miss" and "Оқылған жаңалық" not in page


def test_a_new_story_that_ranks_among_similar_news_shows_on_its_neighbours(client, story):
    rank_and_keep(fresh(story))
    cached_page(client, story)

    make_article(title="Өзен тағы тасыды", tags=["өзен"], published_at=ago(0.1))

    state, page = read(client, story)
    assert state == "miss" and "Өзен тағы тасыды" in page


def test_a_renamed_tag_shows_on_every_story_page(client, story):
    cached_page(client, story)

    tag = Tag.objects.get(name="өзен")
    tag.name = "Өзендер"
    tag.save()

    state, page = read(client, story)
    assert state == "miss" and "#Өзендер" in page


def test_a_page_is_not_kept_when_its_story_changed_while_it_rendered(story):
    key = PageCacheMiddleware._key(RequestFactory().get(story.get_absolute_url()), "")
    found = pages.find(key)
    build = pages.begin_build()
    pages.follows_its_stories(story.pk)
    pages.bump_stories([story.pk])  # an editor's save commits mid-render
    pages.end_build(build)

    pages.keep(key, found, build, "the page from before the save", 30, stale=30)

    assert pages.find(key).value is None


def test_a_story_changed_a_moment_before_the_render_may_be_on_a_clock_behind(story, monkeypatch):
    monkeypatch.setattr(pages, "CLOCK_MARGIN_SECONDS", 1)
    key = "page:test:margin"
    build = pages.begin_build()
    pages.follows_its_stories(story.pk)  # saved by the fixture a moment ago
    pages.end_build(build)

    pages.keep(key, pages.find(key), build, "page", 30, stale=30)

    assert pages.find(key).value is None


def test_a_page_kept_under_its_stories_is_fresh_until_one_changes(story):
    other = make_article()
    key = "page:test:follows"
    build = pages.begin_build()
    pages.follows_its_stories(story.pk)
    pages.shows(other.pk)
    pages.end_build(build)

    pages.keep(key, pages.find(key), build, "page", 30, stale=30)
    assert pages.find(key).fresh

    pages.bump_stories([other.pk])
    found = pages.find(key)
    assert found.outdated and found.servable_stale and found.value == "page"


def test_a_story_page_hit_costs_one_cache_round_trip(client, story, monkeypatch):
    cached_page(client, story)
    backend = caches["default"]  # the Redis cache of this test
    trips = []
    real_get_many = backend.get_many

    def get_many(keys, *args, **kwargs):
        trips.append(list(keys))
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(backend, "get_many", get_many)
    monkeypatch.setattr(backend, "get", lambda *a, **k: trips.append(a) or None)

    assert read(client, story)[0] == "hit"

    assert len(trips) == 1


def test_a_story_changed_on_another_server_shows_once_this_ones_read_of_it_ages(
    client, story, monkeypatch
):
    cached_page(client, story)
    story_key = pages.story_key(story.pk)
    # Another server's save: its stamp moves in Redis, not in this process's memory.
    caches["default"].set(story_key, caches["default"].get(story_key, 0) + 1, timeout=None)
    assert read(client, story)[0] == "hit"  # read here less than a second ago

    monkeypatch.setattr(pages, "STAMP_READ_SECONDS", 0)

    assert read(client, story)[0] == "miss"
