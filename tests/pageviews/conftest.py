import os
import uuid

import pytest
import redis

from pageviews import services

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)


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
        if os.environ.get("REQUIRE_REDIS", "").strip() in {"1", "true", "yes"}:
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


def new_reader() -> str:
    return str(uuid.uuid4())


def beacon(client, article_or_id, body: str = "", *, method="post", **extra):
    """Send the page's beacon the way a browser does (text/plain body, a browser's agent)."""
    pk = getattr(article_or_id, "pk", article_or_id)
    extra.setdefault("HTTP_USER_AGENT", BROWSER)
    url = f"/pageviews/{pk}/"
    if method == "post":
        return client.post(url, data=body, content_type="text/plain;charset=UTF-8", **extra)
    return getattr(client, method)(url, **extra)
