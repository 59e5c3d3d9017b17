"""A flood of distinct searches from one network is slowed before it slows the site."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_budget(settings):
    settings.SEARCH_RENDERS_PER_MINUTE = 3
    settings.PAGE_CACHE_SECONDS = 0  # every search reaches the view, as distinct ones do


def test_searches_past_the_budget_get_429_with_retry_after_and_cost_no_query(client):
    make_article(title="Егін жинау басталды")
    for word in ("егін", "жинау", "басталды"):
        assert client.get("/search/", {"q": word}).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        refused = client.get("/search/", {"q": "тағы"})

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert len(queries) == 0


def test_another_network_keeps_its_own_budget(client):
    for word in ("бір", "екі", "үш", "төрт"):
        client.get("/search/", {"q": word}, REMOTE_ADDR="10.0.0.1")

    assert client.get("/search/", {"q": "бес"}, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_the_empty_search_page_is_never_refused(client):
    for _ in range(6):
        assert client.get("/search/").status_code == 200


def test_behind_the_proxy_the_forwarded_address_counts(client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for word in ("бір", "екі", "үш", "төрт"):
        client.get("/search/", {"q": word}, HTTP_X_FORWARDED_FOR="spoofed, 10.1.1.1")

    other = client.get("/search/", {"q": "бес"}, HTTP_X_FORWARDED_FOR="10.1.1.1, 10.1.1.2")
    assert other.status_code == 200
    same = client.get("/search/", {"q": "алты"}, HTTP_X_FORWARDED_FOR="anything, 10.1.1.1")
    assert same.status_code == 429
