"""Fixtures for tests against real servers: Daphne subprocesses, a cuttable relay, Chromium.

``daphne`` and ``daphne_factory`` (tests/fixtures/servers.py, shared with tests/live) need
``@pytest.mark.django_db(transaction=True)``: the server is another process and
only sees committed rows.
"""

import asyncio
import importlib.util
import os

import pytest

from tests.conftest import require
from tests.e2e.servers import DaphneServer, Relay

# Debian's Chromium: Playwright's own browser download is not used.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def relay_to():
    """``relay_to(server)``: a relay in front of a server, which a test can cut and restore."""
    relays: list[Relay] = []

    def make(server: DaphneServer) -> Relay:
        relays.append(Relay(server.port))
        return relays[-1]

    yield make
    for relay in relays:
        relay.close()


class _SharedChromium:
    """One Playwright driver and one Chromium per test process, lent to each browser test.

    Starting Playwright's driver and Chromium costs about 1.2 s of CPU; a fresh context in
    a running Chromium costs about 0.25 s (docs/performance.md, "The test suite"). Each
    test gets its own contexts (cookies, storage and cache of its own) and they are all
    closed when it ends, which drops every connection it opened.

    Playwright's sync API marks its event loop as running in this thread after each
    call. Django then refuses database calls, and ``asyncio.run`` or ``async_to_sync``
    refuse to start, so between browser tests the loop is marked as not running: the
    tests that follow in this process see a plain thread again.
    """

    def __init__(self):
        self.playwright = None
        self.loop = None  # Playwright's event loop, once started
        self.chromium = None

    def lend(self, chromium_path: str):
        if self.playwright is None:
            from playwright.sync_api import sync_playwright

            self.playwright = sync_playwright().start()
            self.loop = asyncio.get_running_loop()
        else:
            asyncio._set_running_loop(self.loop)
        if self.chromium is None or not self.chromium.is_connected():
            self.chromium = self.playwright.chromium.launch(
                executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
            )
        return self.chromium

    def take_back(self, failed: bool = False):
        try:
            if failed:  # where each page was (Chromium's error page, the login form...)
                for number, page in enumerate(self.pages(), start=1):
                    print(f"\n===== page {number}: {page.url}")
            for context in self.chromium.contexts:
                context.close()
        finally:
            asyncio._set_running_loop(None)

    def pages(self):
        return [page for context in self.chromium.contexts for page in context.pages]

    def stop(self):
        if self.playwright is None:
            return
        asyncio._set_running_loop(self.loop)
        try:
            if self.chromium is not None and self.chromium.is_connected():
                self.chromium.close()
        finally:
            self.playwright.stop()


@pytest.fixture(scope="session")
def _shared_chromium():
    shared = _SharedChromium()
    yield shared
    shared.stop()


@pytest.fixture
def browser(chromium_path, _shared_chromium, request):
    """A headless Debian Chromium driven by Playwright's sync API, lent to this test.

    Request it after the fixtures that touch the database: while the test holds it,
    Django sees an event loop and refuses ORM calls. Every context the test opens is
    closed when it ends.
    """
    require(
        importlib.util.find_spec("playwright") is not None,
        "Playwright",
        'pip install -e ".[test]"',
    )
    from playwright.sync_api import expect

    expect.set_options(timeout=float(os.environ.get("E2E_TIMEOUT_MS", 10_000)))
    chromium = _shared_chromium.lend(chromium_path)
    failed_before = request.session.testsfailed
    try:
        yield chromium
    finally:
        _shared_chromium.take_back(failed=request.session.testsfailed > failed_before)
