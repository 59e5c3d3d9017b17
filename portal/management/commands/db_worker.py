"""django-tasks-db's ``db_worker``, plus what it lacks: recovery of the tasks a killed worker
had claimed, and the periodic tasks apps register (core/tasks.py).

Options are db_worker's own; the worker id defaults to host:pid so that a restarted worker
on the same host recognises its dead predecessor's tasks at once.
"""

from django_tasks_db.management.commands import db_worker

from core import tasks


class Command(db_worker.Command):
    help = db_worker.Command.help + " (with recovery of killed workers' tasks and periodic tasks)"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=tasks.worker_id())

    def handle(self, *args, **options):
        # Before the first claim: a task left RUNNING by this host's killed worker goes first.
        tasks.requeue_abandoned()
        scheduler = tasks.Scheduler()
        if not options.get("batch"):
            scheduler.start()
        try:
            return super().handle(*args, **options)
        finally:
            scheduler.stopped.set()
