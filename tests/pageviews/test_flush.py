"""The Redis buffer: counting into it and flushing it exactly once, whatever happens."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command

from articles.models import Article
from pageviews import buffer, services
from pageviews.models import AppliedFlush, DailyPageViews
from pageviews.periods import today
from pageviews.selectors import most_read
from pageviews.services import pageview_count, pageviews_flush
from tests.factories import make_article, make_articles
from tests.helpers.beacons import beacon, new_reader, totals

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def count_reads(articles, per_article: int) -> None:
    for article in articles:
        for _ in range(per_article):
            assert pageview_count(article_id=article.pk, reader=new_reader())


def test_reads_wait_in_redis_until_the_flush(client, redis_client):
    article = make_article()

    assert beacon(client, article, new_reader()).status_code == 204
    assert beacon(client, article, new_reader()).status_code == 204

    assert totals([article]) == [(0, 0)]
    assert redis_client.hgetall("pv:buffer") == {f"{article.pk}:{today()}".encode(): b"2"}
    call_command("flush_pageviews")
    assert totals([article]) == [(2, 2)]
    assert not redis_client.exists("pv:buffer")
    assert not redis_client.smembers("pv:pending")


def test_the_dedupe_lives_in_redis_with_a_30_minute_expiry(client, redis_client):
    article = make_article()
    reader = new_reader()

    beacon(client, article, reader)
    beacon(client, article, reader)
    pageviews_flush()

    assert totals([article]) == [(1, 1)]
    (seen,) = redis_client.keys("pv:seen:*")
    assert 1790 < redis_client.ttl(seen) <= 1800


def test_reads_are_flushed_to_the_day_they_were_read(redis_client):
    article = make_article()
    yesterday = services.timezone.now() - timedelta(days=1)

    pageview_count(article_id=article.pk, reader="a", at=yesterday)
    pageview_count(article_id=article.pk, reader="b")
    pageviews_flush()

    days = dict(DailyPageViews.objects.values_list("day", "count"))
    assert days == {today() - timedelta(days=1): 1, today(): 1}


def test_a_flush_in_batches_applies_every_read_once():
    articles = make_articles(7)
    count_reads(articles, 3)

    result = pageviews_flush(batch_size=2)

    assert (result.reads, result.batches) == (21, 4)
    assert totals(articles) == [(3, 3)] * 7
    assert pageviews_flush().reads == 0


def test_a_flush_killed_before_its_commit_loses_nothing_when_run_again(monkeypatch, redis_client):
    articles = make_articles(3)
    count_reads(articles, 2)

    def crash(self, rows):
        raise KeyboardInterrupt("killed after the rename, inside the transaction")

    with monkeypatch.context() as patched:
        patched.setattr(DailyPageViews.objects._queryset_class, "upsert_many", crash)
        with pytest.raises(KeyboardInterrupt):
            pageviews_flush()

    assert totals(articles) == [(0, 0)] * 3
    assert not redis_client.exists("pv:buffer")
    assert redis_client.scard("pv:pending") == 1
    count_reads(articles[:1], 1)  # reads go on arriving into a new buffer meanwhile

    pageviews_flush()

    assert totals(articles) == [(3, 3), (2, 2), (2, 2)]
    assert not redis_client.scard("pv:pending")


def test_a_flush_killed_after_its_commit_doubles_nothing_when_run_again(monkeypatch, redis_client):
    articles = make_articles(3)
    count_reads(articles, 2)

    def crash(flush_key):
        raise KeyboardInterrupt("killed after the commit, before the buffer was dropped")

    with monkeypatch.context() as patched:
        patched.setattr(buffer, "forget_flush", crash)
        with pytest.raises(KeyboardInterrupt):
            pageviews_flush()

    assert totals(articles) == [(2, 2)] * 3
    assert redis_client.scard("pv:pending") == 1

    assert pageviews_flush().reads == 0

    assert totals(articles) == [(2, 2)] * 3
    assert not redis_client.scard("pv:pending")
    assert not redis_client.keys("pv:flush:*")


def test_a_flush_killed_between_batches_finishes_the_rest_once(monkeypatch):
    articles = make_articles(6)
    count_reads(articles, 1)
    real = services._apply_batch_once
    calls = []

    def crash_on_the_third(batch_id, reads):
        calls.append(batch_id)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(batch_id, reads)

    with monkeypatch.context() as patched:
        patched.setattr(services, "_apply_batch_once", crash_on_the_third)
        with pytest.raises(KeyboardInterrupt):
            pageviews_flush(batch_size=2)
    assert sum(total for total, _ in totals(articles)) == 4

    pageviews_flush(batch_size=500)  # a different size must not re-cut the killed buffer

    assert totals(articles) == [(1, 1)] * 6


def test_a_deleted_article_does_not_block_the_flush():
    kept, deleted = make_articles(2)
    count_reads([kept, deleted], 2)
    Article.objects.filter(pk=deleted.pk).delete()

    pageviews_flush()

    assert totals([kept]) == [(2, 2)]


def test_the_flush_makes_most_read_fresh_at_once():
    first, second = make_articles(2)
    count_reads([first], 1)
    pageviews_flush()
    assert [a.pk for a in most_read("week")] == [first.pk]

    count_reads([second], 2)
    pageviews_flush()

    ranked = most_read("week")
    assert [(a.pk, a.period_views) for a in ranked] == [(second.pk, 2), (first.pk, 1)]


def test_the_site_flushes_by_itself_once_the_buffer_is_old_enough(client, settings):
    settings.PAGEVIEWS_FLUSH_AFTER_SECONDS = 0
    article = make_article()

    beacon(client, article, new_reader())

    assert totals([article]) == [(1, 1)]


def test_a_young_buffer_is_not_flushed_by_a_read(client, settings):
    settings.PAGEVIEWS_FLUSH_AFTER_SECONDS = 60
    article = make_article()

    beacon(client, article, new_reader())

    assert totals([article]) == [(0, 0)]
    assert services.pageviews_flush_if_due() is None


def test_the_background_check_flushes_a_due_buffer(settings, redis_client):
    article = make_article()
    count_reads([article], 1)
    redis_client.set("pv:since", "1000.0")  # long ago

    result = services.pageviews_flush_if_due()

    assert result.reads == 1
    assert totals([article]) == [(1, 1)]


def test_another_workers_flush_lock_makes_a_due_flush_wait(redis_client):
    article = make_article()
    count_reads([article], 1)
    redis_client.set("pv:since", "1000.0")
    redis_client.set("pv:lock", "someone-else")

    assert services.pageviews_flush_if_due() is None
    assert totals([article]) == [(0, 0)]


def test_flush_pageviews_without_redis_does_nothing_and_exits_cleanly(settings, capsys):
    settings.REDIS_URL = ""

    call_command("flush_pageviews")

    assert "nothing to flush" in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_flushes_at_once_apply_every_read_exactly_once(monkeypatch):
    articles = make_articles(5, region=None)
    count_reads(articles, 4)
    both_read = threading.Barrier(2, timeout=10)
    real_read = buffer.read_flush

    def read_then_wait(flush_key):
        reads = real_read(flush_key)
        both_read.wait()  # both flushers hold the same buffer before either applies it
        return reads

    monkeypatch.setattr(buffer, "read_flush", read_then_wait)
    results, errors = [], []

    def run():
        from django.db import connection

        try:
            results.append(pageviews_flush(batch_size=2))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(result.reads for result in results) == 20
    assert totals(articles) == [(4, 4)] * 5
    assert AppliedFlush.objects.count() == 3


def test_an_unpublished_article_stops_counting_at_once_with_redis(client):
    article = make_article()
    reader = new_reader()
    assert beacon(client, article, reader).status_code == 204

    article.status = Article.Status.DRAFT
    article.save()

    assert beacon(client, article, reader).status_code == 404
    assert beacon(client, article, new_reader()).status_code == 404
    pageviews_flush()
    assert totals([article]) == [(1, 1)]


def test_a_scheduled_article_is_not_counted_through_redis(client, redis_client):
    article = make_article(published_at=services.timezone.now() + timedelta(minutes=5))

    assert beacon(client, article, new_reader()).status_code == 404
    assert not redis_client.exists("pv:buffer")
