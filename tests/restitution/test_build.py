"""The report's PDF built off the request path: a click queues a build (or joins the one
under way), the real `db_worker` of django-tasks runs it, the page shows its progress and
then the download. Also: two clicks at once, two worker processes, a build that fails
and is tried again, a build whose worker died, and who may do what. On SQLite and on
PostgreSQL alike."""

import re
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from restitution import builds, selectors, services
from restitution.models import ReportBuild
from tests.conftest import fr
from tests.restitution.test_report import pdf_text

HTMX = {"HTTP_HX_REQUEST": "true"}


def run_worker() -> None:
    """The worker `make run` starts, until the queue is empty. It installs its own signal
    handlers (Ctrl+C stops it gracefully): the test process gets its own back."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
        )
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def build_url(workshop) -> str:
    return f"/w/{workshop.pk}/report/pdf/build/"


def progress_url(workshop, lang="fr") -> str:
    return f"/w/{workshop.pk}/report/pdf/?lang={lang}"


@pytest.mark.django_db(transaction=True)
def test_click_then_worker_then_download(full_workshop, laptop, tmp_path):
    pk = full_workshop.pk
    assert laptop.get(f"/w/{pk}/report.pdf")["Location"] == progress_url(full_workshop)

    fragment = laptop.post(build_url(full_workshop), {"lang": "fr"}, **HTMX).content.decode()
    build = ReportBuild.objects.get()
    assert (build.status, build.progress, build.language) == ("queued", 0, "fr")
    assert DBTaskResult.objects.get().id.hex == build.task_id.replace("-", "")
    assert 'hx-trigger="every 1s"' in fragment
    assert fr("Waiting for its turn…") in fragment
    assert "data-pdf-download" not in fragment
    # Nothing was rendered on the request path: still no PDF to download.
    assert laptop.get(f"/w/{pk}/report.pdf").status_code == 302

    run_worker()

    build.refresh_from_db()
    assert (build.status, build.progress, build.step) == ("ready", 100, "writing")
    assert build.size == len(build.pdf) > 0
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    fragment = laptop.get(progress_url(full_workshop), **HTMX).content.decode()
    assert "hx-trigger" not in fragment
    assert f'href="/w/{pk}/report.pdf?lang=fr"' in fragment
    response = laptop.get(f"/w/{pk}/report.pdf?lang=fr")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="atelier-{full_workshop.code}.pdf"'
    )
    text = pdf_text(response.content, tmp_path)
    assert full_workshop.title in text
    assert "Temps 2 : les paniers" in text


@pytest.mark.django_db(transaction=True)
def test_in_english(full_workshop, laptop, tmp_path):
    laptop.post(build_url(full_workshop), {"lang": "en"}, **HTMX)
    run_worker()
    response = laptop.get(f"/w/{full_workshop.pk}/report.pdf?lang=en")
    assert "Phase 2: the baskets" in pdf_text(response.content, tmp_path)
    assert response["Content-Disposition"].endswith(f'"atelier-{full_workshop.code}-en.pdf"')
    # The French one is another report, not built yet.
    assert laptop.get(f"/w/{full_workshop.pk}/report.pdf?lang=fr").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_second_click_joins_the_build_under_way(workshop, laptop, cofacilitator, user_client):
    laptop.post(build_url(workshop), {"lang": "fr"}, **HTMX)
    laptop.post(build_url(workshop), {"lang": "fr"}, **HTMX)
    user_client(cofacilitator).post(build_url(workshop), {"lang": "fr"}, **HTMX)
    assert ReportBuild.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    # Another language waits for this one (one build at a time per workshop).
    assert laptop.post(build_url(workshop), {"lang": "en"}, **HTMX).status_code == 409
    assert ReportBuild.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_make_one_build(workshop, owner):
    """Each click in a thread of its own, with its own connection. The first holds its
    transaction open after inserting its build: the second cannot see that row yet, so it
    inserts its own, which the partial unique index holds (PostgreSQL) or which waits for
    the write lock (SQLite), and ends joining the first."""
    inserted, release = threading.Event(), threading.Event()
    results = {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = services.request_build(
                    workshop=workshop, language="fr", user=owner
                )
                inserted.set()
                release.wait(10)
        finally:
            connection.close()

    def second():
        try:
            inserted.wait(10)
            results["second"] = services.request_build(workshop=workshop, language="fr", user=owner)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    inserted.wait(10)
    threads[1].join(0.5)  # gives the second click time to reach the database and wait
    release.set()
    for thread in threads:
        thread.join(30)

    (build, created), (joined, created_again) = results["first"], results["second"]
    assert created and not created_again
    assert joined.pk == build.pk
    assert ReportBuild.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_build_says_why_and_can_be_tried_again(full_workshop, laptop, settings):
    # A real limit of the server, not a stand-in for the renderer: the PDF is too large
    # to be kept.
    settings.REPORT_PDF_MAX_BYTES = 1000
    laptop.post(build_url(full_workshop), {"lang": "fr"}, **HTMX)
    run_worker()

    failed = ReportBuild.objects.without_pdf().get()
    assert failed.status == "failed" and failed.pdf == b""
    with translation.override("fr"):
        limit = filesizeformat(1000)
    assert failed.error.startswith("Le PDF pèse ")  # in the language it was asked in
    assert limit in failed.error and "REPORT_PDF_MAX_BYTES" in failed.error
    assert DBTaskResult.objects.get().status == "FAILED"
    fragment = laptop.get(progress_url(full_workshop), **HTMX).content.decode()
    assert "hx-trigger" not in fragment
    assert "REPORT_PDF_MAX_BYTES" in fragment
    assert fr("Try again") in fragment
    assert laptop.get(f"/w/{full_workshop.pk}/report.pdf").status_code == 302

    settings.REPORT_PDF_MAX_BYTES = 50 * 1024 * 1024
    laptop.post(build_url(full_workshop), {"lang": "fr"}, **HTMX)
    run_worker()
    # The new PDF is kept; the failure before it is forgotten.
    assert ReportBuild.objects.get().status == "ready"
    assert laptop.get(f"/w/{full_workshop.pk}/report.pdf")["Content-Type"] == "application/pdf"


@pytest.mark.django_db(transaction=True)
def test_a_build_whose_worker_died_can_be_started_again(workshop, laptop):
    laptop.post(build_url(workshop), {"lang": "fr"}, **HTMX)
    old = ReportBuild.objects.get()
    # A worker took it, then died: it is running and has not moved for an hour.
    assert builds.claim(build_id=old.pk)
    builds.record_step(build_id=old.pk, step="layout")
    ReportBuild.objects.filter(pk=old.pk).update(touched=timezone.now() - timedelta(hours=1))

    fragment = laptop.get(progress_url(workshop), **HTMX).content.decode()
    assert "hx-trigger" not in fragment
    assert fr("Try again") in fragment
    laptop.post(build_url(workshop), {"lang": "fr"}, **HTMX)
    old.refresh_from_db()
    assert old.status == "failed" and old.error
    new = ReportBuild.objects.pending().get()
    assert new.pk != old.pk

    # The dead worker's late end changes nothing; the real worker builds the new one (the
    # old task, still queued in this test, finds its build taken over and does nothing).
    builds.finish(build_id=old.pk, pdf=b"%PDF-late")
    run_worker()
    new.refresh_from_db()
    assert new.status == "ready"
    assert list(ReportBuild.objects.values_list("pk", flat=True)) == [new.pk]


@pytest.mark.django_db(transaction=True)
def test_only_the_latest_ready_pdf_is_kept(workshop, laptop):
    for _round in range(2):
        laptop.post(build_url(workshop), {"lang": "fr"}, **HTMX)
        run_worker()
    latest = ReportBuild.objects.get()
    assert latest.status == "ready"
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_without_scripts(workshop, laptop):
    """The form posts, the page refreshes itself until the PDF is ready."""
    response = laptop.post(build_url(workshop), {"lang": "fr"})
    assert response.status_code == 302 and response["Location"] == progress_url(workshop)
    page = laptop.get(progress_url(workshop)).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "<html" in page
    run_worker()
    page = laptop.get(progress_url(workshop)).content.decode()
    assert "http-equiv" not in page
    assert "data-pdf-download" in page


@pytest.mark.django_db(transaction=True)
def test_the_pages_offer_the_build(workshop, laptop):
    page = laptop.get(f"/w/{workshop.pk}/exports/").content.decode()
    assert 'id="report-build-fr"' in page and 'id="report-build-en"' in page
    assert page.index('id="report-build-fr"') < page.index('id="report-build-en"')


@pytest.mark.django_db(transaction=True)
def test_the_preview_button_posts_its_form(workshop, owner):
    """The preview is a page of its own, without htmx: its form must carry the CSRF token."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    preview = browser.get(f"/w/{workshop.pk}/report/?lang=en").content.decode()
    assert f'action="{build_url(workshop)}"' in preview
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', preview).group(1)
    response = browser.post(build_url(workshop), {"lang": "en", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == progress_url(workshop, "en")
    assert ReportBuild.objects.get().language == "en"


@pytest.mark.django_db(transaction=True)
def test_the_state_is_read_in_one_query(workshop, laptop, django_assert_num_queries):
    laptop.post(build_url(workshop), {"lang": "fr"}, **HTMX)
    run_worker()
    with django_assert_num_queries(1):
        state = selectors.build_state(workshop, "fr")
    assert state.ready == state.current and not state.polling


@pytest.mark.django_db(transaction=True)
def test_strangers_start_nothing(
    workshop, other_facilitator, user_client, participant_client, alice
):
    for client in (user_client(other_facilitator), participant_client(alice)):
        response = client.post(build_url(workshop), {"lang": "fr"}, **HTMX)
        assert response.status_code in (302, 404)
    assert not ReportBuild.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_workshop_deleted_meanwhile_leaves_the_worker_nothing_to_do(workshop, laptop):
    laptop.post(build_url(workshop), {"lang": "fr"}, **HTMX)
    workshop.delete()
    assert not ReportBuild.objects.exists()
    run_worker()
    task = DBTaskResult.objects.get()
    assert (task.status, task.return_value) == ("SUCCESSFUL", 0)


@pytest.mark.django_db(transaction=True)
def test_an_unexpected_error_is_logged_and_the_build_can_be_tried_again(
    workshop, laptop, monkeypatch, caplog
):
    """Stands in for any bug of the renderer (the real failure above is the size limit)."""

    def broken(workshop):
        raise RuntimeError("the report broke")

    monkeypatch.setattr("restitution.pdf.report", broken)
    laptop.post(build_url(workshop), {"lang": "en"}, **HTMX)
    run_worker()
    failed = ReportBuild.objects.get()
    assert failed.status == "failed"
    assert failed.error.startswith("Something went wrong while building the PDF.")
    assert "the report broke" in caplog.text
    assert "the report broke" in DBTaskResult.objects.get().traceback

    monkeypatch.undo()
    laptop.post(build_url(workshop), {"lang": "en"}, **HTMX)
    run_worker()
    assert ReportBuild.objects.get().status == "ready"


def test_make_run_starts_the_worker_beside_daphne_and_again_when_it_dies():
    """`make run` alone builds PDFs: its recipe starts the worker, starts it again when it
    exits with an error (and says so), and stops it with Daphne."""
    from django.conf import settings

    recipe = subprocess.run(
        ["make", "-n", "-o", ".venv/.run-deps", "run"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    worker, daphne = recipe.index("manage.py report_worker --no-reload"), recipe.index("daphne -b")
    assert worker < daphne
    loop = recipe[recipe.rindex("while :", 0, worker) : daphne]
    assert "starting it again" in loop and "break" in loop
    assert "trap 'kill $worker" in loop


@pytest.mark.django_db(transaction=True)
def test_the_admin_lists_the_builds_without_their_pdf(workshop, laptop, staff_user, user_client):
    laptop.post(build_url(workshop), {"lang": "fr"}, **HTMX)
    run_worker()
    build = ReportBuild.objects.without_pdf().get()
    admin = user_client(staff_user)
    assert admin.get("/admin/restitution/reportbuild/").status_code == 200
    page = admin.get(f"/admin/restitution/reportbuild/{build.pk}/change/")
    assert page.status_code == 200 and "%PDF" not in page.content.decode(errors="replace")


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_run_each_build_once(
    workshop, other_workshop, owner, other_facilitator, territories
):
    """Two `db_worker` processes on the same queue, as on a deployment with several:
    each task is claimed by one of them (SELECT … FOR UPDATE SKIP LOCKED) and each
    build is made once. Four workshops, two organisers (a few builds each at most)."""
    from django.conf import settings

    from tests.e2e.servers import daphne_env
    from workshops import services as workshop_services

    more = {
        user: workshop_services.workshop_create(
            created_by=user, title="Encore un", territories=territories, table_count=1
        )
        for user in (owner, other_facilitator)
    }
    for room, user, lang in (
        (workshop, owner, "fr"),
        (more[owner], owner, "en"),
        (other_workshop, other_facilitator, "fr"),
        (more[other_facilitator], other_facilitator, "en"),
    ):
        services.request_build(workshop=room, language=lang, user=user)
    env = daphne_env(connection.settings_dict, redis_url="")
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--batch", "--interval", "0"]
            + ["--no-startup-delay", "--worker-id", f"worker-{n}"],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        for n in (1, 2)
    ]
    for worker in workers:
        assert worker.wait(120) == 0

    assert set(ReportBuild.objects.values_list("status", flat=True)) == {"ready"}
    tasks = list(DBTaskResult.objects.all())
    assert len(tasks) == 4
    for task in tasks:
        assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 1
        assert task.return_value > 0  # it built its PDF: not a second run that found it taken
