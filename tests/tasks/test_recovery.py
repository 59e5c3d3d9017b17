"""A worker killed in the middle of a task loses nothing: the task is run again.

django-tasks-db marks a claimed task RUNNING and never looks back, so a ``kill -9`` would
leave it RUNNING for ever; core.tasks.requeue_abandoned (run by portal's db_worker at start
and once a second) puts it back in the queue.
"""

import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import tasks
from pageviews.tasks import flush_pageviews_if_due
from tests.tasks.conftest import no_reconnects, run_worker

pytestmark = pytest.mark.django_db


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def claimed_by(worker: str, *, started_ago: timedelta = timedelta(0)) -> DBTaskResult:
    result = flush_pageviews_if_due.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - started_ago)
    return row


def test_django_tasks_db_alone_never_runs_an_abandoned_task_again(database):
    row = claimed_by(f"{tasks.worker_id().rsplit(':', 1)[0]}:{dead_pid()}")

    run_worker()

    row.refresh_from_db()
    assert row.status == "RUNNING"


def test_a_dead_worker_on_this_host_has_its_task_run_again_at_once(database):
    row = claimed_by(f"{tasks.worker_id().rsplit(':', 1)[0]}:{dead_pid()}")

    assert tasks.requeue_abandoned() == 1
    run_worker()

    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert len(row.worker_ids) == 2


def test_a_live_worker_keeps_its_task(database):
    row = claimed_by(tasks.worker_id())  # this very process

    assert tasks.requeue_abandoned() == 0
    row.refresh_from_db()
    assert row.status == "RUNNING"


def test_a_task_of_another_host_is_run_again_once_its_lease_expired(database, settings):
    settings.TASKS_LEASE_SECONDS = 60
    young = claimed_by("other-host:123", started_ago=timedelta(seconds=30))
    old = claimed_by("other-host:124", started_ago=timedelta(seconds=90))

    assert tasks.requeue_abandoned() == 1

    young.refresh_from_db()
    old.refresh_from_db()
    assert (young.status, old.status) == ("RUNNING", "READY")


def test_the_db_worker_command_recovers_before_its_first_claim(database):
    row = claimed_by(f"{tasks.worker_id().rsplit(':', 1)[0]}:{dead_pid()}")
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with no_reconnects():
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"


def test_finished_tasks_older_than_a_day_are_pruned(database):
    old = DBTaskResult.objects.get(pk=flush_pageviews_if_due.enqueue().id)
    recent = DBTaskResult.objects.get(pk=flush_pageviews_if_due.enqueue().id)
    run_worker()
    DBTaskResult.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=2))
    waiting = DBTaskResult.objects.get(pk=flush_pageviews_if_due.enqueue().id)

    assert tasks.prune_finished() == 1

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
