"""Counting has a Redis of its own (PAGEVIEWS_REDIS_URL), and /health/ checks its policy."""

import os
import shutil
import signal
import socket
import subprocess
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.core.management import call_command

from pageviews import conf
from tests.factories import make_article
from tests.helpers.beacons import beacon, new_reader
from tests.pageviews.conftest import TEST_REDIS_URL
from tests.test_settings import settings_of

pytestmark = pytest.mark.django_db


def _required() -> bool:
    return os.environ.get("REQUIRE_REDIS", "").strip() in {"1", "true", "yes"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of this test's own, so its policy can change without touching the
    shared one; stopped afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        if _required():
            pytest.fail("REQUIRE_REDIS=1 but there is no redis-server to start")
        pytest.skip("needs redis-server to start a private Redis")
    port = _free_port()
    pidfile = tmp_path / "redis.pid"
    subprocess.run(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--daemonize", "yes", "--dir", str(tmp_path), "--pidfile", str(pidfile)],
        check=True,
        capture_output=True,
    )
    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    for _ in range(50):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    else:
        pytest.fail(f"the private redis-server on port {port} did not start")
    pid = client.info("server")["process_id"]
    try:
        yield f"redis://127.0.0.1:{port}/0", client
    finally:
        try:
            # FORCE: a server just switched to appendonly refuses to stop while it writes
            # its first AOF.
            client.shutdown(nosave=True, now=True, force=True)
        except redis.RedisError:
            os.kill(pid, signal.SIGKILL)
        client.close()


def _other_database(url: str) -> str:
    """The test Redis's server, another of the two databases these tests may use."""
    parts = urlsplit(url)
    other = "6" if parts.path.strip("/") != "6" else "7"
    return urlunsplit(parts._replace(path="/" + other))


@pytest.mark.redis
def test_reads_wait_in_the_counting_redis_not_in_the_cache_redis(client, settings):
    cache_url = _other_database(TEST_REDIS_URL)
    cache_redis = redis.Redis.from_url(cache_url)
    cache_redis.flushdb()
    settings.REDIS_URL = cache_url
    settings.PAGEVIEWS_REDIS_URL = TEST_REDIS_URL
    article = make_article()
    try:
        beacon(client, article, new_reader())

        assert redis.Redis.from_url(TEST_REDIS_URL).hlen("pv:buffer") == 1
        assert not cache_redis.keys("pv:*")
        call_command("flush_pageviews")
        article.refresh_from_db()
        assert article.view_count == 1
    finally:
        cache_redis.flushdb()


@pytest.mark.redis
def test_the_counting_redis_works_without_a_cache_redis(client, settings):
    settings.REDIS_URL = ""
    settings.PAGEVIEWS_REDIS_URL = TEST_REDIS_URL
    article = make_article()

    beacon(client, article, new_reader())

    assert redis.Redis.from_url(TEST_REDIS_URL).hlen("pv:buffer") == 1
    call_command("flush_pageviews")
    article.refresh_from_db()
    assert article.view_count == 1


def test_the_counting_redis_comes_from_the_environment(tmp_path):
    names = ["PAGEVIEWS_REDIS_URL", "REDIS_URL"]
    assert settings_of(tmp_path, names, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/0") == {
        "PAGEVIEWS_REDIS_URL": "",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    url = "redis://127.0.0.1:6380/0"
    assert settings_of(tmp_path, names[:1], DEBUG="1", PAGEVIEWS_REDIS_URL=url) == {
        "PAGEVIEWS_REDIS_URL": url
    }


def test_without_its_own_url_counting_uses_redis_url(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.PAGEVIEWS_REDIS_URL = ""
    assert conf.redis_url() == "redis://127.0.0.1:6379/0"
    settings.PAGEVIEWS_REDIS_URL = "redis://127.0.0.1:6380/0"
    assert conf.redis_url() == "redis://127.0.0.1:6380/0"


def test_health_has_no_counting_redis_check_without_one(client, settings):
    settings.REDIS_URL = ""
    settings.PAGEVIEWS_REDIS_URL = ""

    assert "pageviews_redis" not in client.get("/health/").json()


@pytest.mark.parametrize("policy", ["allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-ttl"])
def test_health_warns_about_an_evicting_counting_redis_and_stays_200(
    client, settings, private_redis, policy
):
    url, server = private_redis
    server.config_set("maxmemory-policy", policy)
    server.config_set("appendonly", "yes")
    settings.PAGEVIEWS_REDIS_URL = url

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["pageviews_redis"] == (
        f"warning: maxmemory-policy {policy} may drop buffered reads"
    )


def test_health_warns_about_a_counting_redis_without_persistence(client, settings, private_redis):
    url, server = private_redis
    settings.PAGEVIEWS_REDIS_URL = url

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json()["pageviews_redis"] == (
        "warning: appendonly no: a restart loses buffered reads"
    )


def test_health_is_ok_with_noeviction_and_appendonly(client, settings, private_redis):
    url, server = private_redis
    server.config_set("maxmemory-policy", "noeviction")
    server.config_set("appendonly", "yes")
    settings.PAGEVIEWS_REDIS_URL = url

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "pageviews_redis": "ok"}


def test_health_is_503_when_the_counting_redis_does_not_answer(client, settings):
    settings.PAGEVIEWS_REDIS_URL = f"redis://127.0.0.1:{_free_port()}/0"

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["pageviews_redis"] == "error"
