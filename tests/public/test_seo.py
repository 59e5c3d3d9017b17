import json
import re

import pytest

from tests.factories import make_article, make_author
from tests.helpers.html import parse

pytestmark = pytest.mark.django_db


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def meta(html, attr, name):
    match = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)"', html)
    assert match, name
    return match.group(1)


def test_article_json_ld_is_a_valid_news_article(client):
    author = make_author(name="Ермек Сахариев")
    story = make_article(title="Тақырып </script><b>", authors=[author])
    html = client.get(story.get_absolute_url(), HTTP_HOST="news.example.kz").content.decode()
    data = json_ld(html)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == story.title
    assert data["author"][0]["name"] == "Ермек Сахариев"
    assert data["publisher"]["name"]
    assert data["datePublished"].startswith(str(story.published_at.year))
    assert data["dateModified"]
    assert data["image"][0] == "http://news.example.kz/static/img/og-default.png"
    assert "</script><b>" not in html.split('application/ld+json">', 1)[1].split("</script>")[0]


def test_canonical_and_open_graph_use_the_request_host(client):
    story = make_article()
    html = client.get(story.get_absolute_url(), HTTP_HOST="news.example.kz").content.decode()
    url = f"http://news.example.kz{story.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "property", "og:url") == url
    assert meta(html, "property", "og:title") == story.title
    assert meta(html, "property", "og:type") == "article"
    assert meta(html, "property", "og:image").startswith("http://news.example.kz/")
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    assert "example.com" not in html


def test_site_url_setting_wins_over_the_request_host(client, settings):
    settings.SITE_URL = "https://qazaqnews.kz"
    story = make_article()
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="https://qazaqnews.kz{story.get_absolute_url()}">' in html
    assert json_ld(html)["mainEntityOfPage"]["@id"].startswith("https://qazaqnews.kz/")


def test_every_page_has_a_unique_title_description_and_canonical(client):
    author = make_author()
    story = make_article(authors=[author], tags=["тег"])
    urls = [
        "/", "/news/", story.get_absolute_url(), "/regions/", story.region.get_absolute_url(),
        "/tags/teg/", author.get_absolute_url(), "/authors/", "/top/", "/top/?period=day",
    ]  # fmt: skip
    seen_titles, seen_canonicals = set(), set()
    for url in urls:
        html = client.get(url).content.decode()
        title = parse(html).find("title").text
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
        assert meta(html, "name", "description"), url
        assert meta(html, "property", "og:title"), url
        assert title not in seen_titles, url
        assert canonical not in seen_canonicals, url
        seen_titles.add(title)
        seen_canonicals.add(canonical)


def test_second_page_has_its_own_title_and_canonical(client):
    from tests.factories import make_articles

    make_articles(13)
    html = client.get("/news/?page=2&utm_source=x").content.decode()
    assert '<link rel="canonical" href="http://testserver/news/?page=2">' in html
