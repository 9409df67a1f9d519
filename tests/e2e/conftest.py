"""Fixtures for tests against real servers: Daphne subprocesses, a cuttable relay, Chromium.

``daphne`` and ``daphne_factory`` (tests/conftest.py, shared with tests/live) need
``@pytest.mark.django_db(transaction=True)``: the server is another process and
only sees committed rows.
"""

import asyncio
import importlib.util
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from tests.conftest import CHROMIUM, require
from tests.e2e.servers import DaphneServer, Relay

if TYPE_CHECKING:  # Playwright may be missing: the browser tests then skip and say so
    from playwright.sync_api import Browser

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


@dataclass
class SharedChromium:
    browser: "Browser"
    loop: asyncio.AbstractEventLoop  # Playwright's own


@pytest.fixture(scope="package")
def chromium():
    """One headless Debian Chromium for the browser tests of this process, driven by
    Playwright's sync API: launching it (and Playwright's driver) costs a second or two,
    which each test paid before. Tests share the browser, never a context: each opens its
    own (``browser``), with its own cookies and storage, closed when the test ends.

    Playwright's sync API runs an event loop of its own in this thread. While that loop
    shows as running, Django refuses ORM calls and asgiref's ``async_to_sync`` refuses to
    run, and the tests' fixtures write the room through the services (which broadcast)
    before the pages open. So the loop shows as running only during a browser test
    (``browser``): between tests nothing calls Playwright, and the fixtures of the next
    test and pytest-django's flush run as in any other test.
    """
    require(os.path.exists(CHROMIUM), "Chromium", "apt-get install chromium (or set CHROMIUM_PATH)")
    require(
        importlib.util.find_spec("playwright") is not None,
        "Playwright",
        'pip install -e ".[test]"',
    )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=float(os.environ.get("E2E_TIMEOUT_MS", 10_000)))
    with sync_playwright() as playwright:
        shared = SharedChromium(
            playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS),
            asyncio.get_running_loop(),
        )
        asyncio._set_running_loop(None)
        try:
            yield shared
        finally:
            asyncio._set_running_loop(shared.loop)
            shared.browser.close()


@pytest.fixture
def browser(chromium):
    """The shared Chromium, for this test; the contexts it opens are closed when it ends.

    Request it after the fixtures that touch the database: while the test uses the
    browser, Django sees Playwright's event loop running and refuses ORM calls (read the
    database from another thread then, as ``from_db`` helpers do).
    """
    asyncio._set_running_loop(chromium.loop)
    try:
        yield chromium.browser
        for context in chromium.browser.contexts:
            context.close()
    finally:
        asyncio._set_running_loop(None)
