"""The read-count flush as a task: the worker runs it every PAGEVIEWS_FLUSH_CHECK_SECONDS
(core/tasks.py's scheduler), so app servers spend no time on it. Without a worker each app
process's flusher thread does it (pageviews.services.flusher_start)."""

from django_tasks import task

from pageviews import services


@task()
def flush_pageviews_if_due() -> int:
    result = services.pageviews_flush_if_due()
    return result.reads if result else 0
