import os

import pytest
import redis

from pageviews import services
from tests.helpers.environment import required

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture(autouse=True)
def _pageviews_settings(request, settings):
    """The database path unless a test is marked ``redis``; never a background flusher."""
    settings.PAGEVIEWS_FLUSH_THREAD = False
    services._redis_down_until = 0.0
    if request.node.get_closest_marker("redis") is None:
        settings.REDIS_URL = ""
        yield
        return
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        if required("REQUIRE_REDIS"):
            pytest.fail(f"REQUIRE_REDIS=1 but Redis does not answer at {TEST_REDIS_URL}")
        pytest.skip(f"needs Redis at {TEST_REDIS_URL} (TEST_REDIS_URL)")
    client.flushdb()
    settings.REDIS_URL = TEST_REDIS_URL
    yield
    client.flushdb()
    client.close()


@pytest.fixture
def redis_client():
    return redis.Redis.from_url(TEST_REDIS_URL)
