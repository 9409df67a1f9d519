"""Fixtures for tests against real servers: Daphne subprocesses, a cuttable relay, Chromium.

``daphne`` and ``daphne_factory`` (tests/fixtures/servers.py, shared with tests/live) need
``@pytest.mark.django_db(transaction=True)``: the server is another process and
only sees committed rows.
"""

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


@pytest.fixture
def browser(chromium_path):
    """A headless Debian Chromium driven by Playwright's sync API, one per test.

    Request it after the fixtures that touch the database: while Playwright's
    sync API runs, Django sees an event loop and refuses ORM calls.

    One browser per test, not per process: Playwright's sync API must start and stop
    within the test (its event loop would make Django refuse the next tests' database
    calls), and that driver is most of what a launch costs (about 1 s of CPU); one
    Chromium per worker reached over CDP saved 0.17 s a test (docs/performance.md).
    Closing the browser drops every connection the test opened at once.
    """
    require(
        importlib.util.find_spec("playwright") is not None,
        "Playwright",
        'pip install -e ".[test]"',
    )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=float(os.environ.get("E2E_TIMEOUT_MS", 10_000)))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
