"""The report's PDF end to end: a real Daphne, a real `db_worker` process, Chromium.

The facilitator clicks "build" on the exports page of one Daphne: the block shows the
build queued, with its progress bar and no second button. The worker starts (as `make
run` starts it), the polling block turns into a download link, and the file is the
workshop's report, downloaded from another Daphne process that never saw the click. Elements are found by ids and data attributes, never by text.
"""

import subprocess
import sys

import pytest

from tests.e2e.screens import sign_in
from tests.e2e.servers import BASE_DIR, stop_process
from tests.e2e.test_accessibility import blocking_violations
from tests.e2e.test_csp import READ_VIOLATIONS, WATCH_VIOLATIONS

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUILD_TIMEOUT_MS = 60_000  # the worker's start (Django's import) and the build


@pytest.fixture
def start_worker(tmp_path, request):
    """``start_worker(server)``: `manage.py db_worker` on the server's database, as
    `make run` starts it beside Daphne; stopped at the end, its log shown on failure."""
    workers = []
    log_path = tmp_path / "db_worker.log"
    failed_before = request.session.testsfailed

    def start(server):
        with log_path.open("ab") as log:
            workers.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "db_worker", "--no-reload"],
                    cwd=BASE_DIR,
                    env=server.env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    yield start
    for worker in workers:
        stop_process(worker)
    if request.session.testsfailed > failed_before and log_path.exists():
        print(f"\n===== db_worker log =====\n{log_path.read_text(errors='replace')}")


def test_build_progress_then_download(
    chromium_path, workshop, daphne_factory, start_worker, browser, tmp_path
):
    first, second = daphne_factory(), daphne_factory()
    context = browser.new_context(base_url=first.url, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.add_init_script(WATCH_VIOLATIONS)
    sign_in(page, f"/w/{workshop.pk}/exports/")

    block = page.locator("#report-build-fr")
    block.locator("[data-pdf-build]").click()
    # No worker yet: the build waits, its progress bar shows, and there is no second button.
    expect(block).to_have_attribute("data-status", "queued")
    expect(block.locator("progress")).to_be_visible()
    expect(block.locator("[data-pdf-build]")).to_have_count(0)
    assert blocking_violations(page) == []

    start_worker(first)
    expect(block.locator("[data-pdf-download]")).to_be_visible(timeout=BUILD_TIMEOUT_MS)
    expect(block).to_have_attribute("data-status", "ready")
    assert page.evaluate(READ_VIOLATIONS) == []
    assert blocking_violations(page) == []

    # The other process shows the same build and serves the same file (cookies are per
    # host, not per port: the same signed-in session).
    other = context.new_page()
    other.goto(f"{second.url}/w/{workshop.pk}/exports/")
    expect(other.locator("#report-build-fr")).to_have_attribute("data-status", "ready")
    with other.expect_download() as downloading:
        other.locator("#report-build-fr [data-pdf-download]").click()
    path = tmp_path / "report.pdf"
    downloading.value.save_as(path)
    text = subprocess.run(
        ["/usr/bin/pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert workshop.title in text
    context.close()
