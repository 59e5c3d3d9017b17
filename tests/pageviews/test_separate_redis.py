"""PAGEVIEWS_REDIS_URL puts the read-count buffer in a Redis apart from the page cache's."""

import os

import pytest
import redis
from django.core.management import call_command

from articles.models import Article
from pageviews.periods import today
from tests.factories import make_article
from tests.helpers.beacons import beacon, new_reader
from tests.pageviews.conftest import TEST_REDIS_URL

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def other_database(url: str) -> str:
    """The same server, a neighbouring database number (11 -> 12; 15, the last, -> 14)."""
    if os.environ.get("TEST_PAGEVIEWS_REDIS_URL"):
        return os.environ["TEST_PAGEVIEWS_REDIS_URL"]
    base, number = url.rsplit("/", 1)
    number = int(number or 0)
    return f"{base}/{number + 1 if number < 15 else number - 1}"


@pytest.fixture
def buffer_redis(settings):
    url = other_database(TEST_REDIS_URL)
    client = redis.Redis.from_url(url)
    client.flushdb()
    settings.PAGEVIEWS_REDIS_URL = url
    yield client
    client.flushdb()
    client.close()


def test_reads_wait_in_the_buffers_own_redis(client, redis_client, buffer_redis):
    article = make_article()

    assert beacon(client, article, new_reader()).status_code == 204

    assert buffer_redis.hgetall("pv:buffer") == {f"{article.pk}:{today()}".encode(): b"1"}
    assert not redis_client.keys("pv:*"), "nothing of the buffer in the cache's Redis"
    call_command("flush_pageviews")
    assert Article.objects.get(pk=article.pk).view_count == 1
    assert not buffer_redis.exists("pv:buffer")
