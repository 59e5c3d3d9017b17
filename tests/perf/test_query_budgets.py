"""Query budgets with nothing cached, the same for a small site and a bigger one."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from core import cache as page_cache
from pageviews.models import DailyPageViews
from tests.factories import make_articles, make_author, region

pytestmark = pytest.mark.django_db

BUDGETS = {
    "article": 8,
    "/": 12,
    "/news/": 6,
    "/news/?page=2": 6,
    "/news/?partial=1": 6,
    "region": 6,
    "tag": 6,
    "author": 6,
    "/top/?period=week": 6,
    "/top/?period=all": 6,
    "/regions/": 6,
    "/authors/": 6,
}


def build_site(stories: int, tags: int, authors: int) -> dict[str, str]:
    people = [make_author() for _ in range(authors)]
    names = [f"тақырып{i}" for i in range(tags)]
    made = make_articles(stories, authors=people, tags=names)
    for i, story in enumerate(made[: stories // 2]):
        DailyPageViews.objects.create(article=story, day=timezone.localdate(), count=5 + i)
    make_articles(stories // 3, region=region("astana"), tags=names[:2])
    return {
        "article": made[stories // 2].get_absolute_url(),
        "region": region("almaty").get_absolute_url(),
        "tag": "/tags/taqyryp0/",
        "author": people[0].get_absolute_url(),
    }


def cold_queries(client, url: str) -> int:
    cache.clear()  # nothing cached: no page, no Top news, no fragments
    # The worst case of a story page: its Similar news not ranked yet, so this read ranks it
    # and keeps the ranking (one query more than every later read).
    Article.objects.update(similar_ids=None)
    # The next scheduled publish time is looked up once per content change, not per page.
    page_cache.current()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def measure(client, named_urls) -> dict[str, int]:
    return {name: cold_queries(client, named_urls.get(name, name)) for name in BUDGETS}


def test_every_public_page_stays_within_its_query_budget_whatever_the_data_size(client):
    small = measure(client, build_site(stories=14, tags=1, authors=1))
    large = measure(client, build_site(stories=60, tags=8, authors=4))
    for name, budget in BUDGETS.items():
        assert small[name] <= budget, (name, small[name])
        assert large[name] <= budget, (name, large[name])
        assert large[name] == small[name], (name, small[name], large[name])


def test_a_search_costs_a_fixed_number_of_queries(client):
    build_site(stories=20, tags=3, authors=2)
    assert cold_queries(client, "/search/?q=Жаңалық") <= 6
