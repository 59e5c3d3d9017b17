"""A renamed buffer carries its batch size, so no retry can cut it differently."""

import pytest

from pageviews import buffer, services
from pageviews.services import pageview_count, pageviews_flush
from tests.factories import make_articles
from tests.helpers.beacons import new_reader, totals

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def read_each(articles) -> None:
    for article in articles:
        assert pageview_count(article_id=article.pk, reader=new_reader())


def test_the_swap_stores_the_batch_size_inside_the_renamed_buffer(redis_client):
    articles = make_articles(10)
    read_each(articles)

    (flush_key,) = buffer.swap(batch_size=3)  # and the flush "crashes": nothing applied

    assert redis_client.hget(flush_key, buffer.SIZE_FIELD) == b"3"
    assert not redis_client.exists(flush_key + ":size")
    assert len(buffer.read_flush(flush_key)) == 10  # the size is not a read

    result = pageviews_flush(batch_size=7)

    assert result.reads == 10
    assert result.batches == 4  # cut by 3, as renamed, not by 7
    assert totals(articles) == [(1, 1)] * 10
    assert not redis_client.keys("pv:flush:*")


def test_a_retry_with_another_batch_size_counts_exactly_once_even_if_a_key_was_lost(
    monkeypatch, redis_client
):
    articles = make_articles(10)
    read_each(articles)
    real = services._apply_batch_once
    applied = []

    def crash_after_the_first_batch(batch_id, reads):
        if applied:
            raise KeyboardInterrupt("killed between batches")
        applied.append(batch_id)
        return real(batch_id, reads)

    with monkeypatch.context() as patched:
        patched.setattr(services, "_apply_batch_once", crash_after_the_first_batch)
        with pytest.raises(KeyboardInterrupt):
            pageviews_flush(batch_size=3)
    assert sum(total for total, _ in totals(articles)) == 3
    # Whatever Redis keeps beside the buffer can go without it (allkeys-lru eviction, a
    # partial restore): only what lives in the buffer itself is as safe as the buffer.
    for name in redis_client.keys("pv:flush:*:size"):
        redis_client.delete(name)

    pageviews_flush(batch_size=7)

    assert totals(articles) == [(1, 1)] * 10
    assert not redis_client.scard("pv:pending")


def test_a_buffer_renamed_by_the_previous_release_keeps_its_separate_size(redis_client):
    articles = make_articles(5)
    read_each(articles)
    flush_key = buffer.key("flush", "from-the-previous-release")
    redis_client.rename("pv:buffer", flush_key)
    redis_client.sadd("pv:pending", flush_key)
    redis_client.set(flush_key + ":size", 2)

    result = pageviews_flush(batch_size=7)

    assert (result.reads, result.batches) == (5, 3)
    assert totals(articles) == [(1, 1)] * 5
    assert not redis_client.keys("pv:flush:*")
