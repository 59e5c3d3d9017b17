"""The read-count flush as a periodic task, and a scheduled story going live at its time."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import cache, tasks
from pageviews import services
from pageviews.services import pageview_count
from tests.factories import make_article
from tests.helpers.beacons import new_reader
from tests.tasks.conftest import run_worker

pytestmark = pytest.mark.django_db

FLUSH = "pageviews.tasks.flush_pageviews_if_due"


def test_the_flush_is_registered_as_periodic():
    assert FLUSH in tasks.periodic_tasks()


def test_the_scheduler_enqueues_a_due_flush_once_while_one_waits(database):
    entry = tasks.periodic_tasks()[FLUSH]
    entry.last = 0.0

    assert tasks.enqueue_due_periodic(now=10_000.0) == [FLUSH]
    entry.last = 0.0
    assert tasks.enqueue_due_periodic(now=20_000.0) == []  # one is still waiting
    assert DBTaskResult.objects.filter(task_path=FLUSH).count() == 1

    run_worker()

    assert DBTaskResult.objects.get(task_path=FLUSH).status == "SUCCESSFUL"


@pytest.mark.redis
def test_the_worker_flushes_buffered_reads(database, redis_client):
    article = make_article()
    for _ in range(3):
        assert pageview_count(article_id=article.pk, reader=new_reader())
    redis_client.set("pv:since", "1000.0")  # the buffer is old enough
    tasks.periodic_tasks()[FLUSH].last = 0.0
    tasks.enqueue_due_periodic()

    run_worker()

    article.refresh_from_db()
    assert article.view_count == 3


@pytest.mark.redis
def test_the_flush_task_runs_inline_without_a_worker(immediate, redis_client):
    from pageviews.tasks import flush_pageviews_if_due

    article = make_article()
    assert pageview_count(article_id=article.pk, reader=new_reader())
    redis_client.set("pv:since", "1000.0")

    assert flush_pageviews_if_due.enqueue().return_value == 1


def test_the_in_process_flusher_stands_back_while_a_worker_is_configured(
    backend, settings, monkeypatch
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.PAGEVIEWS_FLUSH_CHECK_SECONDS = 0
    seen = []

    def fake_flush(*, after_seconds=None):
        seen.append(after_seconds)
        raise SystemExit  # leave the endless loop after one round

    monkeypatch.setattr(services, "pageviews_flush_if_due", fake_flush)
    with pytest.raises(SystemExit):
        services._flusher_loop()

    after = settings.PAGEVIEWS_FLUSH_AFTER_SECONDS
    assert seen == [after * services.FALLBACK_FACTOR if backend == "database" else after]


def test_a_scheduled_story_is_queued_for_its_publish_time(
    database, django_capture_on_commit_callbacks
):
    when = timezone.now() + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(published_at=when)

    (job,) = DBTaskResult.objects.filter(task_path="articles.tasks.story_went_live")
    assert job.run_after == when
    run_worker()
    assert job.__class__.objects.get(pk=job.pk).status == "READY"  # not before its time

    before, _ = cache.current()
    time.sleep(max(0.0, (when - timezone.now()).total_seconds()) + 0.05)
    # Nobody reads a page meanwhile: the worker alone moves the generation.
    cache._next_publish.clear()
    run_worker()

    job.refresh_from_db()
    assert job.status == "SUCCESSFUL" and job.return_value is True
    assert cache._raw_generation([])[0] != before
    assert article.is_published()


def test_a_time_saved_in_local_time_still_goes_live(database, django_capture_on_commit_callbacks):
    from zoneinfo import ZoneInfo

    # As the admin form gives it: Asia/Almaty, where the database answers in UTC.
    when = (timezone.now() + timedelta(milliseconds=300)).astimezone(ZoneInfo("Asia/Almaty"))
    with django_capture_on_commit_callbacks(execute=True):
        make_article(published_at=when)
    time.sleep(0.4)

    run_worker()

    job = DBTaskResult.objects.get(task_path="articles.tasks.story_went_live")
    assert (job.status, job.return_value) == ("SUCCESSFUL", True)


def test_a_rescheduled_story_leaves_the_old_task_harmless(
    database, django_capture_on_commit_callbacks
):
    soon = timezone.now() + timedelta(milliseconds=200)
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(published_at=soon)
        article.published_at = soon + timedelta(hours=1)
        article.save()
    time.sleep(0.3)

    run_worker()

    old = DBTaskResult.objects.filter(task_path="articles.tasks.story_went_live", run_after=soon)
    assert old.get().return_value is False
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # the new time's task


def test_without_a_worker_nothing_is_queued_and_the_lazy_bump_still_works(immediate, client):
    article = make_article(published_at=timezone.now() + timedelta(milliseconds=300))
    assert article.title not in client.get("/news/").content.decode()

    time.sleep(0.4)

    assert article.title in client.get("/news/").content.decode()
