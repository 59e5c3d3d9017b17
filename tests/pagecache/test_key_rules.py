"""The page cache keys on each page's allow-listed query parameters, never the raw URL."""

import pytest

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_article(title="Бастапқы тақырып")


def _retitle_without_signal(story, title):
    # A bare UPDATE sends no signal: whatever shows the old title came from the cache.
    Article.objects.filter(pk=story.pk).update(title=title)


@pytest.mark.parametrize(
    "url, variant",
    [
        ("/news/", "/news/?utm_source=newsletter&utm_medium=email"),
        ("/news/", "/news/?cachebuster=12345"),
        ("/news/?page=1&partial=1", "/news/?partial=1&page=1&fbclid=x"),
        ("/news/?page=1", "/news/?page=7&page=1"),
        ("/top/?period=day", "/top/?period=day&ref=home"),
        ("/search/?q=Бастапқы", "/search/?q=%20Бастапқы%20&utm_campaign=x"),
        ("/sitemap.xml", "/sitemap.xml?utm_source=x"),
        ("/rss/", "/rss/?page=3"),
        ("/", "/?preview=1"),
    ],
)
def test_unknown_parameters_are_answered_from_the_canonical_entry(
    client, story, url, variant, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    _retitle_without_signal(story, "Жаңа тақырып")
    with django_assert_num_queries(0):
        again = client.get(variant)
    assert again.status_code == 200
    assert again.content == first.content


def test_the_story_page_ignores_every_parameter(client, story, django_assert_num_queries):
    url = story.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url + "?page=2&q=x&period=day&partial=1").content == first.content


def test_the_view_never_sees_the_parameters_the_key_leaves_out(client, story):
    """Else the first reader's utm_source would be baked into everyone's links."""
    marked = client.get("/news/?utm_source=secret-campaign").content.decode()
    assert "secret-campaign" not in marked
    assert client.get("/news/").content.decode() == marked


def test_allowed_parameters_still_make_their_own_entries(client, story):
    make_article(title="Екінші жаңалық")
    full = client.get("/news/")
    partial = client.get("/news/?partial=1")
    assert b"<html" in full.content and b"<html" not in partial.content
    assert client.get("/top/?period=day").content != client.get("/top/?period=all").content


def test_search_keys_on_the_first_200_characters_of_the_query(
    client, story, django_assert_num_queries
):
    long_query = "а" * 200
    first = client.get("/search/", {"q": long_query})
    with django_assert_num_queries(0):
        again = client.get("/search/", {"q": long_query + "ә" * 100})
    assert again.content == first.content
