"""Background work on django-tasks: enqueueing with the change that asks for it, deferred and
periodic tasks, and getting back the tasks a killed worker was running.

The backend is the setting's (portal/settings.py): ``ImmediateBackend`` runs a task inside the
call that enqueues it, so the site works with no worker; the database backend
(django-tasks-db) stores it for ``manage.py db_worker``.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a
worker killed mid-task (``kill -9``, OOM, a lost machine) leaves it RUNNING for ever.
``requeue_abandoned`` puts such tasks back in the queue, either at once (the worker that
claimed it ran on this host and its process is gone) or once ``TASKS_LEASE_SECONDS`` have
passed. Every task here must therefore be safe to run twice.

Apps register periodic tasks from their ``AppConfig.ready()`` with ``periodic``; the worker's
scheduler thread (``Scheduler``) enqueues each when it is due, unless one is already waiting
or running, so several workers do not pile them up.
"""

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus

logger = logging.getLogger(__name__)


@dataclass
class Periodic:
    task: object
    every: float
    last: float = 0.0


_periodic: dict[str, Periodic] = {}


def worker_configured() -> bool:
    """Whether tasks wait for a worker (else they run where they are enqueued)."""
    return task_backends["default"].supports_defer


def enqueue_with_transaction(task, *args, **kwargs) -> None:
    """Enqueue ``task`` as part of the change that asks for it.

    With the database queue the task's row is written in the surrounding transaction, so it
    commits or rolls back with the change: a server killed right after the commit cannot
    lose it, and the worker never sees it before the rows it needs. Without a worker the task
    runs once the change has committed, and its failure never undoes the change.
    """
    if worker_configured():
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: _enqueue_logged(task, args, kwargs))


def enqueue_at(task, when: datetime, *args, **kwargs) -> bool:
    """Run ``task`` at ``when`` on a worker, enqueued with the surrounding transaction; False
    when no worker is configured (the caller then needs another way to get there, such as
    core.cache's bump on read)."""
    if not worker_configured():
        return False
    task.using(run_after=when).enqueue(*args, **kwargs)
    return True


def _enqueue_logged(task, args, kwargs) -> None:
    try:
        task.enqueue(*args, **kwargs)
    except Exception:
        # The save that asked for it has committed; a task that failed inline (immediate
        # backend) or a queue that does not answer must not turn it into an error page.
        logger.exception("tasks: %s failed to enqueue or run", task.module_path)


def periodic(task, *, every: float) -> None:
    """Have the worker run ``task`` (no arguments) every ``every`` seconds."""
    _periodic[task.module_path] = Periodic(task=task, every=every)


def periodic_tasks() -> dict[str, Periodic]:
    return _periodic


# --- recovery --------------------------------------------------------------------------------


def worker_id() -> str:
    """Host and pid: enough for a worker on the same host to tell that this one is gone."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def _is_dead_local(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def requeue_abandoned(*, lease_seconds: float | None = None) -> int:
    """Put tasks orphaned by a killed worker back in the queue; return how many."""
    from django_tasks_db.models import DBTaskResult

    lease = settings.TASKS_LEASE_SECONDS if lease_seconds is None else lease_seconds
    expired_before = timezone.now() - timedelta(seconds=lease)
    requeued = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    for row in running.only("id", "started_at", "worker_ids"):
        last_worker = row.worker_ids[-1] if row.worker_ids else ""
        if not (
            _is_dead_local(last_worker) or (row.started_at or expired_before) <= expired_before
        ):
            continue
        # Conditional on the claim it had, so a task that finished meanwhile stays finished.
        requeued += DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        ).update(status=TaskResultStatus.READY, started_at=None)
    if requeued:
        logger.warning("tasks: %d task(s) of a killed worker are queued again", requeued)
    return requeued


# --- the worker's scheduler ------------------------------------------------------------------


def enqueue_due_periodic(*, now: float | None = None) -> list[str]:
    """Enqueue each periodic task that is due and not already waiting or running."""
    from django_tasks_db.models import DBTaskResult

    now = time.monotonic() if now is None else now
    enqueued = []
    for path, entry in _periodic.items():
        if now - entry.last < entry.every:
            continue
        entry.last = now
        pending = DBTaskResult.objects.filter(
            task_path=path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        )
        if pending.exists():
            continue
        entry.task.enqueue()
        enqueued.append(path)
    return enqueued


def prune_finished(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Drop finished tasks' rows: the periodic flush alone adds thousands a day."""
    from django_tasks_db.models import DBTaskResult

    deleted, _ = (
        DBTaskResult.objects.finished().filter(finished_at__lt=timezone.now() - older_than).delete()
    )
    return deleted


class Scheduler(threading.Thread):
    """Runs beside db_worker's loop: recovery, then periodic tasks, once a second."""

    PRUNE_EVERY = 3600.0

    def __init__(self, *, tick: float = 1.0):
        super().__init__(name="tasks-scheduler", daemon=True)
        self.tick = tick
        self.stopped = threading.Event()
        self.pruned = 0.0

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                requeue_abandoned()
                enqueue_due_periodic()
                if time.monotonic() - self.pruned > self.PRUNE_EVERY:
                    self.pruned = time.monotonic()
                    prune_finished()
            except Exception:
                logger.exception("tasks: scheduler tick failed")
            finally:
                close_old_connections()
            self.stopped.wait(self.tick)
