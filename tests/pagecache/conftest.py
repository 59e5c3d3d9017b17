import os

import pytest
import redis
from django.core.cache import cache as django_cache

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture(autouse=True)
def _own_page_cache_stamp(settings, tmp_path):
    """Each test has its own generation stamp: other test runs on the machine bump theirs."""
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path / "pages.stamp")
    settings.PAGE_CACHE_SECONDS = 30


@pytest.fixture
def redis_cache(settings):
    """The default cache on a real Redis server, as with several workers and servers."""
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_REDIS", "").strip() in {"1", "true", "yes"}:
            pytest.fail(f"REQUIRE_REDIS=1 but Redis does not answer at {TEST_REDIS_URL}")
        pytest.skip(f"needs Redis at {TEST_REDIS_URL} (TEST_REDIS_URL)")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": "portal-test-pagecache",
        }
    }
    django_cache.clear()
    yield
    django_cache.clear()
