"""``manage.py report_worker``: ``db_worker`` (django-tasks-db) with its options, that
outlives a database restart and takes over the builds of dead workers
(restitution/worker.py). ``make run`` and the deployment's services run this one."""

from django_tasks_db.management.commands import db_worker

from restitution.worker import ReportWorker


class Command(db_worker.Command):
    help = "Run the worker that builds report PDFs (db_worker, resilient)"

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        worker = ReportWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        worker.configure_signals()
        worker.run()
