"""Exactness under load: threads against the real endpoint of a live server, on PostgreSQL."""

import uuid

import pytest

from pageviews.models import DailyPageViews
from pageviews.periods import today
from pageviews.services import pageviews_flush
from tests.factories import make_article
from tests.helpers.beacons import fire

READS = 240
# Django's live server listens with a backlog of 10: more clients at once get resets.
THREADS = 8

# Transactional tests here never rely on rows created by migrations (regions): after other
# transactional tests, such as the browser tests, those tables may be empty.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _one_address_many_readers(settings):
    # Every thread reads from loopback; the per-address cap has tests of its own.
    settings.PAGEVIEWS_READERS_PER_ADDRESS = 0


def counted(article) -> tuple[int, int]:
    article.refresh_from_db()
    return article.view_count, DailyPageViews.objects.get(article=article, day=today()).count


def test_concurrent_reads_are_counted_exactly_in_the_database(live_server):
    article = make_article(region=None)

    statuses = fire(live_server, article, [str(uuid.uuid4()) for _ in range(READS)])

    assert statuses == [204] * READS
    assert counted(article) == (READS, READS)


def test_one_reader_racing_with_itself_is_counted_once_in_the_database(live_server):
    article = make_article(region=None)

    statuses = fire(live_server, article, [str(uuid.uuid4())] * 60)

    assert statuses == [204] * 60
    assert counted(article) == (1, 1)


@pytest.mark.redis
def test_concurrent_reads_are_counted_exactly_through_redis(live_server, settings):
    settings.PAGEVIEWS_FLUSH_AFTER_SECONDS = 3600  # only the explicit flush below
    article = make_article(region=None)

    statuses = fire(live_server, article, [str(uuid.uuid4()) for _ in range(READS)])
    assert statuses == [204] * READS
    article.refresh_from_db()
    assert article.view_count == 0

    assert pageviews_flush().reads == READS
    assert counted(article) == (READS, READS)


@pytest.mark.redis
def test_concurrent_reads_with_flushes_running_meanwhile_are_exact(live_server, settings):
    settings.PAGEVIEWS_FLUSH_AFTER_SECONDS = 0  # every counted read tries to flush
    article = make_article(region=None)

    statuses = fire(live_server, article, [str(uuid.uuid4()) for _ in range(READS)])
    assert statuses == [204] * READS
    pageviews_flush()

    assert counted(article) == (READS, READS)


@pytest.mark.redis
def test_one_reader_racing_with_itself_is_counted_once_through_redis(live_server):
    article = make_article(region=None)

    fire(live_server, article, [str(uuid.uuid4())] * 60)
    pageviews_flush()

    assert counted(article) == (1, 1)
