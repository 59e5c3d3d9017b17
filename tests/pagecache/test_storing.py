"""What the page cache refuses to store: oversized pages and pages that vary on headers the key
does not hold."""

import pytest

from articles.models import Article
from tests.factories import make_article
from tests.pagecache import urls_vary

pytestmark = pytest.mark.django_db


def test_a_page_over_the_size_bound_is_served_but_not_stored(client, settings):
    story = make_article(title="Үлкен бет")
    settings.PAGE_CACHE_MAX_BYTES = 1000
    first = client.get("/news/")
    assert first.status_code == 200 and len(first.content) > 1000
    Article.objects.filter(pk=story.pk).update(title="Сақталмаған бет")  # no signal
    assert "Сақталмаған бет" in client.get("/news/").content.decode()


def test_a_page_under_the_size_bound_is_stored(client, settings):
    story = make_article(title="Кіші бет")
    settings.PAGE_CACHE_MAX_BYTES = 10 * 1024 * 1024
    client.get("/news/")
    Article.objects.filter(pk=story.pk).update(title="Өзгерген")
    assert "Кіші бет" in client.get("/news/").content.decode()


@pytest.fixture
def varying_site(settings):
    settings.ROOT_URLCONF = "tests.pagecache.urls_vary"
    urls_vary.calls.clear()
    urls_vary.VARY[:] = ["User-Agent"]
    yield urls_vary
    urls_vary.VARY[:] = ["User-Agent"]


@pytest.mark.parametrize("vary", ["User-Agent", "Accept-Language, Cookie", "*", "cookie, Origin"])
def test_a_page_varying_on_an_unkeyed_header_is_never_stored(client, varying_site, vary):
    varying_site.VARY[:] = [vary]
    first = client.get("/vary/", headers={"user-agent": "reader-a"})
    second = client.get("/vary/", headers={"user-agent": "reader-b"})
    assert first.content.decode().endswith("reader-a")
    assert second.content.decode().endswith("reader-b")
    assert len(varying_site.calls) == 2


@pytest.mark.parametrize("vary", ["Cookie", "Accept-Encoding", "Cookie, Accept-Encoding"])
def test_a_page_varying_only_on_what_the_key_holds_is_stored(client, varying_site, vary):
    varying_site.VARY[:] = [vary]
    client.get("/vary/", headers={"user-agent": "reader-a"})
    client.get("/vary/", headers={"user-agent": "reader-b"})
    assert len(varying_site.calls) == 1
