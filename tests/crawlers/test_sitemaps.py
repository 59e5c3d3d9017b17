from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Tag
from articles.sitemaps import ArticleSitemap
from tests.factories import make_article, make_articles, make_author, region
from tests.helpers.feeds import NS, parse_xml

pytestmark = pytest.mark.django_db

SITEMAP = reverse("sitemap")
NEWS_SITEMAP = reverse("sitemap_news")


def locations(root) -> list[str]:
    return [loc.text for loc in root.iterfind("sm:url/sm:loc", NS)]


def absolute(obj, host="http://testserver") -> str:
    return host + obj.get_absolute_url()


def test_sitemap_lists_published_stories_active_regions_and_used_tags_and_authors(client):
    author, idle_author = make_author(), make_author()
    story = make_article(authors=[author], tags=["Білім"], region=region("almaty"))
    draft = make_article(
        authors=[idle_author], tags=["Жоспар"], status=Article.Status.DRAFT, published_at=None
    )
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    astana = region("astana")
    astana.is_active = False
    astana.save()

    urls = locations(parse_xml(client.get(SITEMAP)))

    assert absolute(story) in urls
    assert absolute(draft) not in urls and absolute(scheduled) not in urls
    assert absolute(region("almaty")) in urls
    assert absolute(region("shymkent")) in urls
    assert absolute(astana) not in urls
    assert absolute(Tag.objects.get(name="Білім")) in urls
    assert absolute(Tag.objects.get(name="Жоспар")) not in urls
    assert absolute(author) in urls
    assert absolute(idle_author) not in urls
    assert all(url.startswith("http://testserver/") for url in urls)


def test_sitemap_gives_stories_their_last_change_and_listings_their_newest_story(client):
    story = make_article(tags=["Білім"])
    Article.objects.filter(pk=story.pk).update(updated_at=datetime(2026, 3, 9, 8, tzinfo=UTC))
    story.refresh_from_db()

    root = parse_xml(client.get(SITEMAP))
    lastmods = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.iterfind("sm:url", NS)
    }

    assert lastmods[absolute(story)] == "2026-03-09"
    published_day = timezone.localdate(story.published_at).isoformat()
    assert lastmods[absolute(Tag.objects.get(name="Білім"))] == published_day


def test_sitemap_shows_a_story_as_soon_as_it_is_published_and_drops_it_when_unpublished(client):
    story = make_article(status=Article.Status.DRAFT, published_at=None)
    assert absolute(story) not in locations(parse_xml(client.get(SITEMAP)))

    story.status = Article.Status.PUBLISHED
    story.save()
    assert absolute(story) in locations(parse_xml(client.get(SITEMAP)))

    story.status = Article.Status.DRAFT
    story.save()
    assert absolute(story) not in locations(parse_xml(client.get(SITEMAP)))


def test_sitemap_uses_the_request_host_and_scheme_never_example_com(client, settings):
    settings.ALLOWED_HOSTS = ["zhanalyqtar.kz"]
    story = make_article()

    response = client.get(SITEMAP, HTTP_HOST="zhanalyqtar.kz", secure=True)

    assert absolute(story, "https://zhanalyqtar.kz") in locations(parse_xml(response))
    assert b"example.com" not in response.content


def test_sitemaps_use_site_url_when_it_is_set(client, settings):
    settings.SITE_URL = "https://zhanalyqtar.kz"
    story = make_article()

    for url in (SITEMAP, NEWS_SITEMAP):
        found = locations(parse_xml(client.get(url)))
        assert absolute(story, "https://zhanalyqtar.kz") in found
        assert all(loc.startswith("https://zhanalyqtar.kz/") for loc in found)


def test_later_sitemap_pages_hold_only_older_stories(client, monkeypatch):
    stories = make_articles(3)
    monkeypatch.setattr(ArticleSitemap, "limit", 2)

    first = locations(parse_xml(client.get(SITEMAP)))
    second = locations(parse_xml(client.get(SITEMAP, {"p": 2})))
    past_end = client.get(SITEMAP, {"p": 3})
    not_a_number = client.get(SITEMAP, {"p": "x"})

    assert [absolute(s) for s in stories[:2]] == first[:2]
    assert second == [absolute(stories[2])]
    assert past_end.status_code == 404
    assert not_a_number.status_code == 404


def test_news_sitemap_lists_stories_of_the_last_two_days_for_google_news(client, settings):
    settings.SITE_NAME = "Өңір жаңалықтары"
    now = timezone.now()
    fresh = make_article(title="Жаңа <мектеп> & бақша", published_at=now - timedelta(hours=3))
    make_article(published_at=now - timedelta(days=2, minutes=5))
    make_article(status=Article.Status.DRAFT, published_at=None)
    make_article(published_at=now + timedelta(hours=1))

    root = parse_xml(client.get(NEWS_SITEMAP))

    assert locations(root) == [absolute(fresh)]
    news = root.find("sm:url/news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Өңір жаңалықтары"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "kk"
    assert news.findtext("news:title", namespaces=NS) == "Жаңа <мектеп> & бақша"
    published = datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
    assert published == fresh.published_at.replace(microsecond=0)


def test_news_sitemap_without_recent_stories_is_an_empty_valid_urlset(client):
    make_article(published_at=timezone.now() - timedelta(days=5))

    root = parse_xml(client.get(NEWS_SITEMAP))

    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    assert locations(root) == []


def test_sitemap_queries_do_not_grow_with_content(client, django_assert_max_num_queries):
    authors = [make_author(), make_author()]
    make_articles(40, authors=authors, tags=["a", "b", "c"])

    # count + page for each of the four sections, one for the page cache's schedule check
    with django_assert_max_num_queries(9):
        assert client.get(SITEMAP).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(NEWS_SITEMAP).status_code == 200
