import pytest
from django.utils import timezone

from core import cache as page_cache
from pageviews.models import DailyPageViews
from tests.factories import make_articles, make_author, region

pytestmark = pytest.mark.django_db


def busy_site(n_tags=3, n_authors=2):
    authors = [make_author() for _ in range(n_authors)]
    tags = [f"тег{i}" for i in range(n_tags)]
    stories = make_articles(15, authors=authors, tags=tags)
    for i, story in enumerate(stories[:8]):
        DailyPageViews.objects.create(article=story, day=timezone.localdate(), count=10 + i)
    return stories, authors, tags


@pytest.mark.parametrize(("n_tags", "n_authors"), [(1, 1), (6, 4)])
def test_article_page_queries_do_not_grow_with_tags_authors_or_related(
    client, django_assert_max_num_queries, n_tags, n_authors
):
    stories, _, _ = busy_site(n_tags, n_authors)
    # Looked up once per content change, not per page (as in tests/perf/test_query_budgets.py).
    page_cache.current()
    with django_assert_max_num_queries(8):
        assert client.get(stories[0].get_absolute_url()).status_code == 200


def test_home_page_queries_are_fixed_whatever_the_number_of_regions(
    client, django_assert_max_num_queries
):
    busy_site()
    for slug in ("astana", "shymkent", "abai-oblysy", "zhetisu-oblysy"):
        if region_exists(slug):
            make_articles(3, region=region(slug))
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


def region_exists(slug):
    from regions.models import Region

    return Region.objects.filter(slug=slug).exists()


def test_list_pages_use_at_most_six_queries(client, django_assert_max_num_queries):
    stories, authors, tags = busy_site()
    urls = [
        "/news/", "/news/?page=2", region("almaty").get_absolute_url(), "/tags/teg0/",
        authors[0].get_absolute_url(), "/top/", "/top/?period=all", "/regions/", "/authors/",
        "/news/?partial=1",
    ]  # fmt: skip
    for url in urls:
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200, url
