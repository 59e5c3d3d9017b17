import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def robots_lines(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode().splitlines()


def test_robots_txt_lists_the_sitemap_on_the_request_host(client, settings):
    settings.ALLOWED_HOSTS = ["zhanalyqtar.kz"]

    lines = robots_lines(client.get("/robots.txt", HTTP_HOST="zhanalyqtar.kz", secure=True))

    assert "Sitemap: https://zhanalyqtar.kz/sitemap.xml" in lines
    assert "User-agent: *" in lines


def test_robots_txt_uses_site_url_when_it_is_set(client, settings):
    settings.SITE_URL = "https://news.example.kz"

    lines = robots_lines(client.get(reverse("robots")))

    assert "Sitemap: https://news.example.kz/sitemap.xml" in lines
    assert not any("example.com" in line for line in lines)


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_the_counter(client):
    lines = robots_lines(client.get("/robots.txt"))

    assert "Disallow: /admin/" in lines
    assert "Disallow: /pageviews/" in lines
    assert "Disallow: /" not in lines


def test_robots_txt_lets_crawlers_read_search_feeds_and_sitemaps(client):
    lines = robots_lines(client.get("/robots.txt"))
    disallowed = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Disallow:")]

    for path in ("/rss/", "/sitemap.xml", "/sitemap-news.xml", "/news/"):
        assert not any(path.startswith(rule) for rule in disallowed if rule)
