"""One address adds at most PAGEVIEWS_READERS_PER_ADDRESS readers of a story per 30 minutes."""

import uuid
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.utils import timezone

from pageviews import buffer, conf
from pageviews.models import ReaderMark
from pageviews.readers import address_key
from pageviews.services import pageview_count, pageviews_flush
from tests.factories import make_article
from tests.helpers.beacons import BROWSER, beacon, fire, new_reader
from tests.test_settings import settings_of

# Every test runs on the database path and again through the Redis buffer.
both_paths = pytest.mark.parametrize(
    "path", ["database", pytest.param("redis", marks=pytest.mark.redis)]
)


def total(article) -> int:
    if django_settings.REDIS_URL:
        pageviews_flush()
    article.refresh_from_db()
    return article.view_count


def address(ip: str) -> str:
    return address_key(RequestFactory().get("/", REMOTE_ADDR=ip))


def test_the_default_is_50_readers_and_the_environment_can_change_it(tmp_path):
    assert conf.DEFAULTS["PAGEVIEWS_READERS_PER_ADDRESS"] == 50
    assert settings_of(tmp_path, ["PAGEVIEWS_READERS_PER_ADDRESS"], DEBUG="1") == {
        "PAGEVIEWS_READERS_PER_ADDRESS": 50
    }
    assert settings_of(
        tmp_path, ["PAGEVIEWS_READERS_PER_ADDRESS"], DEBUG="1", PAGEVIEWS_READERS_PER_ADDRESS="0"
    ) == {"PAGEVIEWS_READERS_PER_ADDRESS": 0}


@pytest.mark.django_db
@both_paths
def test_rotating_reader_ids_from_one_address_stops_at_the_cap(client, settings, path):
    settings.PAGEVIEWS_READERS_PER_ADDRESS = 3
    article = make_article()

    statuses = [beacon(client, article, new_reader()).status_code for _ in range(6)]

    assert statuses == [204] * 6  # answered like any other read
    assert total(article) == 3


@pytest.mark.django_db
@both_paths
def test_rotating_user_agents_without_an_id_stops_at_the_cap(client, settings, path):
    settings.PAGEVIEWS_READERS_PER_ADDRESS = 3
    article = make_article()

    for n in range(6):
        beacon(client, article, method="get", HTTP_USER_AGENT=f"{BROWSER} Build/{n}")

    assert total(article) == 3


@pytest.mark.django_db
@both_paths
def test_other_addresses_and_other_stories_have_caps_of_their_own(client, settings, path):
    settings.PAGEVIEWS_READERS_PER_ADDRESS = 2
    article, other = make_article(), make_article()

    for ip in ["203.0.113.5"] * 3 + ["203.0.113.6"] * 3:
        beacon(client, article, new_reader(), REMOTE_ADDR=ip)
        beacon(client, other, new_reader(), REMOTE_ADDR=ip)

    assert (total(article), total(other)) == (4, 4)


@pytest.mark.django_db
@both_paths
def test_zero_means_no_cap(client, settings, path):
    settings.PAGEVIEWS_READERS_PER_ADDRESS = 0
    article = make_article()

    for _ in range(60):
        beacon(client, article, new_reader())

    assert total(article) == 60


@pytest.mark.django_db
@both_paths
def test_a_counted_reader_is_still_deduplicated_when_the_address_is_full(client, settings, path):
    settings.PAGEVIEWS_READERS_PER_ADDRESS = 2
    article = make_article()
    first = new_reader()

    for reader in [first, new_reader(), first, new_reader(), first]:
        beacon(client, article, reader)

    assert total(article) == 2


@pytest.mark.django_db
def test_the_cap_counts_readers_within_the_window_only_in_the_database(settings):
    settings.PAGEVIEWS_READERS_PER_ADDRESS = 2
    article = make_article()
    start = timezone.now()
    home = address("198.51.100.7")

    def read(minutes: float) -> bool:
        at = start + timedelta(minutes=minutes)
        return pageview_count(article_id=article.pk, reader=new_reader(), address=home, at=at)

    assert [read(0), read(1), read(2)] == [True, True, False]
    assert [read(30.5), read(31.5), read(31.6)] == [True, True, False]


@pytest.mark.django_db
@pytest.mark.redis
def test_the_cap_counts_readers_within_the_window_only_in_redis(settings, monkeypatch):
    settings.PAGEVIEWS_READERS_PER_ADDRESS = 2
    article = make_article()
    start = buffer.time.time()
    home = address("198.51.100.7")

    def read(minutes: float) -> bool:
        monkeypatch.setattr(buffer.time, "time", lambda: start + minutes * 60)
        return pageview_count(article_id=article.pk, reader=new_reader(), address=home)

    assert [read(0), read(1), read(2)] == [True, True, False]
    assert [read(30.5), read(31.5), read(31.6)] == [True, True, False]


def test_an_ipv6_line_is_one_address_and_ipv4_mapped_is_ipv4():
    assert address("2001:db8:1:2::1") == address("2001:db8:1:2:ffff:1:2:3")
    assert address("2001:db8:1:2::1") != address("2001:db8:1:3::1")
    assert address("::ffff:203.0.113.5") == address("203.0.113.5")
    assert address("203.0.113.5") != address("203.0.113.6")


@pytest.mark.django_db
@both_paths
def test_only_a_keyed_hash_of_the_address_is_stored(client, redis_client, path):
    article = make_article()

    beacon(client, article, new_reader(), REMOTE_ADDR="203.0.113.77")

    stored = [mark.address for mark in ReaderMark.objects.all()]
    stored += [name.decode() for name in redis_client.keys("*")] if path == "redis" else []
    assert stored
    assert not any("203.0.113" in value for value in stored)
    assert any(address("203.0.113.77") in value for value in stored)


@pytest.mark.django_db
@both_paths
def test_behind_a_proxy_the_cap_follows_the_forwarded_address(client, settings, path):
    settings.PAGEVIEWS_READERS_PER_ADDRESS = 1
    settings.PAGEVIEWS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    article = make_article()

    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.2"]:
        beacon(client, article, new_reader(), HTTP_X_FORWARDED_FOR=f"10.0.0.1, {ip}")

    assert total(article) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@both_paths
def test_readers_racing_from_one_address_never_pass_the_cap(live_server, settings, path):
    settings.PAGEVIEWS_READERS_PER_ADDRESS = 10
    article = make_article(region=None)
    statuses = fire(live_server, article, [str(uuid.uuid4()) for _ in range(80)])

    assert statuses == [204] * 80
    assert total(article) == 10
