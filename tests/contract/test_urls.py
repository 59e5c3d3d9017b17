"""The public URL contract and its rules: statuses, redirects, Show more."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_articles, make_author, region
from tests.helpers.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories():
    author = make_author(name="Сәуле Мешітбайқызы", slug="saule")
    return make_articles(30, authors=[author], tags=["Ауыл"], region=region("almaty"))


def story_items(html: str) -> list[str]:
    root = parse(html)
    return [li.find("a").attrs["href"] for li in root.iter("li") if li.find("time") is not None]


PAGES = [
    "/",
    "/news/",
    "/regions/",
    "/regions/almaty/",
    "/tags/auyl/",
    "/authors/saule/",
    "/top/",
    "/top/?period=day",
    "/top/?period=week",
    "/top/?period=month",
    "/top/?period=all",
    "/top/?period=decade",
    "/search/?q=%D0%B0%D1%83%D1%8B%D0%BB",
    "/search/?q=",
    "/rss/",
    "/regions/almaty/rss/",
    "/tags/auyl/rss/",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/robots.txt",
    "/health/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_public_url_answers_200(client, stories, url):
    assert client.get(url).status_code == 200


def test_short_and_stale_article_urls_redirect_permanently_to_the_canonical_one(client, stories):
    story = stories[0]
    for url in (f"/news/{story.pk}/", f"/news/{story.pk}/old-slug/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"].endswith(story.get_absolute_url())


@pytest.mark.parametrize("status", ["draft", "review", "scheduled"])
def test_unpublished_stories_are_404_by_every_url(client, status):
    if status == "scheduled":
        story = make_article(published_at=timezone.now() + timedelta(hours=1))
    else:
        story = make_article(status=status)
    for url in (story.get_absolute_url(), f"/news/{story.pk}/", f"/news/{story.pk}/x/"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/news/", "/regions/almaty/", "/tags/auyl/", "/authors/saule/"])
@pytest.mark.parametrize("page", [1, 2, 3])
def test_show_more_answers_only_the_items_for_every_page_number(client, stories, url, page):
    full = client.get(f"{url}?page={page}").content.decode()
    assert "<main" in full
    expected = story_items(full.split("<main", 1)[1].split("</main>", 1)[0])
    assert expected
    response = client.get(f"{url}?page={page}&partial=1")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<main" not in html and "<html" not in html.lower()
    assert html.lstrip().startswith("<li")
    assert story_items(html) == expected
    by_header = client.get(f"{url}?page={page}", headers={"X-Requested-With": "XMLHttpRequest"})
    assert "<main" in by_header.content.decode()


@pytest.mark.parametrize("url", ["/news/", "/top/", "/regions/almaty/", "/search/?q=a"])
@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1e3", "%00", "%D9%A3", "2.5"])
def test_a_bad_page_number_is_a_404_never_a_500(client, stories, url, page):
    sep = "&" if "?" in url else "?"
    for extra in ("", "&partial=1"):
        assert client.get(f"{url}{sep}page={page}{extra}").status_code in (200, 404)


def test_rss_items_carry_pub_date_and_absolute_urls_on_the_request_host(client, stories):
    response = client.get("/rss/", HTTP_HOST="news.example.kz")
    body = response.content.decode()
    assert "example.com" not in body
    items = ElementTree.fromstring(response.content).findall("./channel/item")
    assert items
    for item in items:
        assert item.findtext("pubDate")
        assert item.findtext("link").startswith("http://news.example.kz/news/")


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-news.xml", "/rss/", "/robots.txt"])
def test_crawler_files_use_site_url_when_it_is_set(client, stories, settings, url):
    settings.SITE_URL = "https://kazinform.example.kz"
    body = client.get(url).content.decode()
    assert "example.com" not in body
    assert "https://kazinform.example.kz/" in body
    assert "http://testserver" not in body


def test_sitemap_lists_published_stories_on_the_request_host(client, stories):
    make_article(status=Article.Status.DRAFT, title="Жасырын")
    body = client.get("/sitemap.xml", HTTP_HOST="news.example.kz").content.decode()
    assert "example.com" not in body
    assert f"http://news.example.kz{stories[0].get_absolute_url()}" in body


def test_health_answers_json(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_a_2000_character_kazakh_query_is_a_normal_page(client, stories):
    query = ("Ауыл шаруашылығы жаңалықтары " * 80)[:2000]
    assert client.get("/search/", {"q": query}).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/regions/a%00/", "/tags/a%00/", "/authors/a%00/"],
)
def test_a_nul_character_in_a_slug_is_a_404(client, stories, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/tags/a%00/rss/", "/regions/%00/rss/", "/regions/al%00maty/rss/"])
def test_a_nul_character_in_a_feed_slug_is_a_404(client, stories, url):
    assert client.get(url).status_code == 404


def test_news_lists_the_latest_stories_newest_first(client, stories):
    older = make_article(title="Ескі", published_at=timezone.now() - timedelta(days=30))
    first = story_items(client.get("/news/").content.decode().split("<main", 1)[1])
    assert first[:3] == [s.get_absolute_url() for s in stories[:3]]
    assert older.get_absolute_url() not in first


def test_regions_lists_the_twenty_regions_of_kazakhstan(client):
    main = parse(client.get("/regions/").content.decode()).find("main")
    links = {href for href in main.links() if href.startswith("/regions/") and href != "/regions/"}
    assert len(links) == 20
