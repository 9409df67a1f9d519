"""The PDF worker outlives its database and the death of another worker
(restitution/worker.py): a connection cut under it is opened again, a build whose worker
was killed is queued again and made by the next worker, and a build under way keeps
saying it is alive."""

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from restitution import builds, services
from restitution.models import ReportBuild
from restitution.worker import ReportWorker, heartbeat, requeue_orphans
from tests.e2e.servers import daphne_env

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, seconds: float = 90, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not within {seconds} s")


def status_of(build: ReportBuild) -> str:
    return ReportBuild.objects.values_list("status", flat=True).get(pk=build.pk)


def worker_process(*extra: str, heartbeat_seconds: int = 1) -> subprocess.Popen:
    env = daphne_env(
        connection.settings_dict,
        redis_url="",
        extra={"REPORT_BUILD_HEARTBEAT_SECONDS": str(heartbeat_seconds)},
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "report_worker", "--no-reload", "--interval", "0.1"]
        + ["--no-startup-delay", *extra],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_build_whose_worker_was_killed_is_made_by_the_next_worker(full_workshop, owner):
    build, _created = services.request_build(workshop=full_workshop, language="fr", user=owner)
    first = worker_process("--worker-id", "first")
    try:
        wait_for(lambda: status_of(build) == "running", step=0.01)
        first.send_signal(signal.SIGKILL)  # mid-build: no handler runs, nothing is marked
        first.wait(10)
    finally:
        first.kill()
    assert status_of(build) == "running"  # stuck, as the probe saw it

    second = worker_process("--worker-id", "second", "--max-tasks", "1")
    try:
        assert second.wait(120) == 0
    finally:
        second.kill()
    build.refresh_from_db()
    assert build.status == "ready" and build.size == len(build.pdf) > 0
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL" and task.worker_ids == ["first", "second"]


def test_only_a_silent_build_is_queued_again(full_workshop, other_workshop, owner, settings):
    settings.REPORT_BUILD_HEARTBEAT_SECONDS = 5
    silent, _ = services.request_build(workshop=full_workshop, language="fr", user=owner)
    alive, _ = services.request_build(workshop=other_workshop, language="fr", user=owner)
    for build in (silent, alive):
        assert builds.claim(build_id=build.pk)
        DBTaskResult.objects.filter(pk=build.task_id).update(status="RUNNING")
    ReportBuild.objects.filter(pk=silent.pk).update(touched=timezone.now() - timedelta(seconds=21))
    ReportBuild.objects.filter(pk=alive.pk).update(touched=timezone.now() - timedelta(seconds=15))

    assert requeue_orphans() == 1
    assert requeue_orphans() == 0  # once
    silent.refresh_from_db()
    assert (silent.status, silent.progress, silent.step) == ("queued", 0, "")
    assert DBTaskResult.objects.get(pk=silent.task_id).status == "READY"
    assert status_of(alive) == "running"
    assert DBTaskResult.objects.get(pk=alive.task_id).status == "RUNNING"


def test_a_build_under_way_says_it_is_alive(workshop, owner, settings):
    settings.REPORT_BUILD_HEARTBEAT_SECONDS = 0.05
    build, _ = services.request_build(workshop=workshop, language="fr", user=owner)
    builds.claim(build_id=build.pk)
    long_ago = timezone.now() - timedelta(hours=1)
    ReportBuild.objects.filter(pk=build.pk).update(touched=long_ago)
    with heartbeat(build.pk):
        wait_for(lambda: ReportBuild.objects.get(pk=build.pk).touched > long_ago, seconds=10)
    assert requeue_orphans() == 0


class ThreadWorker(ReportWorker):
    """The real worker in a thread of the test process, keeping a hand on its connection
    so that the test can take the database away from it."""

    def run(self) -> None:
        self.connection = connections["default"]
        if self.connection.vendor == "sqlite":
            # Gives up on a locked file after 0.2 s instead of 20 s: the test stays short.
            options = {**self.connection.settings_dict["OPTIONS"], "timeout": 0.2}
            self.connection.settings_dict = {**self.connection.settings_dict, "OPTIONS": options}
        try:
            super().run()
        finally:
            connections.close_all()


def take_the_database_away(seconds: float) -> None:
    """PostgreSQL: what its restart does, "terminating connection due to administrator
    command" for every session but ours. SQLite: another process holds the file's write
    lock for longer than the worker waits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        return
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        time.sleep(seconds)
        holder.execute("ROLLBACK")
    finally:
        holder.close()


def test_the_worker_outlives_its_database_connection_being_cut(workshop, owner):
    worker = ThreadWorker(
        queue_names=["default"],
        interval=0.05,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="resilient",
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        wait_for(lambda: getattr(worker, "connection", None) is not None)
        time.sleep(0.3)  # polling
        take_the_database_away(seconds=1.5)
        assert thread.is_alive()
        build, _ = services.request_build(workshop=workshop, language="fr", user=owner)
        wait_for(lambda: status_of(build) == "ready", seconds=120)
    finally:
        worker.running = False
        thread.join(30)
    assert not thread.is_alive()
