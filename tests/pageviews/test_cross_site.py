"""A beacon another site makes a browser send is answered like any read but not counted."""

import pytest

from pageviews.models import DailyPageViews
from tests.factories import make_article
from tests.helpers.beacons import beacon, new_reader

pytestmark = pytest.mark.django_db


def total(article) -> int:
    article.refresh_from_db()
    return article.view_count


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://elsewhere.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://elsewhere.example/story.html"},
        # An origin header of ours does not excuse a referrer of someone else's.
        {"HTTP_ORIGIN": "http://testserver", "HTTP_REFERER": "https://elsewhere.example/"},
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_REFERER": "http://testserver.evil/"},
    ],
)
@pytest.mark.parametrize("method, status", [("post", 204), ("get", 200)])
def test_a_cross_site_beacon_is_answered_as_usual_and_counts_nothing(
    client, headers, method, status
):
    article = make_article()

    response = beacon(client, article, new_reader(), method=method, **headers)

    assert response.status_code == status
    assert total(article) == 0
    assert not DailyPageViews.objects.filter(article=article).exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_REFERER": "http://testserver/news/some-story/"},
        {"HTTP_REFERER": "http://TESTSERVER:8000/news/some-story/"},
    ],
)
@pytest.mark.parametrize("method", ["post", "get"])
def test_same_site_beacons_and_beacons_without_a_referrer_count(client, headers, method):
    article = make_article()

    beacon(client, article, new_reader(), method=method, **headers)

    assert total(article) == 1


def test_behind_a_proxy_the_site_url_host_is_ours(client, settings):
    settings.SITE_URL = "https://news.example.kz"
    article = make_article()

    beacon(client, article, new_reader(), HTTP_ORIGIN="https://news.example.kz")
    beacon(client, article, new_reader(), HTTP_REFERER="https://news.example.kz/a/")
    beacon(client, article, new_reader(), HTTP_ORIGIN="https://other.example.kz")

    assert total(article) == 2


def test_a_cross_site_beacon_for_an_unknown_story_is_still_404(client):
    assert beacon(client, 987654, HTTP_SEC_FETCH_SITE="cross-site").status_code == 404
