"""Both task backends: immediate (no worker, the default) and the database queue that
``manage.py db_worker`` empties. ``run_worker`` empties it in this process, as the worker would.
"""

from unittest import mock

import pytest
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker

# The newsroom logins, and the Redis buffer fixtures of the counting tests (a Redis of the
# tests' own, never a site's).
from tests.pageviews.conftest import _pageviews_settings, redis_client  # noqa: F401

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def database(settings):
    settings.TASKS = DATABASE


@pytest.fixture(params=["immediate", "database"])
def backend(request, settings):
    settings.TASKS = IMMEDIATE if request.param == "immediate" else DATABASE
    return request.param


def no_reconnects():
    # The worker drops connections it deems unusable; inside a test's transaction that is
    # every connection (autocommit is off), which would end the test's transaction.
    return mock.patch.object(db_worker, "close_old_connections", lambda: None)


def run_worker(worker_id: str = "test-host:1") -> None:
    """Run every task that is due, then return (db_worker --batch without its signals)."""
    with no_reconnects():
        _worker(worker_id).run()


def _worker(worker_id: str) -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
