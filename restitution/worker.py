"""The worker that builds report PDFs: django-tasks-db's own (``db_worker``), made to
outlive its database and to take over builds whose worker died (docs/restitution.md,
"When a worker dies").

- **A database restart** (PostgreSQL "terminating connection due to administrator
  command", a network cut, SQLite's file locked for longer than its timeout) no longer
  ends the process: the loop closes its connections, says so, waits (1 s, doubling up to
  30 s) and carries on.
- **A build whose worker died** (SIGKILL, power cut, out of memory) is handed back to the
  queue by any live worker: a running build's worker touches it every
  ``REPORT_BUILD_HEARTBEAT_SECONDS``; one untouched for four beats has no worker, and is
  queued again, its task with it, instead of waiting for the stale limit.
"""

import logging
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from restitution.models import ReportBuild

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30
MISSED_BEATS = 4  # a running build untouched for this many beats has lost its worker


def heartbeat_seconds() -> float:
    return settings.REPORT_BUILD_HEARTBEAT_SECONDS


def orphaned_after() -> timedelta:
    return timedelta(seconds=heartbeat_seconds() * MISSED_BEATS)


@contextmanager
def heartbeat(build_id: int):
    """While the block runs, the running build says it is alive, from a thread of its own
    (the layout holds the main thread for seconds)."""
    done = threading.Event()

    def beat() -> None:
        try:
            while not done.wait(heartbeat_seconds()):
                try:
                    ReportBuild.objects.filter(
                        pk=build_id, status=ReportBuild.Status.RUNNING
                    ).update(touched=timezone.now())
                except DatabaseError:
                    logger.warning("Could not record that build %s is alive", build_id)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"heartbeat-{build_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def requeue_orphans() -> int:
    """Queues again every running build whose worker stopped beating, and its task;
    returns how many. Each is a conditional update: a build that moved meanwhile, or that
    another worker took back first, is left alone."""
    now = timezone.now()
    silent_since = now - orphaned_after()
    orphans = ReportBuild.objects.filter(
        status=ReportBuild.Status.RUNNING, touched__lt=silent_since
    ).values_list("pk", "task_id")
    requeued = 0
    for build_id, task_id in orphans:
        with transaction.atomic():
            taken = ReportBuild.objects.filter(
                pk=build_id, status=ReportBuild.Status.RUNNING, touched__lt=silent_since
            ).update(status=ReportBuild.Status.QUEUED, step="", progress=0, touched=now)
            if not taken:
                continue
            DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
        logger.warning("Build %s lost its worker: queued again", build_id)
        requeued += 1
    return requeued


class ReportWorker(Worker):
    """``db_worker``'s loop, resumed after a database error instead of exiting, with a
    watcher thread that takes back the builds of dead workers."""

    def run(self) -> None:
        watcher = threading.Thread(target=self.watch, name="orphan-watcher", daemon=True)
        watcher.start()
        delay = 1
        while self.running:
            try:
                return super().run()
            except DatabaseError as error:
                logger.warning(
                    "The database is unreachable (%s); the PDF worker tries again in %s s.",
                    str(error).strip().splitlines()[0] if str(error).strip() else type(error),
                    delay,
                )
                self.close_connections()
                time.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    def watch(self) -> None:
        while self.running:
            try:
                requeue_orphans()
            except DatabaseError as error:
                logger.warning("Could not look for abandoned builds (%s)", error)
            finally:
                connections.close_all()
            time.sleep(heartbeat_seconds())

    @staticmethod
    def close_connections() -> None:
        for connection in connections.all(initialized_only=True):
            try:
                connection.close()
            except DatabaseError:
                connection.connection = None  # already gone: a new one is opened next
